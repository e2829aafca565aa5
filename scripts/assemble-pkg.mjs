// Adds the JavaScript host and types of pkg-template/ to the wasm builds in pkg/, writes each
// entry's loaders and types and the package.json, minifies every JavaScript file (esbuild, as the
// auth-js and Firebase figures are), checks the result with `npm pack --dry-run`, and prints the
// size each entry ships (bundled with its .wasm, gzipped).
import { readFileSync, writeFileSync, copyFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { bundledSize } from './shipped-files.mjs';
import { entries, entryFiles, entrySources, entryTypes } from './entries.mjs';

const cargo = readFileSync('Cargo.toml', 'utf8');
const version = cargo.match(/^version = "([^"]+)"/m)[1];
const license = cargo.match(/^license = "([^"]+)"/m)[1];

const templates = readdirSync('pkg-template').filter((file) => file !== 'package.json');
for (const file of templates) copyFileSync(`pkg-template/${file}`, `pkg/${file}`);
// The entries' loaders and types, and the package's `exports` and `files`.
const manifest = JSON.parse(readFileSync('pkg-template/package.json', 'utf8'));
const exportsMap = {};
const files = [...templates];
const sideEffects = [];
for (const entry of entries) {
  const names = entryFiles(entry);
  const sources = entrySources(entry);
  for (const kind of ['browser', 'node', 'workerd']) writeFileSync(`pkg/${names[kind]}`, sources[kind]);
  writeFileSync(`pkg/${names.types}`, entryTypes(entry));
  const conditions = { types: `./${names.types}`, workerd: `./${names.workerd}`, deno: `./${names.browser}`, bun: `./${names.node}`, node: `./${names.node}`, default: `./${names.browser}` };
  const subpath = entry.subpath ?? entry.name;
  exportsMap[subpath ? `./${subpath}` : '.'] = conditions;
  files.push(names.browser, names.node, names.workerd, names.types, `${entry.glue}.js`, `${entry.glue}_bg.wasm`);
  sideEffects.push(`./${names.browser}`, `./${names.node}`, `./${names.workerd}`);
}
exportsMap['./wasm'] = './wasm_auth_client_bg.wasm';
exportsMap['./package.json'] = './package.json';
writeFileSync('pkg/package.json', JSON.stringify({ name: manifest.name, version, license, ...manifest, exports: exportsMap, files, sideEffects }, null, 2) + '\n');

// Minified in place: whitespace, comments and local names only (exports, import paths and
// property names — which the glue's imports object relies on — stay as they are).
for (const file of readdirSync('pkg', { recursive: true }).filter((f) => f.endsWith('.js'))) {
  const target = path.join('pkg', file);
  const { code } = transformSync(readFileSync(target, 'utf8'), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' });
  writeFileSync(target, code);
}

for (const file of JSON.parse(readFileSync('pkg/package.json', 'utf8')).files) {
  if (!existsSync(`pkg/${file}`)) throw new Error(`pkg/${file} is listed in package.json but missing`);
}
execFileSync('npm', ['pack', '--dry-run', '--silent'], { cwd: 'pkg', stdio: ['ignore', 'ignore', 'inherit'] });

// What each entry ships (its bundle with the glue, the host and its .wasm, gzip -9).
for (const entry of entries) {
  const { js, wasm, total } = bundledSize('pkg', entry);
  console.log(`pkg/: wasm-auth-client${entry.subpath ?? entry.name ? `/${entry.subpath ?? entry.name}` : ''}: ${total} B gzip -9 (wasm ${wasm} + JS ${js})`);
}
