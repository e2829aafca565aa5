// The Wacht stand-in's backend API driven by Wacht's own backend SDK (npm @wacht/backend): the
// admin password set with and without Wacht's policy check, user ids of Wacht's kind (64-bit
// integers, as the strings the SDK takes), and the SDK's error classes for a weak password, a
// wrong key and an unknown user.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WachtClient, WachtError } from '@wacht/backend';
import { startDevserver, freshEmail } from '../support/devserver.mjs';

const PASSWORD = 'first-password-1';
let server;

before(async () => {
  server = await startDevserver();
});
after(() => server?.stop());

/** The frontend API's sign-in, as Wacht's browser SDK sends it: the session's token, or null. */
async function signIn(email, password) {
  const body = new FormData();
  for (const [k, v] of Object.entries({ strategy: 'plain_email', email, password })) body.append(k, v);
  const response = await fetch(`${server.url}/auth/signin`, { method: 'POST', body });
  return response.ok ? response.headers.get('x-development-session') : null;
}

async function wachtId(token) {
  const me = await fetch(`${server.url}/me`, { headers: { 'x-development-session': token } }).then((r) => r.json());
  return me.data.id;
}

async function account() {
  const email = freshEmail('wacht-sdk');
  const signup = await fetch(`${server.url}/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  assert.ok(signup.ok);
  const token = await signIn(email, PASSWORD);
  return { email, token, id: await wachtId(token) };
}

test("Wacht's backend SDK sets a password on the stand-in, by a Wacht user id", async () => {
  const { email, token, id } = await account();
  assert.match(id, /^[1-9][0-9]{17,18}$/, 'a 64-bit integer, as digits');
  const client = new WachtClient({ apiKey: server.wachtApiKey, baseUrl: server.url });
  // Typed `Promise<void>`: the SDK hands back the JSON body as it came (the stand-in's `{}`).
  await client.users.updatePassword(id, { new_password: 'second-password-2' });
  assert.ok(await signIn(email, 'second-password-2'), 'the new password works');
  assert.equal(await signIn(email, PASSWORD), null, 'the old one does not');
  const ended = await fetch(`${server.url}/me`, { headers: { 'x-development-session': token } });
  assert.equal(ended.status, 401, "the user's sessions ended");

  // The deployment's policy, unless skipped.
  await assert.rejects(client.users.updatePassword(id, { new_password: 'abc' }), (e) => e instanceof WachtError && e.statusCode === 400 && e.name === 'ValidationError');
  await client.users.updatePassword(id, { new_password: 'abc', skip_password_check: true });
  assert.ok(await signIn(email, 'abc'), 'the check was skipped');
});

test("Wacht's backend SDK gets its own errors for a wrong key and an unknown user", async () => {
  const { id } = await account();
  const wrong = new WachtClient({ apiKey: 'wacht_test_not-the-key', baseUrl: server.url });
  await assert.rejects(wrong.users.updatePassword(id, { new_password: 'second-password-2' }), (e) => e instanceof WachtError && e.statusCode === 401);
  const client = new WachtClient({ apiKey: server.wachtApiKey, baseUrl: server.url });
  await assert.rejects(client.users.updatePassword('1152921504606846976', { new_password: 'second-password-2' }), (e) => e instanceof WachtError && e.statusCode === 404);
});
