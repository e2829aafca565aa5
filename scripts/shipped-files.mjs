// What a browser user's bundler ships from pkg/ for the main entry: the wasm, its JS glue and
// the glue's snippet modules, the entry and the error class (not the admin entry's files). The
// size figures (build, budget test, bench) all count this same list.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function shippedFiles(pkgDir) {
  const snippets = readdirSync(path.join(pkgDir, 'snippets'), { recursive: true })
    .filter((file) => file.endsWith('.js'))
    .map((file) => path.join('snippets', file));
  return ['wasm_auth_client_bg.wasm', 'wasm_auth_client.js', ...snippets, 'index.js', 'auth-error.js'].map((file) => path.join(pkgDir, file));
}
