// The platform contract against the devserver's GenAuth stand-in (a hosted service cannot run
// here), through a fault proxy, in Node and in headless Chromium — once per password encryption.
import { contractSuites, devserverBehindProxy } from './suites.mjs';

for (const passwordEncrypt of ['none', 'rsa', 'sm2']) {
  contractSuites({
    label: `genauth, passwordEncrypt: '${passwordEncrypt}'`,
    entry: 'genauth',
    descriptor: 'genauth-platform.mjs',
    lacks: { links: "GenAuth's reset email carries a pass code, no link" },
    start: () => devserverBehindProxy({ passwordEncrypt }),
  });
}
