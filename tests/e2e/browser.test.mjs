// What only a real browser can show (headless Chromium): the address bar loses a link's
// credentials before any request is made, AdminClient refuses to run in a Web Worker or a page,
// the background refresh timer pauses while the tab is hidden, and the browser's own storage:
// sessionStorage by default with a reload restoring the user synchronously, localStorage when
// asked, damaged records removed without a throw, the recovery flow across a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { startDevserver, freshEmail, root } from '../support/devserver.mjs';

let server;
let browser;
let page;

before(async () => {
  // The matrix host page: the package and nothing else (the demo would consume links itself).
  server = await startDevserver({}, ['--www', path.join(root, 'tests/matrix'), '--pkg', path.join(root, 'pkg')]);
  browser = await launchChromium();
  page = await openPage(browser, server.url);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const [name, suffix] of [
  ['fragment', '#access_token=AT.secret.jwt&refresh_token=rt-secret-12&expires_in=3600&type=recovery'],
  ['hash route', '#/reset?access_token=AT.secret.jwt&refresh_token=rt-secret-12&expires_in=3600&type=recovery'],
  ['query', '?token_hash=' + 'a'.repeat(56) + '&type=recovery&tab=2'],
]) {
  test(`the address bar is cleaned before any request (${name})`, async () => {
    // The server holds the request the link causes, so "before" is observable.
    const held = suffix.includes('token_hash') ? '/verify' : '/user';
    await server.dev.addFault({ path: held, delay_ms: 1500 });
    const seen = await page.evaluate(async (suffix) => {
      const { AuthClient } = await import('/pkg/index.js');
      history.replaceState(null, '', `/${suffix}`);
      const auth = new AuthClient({ url: location.origin, storage: 'memory', autoRefresh: false });
      const pending = auth.handleRedirect(undefined, { acceptTokens: true });
      const during = location.href;
      const outcome = await pending.then(() => 'resolved', (e) => e.code);
      return { during, after: location.href, outcome };
    }, suffix);
    for (const href of [seen.during, seen.after]) {
      assert.ok(!/access_token|refresh_token|token_hash|secret/.test(href), href);
    }
    assert.equal(seen.outcome, suffix.includes('token_hash') ? 'invalid_otp' : 'not_authenticated');
    if (name === 'hash route') assert.equal(new URL(seen.during).hash, '#/reset');
    if (name === 'query') assert.equal(new URL(seen.during).search, '?tab=2');
    await server.dev.clearFaults();
  });
}

test("the address bar loses PocketBase's default link token, a path segment", async () => {
  const seen = await page.evaluate(async () => {
    const { AuthClient } = await import('/pkg/pocketbase.js');
    history.replaceState(null, '', '/_/#/auth/confirm-password-reset/eyJhbGciOiJIUzI1NiJ9.secret-reset-token.c2ln');
    const auth = new AuthClient({ url: location.origin, storage: 'memory', autoRefresh: false });
    const outcome = await auth.handleRedirect().then(() => 'resolved', (e) => e.code);
    return { after: location.href, outcome };
  });
  assert.ok(!seen.after.includes('secret'), seen.after);
  assert.equal(new URL(seen.after).hash, '#/auth/confirm-password-reset', 'the route stays');
  assert.equal(seen.outcome, 'invalid_otp', 'not a reset token of this app');
});

test('AdminClient refuses to run in a Web Worker', async () => {
  const outcomes = await page.evaluate(async () => {
    const attempt = (options) =>
      new Promise((resolve) => {
        const source = `
          import { AdminClient } from '${location.origin}/pkg/admin.js';
          try {
            new AdminClient(${JSON.stringify({ url: location.origin, serviceRoleKey: 'service-key-in-a-worker', ...options })});
            postMessage('constructed');
          } catch (error) {
            postMessage(error.code + ' ' + error.message);
          }`;
        const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
        worker.onmessage = (event) => {
          worker.terminate();
          resolve(event.data);
        };
        worker.onerror = (event) => resolve(`worker error: ${event.message}`);
      });
    return [await attempt({}), await attempt({ allowInBrowser: true })];
  });
  assert.match(outcomes[0], /^unsafe_environment /);
  assert.ok(!outcomes[0].includes('service-key-in-a-worker'));
  assert.equal(outcomes[1], 'constructed', 'the explicit opt-in still works');
});

test('the background timer pauses while the tab is hidden and resumes when it is shown', async () => {
  const email = freshEmail('hidden');
  await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: 'first-password-1' }) });
  const heldTimers = readFileSync(path.join(root, 'tests/support/held-timers.mjs'), 'utf8');
  const steps = await page.evaluate(async ([email, heldTimers]) => {
    const { AuthClient } = await import('/pkg/index.js');
    const { holdTimers } = await import(`data:text/javascript,${encodeURIComponent(heldTimers)}`);
    // A session due for refresh (50 s left), in a store the page controls.
    const map = new Map();
    const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    await new AuthClient({ url: location.origin, storage, autoRefresh: false }).signInWithEmail({ email, password: 'first-password-1' });
    const record = JSON.parse(map.get('wasm-auth-client'));
    map.set('wasm-auth-client', JSON.stringify({ ...record, expires_at: Date.now() / 1000 + 50 }));
    // The tab's visibility, as the test says.
    let visibility = 'hidden';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    const show = (state) => {
      visibility = state;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    const timers = holdTimers();
    const steps = {};
    try {
      const auth = new AuthClient({ url: location.origin, storage });
      const refreshed = new Promise((resolve) => auth.onAuthChange((event) => event === 'TOKEN_REFRESHED' && resolve(event)));
      steps.hidden = timers.pending().length;
      show('visible');
      steps.shown = timers.pending().map((t) => t.ms);
      show('hidden');
      steps.hiddenAgain = timers.pending().length;
      show('visible');
      timers.fire(timers.pending()[0]);
      steps.event = await refreshed;
      auth.free();
    } finally {
      timers.restore();
      delete document.visibilityState;
    }
    return steps;
  }, [email, heldTimers]);
  assert.deepEqual(steps, { hidden: 0, shown: [0], hiddenAgain: 0, event: 'TOKEN_REFRESHED' });
});

const PASSWORD = 'first-password-1';

async function signUp() {
  const email = freshEmail('web');
  const response = await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: PASSWORD }) });
  assert.equal(response.status, 200);
  return email;
}

test('sessionStorage by default, and a reload has the user at once', async () => {
  const email = await signUp();
  const seen = await page.evaluate(async ([email, password]) => {
    const { AuthClient } = await import('/pkg/index.js');
    const auth = new AuthClient({ url: location.origin, storageKey: 'default-test' });
    await auth.signInWithEmail({ email, password });
    const record = JSON.parse(sessionStorage.getItem('default-test'));
    const reloaded = new AuthClient({ url: location.origin, storageKey: 'default-test' });
    const cached = reloaded.getCachedUser()?.email;
    await reloaded.signOut();
    auth.free();
    reloaded.free();
    return { recordEmail: record.user.email, refresh: typeof record.refresh_token, local: localStorage.getItem('default-test'), cached, after: sessionStorage.getItem('default-test') };
  }, [email, PASSWORD]);
  assert.deepEqual(seen, { recordEmail: email, refresh: 'string', local: null, cached: email, after: null });
});

test('localStorage when asked', async () => {
  const email = await signUp();
  const seen = await page.evaluate(async ([email, password]) => {
    const { AuthClient } = await import('/pkg/index.js');
    const auth = new AuthClient({ url: location.origin, storageKey: 'local-test', storage: 'local', autoRefresh: false });
    await auth.signInWithEmail({ email, password });
    const during = { local: localStorage.getItem('local-test') !== null, session: sessionStorage.getItem('local-test') };
    await auth.signOut();
    auth.free();
    return { ...during, after: localStorage.getItem('local-test') };
  }, [email, PASSWORD]);
  assert.deepEqual(seen, { local: true, session: null, after: null });
});

test('a damaged record is removed without a throw', async () => {
  const seen = await page.evaluate(async () => {
    const { AuthClient } = await import('/pkg/index.js');
    const out = [];
    for (const damaged of ['{"access_token":', '{}', '[1,2]', '{"access_token":"a","refresh_token":"r","expires_at":5,"user":{}}']) {
      sessionStorage.setItem('damaged-test', damaged);
      const auth = new AuthClient({ url: location.origin, storageKey: 'damaged-test', autoRefresh: false });
      out.push([auth.getCachedUser(), sessionStorage.getItem('damaged-test')]);
      auth.free();
    }
    return out;
  });
  assert.deepEqual(seen, [[null, null], [null, null], [null, null], [null, null]]);
});

test('the recovery flow across a reload: the address held in sessionStorage', async () => {
  const email = await signUp();
  const held = await page.evaluate(async (email) => {
    const { AuthClient } = await import('/pkg/index.js');
    const auth = new AuthClient({ url: location.origin, storageKey: 'flow-test', autoRefresh: false });
    await auth.requestPasswordReset({ email });
    auth.free();
    return sessionStorage.getItem('flow-test:recovery-email');
  }, email);
  assert.equal(held, email);
  const mail = (await server.dev.outbox(email)).at(-1);
  const seen = await page.evaluate(async ([email, token]) => {
    const { AuthClient } = await import('/pkg/index.js');
    const reloaded = new AuthClient({ url: location.origin, storageKey: 'flow-test', autoRefresh: false });
    const session = await reloaded.verifyOtp({ token, type: 'recovery' });
    await reloaded.updatePassword({ password: 'second-password-2' });
    const fresh = new AuthClient({ url: location.origin, storage: 'memory', autoRefresh: false });
    const signedIn = await fresh.signInWithEmail({ email, password: 'second-password-2' });
    await reloaded.signOut();
    return [session.user.email, signedIn.user.email];
  }, [email, mail.token]);
  assert.deepEqual(seen, [email, email]);
});

test('errors before the network are AuthErrors, and no request is sent', async () => {
  await server.dev.clearRequests();
  const seen = await page.evaluate(async () => {
    const { AuthClient, AuthError, isAuthError } = await import('/pkg/index.js');
    const auth = new AuthClient({ url: location.origin, storage: 'memory', autoRefresh: false });
    const first = await auth.updatePassword({ password: 'new-password-1' }).catch((e) => e);
    const bad = await auth.requestPasswordReset({ email: 'nope' }).catch((e) => e);
    return [isAuthError(first), first instanceof AuthError, first instanceof Error, first.code, bad.code];
  });
  assert.deepEqual(seen, [true, true, true, 'not_authenticated', 'invalid_input']);
  assert.deepEqual(await server.dev.requests(), []);
});

test('AdminClient refuses to run in a page unless told, and the key is not in the message', async () => {
  const seen = await page.evaluate(async () => {
    const { AdminClient } = await import('/pkg/admin.js');
    let refused;
    try {
      new AdminClient({ url: location.origin, serviceRoleKey: 'a-service-key' });
    } catch (error) {
      refused = error;
    }
    const forced = new AdminClient({ url: location.origin, serviceRoleKey: 'a-service-key', allowInBrowser: true });
    return [refused?.code, refused?.message.includes('a-service-key'), typeof forced.updateUserPassword];
  });
  assert.deepEqual(seen, ['unsafe_environment', false, 'function']);
});
