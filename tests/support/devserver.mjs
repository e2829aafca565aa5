// Starts a real auth-devserver process on a free loopback port for one test file, and stops it.
// Used by the conformance suite and, later, the client's JS-level tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import readline from 'node:readline';
import net from 'node:net';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEVSERVER_BIN = process.env.AUTH_DEVSERVER_BIN ?? path.join(root, 'target/debug/auth-devserver');

/**
 * @param {Record<string, string>} env GoTrue configuration (GOTRUE_* names) for this server.
 * @param {string[]} args extra flags (`--www`, `--pkg`, or `--port`/`--db` instead of a free port and memory).
 * @returns {Promise<{url: string, anonKey: string, serviceKey: string, stop: () => Promise<void>, dev: DevAids}>}
 */
export async function startDevserver(env = {}, args = []) {
  const defaults = [...(args.includes('--port') ? [] : ['--port', '0']), ...(args.includes('--db') ? [] : ['--db', ':memory:'])];
  const child = spawn(DEVSERVER_BIN, [...defaults, ...args], {
    env: { ...process.env, AUTH_DEVSERVER_BCRYPT_COST: '4', RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: child.stdout });
  const info = {};
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('auth-devserver did not start within 20 s')), 20_000);
    child.once('exit', (code) => reject(new Error(`auth-devserver exited early with ${code}`)));
    lines.on('line', (line) => {
      const [key, value] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()];
      if (key === 'anon key') info.anonKey = value;
      if (key === 'service_role key') info.serviceKey = value;
      if (key === 'wacht api key') info.wachtApiKey = value;
      const listening = line.match(/^listening on (http:\/\/\S+)/);
      if (listening) {
        info.url = listening[1];
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  return { ...info, stop, dev: new DevAids(info.url) };
}

/** The devserver's /_dev/ test aids. */
export class DevAids {
  constructor(url) {
    this.url = url;
  }
  async #json(method, pathname, body) {
    const response = await fetch(this.url + pathname, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${await response.text()}`);
    return response.status === 204 || response.status === 201 ? null : response.json();
  }
  /** Mail sent to `email`, oldest first. */
  outbox(email, { last } = {}) {
    return this.#json('GET', `/_dev/outbox?email=${encodeURIComponent(email)}${last ? `&last=${last}` : ''}`);
  }
  async lastMail(email) {
    const mails = await this.outbox(email, { last: 1 });
    if (mails.length === 0) throw new Error(`no mail to ${email}`);
    return mails[mails.length - 1];
  }
  requests(pathname) {
    return this.#json('GET', `/_dev/requests${pathname ? `?path=${encodeURIComponent(pathname)}` : ''}`);
  }
  clearRequests() {
    return this.#json('DELETE', '/_dev/requests');
  }
  addFault(fault) {
    return this.#json('POST', '/_dev/faults', fault);
  }
  clearFaults() {
    return this.#json('DELETE', '/_dev/faults');
  }
  advanceClock(seconds) {
    return this.#json('POST', '/_dev/clock', { seconds });
  }
}

let counter = 0;
/** A fresh address per call, so tests never share users. */
export function freshEmail(prefix = 'user') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.test`;
}

/** `http://127.0.0.1:PORT` of a port that was just bound and closed: connecting is refused. */
export async function closedPortUrl() {
  const listener = net.createServer();
  await new Promise((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address();
  await new Promise((resolve) => listener.close(resolve));
  return `http://127.0.0.1:${port}`;
}
