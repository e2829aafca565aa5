// `make demo BACKEND=firebase|pocketbase`: the demo page against that platform's real server,
// started here (the Firebase Auth emulator; PocketBase with its data in data/pocketbase/). The
// page and the package are served from this process with the page's #demo-config naming the
// platform; the default `make demo` (GoTrue) needs none of this: the devserver serves it all.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFirebaseEmulator } from '../tests/support/firebase.mjs';
import { startPocketBase } from '../tests/support/pocketbase.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Starts `backend`'s server and the page; resolves with { url, stop }. */
export async function serveDemo({ backend, port = 0, dataDir }) {
  if (backend !== 'firebase' && backend !== 'pocketbase') {
    throw new Error(`BACKEND must be firebase or pocketbase (GoTrue is the default demo), not ${backend}`);
  }
  let config;
  const page = http.createServer(async (req, res) => {
    const { pathname } = new URL(req.url, 'http://demo');
    const file = pathname.startsWith('/pkg/') ? path.join(root, pathname) : path.join(root, 'www', pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(path.join(root, 'www')) && !file.startsWith(path.join(root, 'pkg'))) return void res.writeHead(404).end();
    try {
      let body = await readFile(file);
      if (file.endsWith('index.html')) {
        body = body.toString().replace(/(<script type="application\/json" id="demo-config">)[^<]*(<\/script>)/, `$1${JSON.stringify(config)}$2`);
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => page.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${page.address().port}`;
  // The page is listening first, so that PocketBase can be told it is the one page to answer.
  let server;
  try {
    if (backend === 'firebase') {
      server = await startFirebaseEmulator();
      config = { backend, url: server.url, apiKey: server.apiKey, projectId: server.projectId };
    } else {
      server = await startPocketBase({ dataDir, origins: [url] });
      config = { backend, url: server.url, collection: 'users' };
      await server.pointResetLinksAt(url);
    }
  } catch (error) {
    await server?.stop();
    await new Promise((resolve) => page.close(resolve));
    throw error;
  }
  return {
    url,
    serverUrl: server.url,
    async stop() {
      page.closeAllConnections();
      await new Promise((resolve) => page.close(resolve));
      await server.stop();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const backend = process.env.BACKEND;
  const dataDir = path.join(root, 'data/pocketbase');
  if (backend === 'pocketbase') mkdirSync(dataDir, { recursive: true });
  const demo = await serveDemo({ backend, port: Number(process.env.PORT ?? 9999), dataDir });
  console.log(`Demo on ${backend} (${demo.serverUrl}): open ${demo.url}/ (Ctrl-C to stop)`);
  const stop = async () => {
    await demo.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
