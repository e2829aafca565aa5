// The package's entries: each a wasm of its own (scripts/build-pkg.sh builds them), loaded the
// way each runtime can. `name` names its files and is the subpath (`wasm-auth-client/<name>`; ''
// for the main one) unless `subpath` says otherwise;
// `features` the cargo features its wasm is built with (scripts/build-pkg.sh).
export const entries = [
  { name: '', glue: 'wasm_auth_client', features: 'client,gotrue', exports: ['AuthClient', 'isAuthError'], about: 'Supabase Auth (GoTrue): the default entry' },
  { name: 'firebase', glue: 'wasm_auth_firebase', features: 'client,firebase', exports: ['AuthClient', 'isAuthError'], about: 'Firebase Authentication' },
  { name: 'pocketbase', glue: 'wasm_auth_pocketbase', features: 'client,pocketbase', exports: ['AuthClient', 'isAuthError'], about: 'PocketBase, an auth collection' },
  { name: 'genauth', glue: 'wasm_auth_genauth', features: 'client,genauth', exports: ['AuthClient', 'isAuthError'], about: 'GenAuth (Authing V3), with RSA or SM2 password encryption' },
  { name: 'wristband', glue: 'wasm_auth_wristband', features: 'client,wristband', exports: ['AuthClient', 'isAuthError'], about: 'Wristband: the reset and change APIs, sessions from its hosted login' },
  { name: 'wacht', glue: 'wasm_auth_wacht', features: 'client,wacht', exports: ['AuthClient', 'isAuthError'], about: "Wacht: a deployment's frontend API, development sessions" },
  { name: 'admin', glue: 'wasm_auth_admin', features: 'admin', exports: ['AdminClient', 'isAuthError'], about: "GoTrue's AdminClient, for servers: never in a browser entry" },
  { name: 'wacht-admin', subpath: 'wacht/admin', glue: 'wasm_auth_wacht_admin', features: 'wacht-admin', exports: ['AdminClient', 'isAuthError'], about: "Wacht's AdminClient (its API key), for servers: never in a browser entry" },
];

/** The three files of an entry: browsers, bundlers and Deno; Node and Bun; Cloudflare workerd. */
export function entryFiles(entry) {
  const base = entry.name || 'index';
  const dash = entry.name ? `${entry.name}-` : '';
  return { browser: `${base}.js`, node: `${dash}node.js`, workerd: `${dash}workerd.js`, types: `${base}.d.ts` };
}

export function entrySources(entry) {
  const { glue, exports } = entry;
  const names = exports.join(', ');
  return {
    // Nothing imported statically: the .wasm download starts at once, beside the JS modules,
    // and compiles while it streams (WebAssembly.instantiateStreaming in the glue).
    browser: `// ${entry.about}.
const wasm = fetch(new URL('./${glue}_bg.wasm', import.meta.url));
// Handled when init awaits it; this only keeps an early failure from counting as unhandled.
wasm.catch(() => {});
const [glue, errors] = await Promise.all([import('./${glue}.js'), import('./auth-error.js')]);
await glue.default({ module_or_path: wasm });
glue.__setAuthErrorClass(errors.AuthError);
export const { ${names} } = glue;
export const { AuthError } = errors;
`,
    // Node's fetch cannot read file: URLs: the .wasm is read from disk.
    node: `// ${entry.about}, for Node.js and Bun.
import { readFileSync } from 'node:fs';
import { initSync, __setAuthErrorClass } from './${glue}.js';
import { AuthError } from './auth-error.js';
initSync({ module: readFileSync(new URL('./${glue}_bg.wasm', import.meta.url)) });
__setAuthErrorClass(AuthError);
export { ${names} } from './${glue}.js';
export { AuthError };
`,
    // workerd cannot compile wasm from bytes at run time: the .wasm is imported as a module.
    workerd: `// ${entry.about}, for Cloudflare workerd.
import wasmModule from './${glue}_bg.wasm';
import { initSync, __setAuthErrorClass } from './${glue}.js';
import { AuthError } from './auth-error.js';
initSync({ module: wasmModule });
__setAuthErrorClass(AuthError);
export { ${names} } from './${glue}.js';
export { AuthError };
`,
  };
}
