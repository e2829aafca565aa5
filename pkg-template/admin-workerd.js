// `wasm-auth-client/admin` for Cloudflare workerd: the AdminClient's wasm as a compiled module.
import wasmModule from './wasm_auth_admin_bg.wasm';
import { initSync, __setAuthErrorClass } from './wasm_auth_admin.js';
import { AuthError } from './auth-error.js';

initSync({ module: wasmModule });
__setAuthErrorClass(AuthError);

export { AdminClient, isAuthError } from './wasm_auth_admin.js';
export { AuthError };
