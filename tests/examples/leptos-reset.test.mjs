// The Leptos example (examples/leptos-reset, on the Rust API) end to end in headless Chromium:
// `make test-examples` builds it for wasm32 and runs wasm-bindgen into build/leptos-reset-test;
// a devserver serves that page and is its auth server. The three steps with a wrong code and a
// weak password on the way, the errors shown in words, and the user signed in at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startDevserver, root, freshEmail } from '../support/devserver.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';

let server;
let browser;
before(async () => {
  server = await startDevserver({}, ['--www', path.join(root, 'build/leptos-reset-test')]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Leptos example resets a password in three steps', async () => {
  const email = freshEmail('leptos');
  const signUp = await fetch(`${server.url}/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'first-password-1' }) });
  assert.equal(signUp.status, 200);
  const page = await openPage(browser, `${server.url}/`);
  const alert = () => page.textContent('[role=alert]');
  await page.fill('input[type=email]', email);
  await page.click('button');
  await page.waitForSelector('input[inputmode=numeric]');
  const code = (await server.dev.lastMail(email)).token;
  await page.fill('input[inputmode=numeric]', code === '000000' ? '111111' : '000000');
  await page.click('button');
  await page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent);
  assert.match(await alert(), /wrong, used or expired/);
  await page.fill('input[inputmode=numeric]', code);
  await page.click('button');
  await page.waitForSelector('input[type=password]');
  await page.fill('input[type=password]', 'abc');
  await page.click('button');
  await page.waitForFunction(() => document.querySelector('[role=alert]')?.textContent.includes('short'));
  await page.fill('input[type=password]', 'second-password-2');
  await page.click('button');
  await page.waitForFunction(() => document.body.textContent.includes('Done'));
  assert.match(await page.textContent('body'), new RegExp(`signed in as ${email.replace(/[.+]/g, '\\$&')}`));
  // The new password works; the page's session is in its sessionStorage.
  const signIn = await fetch(`${server.url}/token?grant_type=password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'second-password-2' }) });
  assert.equal(signIn.status, 200);
  assert.ok(await page.evaluate(() => sessionStorage.getItem('wasm-auth-client')), 'the session record is stored');
});
