// The fault matrix and the bad-input matrix: each row runs unchanged in Node (node.test.mjs)
// and in headless Chromium (browser.test.mjs) against a real devserver, faults injected through
// its /_dev/faults. Plain ES module, no Node built-ins: it is served to the browser as is.
import { check, equal, expectCode } from '../support/checks.mjs';

// ---- helpers -------------------------------------------------------------------------------

/** The devserver's /_dev/ aids over fetch. */
function dev(url) {
  const call = async (method, path, body) => {
    const init = body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const response = await fetch(url + path, init);
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
    return response.status === 200 ? response.json() : null;
  };
  return {
    fault: (fault) => call('POST', '/_dev/faults', fault),
    clearFaults: () => call('DELETE', '/_dev/faults'),
    clearRequests: () => call('DELETE', '/_dev/requests'),
    requests: (path) => call('GET', path === undefined ? '/_dev/requests' : `/_dev/requests?path=${encodeURIComponent(path)}`),
  };
}

/** Polls `read` until `done` holds (a bounded number of times): waits on an outcome, not a clock. */
async function eventually(read, done, what) {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never happened: ${what}`);
}

let counter = 0;
const freshEmail = (tag) => `${tag}-${Date.now()}-${(counter += 1)}-${Math.random().toString(36).slice(2, 8)}@matrix.test`;
const PASSWORD = 'first-password-1';

/** A synchronous storage object whose contents a test can read (`map`). */
export function memoryStorage(overrides = {}) {
  const map = new Map();
  return {
    map,
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => void map.set(key, String(value)),
    removeItem: (key) => void map.delete(key),
    ...overrides,
  };
}

async function signedIn(ctx, options = {}) {
  const email = freshEmail('m');
  const response = await fetch(`${ctx.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  check(response.ok, `signup: ${response.status}`);
  const storage = options.storage ?? memoryStorage();
  const auth = new ctx.AuthClient({ url: ctx.url, storage, autoRefresh: false, ...options.client });
  await auth.signInWithEmail({ email, password: PASSWORD });
  return { auth, email, storage };
}

/** A signed-in storage whose access token expires `inSeconds` from now (negative: expired). */
async function expiring(ctx, inSeconds) {
  const { storage } = await signedIn(ctx);
  const record = JSON.parse(storage.map.get('wasm-auth-client'));
  record.expires_at = Date.now() / 1000 + inSeconds;
  storage.map.set('wasm-auth-client', JSON.stringify(record));
  const auth = new ctx.AuthClient({ url: ctx.url, storage, autoRefresh: false });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  return { auth, storage, record, events };
}

const refreshBody = (code) => JSON.stringify({ code, message: `Invalid Refresh Token: ${code}` });
const REFRESH = { path: '/token', query: 'grant_type=refresh_token' };

// ---- the fault matrix ----------------------------------------------------------------------------

export const faults = [
  {
    name: 'server down (connection refused)',
    outcome: '`network_error`, status 0',
    run: async (ctx) => {
      // A port that was bound and closed (not a port fetch blocks, such as 1).
      const auth = new ctx.AuthClient({ url: ctx.closedUrl, autoRefresh: false });
      const error = await expectCode(auth.requestPasswordReset({ email: 'a@b.co' }), 'network_error', 'refused');
      equal(error.status, 0, 'status');
    },
  },
  {
    name: 'hang past the timeout',
    outcome: '`timeout` after `timeoutMs`; the request is aborted',
    run: async (ctx) => {
      await dev(ctx.url).clearRequests();
      await dev(ctx.url).fault({ path: '/recover', delay_ms: 3000 });
      const auth = new ctx.AuthClient({ url: ctx.url, timeoutMs: 300, autoRefresh: false });
      await expectCode(auth.requestPasswordReset({ email: freshEmail('slow') }), 'timeout', 'hang');
      // The devserver logs 499 when the client closes the connection before the answer.
      const [logged] = await eventually(() => dev(ctx.url).requests('/recover'), (log) => log.length > 0, 'the request log entry');
      equal(logged.status, 499, 'aborted by the client');
    },
  },
  {
    name: '500 with an HTML body',
    outcome: '`server_error`, status 500; session kept',
    run: async (ctx) => {
      const { auth } = await signedIn(ctx);
      await dev(ctx.url).fault({ path: '/user', status: 500, body: '<html><h1>Internal Server Error</h1></html>', headers: { 'content-type': 'text/html' } });
      const error = await expectCode(auth.getUser(), 'server_error', '500');
      equal(error.status, 500, 'status');
      check(auth.getCachedUser(), 'session kept');
    },
  },
  {
    name: '502 / 503 / 504 from a proxy',
    outcome: '`server_error` with that status; session kept',
    run: async (ctx) => {
      const { auth } = await signedIn(ctx);
      for (const status of [502, 503, 504]) {
        await dev(ctx.url).fault({ path: '/user', status, body: `<html>${status}</html>` });
        const error = await expectCode(auth.getUser(), 'server_error', `${status}`);
        equal(error.status, status, 'status');
      }
      check(auth.getCachedUser(), 'session kept');
    },
  },
  {
    name: 'truncated JSON in a success answer',
    outcome: '`unexpected_response`; nothing stored',
    run: async (ctx) => {
      const email = freshEmail('trunc');
      await fetch(`${ctx.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
      const storage = memoryStorage();
      const auth = new ctx.AuthClient({ url: ctx.url, storage, autoRefresh: false });
      await dev(ctx.url).fault({ path: '/token', query: 'grant_type=password', status: 200, body: '{"access_token":"eyJ' });
      await expectCode(auth.signInWithEmail({ email, password: PASSWORD }), 'unexpected_response', 'truncated');
      equal(auth.getCachedUser(), null, 'cached user');
      equal(storage.map.size, 0, 'stored records');
    },
  },
  {
    name: '429 with Retry-After',
    outcome: '`rate_limited`, `retryAfter` from the header; not retried',
    run: async (ctx) => {
      await dev(ctx.url).clearRequests();
      await dev(ctx.url).fault({ path: '/recover', status: 429, headers: { 'retry-after': '7' }, body: '{"code":"over_request_rate_limit","message":"Request rate limit reached"}' });
      const auth = new ctx.AuthClient({ url: ctx.url, autoRefresh: false });
      const error = await expectCode(auth.requestPasswordReset({ email: freshEmail('limited') }), 'rate_limited', '429');
      equal(error.retryAfter, 7, 'retryAfter');
      equal((await dev(ctx.url).requests('/recover')).length, 1, 'requests sent');
    },
  },
  {
    name: 'connection dropped mid-request',
    outcome: '`network_error`; session kept',
    run: async (ctx) => {
      const { auth } = await signedIn(ctx);
      // A browser silently retries a request dropped on a reused keep-alive connection, once
      // per idle pooled connection (up to 6 per host): drop every attempt.
      await dev(ctx.url).fault({ path: '/user', drop: true, count: 10 });
      await expectCode(auth.getUser(), 'network_error', 'dropped');
      await dev(ctx.url).clearFaults();
      check((await auth.getUser()).email, 'works again');
    },
  },
  {
    name: 'refresh refused (400), access token still valid',
    outcome: 'session kept and used; one refresh request, no retry storm',
    run: async (ctx) => {
      const { auth, record, events } = await expiring(ctx, 5);
      await dev(ctx.url).fault({ ...REFRESH, status: 400, body: refreshBody('refresh_token_not_found'), count: 5 });
      await dev(ctx.url).clearRequests();
      equal((await auth.getSession()).accessToken, record.access_token, 'first call');
      equal((await auth.getSession()).accessToken, record.access_token, 'second call');
      equal((await dev(ctx.url).requests('/token')).length, 1, 'refresh requests');
      equal(events.length, 0, 'events');
    },
  },
  {
    name: 'refresh refused (400), access token expired',
    outcome: 'SIGNED_OUT, `getSession()` resolves null, record removed',
    run: async (ctx) => {
      const { auth, storage, events } = await expiring(ctx, -5);
      await dev(ctx.url).fault({ ...REFRESH, status: 400, body: refreshBody('refresh_token_already_used') });
      equal(await auth.getSession(), null, 'session');
      equal(events.join(), 'SIGNED_OUT', 'events');
      equal(storage.map.has('wasm-auth-client'), false, 'record');
    },
  },
  {
    name: 'refresh fails in transit (503), access token expired',
    outcome: 'retried with backoff, then `server_error`; session kept, never `not_authenticated`',
    run: async (ctx) => {
      const { auth, events } = await expiring(ctx, -5);
      await dev(ctx.url).fault({ ...REFRESH, status: 503, body: '<html>busy</html>', count: 4 });
      await dev(ctx.url).clearRequests();
      await expectCode(auth.getSession(), 'server_error', 'refresh 503');
      equal((await dev(ctx.url).requests('/token')).length, 4, 'attempts');
      check(auth.getCachedUser(), 'session kept');
      check(await auth.getSession(), 'refreshes once the server is back');
      equal(events.join(), 'TOKEN_REFRESHED', 'events');
    },
  },
  {
    name: 'concurrent refresh',
    outcome: 'one `/token?grant_type=refresh_token` request for all callers',
    run: async (ctx) => {
      const { auth } = await expiring(ctx, 5);
      await dev(ctx.url).clearRequests();
      const sessions = await Promise.all([auth.getSession(), auth.getSession(), auth.getSession(), auth.getUser()]);
      equal((await dev(ctx.url).requests('/token')).length, 1, 'refresh requests');
      equal(sessions[0].accessToken, sessions[2].accessToken, 'same session');
    },
  },
  {
    name: 'corrupted or foreign stored record',
    outcome: 'removed and treated as signed out; the constructor never throws',
    run: async (ctx) => {
      const foreign = [
        '{"access_token":', 'null', '42', '[]', '"text"', '{}',
        JSON.stringify({ currentSession: { access_token: 'a' }, expiresAt: 1 }),
        JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_at: 'soon', user: { id: 'u' } }),
        JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_at: 1e12, user: { email: 'no-id@x.io' } }),
      ];
      for (const record of foreign) {
        const storage = memoryStorage();
        storage.map.set('wasm-auth-client', record);
        const auth = new ctx.AuthClient({ url: ctx.url, storage, autoRefresh: false });
        equal(auth.getCachedUser(), null, record);
        equal(storage.map.has('wasm-auth-client'), false, `removed ${record}`);
      }
    },
  },
  {
    name: 'storage that throws on write (quota exceeded)',
    outcome: 'sign-in works; the session lives in memory',
    run: async (ctx) => {
      const storage = memoryStorage({
        setItem: () => {
          throw new Error('QuotaExceededError');
        },
      });
      const { auth, email } = await signedIn(ctx, { storage });
      equal(auth.getCachedUser().email, email, 'cached user');
      equal((await auth.getUser()).email, email, 'server user');
    },
  },
  {
    name: 'storage that throws on read (private mode)',
    outcome: 'no throw from the constructor; signed out; sign-in works',
    run: async (ctx) => {
      const storage = memoryStorage({
        getItem: () => {
          throw new Error('SecurityError');
        },
      });
      const auth = new ctx.AuthClient({ url: ctx.url, storage, autoRefresh: false });
      equal(auth.getCachedUser(), null, 'cached user');
      const email = freshEmail('private');
      await fetch(`${ctx.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
      await auth.signInWithEmail({ email, password: PASSWORD });
      equal(auth.getCachedUser().email, email, 'signed in');
    },
  },
];

// ---- the bad-input matrix ------------------------------------------------------------------------

const HUGE = 'a'.repeat(100_000);
/** Bad values of every kind, each a string field's worst day. */
const KINDS = {
  empty: '',
  'wrong type (number)': 42,
  'wrong type (object)': { toString: () => 'a@b.co' },
  'wrong type (array)': ['a@b.co'],
  oversized: `${HUGE}@example.com`,
  'unicode edge (lone surrogate)': 'a\uD800@example.com',
  'unicode edge (RTL override, NUL)': 'a\u202Eb\u0000@example.com',
  'injection-shaped (header)': 'a@b.co\r\nBcc: victim@example.com',
  'injection-shaped (SQL)': "a@b.co' OR '1'='1",
};
const ALL = Object.keys(KINDS);
/** What a password may legitimately be: any text, so only these kinds are bad. */
const BAD_PASSWORD = ALL.filter((kind) => !kind.includes('SQL'));
const NOT_A_STRING = ALL.filter((kind) => kind.startsWith('wrong type'));
const NOT_A_BOOLEAN = ALL;
const SERVER_REJECTS = 'requestPasswordReset email injection-shaped (markup)';
const USER_ID = '0b1c2d3e-aaaa-4000-8000-000000000000';

/**
 * Every public method and each of its fields: [name, kinds that are bad there, call with the
 * bad value in that field and good values elsewhere].
 */
function fieldsOf(auth, admin) {
  return [
    ['requestPasswordReset email', ALL, (v) => auth.requestPasswordReset({ email: v })],
    ['requestPasswordReset redirectTo', ALL, (v) => auth.requestPasswordReset({ email: 'a@b.co', redirectTo: v })],
    ['requestPasswordReset flow', ALL, (v) => auth.requestPasswordReset({ email: 'a@b.co', flow: v })],
    ['verifyOtp email', ALL, (v) => auth.verifyOtp({ email: v, token: '123456', type: 'recovery' })],
    ['verifyOtp token', ALL, (v) => auth.verifyOtp({ email: 'a@b.co', token: v, type: 'recovery' })],
    ['verifyOtp tokenHash', ALL, (v) => auth.verifyOtp({ tokenHash: v, type: 'recovery' })],
    ['verifyOtp type', ALL, (v) => auth.verifyOtp({ email: 'a@b.co', token: '123456', type: v })],
    ['updatePassword password', BAD_PASSWORD, (v) => auth.updatePassword({ password: v })],
    ['updatePassword currentPassword', BAD_PASSWORD, (v) => auth.updatePassword({ password: 'new-password-1', currentPassword: v })],
    ['updatePassword nonce', ALL, (v) => auth.updatePassword({ password: 'new-password-1', nonce: v })],
    ['signInWithEmail email', ALL, (v) => auth.signInWithEmail({ email: v, password: 'some-password-1' })],
    ['signInWithEmail password', BAD_PASSWORD, (v) => auth.signInWithEmail({ email: 'a@b.co', password: v })],
    ['signOut scope', ALL, (v) => auth.signOut({ scope: v })],
    ['handleRedirect url', NOT_A_STRING, (v) => auth.handleRedirect(v)],
    ['handleRedirect acceptTokens', NOT_A_BOOLEAN, (v) => auth.handleRedirect('https://app.test/#x=1', { acceptTokens: v })],
    ['AdminClient.updateUserPassword userId', ALL, (v) => admin.updateUserPassword(v, { password: 'new-password-1' })],
    ['AdminClient.updateUserPassword password', BAD_PASSWORD, (v) => admin.updateUserPassword(USER_ID, { password: v })],
    ['AdminClient.generateRecoveryLink email', ALL, (v) => admin.generateRecoveryLink(v)],
    ['AdminClient.generateRecoveryLink redirectTo', ALL, (v) => admin.generateRecoveryLink('a@b.co', { redirectTo: v })],
    ['AdminClient.getUser userId', ALL, (v) => admin.getUser(v)],
    ['AdminClient.createUser email', ALL, (v) => admin.createUser({ email: v })],
    ['AdminClient.createUser password', BAD_PASSWORD, (v) => admin.createUser({ email: 'a@b.co', password: v })],
    ['AdminClient.createUser emailConfirm', NOT_A_BOOLEAN, (v) => admin.createUser({ email: 'a@b.co', emailConfirm: v })],
    ['AdminClient.deleteUser userId', ALL, (v) => admin.deleteUser(v)],
  ];
}

/** Whole-request cases no single field covers. */
function otherCalls(auth) {
  const cyclic = { email: 'a@b.co' };
  cyclic.self = cyclic;
  return [
    ['updatePassword password 73 bytes of UTF-8', () => auth.updatePassword({ password: `${'€'.repeat(24)}a` })],
    ['updatePassword request null', () => auth.updatePassword(null)],
    ['requestPasswordReset request with a cycle', () => auth.requestPasswordReset(cyclic)],
    ['signInWithEmail request with a BigInt', () => auth.signInWithEmail({ email: 'a@b.co', password: 10n })],
    ['signInWithEmail request with a throwing getter', () => auth.signInWithEmail({ email: 'a@b.co', get password() { throw new Error('getter'); } })],
    ['verifyOtp both token and tokenHash', () => auth.verifyOtp({ token: '123456', tokenHash: 'a'.repeat(56), type: 'recovery' })],
    ['verifyOtp neither token nor tokenHash', () => auth.verifyOtp({ type: 'recovery' })],
  ];
}

/** Constructor options, each bad in its own way; every one must throw `invalid_input`. */
const BAD_OPTIONS = [
  ...ALL.map((kind) => [`url ${kind}`, { url: KINDS[kind] }]),
  ...ALL.filter((kind) => !/oversized|SQL/.test(kind)).map((kind) => [`apiKey ${kind}`, { apiKey: KINDS[kind] }]),
  ...ALL.filter((kind) => !/oversized|SQL|empty/.test(kind)).map((kind) => [`headers value ${kind}`, { headers: { 'X-Test': KINDS[kind] } }]),
  ['headers name with a space', { headers: { 'Bad Name': 'v' } }],
  ['storageKey empty', { storageKey: '' }],
  ['storageKey wrong type', { storageKey: 42 }],
  ['storage unknown kind', { storage: 'cookies' }],
  ['storage object without methods', { storage: {} }],
  ['timeoutMs zero', { timeoutMs: 0 }],
  ['timeoutMs text', { timeoutMs: '100' }],
  ['timeoutMs NaN', { timeoutMs: NaN }],
  ['autoRefresh text', { autoRefresh: 'yes' }],
];

function thrownBy(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

export const badInputs = [
  {
    name: 'every public method, bad values of every kind',
    outcome: '`invalid_input` naming the field, status 0, and not one request sent; no panic, no hang; the session survives',
    run: async (ctx) => {
      const { auth, email } = await signedIn(ctx);
      const admin = new ctx.AdminClient({ url: ctx.url, serviceRoleKey: 'a-service-role-key', allowInBrowser: true });
      await dev(ctx.url).clearRequests();
      let checked = 0;
      for (const [field, kinds, call] of fieldsOf(auth, admin)) {
        const name = field.split(' ').at(-1);
        for (const kind of kinds) {
          const error = await expectCode(call(KINDS[kind]), 'invalid_input', `${field} ${kind}`);
          equal(error.status, 0, `${field} ${kind}: status`);
          check(error.message.startsWith(`${name}:`), `${field} ${kind}: message names the field: ${error.message}`);
          checked += 1;
        }
      }
      for (const [what, call] of otherCalls(auth)) {
        equal((await expectCode(call(), 'invalid_input', what)).status, 0, `${what}: status`);
      }
      for (const [what, options] of BAD_OPTIONS) {
        equal(thrownBy(() => new ctx.AuthClient({ url: ctx.url, ...options }))?.code, 'invalid_input', `constructor ${what}`);
      }
      for (const bad of [undefined, null, 42, 'https://x.test']) {
        equal(thrownBy(() => new ctx.AuthClient(bad))?.code, 'invalid_input', `constructor ${JSON.stringify(bad)}`);
      }
      for (const kind of NOT_A_STRING) {
        equal(thrownBy(() => auth.parseRecoveryLink(KINDS[kind]))?.code, 'invalid_input', `parseRecoveryLink ${kind}`);
      }
      // A damaged link is read as it is, and what it holds is refused before the network.
      const damaged = auth.parseRecoveryLink(`https://x.test/?token_hash=${'\uD800'.repeat(10)}`);
      await expectCode(auth.verifyOtp({ tokenHash: damaged.tokenHash, type: 'recovery' }), 'invalid_input', 'damaged token hash');
      equal(auth.parseRecoveryLink(`https://x.test/?token_hash=${'a'.repeat(56)}`).tokenHash, 'a'.repeat(56), 'a good one is read');
      equal(thrownBy(() => auth.onAuthChange('not a function'))?.code, 'invalid_input', 'onAuthChange');
      check(checked > 150, `${checked} field checks`);
      // The whole log, not one path: not a single request left the client.
      equal(JSON.stringify(await dev(ctx.url).requests()), '[]', 'requests sent');

      // A well-formed but server-invalid email reaches the server, which refuses it.
      await expectCode(auth.requestPasswordReset({ email: '<script>alert(1)</script>@x.io' }), 'invalid_input', SERVER_REJECTS);
      equal((await dev(ctx.url).requests()).length, 1, 'that one request');
      equal(auth.getCachedUser().email, email, 'session kept');
      equal((await auth.getUser()).email, email, 'client still works');
    },
  },
];

export const rows = [...faults, ...badInputs];

/** Runs one row by name (the browser runner calls this inside the page). */
export async function run(name, ctx) {
  const row = rows.find((r) => r.name === name);
  check(row, `no row ${name}`);
  try {
    await row.run(ctx);
  } finally {
    await dev(ctx.url).clearFaults();
  }
}
