// `wasm-auth-client/admin` for Deno and bundlers: the AdminClient in its own wasm, which the
// browser entry never loads. For trusted server code holding the service_role key.
const wasm = fetch(new URL('./wasm_auth_admin_bg.wasm', import.meta.url));
wasm.catch(() => {});
const [glue, errors] = await Promise.all([import('./wasm_auth_admin.js'), import('./auth-error.js')]);
await glue.default({ module_or_path: wasm });
glue.__setAuthErrorClass(errors.AuthError);

export const { AdminClient, isAuthError } = glue;
export const { AuthError } = errors;
