// What differs between the platforms the demo runs on: which package entry, how an account is
// created (not the library's job: each platform's own sign-up), and the development mailbox.
// The page reads its platform from the JSON in index.html (#demo-config); `make demo` serves it
// as is (GoTrue on the devserver), `make demo BACKEND=…` rewrites it (scripts/demo.mjs).

async function postJson(url, body) {
  let response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw Object.assign(new Error('offline'), { name: 'AuthError', code: 'network_error', status: 0 });
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = answer.msg ?? answer.error?.message ?? answer.message ?? 'Sign-up failed';
    throw Object.assign(new Error(message), { name: 'AuthError', code: 'request_failed', status: response.status });
  }
  return answer;
}

const gotrue = (config) => ({
  entry: '/pkg/index.js',
  label: 'the devserver',
  options: { url: location.origin },
  codeIsShort: true,
  serverScopes: true,
  signUp: (email, password) => postJson('/signup', { email, password }),
  async mailbox(email) {
    const response = await fetch(`/_dev/outbox?email=${encodeURIComponent(email)}`);
    return (await response.json()).reverse();
  },
});

const firebase = ({ url, apiKey, projectId }) => ({
  entry: '/pkg/firebase.js',
  label: 'the Firebase Auth emulator',
  options: { url, apiKey },
  codeIsShort: false,
  serverScopes: false,
  signUp: (email, password) => postJson(`${url}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=${apiKey}`, { email, password, returnSecureToken: true }),
  async mailbox(email) {
    const { oobCodes = [] } = await fetch(`${url}/emulator/v1/projects/${projectId}/oobCodes`).then((r) => r.json());
    return oobCodes
      .filter((c) => c.email === email && c.requestType === 'PASSWORD_RESET')
      .reverse()
      .map((c) => ({
        subject: 'Reset your password',
        to: c.email,
        kind: 'recovery',
        token: c.oobCode,
        // The emulator's link opens its own page; a project's custom action URL points at the
        // app instead, with the same parameters. The demo plays that part.
        link: `${location.origin}/${new URL(c.oobLink).search}`,
      }));
  },
});

const pocketbase = ({ url, collection = 'users' }) => ({
  entry: '/pkg/pocketbase.js',
  label: 'PocketBase',
  options: { url, collection },
  codeIsShort: false,
  serverScopes: false,
  signUp: (email, password) => postJson(`${url}/api/collections/${collection}/records`, { email, password, passwordConfirm: password }),
  async mailbox(email) {
    // PocketBase sends after answering: a mail asked for a moment ago may still be on its way.
    let mails = [];
    for (let tries = 0; tries < 10 && mails.length === 0; tries += 1) {
      if (tries) await new Promise((resolve) => setTimeout(resolve, 200));
      mails = await fetch(`${url}/_mailbox/${encodeURIComponent(email)}`).then((r) => r.json());
    }
    return mails.map((m) => ({ subject: m.subject, to: email, sent_at: m.at, kind: 'recovery', token: m.token, link: m.link }));
  },
});

export function backendFrom(config) {
  const make = { gotrue, firebase, pocketbase }[config.backend];
  if (!make) throw new Error(`unknown demo backend ${config.backend}`);
  return { name: config.backend, ...make(config) };
}
