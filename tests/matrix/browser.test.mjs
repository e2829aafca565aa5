// The fault and bad-input matrices (scenarios.mjs) in headless Chromium: the devserver serves
// tests/ (this folder and the shared checks) and the package; each row runs inside the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { startDevserver, closedPortUrl, root } from '../support/devserver.mjs';
import { rows } from './scenarios.mjs';

let server;
let browser;
let page;
let closedUrl;

before(async () => {
  server = await startDevserver({}, ['--www', path.join(root, 'tests'), '--pkg', path.join(root, 'pkg')]);
  browser = await launchChromium();
  page = await openPage(browser, `${server.url}/matrix/`);
  closedUrl = await closedPortUrl();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

for (const row of rows) {
  test(row.name, async () => {
    await page.evaluate(async ([name, closedUrl]) => {
      const [{ AuthClient, isAuthError }, { AdminClient }] = await Promise.all([import('/pkg/index.js'), import('/pkg/admin.js')]);
      const { run } = await import('/matrix/scenarios.mjs');
      await run(name, { AuthClient, AdminClient, isAuthError, url: location.origin, closedUrl });
    }, [row.name, closedUrl]);
  });
}
