// The one list of platforms (src/lib.rs, `platforms! { … }`) is what the rest is checked
// against: each platform has its cargo feature, its folder, and an npm entry built with that
// feature; no entry and no feature names a platform the list lacks. A platform added in one
// place and forgotten in another fails here, before any build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { entries } from '../../scripts/entries.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lib = readFileSync(`${root}src/lib.rs`, 'utf8');
const block = /platforms! \{([^}]*)\}/.exec(lib);
const list = [...(block?.[1] ?? '').matchAll(/"([a-z-]+)"\s+([a-z_]+)::([A-Za-z]+),/g)].map(([, feature, module, backend]) => ({ feature, module, backend }));
const cargo = readFileSync(`${root}Cargo.toml`, 'utf8');
const features = new Set([...cargo.split('[features]')[1].split('\n[')[0].matchAll(/^([a-z-]+) = /gm)].map((m) => m[1]));
// Features that are not platforms: facades, helpers, one platform's options.
const others = new Set(['default', 'rust', 'serde', 'client', 'admin', 'wacht-admin', 'genauth-rsa', 'genauth-sm2']);

test('the list is read and names each platform once', () => {
  assert.ok(list.length >= 6, `read ${list.length} platforms from src/lib.rs`);
  assert.equal(new Set(list.map((p) => p.feature)).size, list.length);
});

test('every listed platform has its feature, its folder and a browser entry', () => {
  for (const { feature, module, backend } of list) {
    assert.ok(features.has(feature), `Cargo.toml has no feature '${feature}'`);
    assert.ok(existsSync(`${root}src/${module}/mod.rs`), `no folder src/${module}/`);
    assert.match(readFileSync(`${root}src/${module}/mod.rs`, 'utf8'), new RegExp(`impl Backend for ${backend}\\b`));
    assert.match(readFileSync(`${root}src/${module}/mod.rs`, 'utf8'), new RegExp(`impl FromOptions for ${backend}\\b`));
    assert.ok(entries.some((e) => e.features.split(',').includes('client') && e.features.split(',').includes(feature)), `no entry builds '${feature}'`);
  }
});

test('no feature or entry names a platform the list lacks', () => {
  const listed = new Set(list.map((p) => p.feature));
  for (const feature of features) assert.ok(listed.has(feature) || others.has(feature), `feature '${feature}' is neither a listed platform nor a known facade`);
  for (const entry of entries.filter((e) => e.features.split(',').includes('client'))) {
    const platforms = entry.features.split(',').filter((f) => listed.has(f));
    assert.equal(platforms.length, 1, `entry '${entry.glue}' builds ${platforms.length} platforms`);
  }
});
