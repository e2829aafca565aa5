// The reset API on Bun: `bun examples/bun/server.ts` (AUTH_URL, ANON_KEY, SERVICE_ROLE_KEY, PORT).
import { AuthClient, isAuthError } from 'wasm-auth-client';
import { AdminClient } from 'wasm-auth-client/admin';
import { createResetApi } from '../shared/reset-api.mjs';

const handle = createResetApi({
  AuthClient, AdminClient, isAuthError, runtime: `bun ${Bun.version}`,
  authUrl: process.env.AUTH_URL, anonKey: process.env.ANON_KEY, serviceRoleKey: process.env.SERVICE_ROLE_KEY,
});

const server = Bun.serve({ hostname: '127.0.0.1', port: Number(process.env.PORT ?? 8787), fetch: handle });
console.log(`listening on http://127.0.0.1:${server.port}`);
process.on('SIGTERM', () => {
  server.stop();
  process.exit(0);
});
