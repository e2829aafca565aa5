// The contract every platform's AuthClient keeps, as scenarios run against the platform's real
// server (through a fault proxy), in Node and in headless Chromium alike. Plain ES module with no
// Node built-ins: the browser runner imports it as is.
//
// A platform is described by an object (see firebase-platform.mjs):
//   name, options            client options reaching the server through the proxy
//   signUp(email, password)  an account to play with
//   lastReset(email)         the newest reset credential sent: { token, link }
//   checksCredentialEarly    verifyOtp asks the server (Firebase) or only holds the credential
//   requiresCurrentPassword  a signed-in change needs currentPassword (PocketBase)
//   serverScopes             sign-out scopes the server can apply besides 'local'
//   proxy                    { url, fault(f), clearFaults(), requests(), clearRequests() }
//   expiringResets           optional: { options, signUp, expire() } for a place whose reset
//                            credentials can be made to expire (scenarios marked `needs` use it)
//   reportsWeakReasons       weak_password carries `reasons` (GenAuth's errors do not)
// and, where the platform's reset or sign-in is not the usual one (see `defaults` below):
//   requestReset(auth, email)        how the reset email is sent (Wristband: its hosted page)
//   verify(auth, reset, email)       how the emailed credential is given to verifyOtp
//   tamper(reset)                    the same credential, wrong in one character
//   signIn(auth, email, password)    how a client gets a session (Wristband: setSession)
//   resetSignsIn                     false where a reset ends every session (Wristband)
//   changeSignsOut                   true where a signed-in change ends every session (Wristband)
//   downCall(client)                 a call that needs the server, on a client whose server is down
//   expireOnServer()                 makes the server see the session's token as expired (Wacht)
// Scenarios marked `needs: 'x'` are skipped, with the runner's reason, where the platform lacks x.
// A descriptor module may also export `scenarios` of its own (what only that platform has).
import { check, equal, expectCode } from '../support/checks.mjs';

const PASSWORD = 'first-password-1';
const NEW_PASSWORD = 'second-password-2';

/** Wrong in the last character, in the same alphabet (digits stay digits). */
export const flipLast = (text) => text.slice(0, -1) + (text.at(-1) === '0' ? '1' : '0');

const defaults = {
  requestReset: (auth, email) => auth.requestPasswordReset({ email }),
  verify: (auth, reset, email) => auth.verifyOtp({ email, token: reset.token, type: 'recovery' }),
  tamper: (reset) => ({ ...reset, token: flipLast(reset.token) }),
  signIn: (auth, email, password) => auth.signInWithEmail({ email, password }),
  resetSignsIn: true,
  downCall: (client) => client.requestPasswordReset({ email: freshEmail('down') }),
};
/** The platform's way of doing `name`, or the usual one. */
const way = (ctx, name) => ctx.platform[name] ?? defaults[name];

let counter = 0;
export const freshEmail = (tag) => `${tag}-${Date.now()}-${(counter += 1)}-${Math.random().toString(36).slice(2, 7)}@platform.test`;

/** A signed-up address and a client for it, with its events recorded. */
export async function setup(ctx, options = {}) {
  const email = freshEmail(ctx.platform.name);
  await ctx.platform.signUp(email, PASSWORD);
  const map = new Map();
  const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, String(v)), removeItem: (k) => void map.delete(k) };
  const auth = new ctx.AuthClient({ ...ctx.platform.options, storage, autoRefresh: false, ...options });
  const events = [];
  auth.onAuthChange((event) => events.push(event));
  return { email, auth, events, map };
}

/** Signs in with a fresh client: proves which password works. */
export async function signInWorks(ctx, email, password, options = ctx.platform.options) {
  const auth = new ctx.AuthClient({ ...options, storage: 'memory', autoRefresh: false });
  try {
    await way(ctx, 'signIn')(auth, email, password);
    return true;
  } catch (error) {
    if (error.code === 'invalid_credentials') return false;
    throw error;
  }
}

/** The reset from the emailed credential to the new password, by `prove(auth, reset)`. */
export async function resetWith(ctx, prove = way(ctx, 'verify')) {
  const { email, auth, events } = await setup(ctx);
  equal(await way(ctx, 'requestReset')(auth, email), undefined, 'the reset email is requested');
  const reset = await ctx.platform.lastReset(email);
  check(reset?.token, 'the server sent a reset credential');
  const verified = await prove(auth, reset, email);
  equal(verified, null, 'no session until the new password is set');
  if (ctx.platform.name === 'genauth') {
    // GenAuth's answer says how long the reset token is good for (600 s on the stand-in).
    const until = auth.recoveryExpiresAt();
    check(until > Date.now() / 1000 + 500 && until < Date.now() / 1000 + 700, `recoveryExpiresAt: ${until}`);
  }
  equal(auth.getCachedUser(), null, 'nobody signed in yet');
  equal(events, ['PASSWORD_RECOVERY'], 'the cue for the new-password step, as with GoTrue');
  equal(await auth.updatePassword({ password: NEW_PASSWORD }), undefined, 'updatePassword resolves');
  if (way(ctx, 'resetSignsIn')) {
    equal(auth.getCachedUser()?.email, email, 'signed in with the new password');
  } else {
    equal(auth.getCachedUser(), null, 'nobody signed in: the app sends the user to the sign-in page');
  }
  equal(events, ['PASSWORD_RECOVERY', 'USER_UPDATED'], 'events');
  check(await signInWorks(ctx, email, NEW_PASSWORD), 'the new password works');
  check(!(await signInWorks(ctx, email, PASSWORD)), 'the old one does not');
  return { email, auth, reset };
}

export const scenarios = [
  {
    name: 'reset with the emailed credential: verifyOtp holds it, updatePassword completes it and signs in',
    run: (ctx) => resetWith(ctx),
  },
  {
    name: 'reset with the link: parseRecoveryLink reads it, handleRedirect consumes it',
    needs: 'links',
    run: async (ctx) => {
      await resetWith(ctx, (auth, reset) => {
        equal(auth.parseRecoveryLink(reset.link), reset.parsed ?? { token: reset.token }, 'parseRecoveryLink');
        return auth.handleRedirect(reset.link);
      });
    },
  },
  {
    name: 'a used or wrong credential is invalid_otp and changes nothing',
    run: async (ctx) => {
      const { email, reset } = await resetWith(ctx);
      const auth = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      // Used, then wrong in its last character.
      for (const credential of [reset, way(ctx, 'tamper')(reset)]) {
        // A new client: the address comes with the code (GenAuth needs it; others ignore it).
        const attempt = way(ctx, 'verify')(auth, credential, email);
        if (ctx.platform.checksCredentialEarly) {
          await expectCode(attempt, 'invalid_otp', 'verifyOtp');
        } else {
          equal(await attempt, null, 'held without a check');
          await expectCode(auth.updatePassword({ password: 'third-password-3' }), 'invalid_otp', 'updatePassword');
        }
      }
      check(await signInWorks(ctx, email, NEW_PASSWORD), 'the password did not change');
    },
  },
  {
    name: 'an expired credential is invalid_otp and changes nothing',
    needs: 'expiringResets',
    run: async (ctx) => {
      const { options, signUp, expire } = ctx.platform.expiringResets;
      const email = freshEmail('expiring');
      await signUp(email, PASSWORD);
      const auth = new ctx.AuthClient({ ...options, storage: 'memory', autoRefresh: false });
      await way(ctx, 'requestReset')(auth, email);
      const reset = await ctx.platform.lastReset(email);
      check(reset?.token, 'a reset credential was sent');
      await expire();
      const attempt = way(ctx, 'verify')(auth, reset, email);
      if (ctx.platform.checksCredentialEarly) {
        await expectCode(attempt, 'invalid_otp', 'verifyOtp');
      } else {
        equal(await attempt, null, 'held without a check');
        await expectCode(auth.updatePassword({ password: NEW_PASSWORD }), 'invalid_otp', 'updatePassword');
      }
      equal(auth.getCachedUser(), null, 'nobody signed in');
      check(await signInWorks(ctx, email, PASSWORD, options), 'the password did not change');
    },
  },
  {
    name: "a reset for another account than the signed-in one is session_conflict and changes nothing",
    needs: 'attributedCredentials',
    run: async (ctx) => {
      const { email, auth } = await setup(ctx);
      await way(ctx, 'signIn')(auth, email, PASSWORD);
      const other = freshEmail('other');
      await ctx.platform.signUp(other, PASSWORD);
      await way(ctx, 'requestReset')(auth, other);
      const reset = await ctx.platform.lastReset(other);
      await expectCode(auth.verifyOtp({ token: reset.token, type: 'recovery' }), 'session_conflict', 'verifyOtp');
      equal(auth.getCachedUser()?.email, email, 'the signed-in user stays');
      await expectCode(auth.updatePassword({ password: NEW_PASSWORD, currentPassword: 'not-the-password-0' }), 'invalid_current_password', 'no credential was held');
      check(await signInWorks(ctx, other, PASSWORD), "the other account's password did not change");
    },
  },
  {
    name: 'unknown addresses get the same answer as known ones',
    needs: 'resetRequests',
    run: async (ctx) => {
      const auth = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      equal(await auth.requestPasswordReset({ email: freshEmail('nobody') }), undefined, 'unknown address');
    },
  },
  {
    name: 'a weak password is weak_password, and the held credential works for the next try',
    run: async (ctx) => {
      const { email, auth } = await setup(ctx);
      await way(ctx, 'requestReset')(auth, email);
      const reset = await ctx.platform.lastReset(email);
      await way(ctx, 'verify')(auth, reset, email);
      const weak = await expectCode(auth.updatePassword({ password: 'abc' }), 'weak_password', 'weak');
      if (ctx.platform.reportsWeakReasons !== false) check(Array.isArray(weak.reasons) && weak.reasons.includes('length'), `reasons: ${weak.reasons}`);
      // The credential is still held: the next try needs no new verification.
      await auth.updatePassword({ password: NEW_PASSWORD });
      check(await signInWorks(ctx, email, NEW_PASSWORD), 'finished after the weak attempt');
    },
  },
  {
    name: 'signed in: change the password with and without the current one',
    run: async (ctx) => {
      const { email, auth, events } = await setup(ctx);
      await way(ctx, 'signIn')(auth, email, PASSWORD);
      if (ctx.platform.requiresCurrentPassword) {
        await ctx.platform.proxy.clearRequests();
        await expectCode(auth.updatePassword({ password: NEW_PASSWORD }), 'current_password_required', 'no current password');
        equal(await ctx.platform.proxy.requests(), [], 'refused before any request');
      } else {
        await auth.updatePassword({ password: NEW_PASSWORD });
        check(await signInWorks(ctx, email, NEW_PASSWORD), 'changed without the current password');
      }
      const current = ctx.platform.requiresCurrentPassword ? PASSWORD : NEW_PASSWORD;
      await expectCode(auth.updatePassword({ password: 'third-password-3', currentPassword: 'not-the-password-0' }), 'invalid_current_password', 'wrong current');
      const before = await auth.getSession();
      events.length = 0;
      await auth.updatePassword({ password: 'third-password-3', currentPassword: current });
      check(await signInWorks(ctx, email, 'third-password-3'), 'changed with the current password');
      if (ctx.platform.changeSignsOut) {
        // The platform revokes every session of the user with the change, this one too.
        equal(auth.getCachedUser(), null, 'signed out after the change');
        equal(events, ['SIGNED_OUT', 'USER_UPDATED'], 'events');
        const stale = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
        await expectCode(stale.setSession({ accessToken: before.accessToken, refreshToken: before.refreshToken, expiresIn: 600 }), 'not_authenticated', 'the old tokens');
      } else {
        equal((await auth.getUser()).email, email, 'the session goes on after the change');
      }
    },
  },
  {
    name: 'sign-out ends the session here; other scopes as the platform has them',
    run: async (ctx) => {
      const { email, auth, events, map } = await setup(ctx);
      await way(ctx, 'signIn')(auth, email, PASSWORD);
      for (const scope of ['global', 'others']) {
        if (!ctx.platform.serverScopes.includes(scope)) await expectCode(auth.signOut({ scope }), 'unsupported', `scope ${scope}`);
      }
      await auth.signOut();
      equal(auth.getCachedUser(), null, 'signed out');
      equal(events.at(-1), 'SIGNED_OUT', 'event');
      equal(map.has('wasm-auth-client'), false, 'record removed');
      await expectCode(auth.getUser(), 'not_authenticated', 'getUser after sign-out');
    },
  },
  {
    name: 'an expiring session is refreshed once, for every caller',
    run: async (ctx) => {
      const { email, auth, map } = await setup(ctx);
      const first = await way(ctx, 'signIn')(auth, email, PASSWORD);
      // Where the server renews a token only once it has expired (Wacht), it is made to expire.
      await ctx.platform.expireOnServer?.();
      const record = JSON.parse(map.get('wasm-auth-client'));
      map.set('wasm-auth-client', JSON.stringify({ ...record, expires_at: Date.now() / 1000 + 20 }));
      const reloaded = new ctx.AuthClient({ ...ctx.platform.options, storage: { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) }, autoRefresh: false });
      const events = [];
      reloaded.onAuthChange((event) => events.push(event));
      await ctx.platform.proxy.clearRequests();
      const sessions = await Promise.all([reloaded.getSession(), reloaded.getSession(), reloaded.getUser()]);
      // Tokens minted within the same second may be byte-equal (the emulator's are unsigned), so
      // the proof of a refresh is the new lifetime and the one request below.
      check(sessions[0].expiresAt > Date.now() / 1000 + 600, `a fresh lifetime: ${sessions[0].expiresAt}`);
      check(typeof first.accessToken === 'string', 'signed in');
      equal(sessions[0].accessToken, sessions[1].accessToken, 'the same for both callers');
      equal(sessions[2].email, email, 'getUser with the new token');
      const refreshes = (await ctx.platform.proxy.requests()).filter((r) => ctx.platform.isRefresh(r.path));
      equal(refreshes.length, 1, 'refresh requests');
      equal(events[0], 'TOKEN_REFRESHED', 'event');
    },
  },
  {
    name: 'not_authenticated before any request, and bad input before any request',
    run: async (ctx) => {
      const auth = new ctx.AuthClient({ ...ctx.platform.options, storage: 'memory', autoRefresh: false });
      await ctx.platform.proxy.clearRequests();
      await expectCode(auth.updatePassword({ password: NEW_PASSWORD }), 'not_authenticated', 'updatePassword');
      await expectCode(auth.getUser(), 'not_authenticated', 'getUser');
      await expectCode(auth.requestPasswordReset({ email: 'not-an-email' }), 'invalid_input', 'bad email');
      await expectCode(auth.verifyOtp({ token: 'a b', type: 'recovery' }), 'invalid_input', 'bad token');
      await expectCode(auth.signInWithEmail({ email: 'a@b.co', password: '' }), 'invalid_input', 'empty password');
      // What these platforms lack is refused as such, and changes nothing either.
      await expectCode(auth.requestPasswordReset({ email: 'a@b.co', flow: 'pkce' }), 'unsupported', 'flow: pkce');
      // Options of another platform: password encryption is GenAuth's, skipping the notice
      // Wristband's, the credential's expiry in the answer GenAuth's.
      if (ctx.platform.name !== 'genauth') {
        let thrown;
        try {
          new ctx.AuthClient({ ...ctx.platform.options, passwordEncrypt: 'rsa' });
        } catch (error) {
          thrown = error;
        }
        equal(thrown?.code, 'unsupported', 'passwordEncrypt elsewhere');
        let expiry;
        try {
          auth.recoveryExpiresAt();
        } catch (error) {
          expiry = error;
        }
        equal(expiry?.code, 'unsupported', 'recoveryExpiresAt elsewhere');
      } else {
        equal(auth.recoveryExpiresAt(), null, 'nothing held yet');
      }
      if (ctx.platform.name !== 'wristband') {
        await expectCode(auth.updatePassword({ password: NEW_PASSWORD, skipPasswordUpdatedEmail: true }), 'unsupported', 'skipPasswordUpdatedEmail elsewhere');
      }
      equal(await ctx.platform.proxy.requests(), [], 'no request');
    },
  },
  {
    name: 'faults: server down, timeout, 5xx, a malformed answer — typed errors, the session kept',
    run: async (ctx) => {
      const down = new ctx.AuthClient({ ...ctx.platform.options, url: ctx.closedUrl, storage: 'memory', autoRefresh: false });
      equal((await expectCode(way(ctx, 'downCall')(down), 'network_error', 'server down')).status, 0, 'status');
      const { email, auth } = await setup(ctx, { timeoutMs: 400 });
      await way(ctx, 'signIn')(auth, email, PASSWORD);
      const user = ctx.platform.userPath;
      await ctx.platform.proxy.fault({ path: user, delay_ms: 3000 });
      await expectCode(auth.getUser(), 'timeout', 'hang');
      await ctx.platform.proxy.fault({ path: user, status: 503, body: '<html>busy</html>', contentType: 'text/html' });
      equal((await expectCode(auth.getUser(), 'server_error', '503')).status, 503, 'status');
      await ctx.platform.proxy.fault({ path: user, status: 200, body: '{"users":' });
      await expectCode(auth.getUser(), 'unexpected_response', 'truncated');
      equal(auth.getCachedUser()?.email, email, 'session kept');
      equal((await auth.getUser()).email, email, 'works again');
    },
  },
];

/** Runs one scenario by name (the browser runner calls this inside the page). */
export async function run(name, ctx, own = []) {
  const scenario = [...scenarios, ...own].find((s) => s.name === name);
  check(scenario, `no scenario ${name}`);
  try {
    await scenario.run(ctx);
  } finally {
    await ctx.platform.proxy.clearFaults();
  }
}
