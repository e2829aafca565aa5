// A small HTTP proxy in front of a real server (the Firebase emulator, PocketBase), so the fault
// rows the devserver injects itself can be injected in front of servers we do not control: a
// delay, an answer of our choosing, a dropped connection. It also logs the requests it passes on,
// which is how a test proves that no request was made. Control endpoints under /__proxy/ answer
// any origin (browser tests drive them from a page).
import http from 'node:http';

const CORS = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*', 'access-control-allow-methods': '*' };

/** @param {{ logHeaders?: string[] }} options  request headers whose values the log keeps */
export async function startFaultProxy(target, { logHeaders = [] } = {}) {
  const faults = [];
  const log = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://proxy');
    if (url.pathname.startsWith('/__proxy/')) return control(req, res, url, body);
    if (req.method !== 'OPTIONS') {
      const entry = { method: req.method, path: url.pathname };
      if (logHeaders.length) entry.headers = Object.fromEntries(logHeaders.map((name) => [name, req.headers[name] ?? null]));
      log.push(entry);
    }
    const index = req.method === 'OPTIONS' ? -1 : faults.findIndex((f) => url.pathname.includes(f.path));
    const fault = index >= 0 ? faults[index] : null;
    if (fault && --fault.count <= 0) faults.splice(index, 1);
    if (fault?.delay_ms) await new Promise((resolve) => setTimeout(resolve, fault.delay_ms));
    if (fault?.drop) return req.socket.destroy();
    if (fault?.status) {
      res.writeHead(fault.status, { ...CORS, 'content-type': fault.contentType ?? 'application/json', ...(fault.headers ?? {}) });
      return res.end(fault.body ?? '');
    }
    try {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)));
      const answer = await fetch(target + req.url, { method: req.method, headers, body: ['GET', 'HEAD'].includes(req.method) ? undefined : body });
      const out = Object.fromEntries([...answer.headers].filter(([k]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)));
      res.writeHead(answer.status, out);
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      if (!res.headersSent) res.writeHead(502, CORS);
      res.end();
    }
  });
  function control(req, res, url, body) {
    res.setHeader('content-type', 'application/json');
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') return res.end();
    if (url.pathname === '/__proxy/faults' && req.method === 'POST') {
      const list = JSON.parse(body.toString() || '[]');
      for (const f of Array.isArray(list) ? list : [list]) faults.push({ count: 1, ...f });
      return res.end('{}');
    }
    if (url.pathname === '/__proxy/faults' && req.method === 'DELETE') {
      faults.length = 0;
      return res.end('{}');
    }
    if (url.pathname === '/__proxy/requests' && req.method === 'GET') return res.end(JSON.stringify(log));
    if (url.pathname === '/__proxy/requests' && req.method === 'DELETE') {
      log.length = 0;
      return res.end('{}');
    }
    res.statusCode = 404;
    res.end('{}');
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
