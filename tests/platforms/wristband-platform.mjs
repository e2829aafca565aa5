// The devserver's Wristband stand-in as contract.mjs sees it. Plain ES module (the page imports
// it too). Accounts are created with the devserver's sign-up; what Wristband's hosted pages do —
// the login, the "Forgot password?" form, the dashboard's reset link — goes through the
// devserver's development aids (/_dev/wristband/), and sessions reach the client as an app's
// would: `setSession` with the tokens of the hosted login. The client talks through the proxy.
import { proxyControl } from './proxy-control.mjs';
import { check, equal, expectCode } from '../support/checks.mjs';
import { flipLast, freshEmail, setup, signInWorks } from './contract.mjs';

export const CLIENT_ID = 'contractclient';
const PASSWORD = 'first-password-1';

/** @param {{ serverUrl: string, proxyUrl: string }} where */
export function platform({ serverUrl, proxyUrl }) {
  const options = { url: proxyUrl, clientId: CLIENT_ID };
  const post = async (path, body) => {
    const response = await fetch(`${serverUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`), { status: response.status, answer });
    return answer;
  };
  const mails = (email) => fetch(`${serverUrl}/_dev/outbox?email=${encodeURIComponent(email)}`).then((r) => r.json());
  return {
    name: 'wristband',
    options,
    serverUrl,
    post,
    mails,
    signUp: (email, password) => post('/signup', { email, password }),
    // The hosted login page, then the app hands the tokens to the client.
    async signIn(auth, email, password) {
      let tokens;
      try {
        tokens = await post('/_dev/wristband/login', { email, password });
      } catch (error) {
        if (error.status === 400) throw Object.assign(new Error('wrong password'), { name: 'AuthError', code: 'invalid_credentials' });
        throw error;
      }
      return auth.setSession({ accessToken: tokens.access_token, refreshToken: tokens.refresh_token });
    },
    // The hosted login page's "Forgot password?" form, with the verification-link strategy.
    requestReset: (auth, email) => post('/_dev/wristband/forgot-password', { email, strategy: 'link' }).then(() => undefined),
    async lastReset(email) {
      const last = (await mails(email)).filter((m) => m.kind.startsWith('wristband_reset')).at(-1);
      if (!last) return null;
      const requestCode = last.link && new URL(last.link).searchParams.get('request_code');
      return last.kind === 'wristband_reset_code'
        ? { token: last.token, requestCode, link: last.link, parsed: { requestCode } }
        : { token: last.token, link: last.link, parsed: { emailAuthCode: last.token } };
    },
    verify: (auth, reset) =>
      reset.requestCode
        ? auth.verifyOtp({ requestCode: reset.requestCode, verificationCode: reset.token, type: 'recovery' })
        : auth.verifyOtp({ emailAuthCode: reset.token, type: 'recovery' }),
    tamper: (reset) => ({ ...reset, token: flipLast(reset.token) }),
    resetSignsIn: false,
    changeSignsOut: true,
    downCall: (client) => client.setSession({ accessToken: 'a.b.c', refreshToken: 'refresh-token', expiresIn: 3600 }),
    checksCredentialEarly: false,
    requiresCurrentPassword: true,
    serverScopes: [],
    // Verification links live an hour: the devserver's clock moves past that.
    expiringResets: { options, signUp: (email, password) => post('/signup', { email, password }), expire: () => post('/_dev/clock', { seconds: 3601 }) },
    proxy: proxyControl(proxyUrl),
    isRefresh: (path) => path === '/api/v1/oauth2/token',
    userPath: '/api/v1/oauth2/userinfo',
  };
}

const NEW_PASSWORD = 'second-password-2';

/** Resets `email`'s password with the credential `form` gives, through the client. */
async function resetBy(ctx, email, auth, verify) {
  await verify(auth);
  await auth.updatePassword({ password: NEW_PASSWORD });
  check(await signInWorks(ctx, email, NEW_PASSWORD), 'the new password works');
  check(!(await signInWorks(ctx, email, PASSWORD)), 'the old one does not');
}

// What only Wristband has, in Node and Chromium alike.
export const scenarios = [
  {
    name: 'wristband: each credential form resets the password (one-time code, generated reset link)',
    run: async (ctx) => {
      const { email, auth } = await setup(ctx);
      await ctx.platform.post('/_dev/wristband/forgot-password', { email, strategy: 'code' });
      const byCode = await ctx.platform.lastReset(email);
      equal(auth.parseRecoveryLink(byCode.link), { requestCode: byCode.requestCode }, 'the link carries the request code');
      await resetBy(ctx, email, auth, (a) => a.verifyOtp({ requestCode: byCode.requestCode, verificationCode: byCode.token, type: 'recovery' }));

      const other = await setup(ctx);
      const { link } = await ctx.platform.post('/_dev/wristband/reset-link', { email: other.email });
      const parsed = other.auth.parseRecoveryLink(link);
      check(typeof parsed.passwordResetCode === 'string', `parsed: ${JSON.stringify(parsed)}`);
      await resetBy(ctx, other.email, other.auth, (a) => a.handleRedirect(link));
    },
  },
  {
    name: 'wristband: more than one form, half of the pair or a plain token is invalid_input before any request',
    run: async (ctx) => {
      const auth = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      await ctx.platform.proxy.clearRequests();
      for (const [request, field] of [
        [{ emailAuthCode: 'e1', passwordResetCode: 'p1' }, 'emailAuthCode'],
        [{ requestCode: 'r1' }, 'verificationCode'],
        [{ verificationCode: '123456' }, 'requestCode'],
        [{ emailAuthCode: 'e1', token: 'e1' }, 'token'],
        [{ token: 'abc' }, 'token'],
        [{ emailAuthCode: 'two words' }, 'emailAuthCode'],
      ]) {
        const error = await expectCode(auth.verifyOtp({ ...request, type: 'recovery' }), 'invalid_input', JSON.stringify(request));
        check(error.message.startsWith(`${field}:`), `names ${field}: ${error.message}`);
      }
      await expectCode(auth.updatePassword({ password: NEW_PASSWORD }), 'not_authenticated', 'nothing was held');
      await expectCode(auth.requestPasswordReset({ email: 'a@b.co' }), 'unsupported', 'the hosted page sends reset emails');
      await expectCode(auth.signInWithEmail({ email: 'a@b.co', password: PASSWORD }), 'unsupported', 'the hosted page signs in');
      await expectCode(auth.setSession({ accessToken: 'a b', refreshToken: 'r' }), 'invalid_input', 'a damaged token');
      await expectCode(auth.setSession({ accessToken: 'abc', refreshToken: 'r' }), 'invalid_input', 'no lifetime to read');
      equal(await ctx.platform.proxy.requests(), [], 'no request');
    },
  },
  {
    name: "wristband: a reset only signed out, it ends every session, and skipPasswordUpdatedEmail skips the notice",
    run: async (ctx) => {
      const { email, auth, events } = await setup(ctx);
      await ctx.platform.signIn(auth, email, PASSWORD);
      const elsewhere = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      await ctx.platform.signIn(elsewhere, email, PASSWORD);
      await expectCode(elsewhere.updatePassword({ password: NEW_PASSWORD, currentPassword: PASSWORD, skipPasswordUpdatedEmail: true }), 'unsupported', 'not with a change');
      await ctx.platform.requestReset(auth, email);
      const reset = await ctx.platform.lastReset(email);
      // The credential names no account: while signed in it could be anyone's (a crafted link).
      await expectCode(ctx.platform.verify(auth, reset), 'session_conflict', 'verified while signed in');
      equal(auth.getCachedUser()?.email, email, 'still signed in, nothing held');
      await auth.signOut();
      await ctx.platform.verify(auth, reset);
      const before = (await ctx.platform.mails(email)).length;
      await auth.updatePassword({ password: NEW_PASSWORD, skipPasswordUpdatedEmail: true });
      equal(auth.getCachedUser(), null, 'signed out');
      equal(events, ['SIGNED_IN', 'SIGNED_OUT', 'PASSWORD_RECOVERY', 'USER_UPDATED'], 'events');
      equal((await ctx.platform.mails(email)).length, before, 'no "password updated" email');
      await expectCode(elsewhere.getUser(), 'not_authenticated', 'the other session was revoked');
      equal(elsewhere.getCachedUser(), null, 'and forgotten there');

      // Without the option, the user is told.
      const second = await setup(ctx);
      await ctx.platform.requestReset(second.auth, second.email);
      await ctx.platform.verify(second.auth, await ctx.platform.lastReset(second.email));
      await second.auth.updatePassword({ password: NEW_PASSWORD });
      equal((await ctx.platform.mails(second.email)).at(-1).kind, 'wristband_password_updated', 'the notice');
    },
  },
  {
    name: 'wristband: errors carry the ticket as requestId, and no secret',
    run: async (ctx) => {
      const { email, auth } = await setup(ctx);
      await ctx.platform.signIn(auth, email, PASSWORD);
      const wrong = await expectCode(auth.updatePassword({ password: NEW_PASSWORD, currentPassword: 'not-the-password-0' }), 'invalid_current_password', 'wrong current');
      check(/^[0-9a-f]{32}$/.test(wrong.requestId ?? ''), `ticket: ${wrong.requestId}`);
      const weak = await expectCode(auth.updatePassword({ password: 'abc', currentPassword: PASSWORD }), 'weak_password', 'weak');
      equal(weak.reasons, ['length'], 'reasons');
      check(![PASSWORD, 'not-the-password-0', 'abc'].some((secret) => wrong.message.includes(secret) || weak.message.includes(secret)), 'no secret in messages');
    },
  },
];
