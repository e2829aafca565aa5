// A small "reset password" API built on wasm-auth-client, written against the web-standard
// Request/Response so the same code serves Cloudflare Workers, Deno, Bun and Node.
//
//   POST /reset/request  {email}                 -> 202; the user gets the email
//   POST /reset/confirm  {email, code, password} -> 200 {userId}; code verified, password set
//   POST /admin/password {userId, password}      -> 200 {userId}; all of the user's sessions end
//   GET  /self-test                              -> 200: what a call without a session throws
//
// Errors answer {error: {code, status, message, reasons?, retryAfter?}} with the HTTP status the
// auth server gave (400 for the client's own checks).

export function createResetApi({ AuthClient, AdminClient, isAuthError, authUrl, anonKey, serviceRoleKey, runtime }) {
  const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const failure = (error) => {
    if (!isAuthError(error)) return json(500, { error: { code: 'internal', message: 'unexpected failure' } });
    const { code, status, message, reasons, retryAfter } = error;
    return json(status >= 400 && status < 600 ? status : 400, { error: { code, status, message, reasons, retryAfter } });
  };
  // A server keeps no session between requests: one client per request, in memory, no timer.
  const client = () => new AuthClient({ url: authUrl, apiKey: anonKey, storage: 'memory', autoRefresh: false });
  let admin;
  const adminClient = () => (admin ??= new AdminClient({ url: authUrl, serviceRoleKey }));

  return async function handle(request) {
    const { pathname } = new URL(request.url);
    try {
      const body = request.method === 'POST' ? await request.json().catch(() => ({})) : {};
      switch (`${request.method} ${pathname}`) {
        case 'POST /reset/request': {
          await client().requestPasswordReset({ email: body.email });
          return json(202, { sent: true });
        }
        case 'POST /reset/confirm': {
          const auth = client();
          await auth.verifyOtp({ email: body.email, token: body.code, type: 'recovery' });
          await auth.updatePassword({ password: body.password });
          const userId = auth.getCachedUser().id;
          await auth.signOut();
          return json(200, { userId });
        }
        case 'POST /admin/password': {
          if (!serviceRoleKey) return json(501, { error: { code: 'not_configured', message: 'no service role key' } });
          const user = await adminClient().updateUserPassword(body.userId, { password: body.password });
          return json(200, { userId: user.id });
        }
        case 'GET /self-test': {
          // Where the runtime has a Web Storage (Deno has sessionStorage), a server must still
          // default to memory: a record planted there must not be picked up.
          const web = globalThis.sessionStorage;
          const planted = JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_at: Date.now() / 1000 + 3600, user: { id: 'planted' } });
          web?.setItem('wasm-auth-client', planted);
          const defaultStorageIsMemory = new AuthClient({ url: authUrl, autoRefresh: false }).getCachedUser() === null;
          web?.removeItem('wasm-auth-client');
          try {
            await client().updatePassword({ password: 'irrelevant-password-1' });
            return json(500, { error: { code: 'internal', message: 'expected not_authenticated' } });
          } catch (error) {
            const notAuthenticated = { code: error.code, status: error.status, isAuthError: isAuthError(error) };
            return json(200, { runtime, hasSessionStorage: Boolean(web), defaultStorageIsMemory, notAuthenticated });
          }
        }
        default:
          return json(404, { error: { code: 'not_found' } });
      }
    } catch (error) {
      return failure(error);
    }
  };
}
