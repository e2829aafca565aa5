// Entry for Cloudflare workerd: it cannot compile wasm from bytes at run time, so the .wasm is
// imported as a compiled module (wrangler does this for .wasm imports) and instantiated.
import wasmModule from './wasm_auth_client_bg.wasm';
import { initSync, __setAuthErrorClass } from './wasm_auth_client.js';
import { AuthError } from './auth-error.js';

initSync({ module: wasmModule });
__setAuthErrorClass(AuthError);

export { AuthClient, isAuthError } from './wasm_auth_client.js';
export { AuthError };
