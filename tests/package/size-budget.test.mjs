// The size budget: what users ship (wasm + JS glue + entry, gzip -9) may grow at most 5% over
// the figure recorded in bench/size-budget.json. Lower the record when the package shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { shippedFiles } from '../../scripts/shipped-files.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
const budget = JSON.parse(readFileSync(new URL('../../bench/size-budget.json', import.meta.url), 'utf8'));

test('gzipped package size stays within 5% of the recorded budget', () => {
  const gzip = shippedFiles(fileURLToPath(pkg))
    .map((file) => gzipSync(readFileSync(file), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);
  const limit = Math.floor(budget.gzip_bytes * 1.05);
  assert.ok(gzip <= limit, `${gzip} gzipped bytes, over the limit of ${limit} (budget ${budget.gzip_bytes} + 5%)`);
});
