// The size budget, per entry: what users ship (the entry bundled by esbuild with its .wasm, gzip
// -9; scripts/shipped-files.mjs) may grow at most 5% over the figure recorded for it in
// bench/size-budget.json. Lower the record when the package shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledSize } from '../../scripts/shipped-files.mjs';
import { entries } from '../../scripts/entries.mjs';

const pkg = fileURLToPath(new URL('../../pkg/', import.meta.url));
const budget = JSON.parse(readFileSync(new URL('../../bench/size-budget.json', import.meta.url), 'utf8'));

for (const entry of entries) {
  const name = entry.subpath ?? entry.name;
  test(`wasm-auth-client${name ? `/${name}` : ''} stays within 5% of its recorded size`, () => {
    const recorded = budget.entries[name];
    assert.ok(recorded, `bench/size-budget.json records no size for '${name}'`);
    const { total } = bundledSize(pkg, entry);
    const limit = Math.floor(recorded * 1.05);
    assert.ok(total <= limit, `${total} gzipped bytes, over the limit of ${limit} (recorded ${recorded} + 5%)`);
  });
}
