// A real PocketBase server as contract.mjs sees it. Plain ES module (the page imports it too):
// accounts are created and reset mails read on the server itself, the client talks through the
// fault proxy in front of it.
import { proxyControl } from './proxy-control.mjs';

/** @param {{ serverUrl: string, proxyUrl: string }} where */
export function platform({ serverUrl, proxyUrl }) {
  const signUpIn = (collection) => async (email, password) => {
    const response = await fetch(`${serverUrl}/api/collections/${collection}/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, passwordConfirm: password }),
    });
    if (!response.ok) throw new Error(`sign-up: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    name: 'pocketbase',
    options: { url: proxyUrl },
    signUp: signUpIn('users'),
    // Created by pocketbase.test.mjs with a 10 s reset lifetime.
    expiringResets: {
      options: { url: proxyUrl, collection: 'short_resets' },
      signUp: signUpIn('short_resets'),
      expire: () => new Promise((resolve) => setTimeout(resolve, 12_000)),
    },
    /** PocketBase sends reset mail after it has answered (so timing tells nothing): polled. */
    async lastReset(email) {
      for (let waited = 0; waited < 5000; waited += 50) {
        const [last] = await fetch(`${serverUrl}/_mailbox/${encodeURIComponent(email)}`).then((r) => r.json());
        if (last) return { token: last.token, link: last.link };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return null;
    },
    checksCredentialEarly: false,
    requiresCurrentPassword: true,
    serverScopes: [],
    proxy: proxyControl(proxyUrl),
    isRefresh: (path) => path.endsWith('/auth-refresh'),
    userPath: '/records/',
  };
}
