// Debian's Chromium, headless, through playwright-core (no browser download). The flags keep
// it from calling out to the network, which is closed here.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page of `browser` at `url`; an uncaught error in the page fails the test. */
export async function openPage(browser, url) {
  const page = await browser.newPage();
  page.on('pageerror', (error) => {
    throw new Error(`page error: ${error.message}`);
  });
  await page.goto(url);
  return page;
}
