// The reset API as a Cloudflare Worker (wrangler resolves 'wasm-auth-client' to its workerd
// entry, which imports the .wasm as a compiled module). Bindings: AUTH_URL, ANON_KEY and the
// secret SERVICE_ROLE_KEY.
import { AuthClient, isAuthError } from 'wasm-auth-client';
import { AdminClient } from 'wasm-auth-client/admin';
import { createResetApi } from '../shared/reset-api.mjs';

let handle;

export default {
  fetch(request, env) {
    handle ??= createResetApi({
      AuthClient, AdminClient, isAuthError, runtime: 'workerd',
      authUrl: env.AUTH_URL, anonKey: env.ANON_KEY, serviceRoleKey: env.SERVICE_ROLE_KEY,
    });
    return handle(request);
  },
};
