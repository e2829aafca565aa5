// The devserver's Wacht stand-in as contract.mjs sees it. Plain ES module (the page imports it
// too): accounts are created with the devserver's sign-up, codes read from its outbox, and codes
// and session tokens made to expire by moving its clock; the client talks through the proxy.
import { proxyControl } from './proxy-control.mjs';
import { check, equal, expectCode } from '../support/checks.mjs';
import { setup, signInWorks } from './contract.mjs';

const PASSWORD = 'first-password-1';
const NEW_PASSWORD = 'second-password-2';

/** @param {{ serverUrl: string, proxyUrl: string, wachtApiKey: string }} where */
export function platform({ serverUrl, proxyUrl, wachtApiKey }) {
  const options = { url: proxyUrl };
  const post = async (path, body) => {
    const response = await fetch(`${serverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const signUp = (email, password) => post('/signup', { email, password });
  return {
    name: 'wacht',
    options,
    signUp,
    post,
    serverUrl,
    proxyUrl,
    wachtApiKey,
    async lastReset(email) {
      const mails = await fetch(`${serverUrl}/_dev/outbox?email=${encodeURIComponent(email)}`).then((r) => r.json());
      const last = mails.filter((m) => m.kind === 'wacht_reset_code').at(-1);
      return last ? { token: last.token, link: null } : null;
    },
    checksCredentialEarly: true,
    requiresCurrentPassword: true,
    serverScopes: [],
    // Codes live 10 minutes; development-session tokens an hour.
    expiringResets: { options, signUp, expire: () => post('/_dev/clock', { seconds: 601 }) },
    expireOnServer: () => post('/_dev/clock', { seconds: 3601 }),
    proxy: proxyControl(proxyUrl),
    isRefresh: (path) => path === '/session',
    userPath: '/me',
  };
}

// What only Wacht has, in Node and Chromium alike.
export const scenarios = [
  {
    name: "wacht: the browser session's token goes on every request of a reset, signed out too",
    run: async (ctx) => {
      const { email, auth } = await setup(ctx);
      await ctx.platform.proxy.clearRequests();
      await auth.requestPasswordReset({ email });
      const reset = await ctx.platform.lastReset(email);
      await auth.verifyOtp({ token: reset.token, type: 'recovery' });
      await auth.updatePassword({ password: NEW_PASSWORD });
      const sent = (await ctx.platform.proxy.requests()).map((r) => r.headers['x-development-session']);
      equal(sent.length, 3, 'forgot-password twice, reset-password');
      equal(sent[0], null, 'none before the server gave one');
      check(sent[1] && sent[2] === sent[1], 'the rest from the browser session the first answer started');
      check(await signInWorks(ctx, email, NEW_PASSWORD), 'the reset worked');
    },
  },
  {
    name: 'wacht: a token the server renewed while answering is adopted; the expired one is dead',
    run: async (ctx) => {
      const { email, auth, events, map } = await setup(ctx);
      const first = await auth.signInWithEmail({ email, password: PASSWORD });
      // The server's clock passes the token's expiry; this client's has not (clocks differ).
      await ctx.platform.expireOnServer();
      await ctx.platform.proxy.clearRequests();
      equal((await auth.getUser()).email, email, 'the call works');
      const renewed = JSON.parse(map.get('wasm-auth-client'));
      check(renewed.access_token !== first.accessToken, 'the renewed token was kept');
      equal(events.at(-1), 'TOKEN_REFRESHED', 'and announced');
      equal((await ctx.platform.proxy.requests()).map((r) => r.path), ['/me'], 'no extra request');
      // The expired token renews once: a client still holding it is signed out.
      const stale = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      await stale.signInWithEmail({ email, password: PASSWORD });
      const other = await stale.getSession();
      const response = await fetch(`${ctx.platform.serverUrl}/me`, { headers: { 'x-development-session': first.accessToken } });
      equal(response.status, 401, 'the old token is refused');
      equal((await auth.getUser()).email, email, 'the renewed one works');
      check(other.accessToken !== renewed.access_token, 'sessions stay apart');
    },
  },
  {
    name: 'wacht: AdminClient sets a password with the API key, skipPasswordCheck as asked',
    run: async (ctx) => {
      const { AdminClient } = await ctx.load('wacht-admin');
      const { email, auth } = await setup(ctx);
      await auth.signInWithEmail({ email, password: PASSWORD });
      const id = auth.getCachedUser().id;
      // A browser page is refused unless the caller says otherwise (the tests do).
      const admin = new AdminClient({ url: ctx.platform.proxyUrl, apiKey: ctx.platform.wachtApiKey, allowInBrowser: true });
      await ctx.platform.proxy.clearRequests();
      await expectCode(admin.updateUserPassword('../admin', { password: NEW_PASSWORD }), 'invalid_input', 'a user id that would change the path');
      await expectCode(admin.updateUserPassword(id, { password: '' }), 'invalid_input', 'an empty password');
      equal(await ctx.platform.proxy.requests(), [], 'refused before any request');
      const weak = await expectCode(admin.updateUserPassword(id, { password: 'abc' }), 'weak_password', 'the policy');
      check(!weak.message.includes(ctx.platform.wachtApiKey), 'no key in the message');
      equal(await admin.updateUserPassword(id, { password: NEW_PASSWORD }), undefined, 'resolves with no value');
      check(await signInWorks(ctx, email, NEW_PASSWORD), 'the new password works');
      await admin.updateUserPassword(id, { password: 'abc', skipPasswordCheck: true });
      check(await signInWorks(ctx, email, 'abc'), 'the check was skipped');
      const wrongKey = new AdminClient({ url: ctx.platform.proxyUrl, apiKey: 'wacht_test_wrong', allowInBrowser: true });
      const refused = await expectCode(wrongKey.updateUserPassword(id, { password: NEW_PASSWORD }), 'not_authenticated', 'a wrong key');
      equal(refused.status, 401, 'status');
      await expectCode(auth.getUser(), 'not_authenticated', 'the admin set ended the session');
    },
  },
];
