// Adds pkg-template/ to the wasm builds in pkg/, minifies every JavaScript file (esbuild, as the
// auth-js and Firebase figures are), checks the result with `npm pack --dry-run`, and prints the
// size a browser user ships (wasm + JS glue + entry), raw and gzipped.
import { readFileSync, writeFileSync, copyFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { shippedFiles } from './shipped-files.mjs';

const cargo = readFileSync('Cargo.toml', 'utf8');
const version = cargo.match(/^version = "([^"]+)"/m)[1];
const license = cargo.match(/^license = "([^"]+)"/m)[1];

for (const file of readdirSync('pkg-template')) {
  if (file !== 'package.json') copyFileSync(`pkg-template/${file}`, `pkg/${file}`);
}
const manifest = JSON.parse(readFileSync('pkg-template/package.json', 'utf8'));
writeFileSync('pkg/package.json', JSON.stringify({ name: manifest.name, version, license, ...manifest }, null, 2) + '\n');

// Minified in place: whitespace, comments and local names only (exports, import paths and
// property names — which wasm-bindgen's imports object relies on — stay as they are).
for (const file of readdirSync('pkg', { recursive: true }).filter((f) => f.endsWith('.js'))) {
  const target = path.join('pkg', file);
  const { code } = transformSync(readFileSync(target, 'utf8'), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
  writeFileSync(target, code);
}

for (const file of JSON.parse(readFileSync('pkg/package.json', 'utf8')).files) {
  if (!existsSync(`pkg/${file}`)) throw new Error(`pkg/${file} is listed in package.json but missing`);
}
execFileSync('npm', ['pack', '--dry-run', '--silent'], { cwd: 'pkg', stdio: ['ignore', 'ignore', 'inherit'] });

let raw = 0;
let gzip = 0;
for (const file of shippedFiles('pkg')) {
  const bytes = readFileSync(file);
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`pkg/: browser entry (wasm + JS glue + entry) = ${kb(raw)} raw, ${kb(gzip)} gzip -9`);
