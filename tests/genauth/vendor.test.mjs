// The GenAuth stand-in checked by the vendor's own code, and the client's password encryption
// checked against the libraries GenAuth's browser SDKs use:
// - GenAuth's official Python SDK (PyPI genauth, in .tools/genauth-sdk) drives the stand-in
//   through sign-up, sign-in, the profile, a password change, refresh and the reset, once per
//   encryption, sending ciphertexts made by jsencrypt (RSA) and sm-crypto (SM2): the stand-in
//   must decrypt them;
// - the client's own ciphertexts, captured by a small server that publishes keys made by
//   jsencrypt and sm-crypto, must decrypt with those libraries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startDevserver, root, freshEmail } from '../support/devserver.mjs';
import { AuthClient as Plain } from '../../pkg/genauth-node.js';
import { AuthClient as WithRsa } from '../../pkg/genauth-rsa-node.js';
import { AuthClient as WithSm2 } from '../../pkg/genauth-sm2-node.js';

// jsencrypt is a browser library: it looks for these globals when it loads.
globalThis.window ??= globalThis;
globalThis.self ??= globalThis;
const require = createRequire(import.meta.url);
const jsencrypt = require('jsencrypt');
const JSEncrypt = jsencrypt.JSEncrypt ?? jsencrypt.default ?? jsencrypt;
const { sm2 } = require('sm-crypto');

const PYTHON = path.join(root, '.tools/genauth-sdk/bin/python');
const APP_ID = 'vendor-sdk-app';
let server;
let keys;

before(async () => {
  server = await startDevserver();
  keys = await fetch(`${server.url}/api/v3/system`, { headers: { 'x-genauth-app-id': APP_ID } }).then((r) => r.json());
});
after(() => server?.stop());

/** What GenAuth's browser SDKs send for `password` under `kind`. */
function vendorEncrypt(kind, password, publicKeys = keys) {
  if (kind === 'rsa') {
    const rsa = new JSEncrypt();
    rsa.setPublicKey(publicKeys.rsa.publicKey);
    const out = rsa.encrypt(password);
    assert.ok(out, 'jsencrypt encrypted');
    return out;
  }
  if (kind === 'sm2') return sm2.doEncrypt(password, publicKeys.sm2.publicKey, 1);
  return password;
}

for (const kind of ['none', 'rsa', 'sm2']) {
  test(`the vendor's Python SDK drives the stand-in end to end (passwordEncryptType: ${kind})`, () => {
    const passwords = { first: 'first-password-1', second: 'second-password-2', third: 'third-password-3', wrong: 'not-the-password-0', weak: 'abc' };
    const sent = Object.fromEntries(Object.values(passwords).map((p) => [p, vendorEncrypt(kind, p)]));
    if (kind !== 'none') assert.ok(Object.entries(sent).every(([plain, ct]) => plain !== ct), 'encrypted');
    const args = { url: server.url, appId: APP_ID, email: freshEmail(`sdk-${kind}`), kind, passwords, sent };
    const steps = JSON.parse(execFileSync(PYTHON, [path.join(root, 'tests/genauth/sdk_flow.py'), JSON.stringify(args)], { encoding: 'utf8' }));
    assert.deepEqual(steps, {
      sign_up: [200, null],
      sign_in: [200, null],
      profile_email: args.email,
      change_wrong_old: [400, 2006],
      change: [200, null],
      sign_in_old: [400, 2333],
      sign_in_new: [200, null],
      refresh_has_access_token: true,
      send_email: [200, null],
      verify_wrong_code: [400, 2001],
      verify: [200, null],
      reset_weak: [400, 2029],
      reset: [200, null],
      reset_reused: [400, 2001],
      sign_in_after_reset: [200, null],
    });
  });
}

/** A GenAuth host that publishes the given keys and records what sign-in receives. */
async function capturingHost(publicKeys) {
  const seen = [];
  const host = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/v3/system') return res.end(JSON.stringify(publicKeys));
    seen.push(JSON.parse(Buffer.concat(chunks).toString() || '{}'));
    res.end(JSON.stringify({ statusCode: 400, apiCode: 2333, message: 'captured' }));
  });
  await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${host.address().port}`, seen, stop: () => new Promise((resolve) => host.close(resolve)) };
}

test("the client's RSA and SM2 ciphertexts decrypt with jsencrypt and sm-crypto", async () => {
  const rsa = new JSEncrypt({ default_key_size: 2048 });
  const pair = sm2.generateKeyPairHex();
  const host = await capturingHost({ rsa: { publicKey: rsa.getPublicKey() }, sm2: { publicKey: pair.publicKey } });
  try {
    for (const [kind, AuthClient, decrypt] of [
      ['rsa', WithRsa, (ct) => rsa.decrypt(ct)],
      ['sm2', WithSm2, (ct) => sm2.doDecrypt(ct, pair.privateKey, 1)],
    ]) {
      // Each algorithm is in its own entry: the others refuse it before any request.
      for (const Other of [Plain, kind === 'rsa' ? WithSm2 : WithRsa]) {
        assert.throws(() => new Other({ url: host.url, appId: APP_ID, passwordEncrypt: kind }), { code: 'unsupported' });
      }
      const auth = new AuthClient({ url: host.url, appId: APP_ID, passwordEncrypt: kind, storage: 'memory', autoRefresh: false });
      for (const password of ['pässwörd-ünïcode-1', 'x'.repeat(72)]) {
        await assert.rejects(auth.signInWithEmail({ email: 'a@x.io', password }), { code: 'invalid_credentials' });
        const body = host.seen.at(-1);
        assert.equal(body.options.passwordEncryptType, kind);
        assert.notEqual(body.passwordPayload.password, password, 'not sent in the clear');
        assert.equal(decrypt(body.passwordPayload.password), password, `${kind} decrypts`);
      }
    }
  } finally {
    await host.stop();
  }
});
