// Two tabs of one browser profile (headless Chromium) sharing `local` storage: one tab's
// sign-in, refresh and sign-out reach the other through the `storage` event; a newer token is
// never replaced by an older one. The package is loaded from the devserver's /pkg/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from '../support/chromium.mjs';
import { startDevserver, freshEmail, root } from '../support/devserver.mjs';

let server;
let browser;
let context;

before(async () => {
  server = await startDevserver({}, ['--www', path.join(root, 'www'), '--pkg', path.join(root, 'pkg')]);
  browser = await launchChromium();
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A tab with its own client on `local` storage; events collected in `window.events`. */
async function tab() {
  const page = await context.newPage();
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
  await page.goto(server.url);
  await page.locator('body[data-ready=true]').waitFor();
  await page.evaluate(async () => {
    const { AuthClient } = await import('/pkg/index.js');
    window.tabClient = new AuthClient({ url: location.origin, storage: 'local', storageKey: 'tabs-test', autoRefresh: false });
    window.events = [];
    window.tabClient.onAuthChange((event, session) => window.events.push([event, session?.refreshToken ?? null]));
  });
  return page;
}

const waitForEvent = (page, name) => page.waitForFunction((n) => window.events.some(([e]) => e === n), name);
const cachedEmail = (page) => page.evaluate(() => window.tabClient.getCachedUser()?.email ?? null);

test('sign-in, refresh and sign-out in one tab reach the other', async () => {
  const email = freshEmail('tabs');
  await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: 'first-password-1' }) });
  const a = await tab();
  const b = await tab();
  assert.equal(await cachedEmail(b), null);

  await a.evaluate((e) => window.tabClient.signInWithEmail({ email: e, password: 'first-password-1' }), email);
  await waitForEvent(b, 'SIGNED_IN');
  assert.equal(await cachedEmail(b), email);

  // Tab A refreshes (its record made to expire soon); B adopts the rotated token.
  const rotated = await a.evaluate(async () => {
    const record = JSON.parse(localStorage.getItem('tabs-test'));
    record.expires_at = Date.now() / 1000 + 5;
    localStorage.setItem('tabs-test', JSON.stringify(record));
    const { AuthClient } = await import('/pkg/index.js');
    window.tabClient.free();
    window.tabClient = new AuthClient({ url: location.origin, storage: 'local', storageKey: 'tabs-test', autoRefresh: false });
    return (await window.tabClient.getSession()).refreshToken;
  });
  await b.waitForFunction((token) => window.events.some(([e, t]) => e === 'TOKEN_REFRESHED' && t === token), rotated);
  assert.equal(await b.evaluate(async () => (await window.tabClient.getSession()).refreshToken), rotated);

  // An older record written by anyone does not replace the newer one B holds.
  const kept = await a.evaluate(() => {
    const record = JSON.parse(localStorage.getItem('tabs-test'));
    const older = { ...record, refresh_token: 'olderolderol', expires_at: record.expires_at - 600 };
    localStorage.setItem('tabs-test', JSON.stringify(older));
    return record.refresh_token;
  });
  await a.waitForFunction((token) => JSON.parse(localStorage.getItem('tabs-test')).refresh_token === token, kept);

  await a.evaluate(() => window.tabClient.signOut());
  await waitForEvent(b, 'SIGNED_OUT');
  assert.equal(await cachedEmail(b), null);
  await a.close();
  await b.close();
});
