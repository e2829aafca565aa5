// The Firebase Auth emulator as contract.mjs sees it. Plain ES module (the page imports it too):
// accounts and reset codes come from the emulator's own REST API, the client talks through the
// fault proxy in front of it.
import { proxyControl } from './proxy-control.mjs';

/** @param {{ emulatorUrl: string, proxyUrl: string, apiKey: string, projectId: string }} where */
export function platform({ emulatorUrl, proxyUrl, apiKey, projectId }) {
  const api = async (method, body) => {
    const response = await fetch(`${emulatorUrl}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=${apiKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`emulator ${method}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    name: 'firebase',
    options: { url: proxyUrl, apiKey },
    signUp: (email, password) => api('signUp', { email, password, returnSecureToken: true }),
    async lastReset(email) {
      const { oobCodes = [] } = await fetch(`${emulatorUrl}/emulator/v1/projects/${projectId}/oobCodes`).then((r) => r.json());
      const last = oobCodes.filter((c) => c.email === email && c.requestType === 'PASSWORD_RESET').at(-1);
      return last ? { token: last.oobCode, link: last.oobLink } : null;
    },
    checksCredentialEarly: true,
    requiresCurrentPassword: false,
    serverScopes: [],
    proxy: proxyControl(proxyUrl),
    isRefresh: (path) => path.includes('securetoken.googleapis.com'),
    userPath: 'accounts:lookup',
  };
}
