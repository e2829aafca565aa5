// Conformance: the official, unmodified @supabase/auth-js (pinned in package-lock.json) runs the
// password lifecycle against a freshly started auth-devserver. If GoTrue's own client works
// against it, our client's tests against it mean something.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AuthClient, AuthApiError, isAuthWeakPasswordError, isAuthApiError, isAuthSessionMissingError } from '@supabase/auth-js';
import { startDevserver, freshEmail } from '../support/devserver.mjs';

const PASSWORD = 'first-password-1';
let server;
let strictServer;

before(async () => {
  server = await startDevserver();
  // A second server with a stricter policy, for weak_password reasons.
  strictServer = await startDevserver({ GOTRUE_PASSWORD_MIN_LENGTH: '10', GOTRUE_PASSWORD_REQUIRED_CHARACTERS: '0123456789' });
});
after(async () => {
  await server?.stop();
  await strictServer?.stop();
});

/** An auth-js client with its own in-memory storage (`store`) and no background timers. */
function client(srv = server, options = {}, store = new Map()) {
  const storage = {
    getItem: (key) => store.get(key) ?? null,
    setItem: (key, value) => void store.set(key, value),
    removeItem: (key) => void store.delete(key),
  };
  const auth = new AuthClient({
    url: srv.url,
    headers: { apikey: srv.anonKey },
    storage,
    persistSession: true,
    autoRefreshToken: false,
    detectSessionInUrl: false,
    ...options,
  });
  const events = [];
  auth.onAuthStateChange((event) => void events.push(event));
  return { auth, events, store };
}

/** Unwraps auth-js's `{data, error}`. */
function must({ data, error }) {
  if (error) throw error;
  return data;
}

async function signedUpUser(srv = server) {
  const email = freshEmail('conf');
  const { auth } = client(srv);
  const data = must(await auth.signUp({ email, password: PASSWORD }));
  assert.ok(data.session, 'autoconfirm sign-up returns a session');
  return { email, auth };
}

test('the whole recovery flow: request, code from the outbox, verify, update, sign in', async () => {
  const { email } = await signedUpUser();
  const { auth, events } = client();
  must(await auth.resetPasswordForEmail(email));
  const mail = await server.dev.lastMail(email);
  assert.equal(mail.kind, 'recovery');
  assert.match(mail.token, /^\d{6}$/);

  const verified = must(await auth.verifyOtp({ email, token: mail.token, type: 'recovery' }));
  assert.equal(verified.user.email, email);
  assert.ok(verified.session.access_token);
  assert.ok(events.includes('PASSWORD_RECOVERY'), `events: ${events}`);
  assert.ok(!events.includes('SIGNED_IN'), 'a recovery session is announced as PASSWORD_RECOVERY only');

  const updated = must(await auth.updateUser({ password: 'second-password-2' }));
  assert.equal(updated.user.email, email);
  assert.ok(events.includes('USER_UPDATED'));
  // The recovery session stays the current session.
  const { session } = must(await auth.getSession());
  assert.equal(session.access_token, verified.session.access_token);

  const fresh = client().auth;
  must(await fresh.signInWithPassword({ email, password: 'second-password-2' }));
  const old = await client().auth.signInWithPassword({ email, password: PASSWORD });
  assert.ok(isAuthApiError(old.error));
  assert.equal(old.error.code, 'invalid_credentials');

  // The code was single-use.
  const reuse = await client().auth.verifyOtp({ email, token: mail.token, type: 'recovery' });
  assert.ok(reuse.error instanceof AuthApiError);
  assert.equal(reuse.error.code, 'otp_expired');
  assert.equal(reuse.error.status, 403);
});

test('unknown emails get the same neutral answer and no mail', async () => {
  const email = freshEmail('nobody');
  const { auth } = client();
  must(await auth.resetPasswordForEmail(email));
  assert.deepEqual(await server.dev.outbox(email), []);
});

test('a second request inside the interval is rate limited', async () => {
  const { email } = await signedUpUser();
  const { auth } = client();
  must(await auth.resetPasswordForEmail(email));
  const { error } = await auth.resetPasswordForEmail(email);
  assert.equal(error.code, 'over_email_send_rate_limit');
  assert.equal(error.status, 429);
  assert.match(error.message, /after \d+ seconds/);
});

test('weak passwords surface as AuthWeakPasswordError with the reasons', async () => {
  const { auth } = client(strictServer);
  const { error } = await auth.signUp({ email: freshEmail('weak'), password: 'short' });
  assert.ok(isAuthWeakPasswordError(error), `got ${error?.name}`);
  assert.deepEqual(error.reasons, ['length', 'characters']);
  assert.equal(error.status, 422);

  const { email } = await signedUpUserWith(strictServer, 'long-enough-1');
  const signedIn = client(strictServer).auth;
  must(await signedIn.signInWithPassword({ email, password: 'long-enough-1' }));
  const update = await signedIn.updateUser({ password: 'no-digits-here' });
  assert.ok(isAuthWeakPasswordError(update.error));
  assert.deepEqual(update.error.reasons, ['characters']);
});

async function signedUpUserWith(srv, password) {
  const email = freshEmail('conf');
  must(await client(srv).auth.signUp({ email, password }));
  return { email };
}

test('the same password again is refused with same_password', async () => {
  const { email } = await signedUpUser();
  const { auth } = client();
  must(await auth.signInWithPassword({ email, password: PASSWORD }));
  const { error } = await auth.updateUser({ password: PASSWORD });
  assert.equal(error.code, 'same_password');
  assert.equal(error.status, 422);
});

test('verification by token_hash (the link variant without a verifier)', async () => {
  const { email } = await signedUpUser();
  must(await client().auth.resetPasswordForEmail(email));
  const mail = await server.dev.lastMail(email);
  const { auth, events } = client();
  const data = must(await auth.verifyOtp({ token_hash: mail.token_hash, type: 'recovery' }));
  assert.equal(data.user.email, email);
  assert.ok(events.includes('PASSWORD_RECOVERY'));
  const again = await client().auth.verifyOtp({ token_hash: mail.token_hash, type: 'recovery' });
  assert.equal(again.error.code, 'otp_expired');
});

test('PKCE recovery: GET /verify redirects with ?code=, exchangeCodeForSession signs in', async () => {
  const { email } = await signedUpUser();
  const { auth, events, store } = client(server, { flowType: 'pkce' });
  must(await auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/reset' }));
  // auth-js keeps its PKCE verifier in storage: a copy lets a second client replay it.
  const withVerifier = new Map(store);
  assert.ok([...withVerifier.keys()].some((key) => key.includes('code-verifier')));
  const mail = await server.dev.lastMail(email);
  assert.ok(mail.token_hash.startsWith('pkce_'));
  const response = await fetch(mail.link, { redirect: 'manual' });
  assert.equal(response.status, 303);
  const location = new URL(response.headers.get('location'));
  assert.equal(location.origin + location.pathname, 'http://127.0.0.1:3000/reset');
  const code = location.searchParams.get('code');
  assert.ok(code);

  const data = must(await auth.exchangeCodeForSession(code));
  assert.equal(data.user.email, email);
  assert.ok(events.includes('PASSWORD_RECOVERY'), `events: ${events}`);
  must(await auth.updateUser({ password: 'pkce-password-2' }));
  must(await client().auth.signInWithPassword({ email, password: 'pkce-password-2' }));

  // The code cannot be exchanged twice, even with the right verifier: GoTrue deleted the flow state.
  const { auth: other } = client(server, { flowType: 'pkce' }, withVerifier);
  await server.dev.clearRequests();
  const replay = await other.exchangeCodeForSession(code);
  assert.equal(replay.error?.code, 'flow_state_not_found');
  assert.equal(replay.error?.status, 404);
  const [sent] = await server.dev.requests('/token');
  assert.equal(sent.query, 'grant_type=pkce', 'the replay reached the server');
  assert.equal(sent.status, 404);
});

test('an expired or used link redirects with an error fragment', async () => {
  const { email } = await signedUpUser();
  must(await client().auth.resetPasswordForEmail(email, { redirectTo: 'http://127.0.0.1:3000/reset' }));
  const mail = await server.dev.lastMail(email);
  assert.equal((await fetch(mail.link, { redirect: 'manual' })).status, 303);
  const second = await fetch(mail.link, { redirect: 'manual' });
  const fragment = new URLSearchParams(new URL(second.headers.get('location')).hash.slice(1));
  assert.equal(fragment.get('error_code'), 'otp_expired');
  assert.equal(fragment.get('error'), 'access_denied');
});

test('refreshSession rotates the refresh token and keeps the user', async () => {
  const { email } = await signedUpUser();
  const { auth, events } = client();
  const first = must(await auth.signInWithPassword({ email, password: PASSWORD })).session;
  const next = must(await auth.refreshSession()).session;
  assert.notEqual(next.refresh_token, first.refresh_token);
  assert.equal(next.user.email, email);
  assert.ok(events.includes('TOKEN_REFRESHED'));
  const user = must(await auth.getUser()).user;
  assert.equal(user.email, email);
});

/** The server answers 403 session_not_found, which auth-js reports as AuthSessionMissingError. */
async function assertSessionGone(auth) {
  await server.dev.clearRequests();
  const { error } = await auth.getUser();
  assert.ok(isAuthSessionMissingError(error), `got ${error?.name}`);
  const [request] = await server.dev.requests('/user');
  assert.equal(request.status, 403);
}

test('signOut scopes: others keeps this session, local ends only this one, global ends all', async () => {
  const { email } = await signedUpUser();
  const a = client().auth;
  const b = client().auth;
  const c = client().auth;
  for (const auth of [a, b, c]) must(await auth.signInWithPassword({ email, password: PASSWORD }));

  must(await a.signOut({ scope: 'others' }));
  must(await a.getUser());
  await assertSessionGone(b);
  await assertSessionGone(c);

  const d = client().auth;
  must(await d.signInWithPassword({ email, password: PASSWORD }));
  const events = [];
  a.onAuthStateChange((event) => void events.push(event));
  must(await a.signOut({ scope: 'local' }));
  assert.ok(events.includes('SIGNED_OUT'));
  assert.equal(must(await a.getSession()).session, null);
  must(await d.getUser());

  must(await d.signOut());
  const e = client().auth;
  must(await e.signInWithPassword({ email, password: PASSWORD }));
  must(await e.signOut({ scope: 'global' }));
  assert.equal(must(await e.getSession()).session, null);
});

test('after a password change every other session of the user is dead', async () => {
  const { email } = await signedUpUser();
  const laptop = client().auth;
  const phone = client().auth;
  must(await laptop.signInWithPassword({ email, password: PASSWORD }));
  must(await phone.signInWithPassword({ email, password: PASSWORD }));
  const { session: phoneSession } = must(await phone.getSession());
  must(await laptop.updateUser({ password: 'changed-password-3' }));
  must(await laptop.getUser());
  const refresh = await client().auth.refreshSession({ refresh_token: phoneSession.refresh_token });
  assert.equal(refresh.error?.code, 'refresh_token_not_found');
  await assertSessionGone(phone);
});

// ---- beyond the password lifecycle: what auth-js's admin and resend calls send ----------------

/** An auth-js client acting with the service_role key. */
function admin() {
  return client(server, { headers: { apikey: server.serviceKey, Authorization: `Bearer ${server.serviceKey}` } }).auth.admin;
}

test('admin.listUsers() with no arguments and with pages', async () => {
  for (let i = 0; i < 3; i += 1) await signedUpUser();
  const all = must(await admin().listUsers());
  assert.ok(all.users.length >= 3);
  assert.equal(all.total, all.users.length);
  // auth-js reads one digit of each page number in the Link header: keep to fewer than 10 pages.
  const perPage = Math.ceil(all.total / 3);
  const first = must(await admin().listUsers({ page: 1, perPage }));
  assert.equal(first.users.length, perPage);
  assert.equal(first.nextPage, 2, 'auth-js reads the Link header');
  assert.equal(first.lastPage, Math.ceil(all.total / perPage));
});

test('admin.inviteUserByEmail creates the user and mails the invite', async () => {
  const email = freshEmail('invite');
  const { user } = must(await admin().inviteUserByEmail(email, { data: { team: 'blue' } }));
  assert.equal(user.email, email);
  assert.ok(user.invited_at);
  assert.equal(user.user_metadata.team, 'blue');
  const mail = await server.dev.lastMail(email);
  assert.equal(mail.kind, 'invite');
  const { error } = await admin().inviteUserByEmail('not-an-email');
  assert.equal(error?.code, 'validation_failed');
});

test('admin.generateLink for signup, invite, magiclink and email change', async () => {
  const signup = must(await admin().generateLink({ type: 'signup', email: freshEmail('gl'), password: PASSWORD }));
  assert.equal(signup.properties.verification_type, 'signup');
  assert.match(signup.properties.action_link, /type=signup/);
  const invite = must(await admin().generateLink({ type: 'invite', email: freshEmail('gl') }));
  assert.equal(invite.properties.verification_type, 'invite');
  const magic = must(await admin().generateLink({ type: 'magiclink', email: freshEmail('gl') }));
  assert.equal(magic.properties.verification_type, 'signup', 'an unknown email is signed up');
  const { email } = await signedUpUser();
  const change = must(await admin().generateLink({ type: 'email_change_new', email, newEmail: freshEmail('new') }));
  assert.ok(change.user.new_email);
  assert.match(change.properties.action_link, /type=email_change/);
});

test('resend: a pending sign-up confirmation is sent again; others get the same empty answer', async () => {
  const email = freshEmail('resend');
  const confirming = await startDevserver({ GOTRUE_MAILER_AUTOCONFIRM: 'false', GOTRUE_SMTP_MAX_FREQUENCY: '1ms' });
  try {
    const auth = client(confirming).auth;
    must(await auth.signUp({ email, password: PASSWORD }));
    must(await auth.resend({ type: 'signup', email }));
    assert.equal((await confirming.dev.outbox(email)).length, 2);
    must(await auth.resend({ type: 'signup', email: freshEmail('nobody') }));
    const { error } = await auth.resend({ type: 'recovery', email });
    assert.equal(error?.code, 'validation_failed');
  } finally {
    await confirming.stop();
  }
});
