// The reset API on Node: `node examples/node/server.mjs` (AUTH_URL, ANON_KEY, SERVICE_ROLE_KEY, PORT).
import http from 'node:http';
import { AuthClient, isAuthError } from 'wasm-auth-client';
import { AdminClient } from 'wasm-auth-client/admin';
import { createResetApi } from '../shared/reset-api.mjs';

const handle = createResetApi({
  AuthClient, AdminClient, isAuthError, runtime: `node ${process.version}`,
  authUrl: process.env.AUTH_URL, anonKey: process.env.ANON_KEY, serviceRoleKey: process.env.SERVICE_ROLE_KEY,
});

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers: req.headers, body });
  const response = await handle(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.listen(Number(process.env.PORT ?? 8787), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
