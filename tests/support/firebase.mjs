// The real Firebase Auth emulator (npm firebase-tools, pinned in package-lock.json), started on
// free loopback ports for one test file and stopped after it. Offline: a `demo-` project needs no
// credentials, and a pre-seeded configstore keeps the CLI from fetching its message of the day.
// Accounts and reset codes: tests/platforms/firebase-platform.mjs, over the emulator's REST API.
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './devserver.mjs';
import { freePort, startProcess } from './process.mjs';

const PROJECT = 'demo-wasm-auth-client';
export const FIREBASE_API_KEY = 'fake-api-key';

export async function startFirebaseEmulator() {
  const dir = mkdtempSync(path.join(tmpdir(), 'firebase-emulator-'));
  const [auth, hub, logging] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(path.join(dir, 'firebase.json'), JSON.stringify({
    emulators: {
      auth: { host: '127.0.0.1', port: auth },
      hub: { host: '127.0.0.1', port: hub },
      logging: { host: '127.0.0.1', port: logging },
      ui: { enabled: false },
      singleProjectMode: true,
    },
  }));
  mkdirSync(path.join(dir, '.config/configstore'), { recursive: true });
  writeFileSync(path.join(dir, '.config/configstore/firebase-tools.json'), JSON.stringify({ motd: { fetched: 9_999_999_999_999 }, usage: false }));
  const url = `http://127.0.0.1:${auth}`;
  const server = await startProcess('the Firebase emulator', process.execPath, [path.join(root, 'node_modules/firebase-tools/lib/bin/firebase.js'), 'emulators:start', '--only', 'auth', '--project', PROJECT], {
    cwd: dir,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, '.config'), NO_UPDATE_NOTIFIER: '1', FIREBASE_CLI_EXPERIMENTS: '' },
    readyUrl: url,
    timeoutMs: 90_000,
  });
  return {
    url,
    apiKey: FIREBASE_API_KEY,
    projectId: PROJECT,
    async stop() {
      await server.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
