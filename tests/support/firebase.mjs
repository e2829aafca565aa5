// The real Firebase Auth emulator (npm firebase-tools, pinned in package-lock.json), started on
// free loopback ports for one test file and stopped after it. Offline: a `demo-` project needs no
// credentials, and a pre-seeded configstore keeps the CLI from fetching its message of the day.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { root } from './devserver.mjs';

const PROJECT = 'demo-wasm-auth-client';
export const FIREBASE_API_KEY = 'fake-api-key';

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
  const child = spawn(process.execPath, [path.join(root, 'node_modules/firebase-tools/lib/bin/firebase.js'), 'emulators:start', '--only', 'auth', '--project', PROJECT], {
    cwd: dir,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, '.config'), NO_UPDATE_NOTIFIER: '1', FIREBASE_CLI_EXPERIMENTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${auth}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Firebase emulator exited: ${output}`);
    if (Date.now() - started > 90_000) {
      child.kill('SIGKILL');
      throw new Error(`the Firebase emulator did not start within 90 s: ${output}`);
    }
    const ready = await fetch(url).then((r) => r.ok, () => false);
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const api = (method, body) =>
    fetch(`${url}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=${FIREBASE_API_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  return {
    url,
    apiKey: FIREBASE_API_KEY,
    projectId: PROJECT,
    /** Creates an account (email confirmed or not: Firebase lets both sign in). */
    signUp: (email, password) => api('signUp', { email, password, returnSecureToken: true }),
    /** The newest reset code and link sent to `email`, as the emulator records them. */
    async lastReset(email) {
      const { oobCodes = [] } = await fetch(`${url}/emulator/v1/projects/${PROJECT}/oobCodes`).then((r) => r.json());
      const mine = oobCodes.filter((c) => c.email === email && c.requestType === 'PASSWORD_RESET');
      const last = mine.at(-1);
      return last ? { token: last.oobCode, link: last.oobLink } : null;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
