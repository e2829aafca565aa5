// `wasm-auth-client/admin` for Node.js and Bun: the AdminClient's wasm read from disk.
import { readFileSync } from 'node:fs';
import { initSync, __setAuthErrorClass } from './wasm_auth_admin.js';
import { AuthError } from './auth-error.js';

initSync({ module: readFileSync(new URL('./wasm_auth_admin_bg.wasm', import.meta.url)) });
__setAuthErrorClass(AuthError);

export { AdminClient, isAuthError } from './wasm_auth_admin.js';
export { AuthError };
