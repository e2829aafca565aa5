// What a browser user ships for an entry, measured as the budget test, `make pkg` and the bench
// all measure it: the entry bundled by esbuild (--minify, as the auth-js and Firebase figures
// are; the glue, the JavaScript host and the error class come with it) plus the entry's .wasm,
// each gzip -9. `shippedFiles` lists the main entry's files as they sit in pkg/.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { entryFiles } from './entries.mjs';

export function shippedFiles(pkgDir) {
  return ['wasm_auth_client_bg.wasm', 'wasm_auth_client.js', 'host.js', 'auth-client.js', 'auth-error.js', 'index.js'].map((file) => path.join(pkgDir, file));
}

/** `{ js, wasm, total }`: gzip -9 bytes of `entry`'s bundle and of its wasm. */
export function bundledSize(pkgDir, entry) {
  const { outputFiles } = buildSync({
    entryPoints: [path.join(pkgDir, entryFiles(entry).browser)],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = gzipSync(outputFiles[0].contents, { level: 9 }).length;
  const wasm = gzipSync(readFileSync(path.join(pkgDir, `${entry.glue}_bg.wasm`)), { level: 9 }).length;
  return { js, wasm, total: js + wasm };
}
