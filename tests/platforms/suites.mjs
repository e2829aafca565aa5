// Runs contract.mjs for one platform twice: with the package's Node entry, and inside headless
// Chromium with its browser entry (the devserver serves tests/ and pkg/ to the page only).
import { test, before, after, describe } from 'node:test';
import path from 'node:path';
import { startDevserver, closedPortUrl, root } from '../support/devserver.mjs';
import { launchChromium, openPage } from '../support/chromium.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';
import { scenarios, run } from './contract.mjs';

/** A `start` for platforms the devserver stands in for: a devserver behind a fault proxy. */
export async function devserverBehindProxy(extraWhere = {}, proxyOptions = {}) {
  const server = await startDevserver();
  const proxy = await startFaultProxy(server.url, proxyOptions);
  return {
    where: { serverUrl: server.url, proxyUrl: proxy.url, wachtApiKey: server.wachtApiKey, ...extraWhere },
    async stop() {
      await proxy.stop();
      await server.stop();
    },
  };
}

/**
 * @param {object} spec
 * @param {string} spec.entry        the package subpath (`firebase` → pkg/firebase.js, pkg/firebase-node.js)
 * @param {string} spec.descriptor   the browser-safe module in this folder exporting `platform(where)`
 * @param {() => Promise<{ where: object, stop: () => Promise<void> }>} spec.start  the real server(s)
 * @param {Record<string, string>} [spec.lacks]  why a scenario's `needs` cannot be met here
 * @param {string} [spec.label]  the suite's name (several runs of one entry in a file)
 * @param {Array<{name: string}>} [spec.own]  the descriptor's own scenarios (its `scenarios` export)
 */
export function contractSuites({ entry, descriptor, start, lacks = {}, label = entry, own = [] }) {
  describe(label, () => suites({ entry, descriptor, start, lacks, own }));
}

function suites({ entry, descriptor, start, lacks, own }) {
  const options = (scenario) => (scenario.needs && lacks[scenario.needs] ? { skip: lacks[scenario.needs] } : {});
  let started;
  let closedUrl;
  let node;
  let platform;
  before(async () => {
    started = await start();
    closedUrl = await closedPortUrl();
    node = await import(path.join(root, `pkg/${entry}-node.js`));
    platform = (await import(`./${descriptor}`)).platform;
  });
  after(() => started?.stop());

  describe('Node', () => {
    for (const scenario of [...scenarios, ...own]) {
      const load = (name) => import(path.join(root, `pkg/${name}-node.js`));
      test(scenario.name, options(scenario), () => run(scenario.name, { AuthClient: node.AuthClient, isAuthError: node.isAuthError, platform: platform(started.where), closedUrl, load }, own));
    }
  });

  describe('Chromium', () => {
    let server;
    let browser;
    let page;
    before(async () => {
      server = await startDevserver({}, ['--www', path.join(root, 'tests'), '--pkg', path.join(root, 'pkg')]);
      browser = await launchChromium();
      page = await openPage(browser, `${server.url}/platforms/`);
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
    });
    for (const scenario of [...scenarios, ...own]) {
      test(scenario.name, options(scenario), async () => {
        await page.evaluate(async ([name, entry, descriptor, where, closedUrl]) => {
          const { AuthClient, isAuthError } = await import(`/pkg/${entry}.js`);
          const { run } = await import('/platforms/contract.mjs');
          const { platform, scenarios: own = [] } = await import(`/platforms/${descriptor}`);
          const load = (other) => import(`/pkg/${other}.js`);
          await run(name, { AuthClient, isAuthError, platform: platform(where), closedUrl, load }, own);
        }, [scenario.name, entry, descriptor, started.where, closedUrl]);
      });
    }
  });
}
