// What only a real browser can show (headless Chromium): the address bar loses a link's
// credentials before any request is made, and AdminClient refuses to run in a Web Worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { startDevserver, root } from '../support/devserver.mjs';

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

test('AdminClient refuses to run in a Web Worker', async () => {
  const outcomes = await page.evaluate(async () => {
    const attempt = (options) =>
      new Promise((resolve) => {
        const source = `
          import { AdminClient } from '${location.origin}/pkg/index.js';
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
