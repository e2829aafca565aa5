// The platform contract against a real PocketBase server, through a fault proxy, in Node and in
// headless Chromium.
import { contractSuites } from './suites.mjs';
import { startPocketBase } from '../support/pocketbase.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';

contractSuites({
  entry: 'pocketbase',
  descriptor: 'pocketbase-platform.mjs',
  async start() {
    const server = await startPocketBase();
    // A second auth collection with the shortest reset lifetime PocketBase allows: the expired
    // credential scenario, and the `collection` option.
    await server.createAuthCollection('short_resets', { resetSeconds: 10 }).catch(async (error) => {
      await server.stop();
      throw error;
    });
    const proxy = await startFaultProxy(server.url);
    return {
      where: { serverUrl: server.url, proxyUrl: proxy.url },
      async stop() {
        await proxy.stop();
        await server.stop();
      },
    };
  },
});
