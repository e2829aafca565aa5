// The platform contract against the real Firebase Auth emulator, through a fault proxy, in Node
// and in headless Chromium.
import { contractSuites } from './suites.mjs';
import { startFirebaseEmulator } from '../support/firebase.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';

contractSuites({
  entry: 'firebase',
  descriptor: 'firebase-platform.mjs',
  lacks: { expiringResets: 'the Auth emulator never expires oobCodes (EXPIRED_OOB_CODE is mapped in src/firebase unit tests)' },
  async start() {
    const emulator = await startFirebaseEmulator();
    const proxy = await startFaultProxy(emulator.url);
    return {
      where: { emulatorUrl: emulator.url, proxyUrl: proxy.url, apiKey: emulator.apiKey, projectId: emulator.projectId },
      async stop() {
        await proxy.stop();
        await emulator.stop();
      },
    };
  },
});
