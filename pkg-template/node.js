// Entry for Node.js and Bun: Node's fetch cannot read file: URLs, so the .wasm is read from disk.
import { readFileSync } from 'node:fs';
import { initSync, __setAuthErrorClass } from './wasm_auth_client.js';
import { AuthError } from './auth-error.js';

initSync({ module: readFileSync(new URL('./wasm_auth_client_bg.wasm', import.meta.url)) });
__setAuthErrorClass(AuthError);

export { AuthClient, isAuthError } from './wasm_auth_client.js';
export { AuthError };
