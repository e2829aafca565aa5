// A small "reset password" API built on wasm-auth-client, written against the web-standard
// Request/Response so the same code serves Cloudflare Workers, Deno, Bun and Node.
//
//   POST /reset/request  {email}                 -> 202; the user gets the email
//   POST /reset/confirm  {email, code, password} -> 200 {userId}; code verified, password set
//   POST /admin/password {userId, password}      -> 200 {userId}; all of the user's sessions end.
//        Only for a signed-in admin: `Authorization: Bearer <access token>` of a user whose
//        app_metadata.role is "admin" (401 without a valid token, 403 for anyone else).
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

  // The caller, from their access token, as the auth server sees them now (GET /user verifies
  // the token and that its session is alive); null when there is no valid token.
  // app_metadata can only be written with the service key, so a role there can be trusted.
  const caller = async (request) => {
    const token = /^Bearer (\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!token) return null;
    const response = await fetch(`${authUrl}/user`, { headers: { authorization: `Bearer ${token}`, apikey: anonKey ?? '' } });
    return response.ok ? response.json() : null;
  };

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
          const admin = await caller(request);
          if (!admin) return json(401, { error: { code: 'not_authenticated', message: 'sign in as an admin and send your access token' } });
          if (admin.app_metadata?.role !== 'admin') return json(403, { error: { code: 'forbidden', message: 'admins only' } });
          const user = await adminClient().updateUserPassword(body.userId, { password: body.password });
          return json(200, { userId: user.id });
        }
        case 'GET /self-test': {
          // Where the runtime has a Web Storage (Deno has sessionStorage), a server must still
          // default to memory: a record planted there must not be picked up. Runtimes without
          // one get a real-looking one (a `Storage` class and instance) for the check.
          const hasSessionStorage = Boolean(globalThis.sessionStorage);
          const restore = hasSessionStorage ? () => {} : installWebStorage();
          const web = globalThis.sessionStorage;
          const planted = JSON.stringify({ access_token: 'a', refresh_token: 'r', expires_at: Date.now() / 1000 + 3600, user: { id: 'planted' } });
          web.setItem('wasm-auth-client', planted);
          const defaultStorageIsMemory = new AuthClient({ url: authUrl, autoRefresh: false }).getCachedUser() === null;
          const explicitSessionSeesIt = new AuthClient({ url: authUrl, autoRefresh: false, storage: 'session' }).getCachedUser()?.id === 'planted';
          web.removeItem('wasm-auth-client');
          restore();
          try {
            await client().updatePassword({ password: 'irrelevant-password-1' });
            return json(500, { error: { code: 'internal', message: 'expected not_authenticated' } });
          } catch (error) {
            const notAuthenticated = { code: error.code, status: error.status, isAuthError: isAuthError(error) };
            return json(200, { runtime, hasSessionStorage, defaultStorageIsMemory, explicitSessionSeesIt, notAuthenticated });
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

/** A minimal Web Storage on the global object, as browsers have; returns what removes it. */
function installWebStorage() {
  class Storage {
    #items = new Map();
    getItem(key) {
      return this.#items.get(key) ?? null;
    }
    setItem(key, value) {
      this.#items.set(key, String(value));
    }
    removeItem(key) {
      this.#items.delete(key);
    }
  }
  globalThis.Storage = Storage;
  globalThis.sessionStorage = new Storage();
  return () => {
    delete globalThis.sessionStorage;
    delete globalThis.Storage;
  };
}
