// Entry for browsers, bundlers and Deno: fetches the .wasm next to this file.
import init, { __setAuthErrorClass } from './wasm_auth_client.js';
import { AuthError } from './auth-error.js';

await init({ module_or_path: new URL('./wasm_auth_client_bg.wasm', import.meta.url) });
__setAuthErrorClass(AuthError);

export { AuthClient, AdminClient, isAuthError } from './wasm_auth_client.js';
export { AuthError };
