// The fault and bad-input matrices (scenarios.mjs) in Node, with the built package.
import { test, before, after } from 'node:test';
import { AuthClient, isAuthError } from '../../pkg/node.js';
import { AdminClient } from '../../pkg/admin-node.js';
import { startDevserver, closedPortUrl } from '../support/devserver.mjs';
import { rows, run } from './scenarios.mjs';

let server;
let closedUrl;
before(async () => {
  server = await startDevserver();
  closedUrl = await closedPortUrl();
});
after(async () => {
  await server?.stop();
});

for (const row of rows) {
  test(row.name, () => run(row.name, { AuthClient, AdminClient, isAuthError, url: server.url, closedUrl }));
}
