// The demo page on Firebase (the Auth emulator) and PocketBase, as `make demo BACKEND=…` runs
// it (scripts/demo.mjs), in headless Chromium: sign-up, forgot password with the code from the
// mailbox panel, a weak then a good new password, signed in; the emailed link opened; settings.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../support/chromium.mjs';
import { freshEmail, root } from '../support/devserver.mjs';
import { serveDemo } from '../../scripts/demo.mjs';
import { demoSteps } from './demo-steps.mjs';

const shots = path.join(root, 'build/screenshots');
let browser;

before(async () => {
  mkdirSync(shots, { recursive: true });
  browser = await launchChromium();
});
after(() => browser?.close());

for (const backend of ['firebase', 'pocketbase']) {
  describe(backend, () => {
    let demo;
    let page;
    before(async () => {
      demo = await serveDemo({ backend });
    });
    after(async () => {
      await page?.context().close();
      await demo?.stop();
    });

    const steps = demoSteps(() => page);
    const { visible, submit, says, signIn, changePassword } = steps;
    const shot = (name) => page.screenshot({ path: path.join(shots, `${backend}-${name}.png`), fullPage: true });

    async function freshPage() {
      await page?.context().close();
      page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
      page.on('pageerror', (error) => assert.fail(`page error: ${error.message}`));
      await page.goto(demo.url);
      await page.locator('body[data-ready=true]').waitFor();
    }

    async function signUpAndOut(email) {
      assert.deepEqual(await steps.signUpAndOut(email, 'first-password-1'), { signedInAs: email, afterSignOut: 'signed out' });
    }

    async function askForReset(email) {
      await page.fill('#signin-email', email);
      await page.locator('#go-forgot').click();
      await visible('forgot');
      await submit('form-forgot');
      await visible('code');
      await page.locator('#mailbox-refresh').click();
      await page.locator('[data-testid=mail-code]').first().waitFor();
    }

    if (backend === 'pocketbase') {
      test("the demo's PocketBase answers no other site, its mailbox this machine's pages only, and no known password opens it", async () => {
        const evil = 'https://evil.example';
        const email = freshEmail('pb-guard');
        const mailbox = `${demo.serverUrl}/_mailbox/${encodeURIComponent(email)}`;
        assert.equal((await fetch(mailbox, { headers: { origin: evil } })).status, 403, 'the mailbox from another site');
        assert.equal((await fetch(mailbox, { headers: { origin: demo.url } })).status, 200, 'the demo page reads it');
        const preflight = await fetch(`${demo.serverUrl}/api/collections/users/auth-with-password`, {
          method: 'OPTIONS',
          headers: { origin: evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
        });
        assert.ok(![evil, '*'].includes(preflight.headers.get('access-control-allow-origin')), `CORS: ${preflight.headers.get('access-control-allow-origin')}`);
        const fixed = await fetch(`${demo.serverUrl}/api/collections/_superusers/auth-with-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ identity: 'admin@pocketbase.test', password: 'admin-password-1' }),
        });
        assert.equal(fixed.status, 400, 'the old fixed superuser password');
      });
    }

    test('forgot password with the code from the mailbox, a weak then a good password, settings', async () => {
      await freshPage();
      const email = freshEmail(backend);
      await signUpAndOut(email);
      await askForReset(email);
      await shot('01-code');
      // A damaged code is explained (Firebase checks it on verify, PocketBase when it is used).
      await page.locator('.mail button', { hasText: 'Use code' }).first().click();
      const code = await page.inputValue('#code-input');
      await submit('form-code');
      await visible('newpassword');
      assert.match(await page.locator('[data-testid=events]').textContent(), /PASSWORD_RECOVERY/);
      assert.equal(await page.locator('[data-testid=cached-user]').textContent(), 'signed out', 'no session before the new password');
      await page.fill('#new-password', 'abc');
      await submit('form-newpassword');
      await says('newpassword-error', 'too weak');
      await page.fill('#new-password', 'second-password-2');
      await submit('form-newpassword');
      await visible('home');
      assert.match(await page.locator('#home-notice').textContent(), /password was changed/);
      assert.equal(await page.locator('[data-testid=cached-user]').textContent(), email);
      assert.ok(code.length > 10);
      await shot('02-changed');

      // Settings: the current password is checked; the session goes on after the change.
      await changePassword('not-my-password', 'third-password-3');
      await says('change-error', 'current password is not correct');
      await changePassword('second-password-2', 'third-password-3');
      await says('home-notice', 'Password changed');
      assert.equal(await page.locator('#signout-others').isVisible(), false, 'no server-side sign-out on this platform');
      await page.locator('#signout').click();
      await visible('signin');
      await signIn(email, 'third-password-3');
      await visible('home');
    });

    test('the emailed link opens the new-password step and leaves no credential in the address bar', async () => {
      await freshPage();
      const email = freshEmail(`${backend}-link`);
      await signUpAndOut(email);
      await askForReset(email);
      const link = await page.locator('.mail a', { hasText: 'Open link' }).first().getAttribute('href');
      await page.goto(link);
      await page.locator('body[data-ready=true]').waitFor();
      await visible('newpassword');
      for (const secret of ['oobCode', 'token=']) assert.ok(!page.url().includes(secret), `${secret} left in ${page.url()}`);
      await page.fill('#new-password', 'linked-password-2');
      await submit('form-newpassword');
      await visible('home');
      assert.equal(await page.locator('[data-testid=cached-user]').textContent(), email);
      await shot('03-link');

      // Used: opening it again explains why it failed (PocketBase can only tell on use).
      await page.locator('#signout').click();
      await page.goto(link);
      await page.locator('body[data-ready=true]').waitFor();
      if (backend === 'firebase') {
        await visible('code');
        await says('code-error', 'already used or expired');
      } else {
        await visible('newpassword');
        await page.fill('#new-password', 'another-password-3');
        await submit('form-newpassword');
        await says('newpassword-error', 'already used or expired');
      }
    });
  });
}
