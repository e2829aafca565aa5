// The fault and bad-input matrices (scenarios.mjs) in Node, with the built package.
import { test, before, after } from 'node:test';
import { AuthClient, isAuthError } from '../../pkg/node.js';
import { startDevserver } from '../support/devserver.mjs';
import { rows, run } from './scenarios.mjs';

let server;
before(async () => {
  server = await startDevserver();
});
after(async () => {
  await server?.stop();
});

for (const row of rows) {
  test(row.name, () => run(row.name, { AuthClient, isAuthError, url: server.url }));
}
