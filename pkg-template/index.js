// Entry for browsers, bundlers and Deno. Nothing is imported statically, so the .wasm download
// starts at once, beside the loading of the JS modules instead of after them; the glue compiles
// it while it streams in (WebAssembly.instantiateStreaming).
const wasm = fetch(new URL('./wasm_auth_client_bg.wasm', import.meta.url));
// Handled when init awaits it; this only keeps an early failure from counting as unhandled.
wasm.catch(() => {});
const [glue, errors] = await Promise.all([import('./wasm_auth_client.js'), import('./auth-error.js')]);
await glue.default({ module_or_path: wasm });
glue.__setAuthErrorClass(errors.AuthError);

export const { AuthClient, isAuthError } = glue;
export const { AuthError } = errors;
