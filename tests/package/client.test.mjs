// The built npm package (pkg/, as `make pkg` produces it) in Node, against a real devserver:
// the public API, the error class, storage behaviour and "no request before validation".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AuthClient, AuthError, isAuthError } from '../../pkg/node.js';
import { startDevserver, freshEmail } from '../support/devserver.mjs';
import { memoryStorage } from '../matrix/scenarios.mjs';
import { holdTimers } from '../support/held-timers.mjs';

const PASSWORD = 'first-password-1';
let server;

before(async () => {
  server = await startDevserver();
});
after(async () => {
  await server?.stop();
});
beforeEach(async () => {
  await server.dev.clearFaults();
});

async function signUp(email = freshEmail('pkg'), password = PASSWORD) {
  const response = await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password }) });
  assert.equal(response.status, 200);
  return email;
}

function client(options = {}) {
  return new AuthClient({ url: server.url, apiKey: server.anonKey, ...options });
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

test('errors are AuthError instances with a stable shape', async () => {
  const error = await rejection(client().updatePassword({ password: 'new-password-1' }));
  assert.ok(error instanceof AuthError);
  assert.ok(error instanceof Error);
  assert.ok(isAuthError(error));
  assert.equal(error.name, 'AuthError');
  assert.equal(error.code, 'not_authenticated');
  assert.equal(error.status, 0);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.stack);
  assert.equal(isAuthError(new Error('x')), false);
  assert.equal(isAuthError({ name: 'AuthError' }), false);
  assert.equal(isAuthError(null), false);
  assert.equal(isAuthError('AuthError'), false);
  // The guard does not rely on instanceof: an error from another copy still passes.
  assert.ok(isAuthError(Object.assign(new Error('m'), { name: 'AuthError', code: 'timeout' })));
});

test('the three-step recovery flow, email remembered between the steps', async () => {
  const email = await signUp();
  const auth = client();
  const events = [];
  const off = auth.onAuthChange((event, session) => events.push([event, session?.user.email ?? null]));
  assert.equal(await auth.requestPasswordReset({ email }), undefined);
  const mail = await server.dev.lastMail(email);

  const session = await auth.verifyOtp({ token: mail.token, type: 'recovery' });
  assert.equal(session.user.email, email);
  assert.equal(typeof session.accessToken, 'string');
  assert.equal(typeof session.refreshToken, 'string');
  assert.ok(session.expiresAt > Date.now() / 1000);
  assert.equal(session.tokenType, 'bearer');
  assert.deepEqual(events, [['PASSWORD_RECOVERY', email]]);
  assert.equal(auth.getCachedUser().email, email);

  assert.equal(await auth.updatePassword({ password: 'second-password-2' }), undefined);
  assert.deepEqual(events.at(-1), ['USER_UPDATED', email]);
  const kept = await auth.getSession();
  assert.equal(kept.accessToken, session.accessToken, 'the recovery session is kept, not recreated');
  off();
  await client().signInWithEmail({ email, password: 'second-password-2' });
  assert.equal((await rejection(client().signInWithEmail({ email, password: PASSWORD }))).code, 'invalid_credentials');
  assert.equal(events.length, 2, 'unsubscribed listeners hear nothing');

  const reused = await rejection(client().verifyOtp({ email, token: mail.token, type: 'recovery' }));
  assert.equal(reused.code, 'invalid_otp');
  assert.equal(reused.status, 403);
  assert.equal(reused.serverCode, 'otp_expired');
});

test('the link variant: token hash from a pasted link', async () => {
  const email = await signUp();
  await client().requestPasswordReset({ email, redirectTo: 'http://127.0.0.1:3000/reset' });
  const mail = await server.dev.lastMail(email);
  const auth = client();
  const parsed = auth.parseRecoveryLink(mail.link);
  assert.deepEqual(parsed, { tokenHash: mail.token_hash });
  const session = await auth.verifyOtp({ tokenHash: parsed.tokenHash, type: 'recovery' });
  assert.equal(session.user.email, email);

  assert.deepEqual(auth.parseRecoveryLink('https://app.test/reset?code=abc-123'), { code: 'abc-123' });
  assert.deepEqual(
    auth.parseRecoveryLink('https://app.test/r#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired&sb='),
    { error: 'invalid_otp', serverCode: 'otp_expired', description: 'Email link is invalid or has expired' },
  );
  assert.equal(auth.parseRecoveryLink('https://app.test/nothing-here'), null);
  assert.equal((() => { try { auth.parseRecoveryLink(42); } catch (e) { return e.code; } })(), 'invalid_input');
});

test('no session: not_authenticated before any request', async () => {
  const auth = client();
  await server.dev.clearRequests();
  for (const call of [() => auth.updatePassword({ password: 'new-password-1' }), () => auth.getUser(), () => auth.reauthenticate()]) {
    const error = await rejection(call());
    assert.equal(error.code, 'not_authenticated');
    assert.equal(error.status, 0);
  }
  assert.equal(await auth.getSession(), null);
  assert.equal(auth.getCachedUser(), null);
  assert.deepEqual(await server.dev.requests(), []);
});

test('malformed input: invalid_input naming the field, before any request', async () => {
  const auth = client();
  await server.dev.clearRequests();
  const cases = [
    [() => auth.requestPasswordReset({ email: '' }), 'email'],
    [() => auth.requestPasswordReset({ email: 'not-an-email' }), 'email'],
    [() => auth.requestPasswordReset({ email: 42 }), 'email'],
    [() => auth.requestPasswordReset({}), 'email'],
    [() => auth.requestPasswordReset(null), 'request'],
    [() => auth.requestPasswordReset({ email: 'a@b.co', redirectTo: 'javascript:alert(1)' }), 'redirectTo'],
    [() => auth.verifyOtp({ email: 'a@b.co', token: '12345', type: 'recovery' }), 'token'],
    [() => auth.verifyOtp({ email: 'a@b.co', token: '12345a', type: 'recovery' }), 'token'],
    [() => auth.verifyOtp({ email: 'a@b.co', token: '123456', type: 'signup' }), 'type'],
    [() => auth.verifyOtp({ email: 'a@b.co', token: '123456' }), 'type'],
    [() => auth.verifyOtp({ token: '123456', type: 'recovery' }), 'email'],
    [() => auth.verifyOtp({ tokenHash: 'abc', type: 'recovery' }), 'tokenHash'],
    [() => auth.verifyOtp({ type: 'recovery' }), 'token'],
    [() => auth.signInWithEmail({ email: 'a@b.co', password: '' }), 'password'],
    [() => auth.signInWithEmail({ email: 'a@b.co' }), 'password'],
    [() => auth.signOut({ scope: 'everywhere' }), 'scope'],
  ];
  for (const [call, field] of cases) {
    const error = await rejection(call());
    assert.equal(error.code, 'invalid_input', `${call}`);
    assert.ok(error.message.startsWith(`${field}:`), `${call}: ${error.message}`);
  }
  assert.deepEqual(await server.dev.requests(), []);
});

test('password rules before the network when signed in: empty, over 72 bytes', async () => {
  const email = await signUp();
  const auth = client();
  await auth.signInWithEmail({ email, password: PASSWORD });
  await server.dev.clearRequests();
  for (const password of ['', 'a'.repeat(73), '€'.repeat(25)]) {
    const error = await rejection(auth.updatePassword({ password }));
    assert.equal(error.code, 'invalid_input');
    assert.ok(error.message.startsWith('password:'));
  }
  assert.deepEqual(await server.dev.requests(), []);
});

test('server errors: weak_password with reasons, same_password, rate_limited with retryAfter', async () => {
  const strict = await startDevserver({ GOTRUE_PASSWORD_MIN_LENGTH: '10', GOTRUE_PASSWORD_REQUIRED_CHARACTERS: '0123456789' });
  try {
    const email = freshEmail('strict');
    await fetch(`${strict.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: 'long-password-1' }) });
    const auth = new AuthClient({ url: strict.url });
    await auth.signInWithEmail({ email, password: 'long-password-1' });
    const weak = await rejection(auth.updatePassword({ password: 'short' }));
    assert.equal(weak.code, 'weak_password');
    assert.equal(weak.status, 422);
    assert.deepEqual(weak.reasons, ['length', 'characters']);
    const same = await rejection(auth.updatePassword({ password: 'long-password-1' }));
    assert.equal(same.code, 'same_password');
    await auth.requestPasswordReset({ email });
    const limited = await rejection(auth.requestPasswordReset({ email }));
    assert.equal(limited.code, 'rate_limited');
    assert.equal(limited.status, 429);
    // GoTrue's "after N seconds": within the 60 s interval, never zero (no clock-speed bound).
    assert.ok(limited.retryAfter >= 1 && limited.retryAfter <= 60, `${limited.retryAfter}`);
  } finally {
    await strict.stop();
  }
});

test('currentPassword is always checked; a wrong one changes nothing', async () => {
  const email = await signUp();
  const auth = client();
  await auth.signInWithEmail({ email, password: PASSWORD });
  const wrong = await rejection(auth.updatePassword({ password: 'new-password-1', currentPassword: 'wrong-password' }));
  assert.equal(wrong.code, 'invalid_current_password');
  await client().signInWithEmail({ email, password: PASSWORD });
  await auth.updatePassword({ password: 'new-password-1', currentPassword: PASSWORD });
  await client().signInWithEmail({ email, password: 'new-password-1' });
});

test('proxy, dropped and garbled answers map to typed errors and keep the session', async () => {
  const email = await signUp();
  const auth = client();
  await auth.signInWithEmail({ email, password: PASSWORD });
  await server.dev.addFault({ path: '/user', status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } });
  const proxy = await rejection(auth.getUser());
  assert.equal(proxy.code, 'server_error');
  assert.equal(proxy.status, 502);
  await server.dev.addFault({ path: '/user', drop: true });
  assert.equal((await rejection(auth.getUser())).code, 'network_error');
  await server.dev.addFault({ path: '/user', status: 200, body: '{"id": "trunc' });
  assert.equal((await rejection(auth.getUser())).code, 'unexpected_response');
  await server.dev.addFault({ path: '/user', status: 429, headers: { 'retry-after': '7' } });
  const limited = await rejection(auth.getUser());
  assert.equal(limited.code, 'rate_limited');
  assert.equal(limited.retryAfter, 7);
  assert.equal(auth.getCachedUser().email, email);
  assert.equal((await auth.getUser()).email, email);
});

test('a request that hangs past timeoutMs fails with timeout', async () => {
  const auth = client({ timeoutMs: 200 });
  await server.dev.addFault({ path: '/recover', delay_ms: 2000 });
  const error = await rejection(auth.requestPasswordReset({ email: freshEmail('slow') }));
  assert.equal(error.code, 'timeout');
  assert.equal(error.status, 0);
});

test('the store: one record under the key, a reload sees the user, the pending email survives', async () => {
  const email = await signUp();
  const storage = memoryStorage();
  const first = client({ storage, storageKey: 'app' });
  await first.requestPasswordReset({ email });
  assert.equal(storage.map.get('app:recovery-email'), email);
  const mail = await server.dev.lastMail(email);

  const reloaded = client({ storage, storageKey: 'app' });
  await reloaded.verifyOtp({ token: mail.token, type: 'recovery' });
  assert.equal(storage.map.has('app:recovery-email'), false, 'cleared after success');
  const record = JSON.parse(storage.map.get('app'));
  assert.equal(typeof record.access_token, 'string');
  assert.equal(typeof record.refresh_token, 'string');
  assert.equal(typeof record.expires_at, 'number');
  assert.equal(record.user.email, email);

  const again = client({ storage, storageKey: 'app' });
  assert.equal(again.getCachedUser().email, email);
  await again.signOut();
  assert.equal(storage.map.has('app'), false);
  assert.equal(again.getCachedUser(), null);
});

test('a damaged record is removed and means signed out, never a throw', async () => {
  for (const damaged of ['{"access_token":', '[]', '{}', '{"access_token":"a","refresh_token":"r","expires_at":1}', 'null', '"text"']) {
    const storage = memoryStorage();
    storage.map.set('wasm-auth-client', damaged);
    const auth = client({ storage });
    assert.equal(auth.getCachedUser(), null, damaged);
    assert.equal(storage.map.has('wasm-auth-client'), false, damaged);
  }
});

test('Node has no Web Storage: the default store is memory, per client', async () => {
  const email = await signUp();
  const a = client();
  await a.signInWithEmail({ email, password: PASSWORD });
  assert.equal(a.getCachedUser().email, email);
  assert.equal(client().getCachedUser(), null);
  assert.equal(typeof globalThis.sessionStorage, 'undefined');
});

test('bad options throw invalid_input from the constructor', () => {
  for (const [options, field] of [
    [undefined, 'options'],
    [{}, 'url'],
    [{ url: 'ftp://x.test' }, 'url'],
    [{ url: server.url, storage: 'cookies' }, 'storage'],
    [{ url: server.url, storage: { getItem() {} } }, 'storage'],
    [{ url: server.url, timeoutMs: -1 }, 'timeoutMs'],
    [{ url: server.url, headers: { a: 1 } }, 'headers'],
    // Header injection and names fetch would refuse fail here, not on every later call.
    [{ url: server.url, headers: { 'X-Trace': 'a\r\nAuthorization: Bearer stolen' } }, 'headers'],
    [{ url: server.url, headers: { 'bad name': 'v' } }, 'headers'],
    [{ url: server.url, apiKey: 'key\nx-admin: 1' }, 'apiKey'],
  ]) {
    let thrown;
    try {
      new AuthClient(options);
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof AuthError, JSON.stringify(options));
    assert.equal(thrown.code, 'invalid_input');
    assert.ok(thrown.message.startsWith(`${field}:`), thrown.message);
  }
});

test('sign-out scopes and a session ended elsewhere', async () => {
  const email = await signUp();
  const laptop = client();
  const phone = client();
  await laptop.signInWithEmail({ email, password: PASSWORD });
  await phone.signInWithEmail({ email, password: PASSWORD });
  const events = [];
  laptop.onAuthChange((event) => events.push(event));
  await phone.signOut({ scope: 'others' });
  assert.equal(phone.getCachedUser().email, email);
  const gone = await rejection(laptop.getUser());
  assert.equal(gone.code, 'not_authenticated');
  assert.equal(gone.status, 403);
  assert.equal(laptop.getCachedUser(), null);
  assert.deepEqual(events, ['SIGNED_OUT']);
});

test('a throwing listener does not break the client or other listeners', async () => {
  const email = await signUp();
  const auth = client();
  const heard = [];
  auth.onAuthChange(() => {
    throw new Error('listener bug');
  });
  auth.onAuthChange((event) => heard.push(event));
  await auth.signInWithEmail({ email, password: PASSWORD });
  assert.deepEqual(heard, ['SIGNED_IN']);
});

test('a request object is read when the call is made, not later', async () => {
  const email = await signUp();
  const auth = client();
  const request = { email };
  const pending = auth.requestPasswordReset(request);
  request.email = 'someone-else@example.test';
  await pending;
  assert.equal((await server.dev.lastMail(email)).kind, 'recovery');
  const signIn = { email, password: PASSWORD };
  const signingIn = auth.signInWithEmail(signIn);
  signIn.password = 'not-the-password';
  assert.equal((await signingIn).user.email, email);
});

test('no credential in error messages, even when a proxy echoes the request', async () => {
  const email = await signUp();
  const auth = client();
  const session = await auth.signInWithEmail({ email, password: PASSWORD });
  const echo = `proxy: rejected Authorization: Bearer ${session.accessToken} apikey=${server.anonKey}`;
  await server.dev.addFault({ path: '/user', status: 400, body: JSON.stringify({ code: 'bad', message: echo }), headers: { 'x-sb-error-code': session.accessToken } });
  const errors = [await rejection(auth.getUser())];
  await server.dev.addFault({ path: '/token', status: 400, body: JSON.stringify({ code: 400, error_code: 'x', msg: `password ${PASSWORD} and code 123456 refused` }) });
  errors.push(await rejection(client().signInWithEmail({ email, password: PASSWORD })));
  await server.dev.addFault({ path: '/verify', status: 403, body: JSON.stringify({ code: 'otp_expired', message: `code 654321 for ${email} expired` }) });
  errors.push(await rejection(client().verifyOtp({ email, token: '654321', type: 'recovery' })));
  for (const error of errors) {
    const shown = `${error.message} ${error.serverCode} ${JSON.stringify(error)} ${error.stack}`;
    for (const secret of [session.accessToken, session.refreshToken, PASSWORD, server.anonKey, '654321']) {
      assert.ok(!shown.includes(secret), `${secret.slice(0, 12)}… shown in: ${error.message}`);
    }
  }
  assert.match(errors[0].message, /^proxy: rejected Authorization: Bearer \[redacted\]/, 'the rest of the message stays');
});

test('the type declarations export the documented API without any', () => {
  const read = (file) => readFileSync(new URL(`../../pkg/${file}`, import.meta.url), 'utf8');
  const entries = { main: read('index.d.ts'), admin: read('admin.d.ts'), wachtAdmin: read('wacht-admin.d.ts'), genauth: read('genauth.d.ts') };
  assert.match(entries.main, /export declare const AuthClient: \{ new \(options: AuthClientOptions\): AuthClient \}/);
  assert.match(entries.main, /export \{ AuthError, isAuthError \} from '\.\/auth-error\.js'/);
  assert.match(entries.main, /export interface PlatformOptions \{[^}]*apiKey\?: string;/);
  assert.match(entries.genauth, /passwordEncrypt\?: 'none';/);
  assert.match(read('genauth-rsa.d.ts'), /passwordEncrypt\?: 'none' \| 'rsa';/);
  assert.match(read('genauth-sm2.d.ts'), /passwordEncrypt\?: 'none' \| 'sm2';/);
  assert.match(entries.admin, /export declare const AdminClient: \{ new \(options: AdminClientOptions\): AdminClient \}/);
  assert.match(entries.wachtAdmin, /export declare const AdminClient: \{ new \(options: WachtAdminClientOptions\): AdminClient \}/);
  assert.match(read('auth-error.d.ts'), /export declare class AuthError extends Error/);
  assert.match(read('auth-error.d.ts'), /export declare function isAuthError\(error: unknown\): error is AuthError;/);
  const manifest = JSON.parse(read('package.json'));
  for (const subpath of ['./firebase', './pocketbase', './genauth', './genauth/rsa', './genauth/sm2', './wristband', './wacht', './wacht/admin', './admin']) {
    assert.ok(manifest.exports[subpath]?.types, `package.json exports ${subpath}`);
  }
  const signatures = [
    'requestPasswordReset(request: PasswordResetRequest): Promise<void>;',
    'verifyOtp(request: VerifyOtpRequest): Promise<Session | null>;',
    'parseRecoveryLink(url: string): RecoveryLink | null;',
    'handleRedirect(url?: string | null, options?: HandleRedirectOptions): Promise<Session | null>;',
    'updatePassword(request: UpdatePasswordRequest): Promise<void>;',
    'signInWithEmail(request: SignInRequest): Promise<Session>;',
    'setSession(request: SetSessionRequest): Promise<Session>;',
    'recoveryExpiresAt(): number | null;',
    'signOut(options?: SignOutOptions): Promise<void>;',
    'getCachedUser(): User | null;',
    'getSession(): Promise<Session | null>;',
    'getUser(): Promise<User>;',
    'reauthenticate(): Promise<void>;',
    'onAuthChange(callback: AuthChangeCallback): () => void;',
    'free(): void;',
    'updateUserPassword(userId: string, request: { password: string }): Promise<User>;',
    'generateRecoveryLink(email: string, options?: { redirectTo?: string }): Promise<GeneratedRecoveryLink>;',
    'createUser(request: CreateUserRequest): Promise<User>;',
    'deleteUser(userId: string): Promise<void>;',
    'updateUserPassword(userId: string, request: { password: string; skipPasswordCheck?: boolean }): Promise<void>;',
  ];
  const types = read('types.d.ts');
  for (const signature of signatures) assert.ok(types.includes(signature), `types.d.ts lacks: ${signature}`);
  for (const [file, text] of Object.entries({ ...entries, types })) assert.doesNotMatch(text.replace(/\/\*\*?[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, ''), /\bany\b/, file);
  assert.ok(!entries.main.includes('AdminClient'), 'the browser entry has no AdminClient');
});

test('the browser entry\'s wasm holds no AdminClient code', () => {
  const glue = read => readFileSync(new URL(`../../pkg/${read}`, import.meta.url), 'utf8');
  const wasm = (name) => readFileSync(new URL(`../../pkg/${name}_bg.wasm`, import.meta.url)).toString('latin1');
  // The admin endpoints' paths are in the code that calls them, and nowhere else.
  assert.ok(!wasm('wasm_auth_client').includes('/admin/users'), 'no admin endpoint in the main wasm');
  assert.ok(wasm('wasm_auth_admin').includes('/admin/users'), 'it is in the admin wasm');
  assert.ok(!glue('index.js').includes('AdminClient'), 'no AdminClient class in the main entry');
  assert.ok(!glue('admin.js').includes('AuthClient'), 'and the admin entry has no AuthClient');
  // Likewise Wacht's: the backend API's call is in its admin entry only.
  assert.ok(!wasm('wasm_auth_wacht').includes('skip_password_check'), 'no admin call in the Wacht browser wasm');
  assert.ok(wasm('wasm_auth_wacht_admin').includes('skip_password_check'), 'it is in the Wacht admin wasm');
});

/** A signed-in storage whose record says the access token expires `inSeconds` from now. */
async function storageExpiringIn(inSeconds) {
  const email = await signUp();
  const storage = memoryStorage();
  await client({ storage }).signInWithEmail({ email, password: PASSWORD });
  const record = JSON.parse(storage.map.get('wasm-auth-client'));
  record.expires_at = Date.now() / 1000 + inSeconds;
  storage.map.set('wasm-auth-client', JSON.stringify(record));
  return { email, storage, record };
}

const refreshCount = async () => (await server.dev.requests('/token')).filter((r) => r.query === 'grant_type=refresh_token').length;

test('a reload with an expiring session: many callers, one refresh', async () => {
  const { email, storage, record } = await storageExpiringIn(5);
  // No background timer: the test counts refresh requests.
  const auth = client({ storage, autoRefresh: false });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  await server.dev.clearRequests();
  const [a, b, user, c] = await Promise.all([auth.getSession(), auth.getSession(), auth.getUser(), auth.getSession()]);
  assert.equal(await refreshCount(), 1);
  assert.equal(a.accessToken, b.accessToken);
  assert.equal(b.accessToken, c.accessToken);
  assert.notEqual(a.refreshToken, record.refresh_token);
  assert.equal(user.email, email);
  assert.deepEqual(events, ['TOKEN_REFRESHED']);
});

test('a refused refresh keeps a still-valid session and is not retried', async () => {
  const { storage, record } = await storageExpiringIn(5);
  // No background timer: the test counts refresh requests.
  const auth = client({ storage, autoRefresh: false });
  const body = JSON.stringify({ code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' });
  await server.dev.addFault({ path: '/token', query: 'grant_type=refresh_token', status: 400, body, count: 3 });
  await server.dev.clearRequests();
  assert.equal((await auth.getSession()).accessToken, record.access_token);
  assert.equal((await auth.getSession()).accessToken, record.access_token);
  assert.equal(await refreshCount(), 1);
  assert.ok(auth.getCachedUser());
});

test('a refused refresh after expiry signs out', async () => {
  const { storage } = await storageExpiringIn(-5);
  // No background timer: the test counts refresh requests.
  const auth = client({ storage, autoRefresh: false });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  const body = JSON.stringify({ code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });
  await server.dev.addFault({ path: '/token', query: 'grant_type=refresh_token', status: 400, body });
  assert.equal(await auth.getSession(), null);
  assert.deepEqual(events, ['SIGNED_OUT']);
  assert.equal(storage.map.has('wasm-auth-client'), false);
  assert.equal((await rejection(auth.getUser())).code, 'not_authenticated');
});

test('an unreachable server during refresh never signs out', async () => {
  const { storage } = await storageExpiringIn(-5);
  // No background timer: the test counts refresh requests.
  const auth = client({ storage, autoRefresh: false });
  await server.dev.addFault({ path: '/token', query: 'grant_type=refresh_token', drop: true, count: 4 });
  const error = await rejection(auth.getSession());
  assert.equal(error.code, 'network_error');
  assert.ok(auth.getCachedUser(), 'the session is kept');
  assert.ok(await auth.getSession(), 'and refreshes once the server answers');
});

/** Polls `read` until `done` holds: waits on an outcome, not on a clock. */
async function eventually(read, done, what) {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`never happened: ${what}`);
}

// The background timer, on held timers: the test reads each delay the client asks for and fires
// the timer itself; request timeouts and retry waits run for real.

test('the background timer is set for the due moment, unref\'d, and cleared by free()', async () => {
  const { storage } = await storageExpiringIn(61.5);
  const timers = holdTimers();
  try {
    const auth = client({ storage });
    const [due] = timers.pending();
    // Refreshed once less than 60 s remain: about 1.5 s from now.
    assert.ok(due && due.ms > 0 && due.ms <= 1500, `armed for ${due?.ms} ms`);
    assert.equal(due.unrefd, true, 'never keeps a Node process alive');
    auth.free();
    assert.equal(timers.pending().length, 0, 'free() clears the timer');
  } finally {
    timers.restore();
  }
});

test('the background timer refreshes without a call, then waits for the new token', async () => {
  const { storage, record } = await storageExpiringIn(50);
  const timers = holdTimers();
  try {
    const auth = client({ storage });
    const refreshed = new Promise((resolve) => auth.onAuthChange((event, session) => event === 'TOKEN_REFRESHED' && resolve(session)));
    const [due] = timers.pending();
    assert.equal(due.ms, 0, 'already due');
    timers.fire(due);
    const session = await refreshed;
    assert.notEqual(session.refreshToken, record.refresh_token);
    // Re-armed for the new token's due moment: an hour's token, less a minute.
    const [next] = timers.pending();
    assert.ok(Math.abs(next.ms - 3_540_000) < 5_000, `next timer in ${next.ms} ms`);
    auth.free();
  } finally {
    timers.restore();
  }
});

test('a background refresh that fails is tried again 30 s later', async () => {
  const { storage } = await storageExpiringIn(30);
  await server.dev.addFault({ path: '/token', query: 'grant_type=refresh_token', status: 503, body: '<html>busy</html>', count: 4 });
  const timers = holdTimers();
  try {
    const auth = client({ storage });
    const events = [];
    auth.onAuthChange((event) => events.push(event));
    const [due] = timers.pending();
    assert.equal(due.ms, 0, 'already due');
    await server.dev.clearRequests();
    timers.fire(due);
    const [retry] = await eventually(() => timers.pending(), (p) => p.length === 1, 'the retry timer');
    assert.equal(retry.ms, 30_000);
    assert.equal(await refreshCount(), 4, 'one attempt and three quick retries, then the timer waits');
    assert.deepEqual(events, [], 'the session is kept');
    timers.fire(retry);
    await eventually(async () => events, (e) => e.includes('TOKEN_REFRESHED'), 'the refresh');
    auth.free();
  } finally {
    timers.restore();
  }
});

async function followLink(link) {
  const response = await fetch(link, { redirect: 'manual' });
  assert.equal(response.status, 303);
  return response.headers.get('location');
}

test('handleRedirect: PKCE link, exchanged with the verifier kept since the request', async () => {
  const email = await signUp();
  const storage = memoryStorage();
  const auth = client({ storage });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  await auth.requestPasswordReset({ email, flow: 'pkce', redirectTo: 'http://127.0.0.1:3000/reset' });
  assert.match(storage.map.get('wasm-auth-client:code-verifier'), /^[A-Za-z0-9._~-]{64}$/);
  const mail = await server.dev.lastMail(email);
  assert.ok(mail.token_hash.startsWith('pkce_'));
  const location = await followLink(mail.link);
  assert.match(location, /^http:\/\/127\.0\.0\.1:3000\/reset\?code=/);
  const session = await auth.handleRedirect(location);
  assert.equal(session.user.email, email);
  assert.deepEqual(events, ['PASSWORD_RECOVERY']);
  assert.equal(storage.map.has('wasm-auth-client:code-verifier'), false);
  await auth.updatePassword({ password: 'pkce-password-2' });
  await client().signInWithEmail({ email, password: 'pkce-password-2' });
});

test('handleRedirect: a PKCE link opened where no verifier exists says so', async () => {
  const email = await signUp();
  await client().requestPasswordReset({ email, flow: 'pkce', redirectTo: 'http://127.0.0.1:3000/reset' });
  const location = await followLink((await server.dev.lastMail(email)).link);
  const error = await rejection(client().handleRedirect(location));
  assert.equal(error.code, 'invalid_code');
  assert.match(error.message, /verifier/);
});

test('handleRedirect: implicit fragment, then the used link as an error fragment', async () => {
  const email = await signUp();
  const storage = memoryStorage();
  const auth = client({ storage });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  await auth.requestPasswordReset({ email, redirectTo: 'http://127.0.0.1:3000/reset' });
  assert.ok(storage.map.has('wasm-auth-client:pending-flow'), 'the client remembers that it asked');
  const mail = await server.dev.lastMail(email);
  const location = await followLink(mail.link);
  assert.match(location, /#access_token=.*type=recovery/);
  const session = await auth.handleRedirect(location);
  assert.equal(session.user.email, email);
  assert.deepEqual(events, ['PASSWORD_RECOVERY']);
  assert.equal(auth.getCachedUser().email, email);
  assert.ok(!storage.map.has('wasm-auth-client:pending-flow'));

  const used = await followLink(mail.link);
  const error = await rejection(client().handleRedirect(used));
  assert.equal(error.code, 'invalid_otp');
  assert.equal(error.serverCode, 'otp_expired');
  assert.equal(await client().handleRedirect('https://app.test/plain?x=1'), null);
  assert.equal((await rejection(client().handleRedirect())).code, 'invalid_input', 'no address bar in Node');
});

/** A Promise-returning store (like IndexedDB or a KV binding), slow on purpose. */
function asyncStorage() {
  const map = new Map();
  const log = [];
  const waiters = [];
  const later = (value) => new Promise((resolve) => setTimeout(() => resolve(value), 5).unref());
  const written = (entry) => {
    log.push(entry);
    for (const waiter of waiters.filter((w) => log.length >= w.count)) waiter.resolve();
  };
  return {
    map,
    log,
    /** Resolves once `count` writes have landed. */
    writes: (count) => new Promise((resolve) => (log.length >= count ? resolve() : waiters.push({ count, resolve }))),
    getItem: (key) => later(map.has(key) ? map.get(key) : null),
    setItem: (key, value) => later().then(() => void (map.set(key, value), written(['set', key]))),
    removeItem: (key) => later().then(() => void (map.delete(key), written(['remove', key]))),
  };
}

test('asynchronous storage: loaded before any call, written in order', async () => {
  const email = await signUp();
  const storage = asyncStorage();
  const first = client({ storage });
  await first.signInWithEmail({ email, password: PASSWORD });
  await first.signOut();
  await first.signInWithEmail({ email, password: PASSWORD });
  // Writes land in call order; wait for the third one.
  await storage.writes(3);
  assert.deepEqual(storage.log.map(([op]) => op), ['set', 'remove', 'set']);
  assert.equal(JSON.parse(storage.map.get('wasm-auth-client')).user.email, email);

  const reloaded = client({ storage });
  assert.equal(reloaded.getCachedUser(), null, 'not read yet: asynchronous');
  const session = await reloaded.getSession();
  assert.equal(session.user.email, email);
  assert.equal(reloaded.getCachedUser().email, email);
});

test('servers that require reauthentication and the current password', async () => {
  const strict = await startDevserver({
    GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION: 'true',
    GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_CURRENT_PASSWORD: 'true',
    // GoTrue asks only sessions older than 24 h; the devserver can ask every session.
    AUTH_DEVSERVER_REAUTHENTICATION_AFTER: '0',
  });
  try {
    const email = freshEmail('reauth');
    await fetch(`${strict.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
    const auth = new AuthClient({ url: strict.url, autoRefresh: false });
    await auth.signInWithEmail({ email, password: PASSWORD });
    const needed = await rejection(auth.updatePassword({ password: 'new-password-1' }));
    assert.equal(needed.code, 'reauthentication_needed');
    await auth.reauthenticate();
    const mail = await strict.dev.lastMail(email);
    assert.equal(mail.kind, 'reauthentication');
    const wrongNonce = await rejection(auth.updatePassword({ password: 'new-password-1', nonce: '000000' === mail.token ? '111111' : '000000' }));
    assert.equal(wrongNonce.code, 'invalid_nonce');
    const required = await rejection(auth.updatePassword({ password: 'new-password-1', nonce: mail.token }));
    assert.equal(required.code, 'current_password_required');
    await auth.updatePassword({ password: 'new-password-1', nonce: mail.token, currentPassword: PASSWORD });
    await new AuthClient({ url: strict.url, autoRefresh: false }).signInWithEmail({ email, password: 'new-password-1' });
  } finally {
    await strict.stop();
  }
});

test('after a password change every other session is dead, this one lives', async () => {
  const email = await signUp();
  const laptop = client({ autoRefresh: false });
  const phone = client({ autoRefresh: false });
  await laptop.signInWithEmail({ email, password: PASSWORD });
  await phone.signInWithEmail({ email, password: PASSWORD });
  await laptop.updatePassword({ password: 'changed-password-2' });
  assert.equal((await laptop.getUser()).email, email);
  const dead = await rejection(phone.getUser());
  assert.equal(dead.code, 'not_authenticated');
  assert.equal(phone.getCachedUser(), null);
});

test('AdminClient: users and passwords with the service key, which never leaks', async () => {
  const { AdminClient } = await import('../../pkg/admin-node.js');
  const admin = new AdminClient({ url: server.url, serviceRoleKey: server.serviceKey });
  const email = freshEmail('admin');
  const created = await admin.createUser({ email, password: PASSWORD });
  assert.equal(created.email, email);
  assert.ok(created.email_confirmed_at);
  assert.equal((await admin.getUser(created.id)).email, email);

  const user = client({ autoRefresh: false });
  await user.signInWithEmail({ email, password: PASSWORD });
  await admin.updateUserPassword(created.id, { password: 'admin-password-2' });
  assert.equal((await rejection(user.getUser())).code, 'not_authenticated', 'sessions ended');

  const link = await admin.generateRecoveryLink(email);
  assert.match(link.code, /^\d{6}$/);
  assert.match(link.link, /\/verify\?token=/);
  const recovered = client({ autoRefresh: false });
  await recovered.verifyOtp({ tokenHash: link.tokenHash, type: 'recovery' });
  assert.equal(recovered.getCachedUser().email, email);

  await server.dev.clearRequests();
  const badId = await rejection(admin.getUser('not-a-uuid'));
  assert.equal(badId.code, 'invalid_input');
  // GoTrue always applies its policy to an admin set: asking to skip it is refused (Wacht's can).
  assert.equal((await rejection(admin.updateUserPassword(created.id, { password: 'abc', skipPasswordCheck: true }))).code, 'unsupported');
  assert.deepEqual(await server.dev.requests(), [], 'checked before any request');
  const weak = await rejection(admin.updateUserPassword(created.id, { password: 'abc' }));
  assert.equal(weak.code, 'weak_password');
  for (const error of [badId, weak]) assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(server.serviceKey));
  const wrongKey = new AdminClient({ url: server.url, serviceRoleKey: server.anonKey });
  const denied = await rejection(wrongKey.getUser(created.id));
  assert.equal(denied.status, 403);
  assert.ok(!denied.message.includes(server.anonKey));

  await admin.deleteUser(created.id);
  assert.equal((await rejection(admin.getUser(created.id))).status, 404);
  for (const [options, field] of [[{ url: server.url }, 'serviceRoleKey'], [{ url: server.url, serviceRoleKey: '  ' }, 'serviceRoleKey']]) {
    let thrown;
    try {
      new AdminClient(options);
    } catch (error) {
      thrown = error;
    }
    assert.equal(thrown?.code, 'invalid_input');
    assert.ok(thrown.message.startsWith(field));
  }
});

test('handleRedirect: tokens this client did not ask for are refused unless the app opts in', async () => {
  const email = await signUp();
  await client().requestPasswordReset({ email, redirectTo: 'http://127.0.0.1:3000/reset' });
  const location = await followLink((await server.dev.lastMail(email)).link);
  const storage = memoryStorage();
  const stranger = client({ storage });
  await server.dev.clearRequests();
  const error = await rejection(stranger.handleRedirect(location));
  assert.equal(error.code, 'unsolicited_session');
  assert.deepEqual(await server.dev.requests(), [], 'refused before any request');
  assert.equal(stranger.getCachedUser(), null);
  assert.equal(storage.map.size, 0);
  const accepted = await stranger.handleRedirect(location, { acceptTokens: true });
  assert.equal(accepted.user.email, email);
  assert.equal((await rejection(stranger.handleRedirect(location, { acceptTokens: 'yes' }))).code, 'invalid_input');
});

test('handleRedirect: a crafted link never replaces the signed-in user (login CSRF)', async () => {
  const alice = await signUp();
  const mallory = await signUp();
  await client().requestPasswordReset({ email: mallory, redirectTo: 'http://127.0.0.1:3000/reset' });
  const mallorysLink = await followLink((await server.dev.lastMail(mallory)).link);
  const auth = client();
  await auth.signInWithEmail({ email: alice, password: PASSWORD });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  const error = await rejection(auth.handleRedirect(mallorysLink, { acceptTokens: true }));
  assert.equal(error.code, 'session_conflict');
  assert.equal(auth.getCachedUser().email, alice);
  assert.equal((await auth.getSession()).user.email, alice);
  assert.deepEqual(events, []);
});

test('handleRedirect: a token that would add a request header is refused, nothing sent', async () => {
  const auth = client();
  await server.dev.clearRequests();
  const link = 'http://127.0.0.1:3000/#access_token=AT%0AX-Smuggled%0Ayes&refresh_token=abcdefabcdef&expires_in=3600&type=recovery';
  const error = await rejection(auth.handleRedirect(link, { acceptTokens: true }));
  assert.equal(error.code, 'invalid_input');
  assert.match(error.message, /^access_token:/);
  assert.deepEqual(await server.dev.requests(), []);
});

test('signOut global ends the other devices; others keeps this one', async () => {
  const email = await signUp();
  const [laptop, phone, tablet] = [client(), client(), client()];
  for (const device of [laptop, phone, tablet]) await device.signInWithEmail({ email, password: PASSWORD });
  await phone.signOut({ scope: 'others' });
  assert.equal((await phone.getUser()).email, email, 'others keeps this session');
  assert.equal((await rejection(laptop.getUser())).code, 'not_authenticated');
  assert.equal(laptop.getCachedUser(), null, 'the dead session is forgotten');
  assert.equal((await rejection(tablet.getUser())).code, 'not_authenticated');

  const other = client();
  await other.signInWithEmail({ email, password: PASSWORD });
  await phone.signOut({ scope: 'global' });
  assert.equal(phone.getCachedUser(), null);
  assert.equal((await rejection(other.getUser())).code, 'not_authenticated', 'global ended the other device too');
});
