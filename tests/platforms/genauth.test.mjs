// The platform contract against the devserver's GenAuth stand-in (a hosted service cannot run
// here), through a fault proxy, in Node and in headless Chromium — once per password encryption.
import { contractSuites } from './suites.mjs';
import { startDevserver } from '../support/devserver.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';

for (const passwordEncrypt of ['none', 'rsa', 'sm2']) {
  contractSuites({
    label: `genauth, passwordEncrypt: '${passwordEncrypt}'`,
    entry: 'genauth',
    descriptor: 'genauth-platform.mjs',
    lacks: { links: "GenAuth's reset email carries a pass code, no link" },
    async start() {
      const server = await startDevserver();
      const proxy = await startFaultProxy(server.url);
      return {
        where: { serverUrl: server.url, proxyUrl: proxy.url, passwordEncrypt },
        async stop() {
          await proxy.stop();
          await server.stop();
        },
      };
    },
  });
}
