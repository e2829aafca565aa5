// The same npm package, unchanged, in Cloudflare workerd (miniflare), Deno, Bun and Node: each
// runs the example reset API (examples/) against a real devserver; the test drives it over HTTP.
// Runtime binaries come from the npm registry (package-lock.json).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { Miniflare } from 'miniflare';
import { startDevserver, freshEmail, root } from '../support/devserver.mjs';

const bin = (name) => path.join(root, 'node_modules/.bin', name);

/** A runtime process serving the example; resolves once it prints its URL. */
async function spawnServer(command, args, env) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env, PORT: '0', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const match = line.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startWorkerd(env) {
  const module = (file) => ({ type: 'ESModule', path: path.join(root, file) });
  const mf = new Miniflare({
    modulesRoot: root,
    modules: [
      module('examples/workerd/worker.mjs'),
      module('examples/shared/reset-api.mjs'),
      // workerd resolves a bare import beside the importer; wrangler would bundle the package's
      // "workerd" entry there. This stands in for that step.
      { type: 'ESModule', path: path.join(root, 'examples/workerd/wasm-auth-client'), contents: "export * from '../../pkg/workerd.js';" },
      { type: 'ESModule', path: path.join(root, 'examples/workerd/wasm-auth-client/admin'), contents: "export * from '../../../pkg/admin-workerd.js';" },
      module('pkg/workerd.js'),
      module('pkg/admin-workerd.js'),
      module('pkg/wasm_auth_client.js'),
      module('pkg/wasm_auth_admin.js'),
      // The JavaScript host the entries share.
      module('pkg/host.js'),
      module('pkg/auth-client.js'),
      module('pkg/admin-client.js'),
      module('pkg/auth-error.js'),
      { type: 'CompiledWasm', path: path.join(root, 'pkg/wasm_auth_client_bg.wasm') },
      { type: 'CompiledWasm', path: path.join(root, 'pkg/wasm_auth_admin_bg.wasm') },
    ],
    compatibilityDate: '2026-04-01',
    // No lookup of Cloudflare's request metadata: only the package registries are reachable.
    cf: false,
    bindings: { AUTH_URL: env.AUTH_URL, ANON_KEY: env.ANON_KEY, SERVICE_ROLE_KEY: env.SERVICE_ROLE_KEY },
    host: '127.0.0.1',
    port: 0,
  });
  // A worker that fails to start still has a workerd process to stop.
  const ready = await mf.ready.catch(async (error) => {
    await mf.dispose();
    throw error;
  });
  return { url: ready.toString().replace(/\/$/, ''), stop: () => mf.dispose() };
}

const runtimes = {
  workerd: (env) => startWorkerd(env),
  deno: (env) => spawnServer(bin('deno'), ['run', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'examples/deno/server.ts'], env),
  bun: (env) => spawnServer(bin('bun'), ['examples/bun/server.ts'], env),
  node: (env) => spawnServer(process.execPath, ['examples/node/server.mjs'], env),
};

let devserver;
before(async () => {
  // No per-user email interval: the tests request twice in a row.
  devserver = await startDevserver({ GOTRUE_SMTP_MAX_FREQUENCY: '0s' });
});
after(async () => {
  await devserver?.stop();
});

const PASSWORD = 'first-password-1';

async function post(api, pathname, body, token) {
  const headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(api.url + pathname, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** An admin user (app_metadata.role, set with the service key) signed in: their access token. */
async function adminAccessToken(tag) {
  const email = freshEmail(`${tag}-operator`);
  const created = await fetch(`${devserver.url}/admin/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${devserver.serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, email_confirm: true, app_metadata: { role: 'admin' } }),
  });
  assert.equal(created.status, 200);
  return (await signIn(email, PASSWORD)).body.access_token;
}

async function signIn(email, password) {
  const response = await fetch(`${devserver.url}/token?grant_type=password`, { method: 'POST', body: JSON.stringify({ email, password }) });
  return { status: response.status, body: await response.json() };
}

for (const [name, start] of Object.entries(runtimes)) {
  describe(name, () => {
    let api;
    before(async () => {
      api = await start({ AUTH_URL: devserver.url, ANON_KEY: devserver.anonKey, SERVICE_ROLE_KEY: devserver.serviceKey });
    });
    after(async () => {
      await api?.stop();
    });

    test('loads the package; not_authenticated is thrown before any request', async () => {
      await devserver.dev.clearRequests();
      const response = await fetch(`${api.url}/self-test`);
      const body = await response.json();
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.deepEqual(body.notAuthenticated, { code: 'not_authenticated', status: 0, isAuthError: true });
      assert.equal(body.defaultStorageIsMemory, true, `default storage in ${body.runtime}`);
      // The planted record is real: asked for by name, Web Storage finds it.
      assert.equal(body.explicitSessionSeesIt, true, `storage: 'session' in ${body.runtime}`);
      console.log(`# ${name}: ${body.runtime}, sessionStorage ${body.hasSessionStorage ? 'present' : 'absent'}`);
      assert.deepEqual(await devserver.dev.requests(), []);
    });

    test('recovery flow: request, code from the outbox, weak password refused, reset, sign in', async () => {
      const email = freshEmail(name);
      await fetch(`${devserver.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });

      assert.equal((await post(api, '/reset/request', { email })).status, 202);
      let mail = await devserver.dev.lastMail(email);
      const weak = await post(api, '/reset/confirm', { email, code: mail.token, password: 'abc' });
      assert.equal(weak.status, 422);
      assert.equal(weak.body.error.code, 'weak_password');
      assert.deepEqual(weak.body.error.reasons, ['length']);

      // That code was used by the verification; a new one finishes the reset.
      assert.equal((await post(api, '/reset/request', { email })).status, 202);
      mail = await devserver.dev.lastMail(email);
      const done = await post(api, '/reset/confirm', { email, code: mail.token, password: 'second-password-2' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.match(done.body.userId, /^[0-9a-f-]{36}$/);

      assert.equal((await signIn(email, 'second-password-2')).status, 200);
      assert.equal((await signIn(email, PASSWORD)).status, 400);
      const reused = await post(api, '/reset/confirm', { email, code: mail.token, password: 'third-password-3' });
      assert.equal(reused.body.error.code, 'invalid_otp');
    });

    test('admin password set: admins only, and it ends every session of the user', async () => {
      const email = freshEmail(`${name}-admin`);
      await fetch(`${devserver.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
      const laptop = (await signIn(email, PASSWORD)).body;
      const phone = (await signIn(email, PASSWORD)).body;

      // Nobody, a forged token, or an ordinary user: refused, and the password is unchanged.
      const target = { userId: laptop.user.id, password: 'attacker-password-9' };
      assert.equal((await post(api, '/admin/password', target)).status, 401);
      assert.equal((await post(api, '/admin/password', target, 'not.a.token')).status, 401);
      assert.equal((await post(api, '/admin/password', target, phone.access_token)).status, 403);
      assert.equal((await signIn(email, 'attacker-password-9')).status, 400);

      const adminToken = await adminAccessToken(name);
      const set = await post(api, '/admin/password', { userId: laptop.user.id, password: 'admin-set-password-2' }, adminToken);
      assert.equal(set.status, 200, JSON.stringify(set.body));
      for (const session of [laptop, phone]) {
        const user = await fetch(`${devserver.url}/user`, { headers: { authorization: `Bearer ${session.access_token}` } });
        assert.equal(user.status, 403);
      }
      assert.equal((await signIn(email, 'admin-set-password-2')).status, 200);

      const badId = await post(api, '/admin/password', { userId: '../../admin', password: 'whatever-password-1' }, adminToken);
      assert.equal(badId.status, 400);
      assert.equal(badId.body.error.code, 'invalid_input');
      const weak = await post(api, '/admin/password', { userId: laptop.user.id, password: 'abc' }, adminToken);
      assert.equal(weak.body.error.code, 'weak_password');
      assert.ok(!JSON.stringify(weak.body).includes(devserver.serviceKey), 'the key never appears in an error');
    });
  });
}

test('deno: the background timer is unref\'d, so a script with a signed-in client ends by itself', async () => {
  const email = freshEmail('deno-unref');
  await fetch(`${devserver.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  const session = (await signIn(email, PASSWORD)).body;
  const record = JSON.stringify({ ...session, expires_at: Date.now() / 1000 + 3000 });
  const entry = new URL('../../pkg/index.js', import.meta.url).href;
  const script = `
    import { AuthClient } from ${JSON.stringify(entry)};
    // Deno 2's timers are objects with unref()/hasRef() (older ones took Deno.unrefTimer(id)):
    // record every timer the client sets, and whether it still holds the process.
    const timers = [];
    const setTimeoutReal = globalThis.setTimeout;
    globalThis.setTimeout = (...args) => {
      const timer = setTimeoutReal(...args);
      timers.push(timer);
      return timer;
    };
    const unrefTimer = Deno.unrefTimer;
    const unrefd = [];
    Deno.unrefTimer = (id) => { unrefd.push(id); unrefTimer(id); };
    const map = new Map([['wasm-auth-client', ${JSON.stringify(record)}]]);
    const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    const auth = new AuthClient({ url: ${JSON.stringify(devserver.url)}, storage });
    globalThis.setTimeout = setTimeoutReal;
    const holding = timers.filter((t) => (typeof t === 'object' ? t.hasRef() : !unrefd.includes(t))).length;
    console.log(JSON.stringify({ signedIn: Boolean(auth.getCachedUser()), timers: timers.length, holding }));
  `;
  const child = spawn(bin('deno'), ['eval', '--ext=js', script], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  // A guard against a hang (the failure this test exists for), not the verdict.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve(signal ?? exitCode)));
  clearTimeout(guard);
  assert.equal(code, 0, `deno did not end by itself (${code}): ${output}`);
  assert.deepEqual(JSON.parse(output), { signedIn: true, timers: 1, holding: 0 });
});
