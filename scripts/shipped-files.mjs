// What a browser user's bundler ships from pkg/ for the main entry: the wasm, its glue, the
// shared JavaScript host (host, class, error modules) and the entry (not the admin entries'
// files). The size figures (build, budget test, bench) all count this same list.
import path from 'node:path';

export function shippedFiles(pkgDir) {
  return ['wasm_auth_client_bg.wasm', 'wasm_auth_client.js', 'host.js', 'auth-client.js', 'auth-error.js', 'index.js'].map((file) => path.join(pkgDir, file));
}
