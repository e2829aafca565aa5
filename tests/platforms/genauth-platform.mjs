// The devserver's GenAuth stand-in as contract.mjs sees it. Plain ES module (the page imports it
// too): accounts are created with GenAuth's sign-up, pass codes read from the devserver's outbox,
// and codes made to expire by moving the devserver's clock; the client talks through the fault
// proxy in front of it.
import { proxyControl } from './proxy-control.mjs';

export const APP_ID = 'contract-app';

/** @param {{ serverUrl: string, proxyUrl: string, passwordEncrypt: 'none' | 'rsa' | 'sm2' }} where */
export function platform({ serverUrl, proxyUrl, passwordEncrypt }) {
  const options = { url: proxyUrl, appId: APP_ID, passwordEncrypt };
  const post = async (path, body) => {
    const response = await fetch(`${serverUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-genauth-app-id': APP_ID },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok || (answer.statusCode && answer.statusCode !== 200)) throw new Error(`${path}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const signUp = (email, password) => post('/api/v3/signup', { connection: 'PASSWORD', passwordPayload: { email, password } });
  return {
    name: 'genauth',
    options,
    signUp,
    async lastReset(email) {
      const mails = await fetch(`${serverUrl}/_dev/outbox?email=${encodeURIComponent(email)}`).then((r) => r.json());
      const last = mails.filter((m) => m.kind === 'genauth_reset_password').at(-1);
      return last ? { token: last.token, link: null } : null;
    },
    checksCredentialEarly: true,
    requiresCurrentPassword: true,
    reportsWeakReasons: false,
    serverScopes: [],
    // Pass codes live 5 minutes: the devserver's clock moves past that.
    expiringResets: { options, signUp, expire: () => post('/_dev/clock', { seconds: 301 }) },
    proxy: proxyControl(proxyUrl),
    isRefresh: (path) => path === '/oidc/token',
    userPath: '/api/v3/get-profile',
  };
}
