// The demo page in Debian's Chromium (headless, driven by playwright-core), against a devserver
// serving www/ and pkg/: a person's whole path through sign-up, forgot password and settings.
// Screenshots of each step land in build/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium } from '../support/chromium.mjs';
import { startDevserver, freshEmail, root } from '../support/devserver.mjs';
import { demoSteps } from './demo-steps.mjs';

const shots = path.join(root, 'build/screenshots');
let server;
let browser;
let page;
let dataDir;

/** Starts (or restarts, on the same port and database) the devserver serving the demo. */
async function serveDemo(port = '0') {
  return startDevserver({}, ['--port', port, '--db', path.join(dataDir, 'demo.sqlite'), '--www', path.join(root, 'www'), '--pkg', path.join(root, 'pkg')]);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  dataDir = mkdtempSync(path.join(tmpdir(), 'demo-data-'));
  server = await serveDemo();
  // Every launch gets a fresh, temporary profile.
  browser = await launchChromium();
});

/** Each test starts in a fresh browser context: no storage carried over. */
async function freshPage() {
  await page?.context().close();
  page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
}

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
const { visible, submit, says, signIn, changePassword, signUpAndOut } = demoSteps(() => page);

async function newestCode() {
  await page.locator('#mailbox-refresh').click();
  const code = page.locator('[data-testid=mail-code]').first();
  await code.waitFor();
  return (await code.textContent()).trim();
}

test('the page loads without a console error or a failed request', async () => {
  await freshPage();
  const problems = [];
  page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
  page.on('response', (response) => response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`));
  await page.goto(server.url);
  await page.locator('body[data-ready=true]').waitFor();
  // The browser asks for the icon after load; give it the moment it takes.
  await page.waitForLoadState('networkidle');
  assert.deepEqual(problems, []);
});

test('sign up, forgot password, new password, sign in, change password, offline and back', async () => {
  await freshPage();
  const email = freshEmail('demo');
  await page.goto(server.url);
  await page.locator('body[data-ready=true]').waitFor();
  await visible('signin');
  await shot('01-sign-in');

  // Sign up (the server's /signup), then signed in through the library.
  assert.deepEqual(await signUpAndOut(email, 'first-password-1'), { signedInAs: email, afterSignOut: 'signed out' });

  // Forgot password: a neutral message, the code from the mailbox panel.
  await page.fill('#signin-email', email);
  await page.locator('#go-forgot').click();
  await visible('forgot');
  await submit('form-forgot');
  await visible('code');
  assert.match(await page.locator('#code-notice').textContent(), /If an account exists/);
  const code = await newestCode();
  assert.match(code, /^\d{6}$/);
  await shot('02-code-sent');

  // A wrong code is explained next to the field.
  await page.fill('#code-input', code === '000000' ? '111111' : '000000');
  await submit('form-code');
  await page.locator('#code-error').filter({ hasText: 'wrong, already used or expired' }).waitFor();
  await shot('03-wrong-code');

  await page.fill('#code-input', code);
  await submit('form-code');
  await visible('newpassword');
  assert.match(await page.locator('[data-testid=events]').textContent(), /PASSWORD_RECOVERY/);

  // Too weak: the server's policy in words.
  await page.fill('#new-password', 'abc');
  await submit('form-newpassword');
  await page.locator('#new-password-reasons li').first().waitFor();
  assert.match(await page.locator('#new-password-reasons').textContent(), /at least 6 characters/);
  await shot('04-weak-password');

  await page.fill('#new-password', 'second-password-2');
  await submit('form-newpassword');
  await visible('home');
  assert.match(await page.locator('#home-notice').textContent(), /password was changed/);
  await shot('05-password-changed');

  // Sign in with the new password.
  await page.locator('#signout').click();
  await visible('signin');
  await signIn(email, 'first-password-1');
  await says('signin-error', 'Wrong email or password');
  await signIn(email, 'second-password-2');
  await visible('home');

  // Settings: a wrong current password changes nothing; the right one does.
  await changePassword('not-my-password', 'third-password-3');
  await says('change-error', 'current password is not correct');
  await changePassword('second-password-2', 'second-password-2');
  await says('change-error', 'your current password');
  await changePassword('second-password-2', 'third-password-3');
  await says('home-notice', 'Password changed');
  await page.locator('#signout-others').click();
  await says('home-notice', 'Other devices were signed out');
  await shot('06-settings');

  // The server stops mid-flow: the page says so, and works again once it is back (same port,
  // same database file, so the user still exists).
  await page.locator('#signout').click();
  await visible('signin');
  const port = new URL(server.url).port;
  await server.stop();
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', 'third-password-3');
  await submit('form-signin');
  await page.locator('#signin-error').filter({ hasText: 'Cannot reach the server' }).waitFor();
  await shot('07-offline');
  server = await serveDemo(port);
  await submit('form-signin');
  await visible('home');
  assert.equal(await page.locator('[data-testid=cached-user]').textContent(), email);
});

test('too many requests shows the wait time', async () => {
  await freshPage();
  const email = freshEmail('limited');
  await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: 'first-password-1' }) });
  await page.goto(server.url);
  await page.locator('body[data-ready=true]').waitFor();
  await page.locator('#go-forgot').click();
  await visible('forgot');
  await page.fill('#forgot-email', email);
  await submit('form-forgot');
  await visible('code');
  await page.locator('#resend').click();
  await page.locator('#code-error').filter({ hasText: /Too many requests\. Try again in \d+ seconds/ }).waitFor();
  await shot('08-rate-limited');
});

test('the email link opens the new-password step and leaves no secret in the address bar', async () => {
  await freshPage();
  const email = freshEmail('link');
  await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password: 'first-password-1' }) });
  await page.goto(server.url);
  await page.locator('body[data-ready=true]').waitFor();
  await page.locator('#go-forgot').click();
  await page.fill('#forgot-email', email);
  await submit('form-forgot');
  await visible('code');
  await page.locator('#mailbox-refresh').click();
  const link = await page.locator('.mail a', { hasText: 'Open link' }).first().getAttribute('href');
  await page.locator('.mail a', { hasText: 'Open link' }).first().click();
  await page.locator('body[data-ready=true]').waitFor();
  await visible('newpassword');
  const url = new URL(page.url());
  assert.equal(url.hash, '', 'tokens removed from the address bar');
  assert.ok(!page.url().includes('access_token'));
  assert.match(await page.locator('[data-testid=events]').textContent(), /PASSWORD_RECOVERY/);
  await shot('09-link-opened');
  await page.fill('#new-password', 'linked-password-2');
  await submit('form-newpassword');
  await visible('home');

  // The link is single-use: opening it again explains why it failed.
  await page.locator('#signout').click();
  await page.goto(link);
  await page.locator('body[data-ready=true]').waitFor();
  await visible('code');
  await page.locator('#code-error').filter({ hasText: 'already used or expired' }).waitFor();
  assert.equal(new URL(page.url()).hash, '');
});
