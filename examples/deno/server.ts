// The reset API on Deno:
//   deno run --allow-net=127.0.0.1 --allow-env --allow-read examples/deno/server.ts
import { AuthClient, isAuthError } from 'wasm-auth-client';
import { AdminClient } from 'wasm-auth-client/admin';
import { createResetApi } from '../shared/reset-api.mjs';

const handle = createResetApi({
  AuthClient, AdminClient, isAuthError, runtime: `deno ${Deno.version.deno}`,
  authUrl: Deno.env.get('AUTH_URL'), anonKey: Deno.env.get('ANON_KEY'), serviceRoleKey: Deno.env.get('SERVICE_ROLE_KEY'),
});

const server = Deno.serve({
  hostname: '127.0.0.1',
  port: Number(Deno.env.get('PORT') ?? 8787),
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}`),
}, handle);
Deno.addSignalListener('SIGTERM', () => server.shutdown());
