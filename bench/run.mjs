// `make bench`: size, cold start, per-flow overhead, hot path and memory, for this package,
// @supabase/auth-js and bare fetch, on this machine against one devserver. Every number comes
// from this run. Writes bench/results.md and bench/ratios.svg.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants as zlib } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { launchChromium } from '../tests/support/chromium.mjs';
import { startDevserver, root } from '../tests/support/devserver.mjs';
import { shippedFiles, bundledSize } from '../scripts/shipped-files.mjs';
import { entries } from '../scripts/entries.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(root, 'build/bench');
mkdirSync(work, { recursive: true });
const FLOWS = Number(process.env.BENCH_FLOWS ?? 1000);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 20);
const MEMORY_FLOWS = Number(process.env.BENCH_MEMORY_FLOWS ?? 10_000);
const version = (pkg) => JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const log = (...args) => console.error('bench:', ...args);

const stats = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p10: at(0.1), p90: at(0.9), n: sorted.length };
};
const ms = (x) => `${x.toFixed(1)} ms`;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// ---- 1. size ---------------------------------------------------------------------------------

function sizes(files) {
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  return {
    raw: bytes.length,
    gzip: files.reduce((sum, f) => sum + gzipSync(readFileSync(f), { level: 9 }).length, 0),
    brotli: files.reduce((sum, f) => sum + brotliCompressSync(readFileSync(f), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length, 0),
  };
}

async function bundle(name, source) {
  const entry = path.join(work, `${name}-entry.mjs`);
  writeFileSync(entry, source);
  const outfile = path.join(work, `${name}.min.js`);
  await esbuild.build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', outfile, logLevel: 'error', nodePaths: [path.join(root, 'node_modules')] });
  return outfile;
}

async function measureSizes() {
  const ours = shippedFiles(path.join(root, 'pkg'));
  // As an app ships it: the browser entry bundled by esbuild --minify, plus its .wasm beside it.
  const oursBundle = await bundle('ours', `export { AuthClient, isAuthError, AuthError } from ${JSON.stringify(path.join(root, 'pkg/index.js'))};\n`);
  copyFileSync(path.join(root, 'pkg/wasm_auth_client_bg.wasm'), path.join(work, 'wasm_auth_client_bg.wasm'));
  // The same functions from each library: reset request, code/link verification, password update, sign-in.
  const authJs = await bundle('auth-js', "import { AuthClient } from '@supabase/auth-js';\nexport { AuthClient };\n");
  const firebase = await bundle('firebase-auth', [
    "import { initializeApp } from '@firebase/app';",
    "import { getAuth, sendPasswordResetEmail, verifyPasswordResetCode, confirmPasswordReset, updatePassword, signInWithEmailAndPassword, reauthenticateWithCredential, EmailAuthProvider } from '@firebase/auth';",
    'export { initializeApp, getAuth, sendPasswordResetEmail, verifyPasswordResetCode, confirmPasswordReset, updatePassword, signInWithEmailAndPassword, reauthenticateWithCredential, EmailAuthProvider };',
  ].join('\n'));
  // Every further platform's entry, bundled the same way: what an app on that platform ships.
  // The size budget's measure (scripts/shipped-files.mjs: bundled with its .wasm, gzip -9).
  const platforms = entries.filter((e) => e.name).map((entry) => ({ name: entry.subpath ?? entry.name, about: entry.about, admin: !!entry.admin, gzip: bundledSize(path.join(root, 'pkg'), entry) }));
  // The vendor's own client for PocketBase, the same calls: reset request and confirm, sign-in, refresh, update.
  const pocketbase = await bundle('pocketbase-sdk', "import PocketBase from 'pocketbase';\nexport { PocketBase };\n");
  const main = entries.find((e) => !e.name);
  return {
    platforms,
    gotrue: bundledSize(path.join(root, 'pkg'), main),
    breakdown: JSON.parse(readFileSync(path.join(root, 'build/pkg-parts', `${main.glue}.breakdown.json`), 'utf8')),
    pocketbase: sizes([pocketbase]),
    ours: sizes(ours),
    oursBundled: sizes([oursBundle, path.join(work, 'wasm_auth_client_bg.wasm')]),
    oursBundle,
    authJs: sizes([authJs]),
    firebase: sizes([firebase]),
    authJsBundle: authJs,
  };
}

// ---- 2. cold start ---------------------------------------------------------------------------------

function nodeColdStart(script) {
  const samples = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    samples.push(Number(out.stdout.trim()));
  }
  return stats(samples);
}

const OURS_NODE_COLD = `
const t0 = performance.now();
const { AuthClient } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'pkg/node.js')).href)});
const auth = new AuthClient({ url: 'http://127.0.0.1:9', autoRefresh: false });
auth.getCachedUser();
console.log(performance.now() - t0);`;

const AUTHJS_NODE_COLD = `
const t0 = performance.now();
const { AuthClient } = await import('@supabase/auth-js');
const auth = new AuthClient({ url: 'http://127.0.0.1:9', autoRefreshToken: false, persistSession: false, detectSessionInUrl: false });
await auth.getSession();
console.log(performance.now() - t0);`;

async function browserColdStart(server) {
  const browser = await launchChromium();
  const samples = { ours: [], oursNoPreload: [], authJs: [] };
  try {
    // Interleaved, one load of each per round, so that drift weighs on both alike.
    for (let i = 0; i < COLD_RUNS; i++) {
      for (const [name, page] of [['ours', 'ours.html'], ['oursNoPreload', 'ours-no-preload.html'], ['authJs', 'auth-js.html']]) {
        // A fresh context per load: empty HTTP cache and storage, like a first visit.
        const context = await browser.newContext();
        const tab = await context.newPage();
        await tab.goto(`${server.url}/${page}`);
        samples[name].push(await tab.waitForFunction(() => window.coldStartMs).then((h) => h.jsonValue()));
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  return { ours: stats(samples.ours), oursNoPreload: stats(samples.oursNoPreload), authJs: stats(samples.authJs) };
}

// Both pages load their library as an app would ship it (one esbuild bundle; ours with its .wasm
// beside it) and record the time from the start of the page load (navigation start) to the first
// local call answered.
function writeBenchPages(authJsBundle, oursBundle) {
  const www = path.join(work, 'www');
  mkdirSync(www, { recursive: true });
  copyFileSync(authJsBundle, path.join(www, 'auth-js.min.js'));
  copyFileSync(oursBundle, path.join(www, 'ours.min.js'));
  copyFileSync(path.join(root, 'pkg/wasm_auth_client_bg.wasm'), path.join(www, 'wasm_auth_client_bg.wasm'));
  // The wasm is announced in the page, as an app does for an asset it always needs: it then
  // downloads beside the bundle instead of after it. (auth-js has nothing to announce: its
  // bundle is the first request either way.)
  const ours = `<script type="module">
const { AuthClient } = await import('/ours.min.js');
new AuthClient({ url: location.origin, autoRefresh: false }).getCachedUser();
window.coldStartMs = performance.now();
</script>`;
  writeFileSync(path.join(www, 'ours.html'), `<!doctype html><link rel="preload" href="/wasm_auth_client_bg.wasm" as="fetch" type="application/wasm" crossorigin>${ours}`);
  // The same without the announcement: the wasm download starts when the bundle runs.
  writeFileSync(path.join(www, 'ours-no-preload.html'), `<!doctype html>${ours}`);
  writeFileSync(path.join(www, 'auth-js.html'), `<!doctype html><script type="module">
const { AuthClient } = await import('/auth-js.min.js');
const auth = new AuthClient({ url: location.origin, autoRefreshToken: false, persistSession: true, storage: sessionStorage, detectSessionInUrl: false });
await auth.getSession();
window.coldStartMs = performance.now();
</script>`);
  return www;
}

// ---- 3. per-flow overhead ------------------------------------------------------------------------------

/** Wraps global fetch to add up the time spent inside it. */
function fetchMeter() {
  const original = globalThis.fetch;
  const meter = { inside: 0 };
  globalThis.fetch = async (...args) => {
    const t0 = performance.now();
    try {
      const response = await original(...args);
      const body = await response.arrayBuffer();
      meter.inside += performance.now() - t0;
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    } catch (error) {
      meter.inside += performance.now() - t0;
      throw error;
    }
  };
  meter.restore = () => (globalThis.fetch = original);
  return meter;
}

async function signUp(server, email, password) {
  const r = await fetch(`${server.url}/signup`, { method: 'POST', body: JSON.stringify({ email, password }) });
  if (!r.ok) throw new Error(`signup ${r.status}`);
}

const code = async (server, email) => (await server.dev.lastMail(email)).token;

/** One recovery flow per call: request, verify, update (alternating passwords), sign in. */
const flows = {
  async bare(server, email, password) {
    const post = (p, body, token) => fetch(server.url + p, { method: p === '/user' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then(async (r) => { if (!r.ok) throw new Error(`${p} ${r.status}`); return r.json(); });
    await post('/recover', { email });
    const session = await post('/verify', { type: 'recovery', email, token: await code(server, email) });
    await post('/user', { password }, session.access_token);
    await post('/token?grant_type=password', { email, password });
  },
  async ours(server, email, password, lib) {
    const auth = new lib.AuthClient({ url: server.url, storage: 'memory', autoRefresh: false });
    await auth.requestPasswordReset({ email });
    await auth.verifyOtp({ token: await code(server, email), type: 'recovery' });
    await auth.updatePassword({ password });
    await auth.signInWithEmail({ email, password });
    auth.free();
  },
  async authJs(server, email, password, lib) {
    const auth = new lib.AuthClient({ url: server.url, autoRefreshToken: false, persistSession: false, detectSessionInUrl: false });
    const must = ({ error }) => { if (error) throw error; };
    must(await auth.resetPasswordForEmail(email));
    must(await auth.verifyOtp({ email, token: await code(server, email), type: 'recovery' }));
    must(await auth.updateUser({ password }));
    must(await auth.signInWithPassword({ email, password }));
  },
};

async function perFlow(server, libs) {
  const names = ['bare', 'ours', 'authJs'];
  const state = {};
  for (const name of names) {
    const email = `bench-${name}-${Date.now()}@bench.test`;
    await signUp(server, email, 'password-a-0');
    // Each flow sets the other of two passwords (the same one again would be refused).
    let n = 0;
    state[name] = { total: 0, inside: 0, next: () => flows[name](server, email, (n += 1) % 2 ? 'password-b-1' : 'password-a-0', libs[name]) };
    // Warm-up (JIT, connections), not measured.
    for (let i = 0; i < 5; i++) await state[name].next();
  }
  // Round robin, so drift in the server or the machine weighs on every client alike.
  const meter = fetchMeter();
  for (let i = 0; i < FLOWS; i++) {
    for (const name of names) {
      meter.inside = 0;
      const t0 = performance.now();
      await state[name].next();
      state[name].total += performance.now() - t0;
      state[name].inside += meter.inside;
    }
  }
  meter.restore();
  const results = {};
  for (const name of names) {
    const { total, inside } = state[name];
    results[name] = { total, inside, perFlow: total / FLOWS, clientSide: (total - inside) / FLOWS };
    log(`${name}: ${FLOWS} flows in ${ms(total)}`);
  }
  return results;
}

// ---- 4. hot path and memory ----------------------------------------------------------------------------

async function hotPath(server, libs) {
  const email = `bench-hot-${Date.now()}@bench.test`;
  await signUp(server, email, 'password-a-0');
  const ours = new libs.ours.AuthClient({ url: server.url, storage: 'memory', autoRefresh: false });
  await ours.signInWithEmail({ email, password: 'password-a-0' });
  const theirs = new libs.authJs.AuthClient({ url: server.url, autoRefreshToken: false, persistSession: false, detectSessionInUrl: false });
  await theirs.signInWithPassword({ email, password: 'password-a-0' });
  // Each as its API is used: ours synchronously, auth-js's Promise awaited.
  const rate = async (fn, awaited) => {
    let calls = 0;
    let sink = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      for (let i = 0; i < 1000; i++) sink += awaited ? ((await fn()).data ? 1 : 0) : fn() ? 1 : 0;
      calls += 1000;
    }
    if (sink !== calls) throw new Error('a call returned nothing');
    return calls / ((performance.now() - t0) / 1000);
  };
  const oursRate = await rate(() => ours.getCachedUser(), false);
  const theirsRate = await rate(() => theirs.getSession(), true);
  return { ours: oursRate, authJs: theirsRate };
}

async function memory(server, glue, wasmBytes, lib) {
  // The module the Node entry initialised (initSync hands back its exports), to read its
  // linear memory.
  const exports = glue.initSync({ module: wasmBytes });
  const email = `bench-mem-${Date.now()}@bench.test`;
  await signUp(server, email, 'password-a-0');
  const sample = () => ({ linear: exports.memory.buffer.byteLength, heap: (globalThis.gc?.(), process.memoryUsage().heapUsed) });
  const flow = async (i) => {
    const auth = new lib.AuthClient({ url: server.url, storage: 'memory', autoRefresh: false });
    await auth.signInWithEmail({ email, password: 'password-a-0' });
    auth.getCachedUser();
    await auth.getSession();
    await auth.signOut();
    auth.free();
    if (i % 1000 === 0) log(`memory: ${i} flows`);
  };
  for (let i = 1; i <= 500; i++) await flow(i); // warm-up: allocator and JIT reach steady state
  const before = sample();
  for (let i = 1; i <= MEMORY_FLOWS; i++) await flow(i);
  const after = sample();
  return { before, after };
}

// ---- report --------------------------------------------------------------------------------------------

function svgChart(bars) {
  const width = 640;
  const barHeight = 28;
  const max = Math.max(...bars.map((b) => b.value), 1.2);
  const scale = (v) => (v / max) * (width - 260);
  const rows = bars.map((b, i) => {
    const y = 50 + i * (barHeight + 12);
    return `<text x="10" y="${y + 19}" font-size="14">${b.label}</text>
<rect x="200" y="${y}" width="${scale(b.value).toFixed(1)}" height="${barHeight}" fill="${b.color}"/>
<text x="${(205 + scale(b.value)).toFixed(1)}" y="${y + 19}" font-size="14">${b.value.toFixed(3)}×</text>`;
  });
  const floor = 200 + scale(1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${70 + bars.length * 40}" font-family="sans-serif">
<text x="10" y="24" font-size="16" font-weight="bold">Recovery flow time, ratio to bare fetch (1.0 = the floor)</text>
${rows.join('\n')}
<line x1="${floor}" y1="40" x2="${floor}" y2="${60 + bars.length * 40}" stroke="#333" stroke-dasharray="4 3"/>
</svg>\n`;
}

// The targets of issue 21, met or not in this run: bytes as the size budget measures them.
function targets(size, coldBrowser, coldNode, ratio) {
  const platform = (name) => size.platforms.find((p) => p.name === name).gzip.total;
  const others = size.platforms.filter((p) => !p.admin && !p.name.startsWith('genauth/'));
  const worst = others.reduce((a, b) => (b.gzip.total > a.gzip.total ? b : a));
  const oneCipher = Math.max(platform('genauth/rsa'), platform('genauth/sm2'));
  const rows = [
    ['GoTrue browser entry, gzip (bundled + wasm)', '≤ 34,000 B', `${size.gotrue.total.toLocaleString('en')} B`, size.gotrue.total <= 34000],
    [`every other platform entry (largest: ${worst.name})`, '≤ 36 KB', kb(worst.gzip.total), worst.gzip.total <= 36 * 1024],
    ['GenAuth with one cipher (larger of rsa, sm2)', '≤ 60 KB', kb(oneCipher), oneCipher <= 60 * 1024],
    ['Chromium cold start, preload', '≤ 1.00× auth-js', `${(coldBrowser.ours.median / coldBrowser.authJs.median).toFixed(2)}×`, coldBrowser.ours.median <= coldBrowser.authJs.median],
    ['Chromium cold start, no preload', '≤ 1.00× auth-js', `${(coldBrowser.oursNoPreload.median / coldBrowser.authJs.median).toFixed(2)}×`, coldBrowser.oursNoPreload.median <= coldBrowser.authJs.median],
    ['Node cold start', '≤ 0.6× auth-js', `${(coldNode.ours.median / coldNode.authJs.median).toFixed(2)}×`, coldNode.ours.median <= 0.6 * coldNode.authJs.median],
    ['recovery flow', '≤ 1.05× bare fetch', `${ratio('ours').toFixed(3)}× (auth-js ${ratio('authJs').toFixed(3)}×)`, ratio('ours') <= 1.05],
  ];
  return ['## Targets in this run', '', '| measure | target | this run | |', '| --- | --- | --- | --- |', ...rows.map(([what, target, now, met]) => `| ${what} | ${target} | ${now} | ${met ? 'met' : 'missed'} |`)];
}

// Where the GoTrue entry's wasm goes (scripts/size-breakdown.mjs, before wasm-opt), each
// share also applied to the shipped wasm's gzip: an estimate of what removing it would save.
function breakdown(size) {
  const { parts, before_wasm_opt: total } = size.breakdown;
  const shown = parts.filter((p) => p.share >= 0.01);
  const rest = parts.filter((p) => p.share < 0.01).reduce((sum, p) => sum + p.bytes, 0);
  return [
    `## Where the GoTrue entry's bytes go: its JavaScript ${kb(size.gotrue.js)} gzip, its wasm ${kb(size.gotrue.wasm)} gzip (${kb(total)} of code and data before wasm-opt)`,
    '',
    '| owner (Rust module or crate) | before wasm-opt | share | ≈ of the shipped gzip |',
    '| --- | --- | --- | --- |',
    ...shown.map((p) => `| ${p.part} | ${kb(p.bytes)} | ${(p.share * 100).toFixed(1)} % | ${kb(p.share * size.gotrue.wasm)} |`),
    `| the rest (each under 1 %) | ${kb(rest)} | ${((rest / total) * 100).toFixed(1)} % | ${kb((rest / total) * size.gotrue.wasm)} |`,
  ];
}

async function main() {
  log('building the auth-js and firebase bundles, measuring sizes');
  const size = await measureSizes();
  const www = writeBenchPages(size.authJsBundle, size.oursBundle);

  const server = await startDevserver({ GOTRUE_SMTP_MAX_FREQUENCY: '0s', GOTRUE_MAILER_AUTOCONFIRM: 'true' }, ['--www', www, '--pkg', path.join(root, 'pkg')]);
  try {
    log('cold start: Node processes');
    const coldNode = { ours: nodeColdStart(OURS_NODE_COLD), authJs: nodeColdStart(AUTHJS_NODE_COLD) };
    log('cold start: Chromium page loads');
    const coldBrowser = await browserColdStart(server);

    const glue = await import(pathToFileURL(path.join(root, 'pkg/wasm_auth_client.js')).href);
    const wasmBytes = readFileSync(path.join(root, 'pkg/wasm_auth_client_bg.wasm'));
    const libs = { ours: await import(pathToFileURL(path.join(root, 'pkg/node.js')).href), authJs: await import('@supabase/auth-js'), bare: null };
    log(`per-flow overhead: ${FLOWS} recovery flows each`);
    const flow = await perFlow(server, libs);
    log('hot path');
    const hot = await hotPath(server, libs);
    log(`memory: ${MEMORY_FLOWS} flows`);
    const mem = await memory(server, glue, wasmBytes, libs.ours);

    const ratio = (name) => flow[name].perFlow / flow.bare.perFlow;
    const chromiumVersion = execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const lines = [
      '# Benchmarks',
      '',
      `Produced by \`make bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${chromiumVersion}; wasm-auth-client ${JSON.parse(readFileSync(path.join(root, 'pkg/package.json'), 'utf8')).version}; @supabase/auth-js ${version('@supabase/auth-js')}; @firebase/auth ${version('@firebase/auth')}; esbuild ${esbuild.version}. Devserver with bcrypt cost 4 (hashing would otherwise dominate every flow).`,
      '',
      '## Size (what a user ships)',
      '',
      '| library | raw | gzip -9 | brotli |',
      '| --- | --- | --- | --- |',
      `| wasm-auth-client browser entry, bundled by esbuild --minify, plus its .wasm | ${kb(size.oursBundled.raw)} | ${kb(size.oursBundled.gzip)} | ${kb(size.oursBundled.brotli)} |`,
      `| wasm-auth-client package files of that entry (wasm + minified glue + JavaScript host + entry, each alone) | ${kb(size.ours.raw)} | ${kb(size.ours.gzip)} | ${kb(size.ours.brotli)} |`,
      `| @supabase/auth-js (whole client, esbuild --minify) | ${kb(size.authJs.raw)} | ${kb(size.authJs.gzip)} | ${kb(size.authJs.brotli)} |`,
      `| @firebase/auth (reset, verify, confirm, update, sign-in; esbuild --minify) | ${kb(size.firebase.raw)} | ${kb(size.firebase.gzip)} | ${kb(size.firebase.brotli)} |`,
      ...size.platforms.map((p) => `| wasm-auth-client/${p.name} (${p.about}${p.admin ? '; servers only' : ''}), bundled with its .wasm: wasm + JS | | ${kb(p.gzip.total)} (${kb(p.gzip.wasm)} + ${kb(p.gzip.js)}) | |`),
      `| pocketbase JS SDK ${version('pocketbase')} (whole client, esbuild --minify; the anchor for the PocketBase entry) | ${kb(size.pocketbase.raw)} | ${kb(size.pocketbase.gzip)} | ${kb(size.pocketbase.brotli)} |`,
      '',
      `## Cold start to the first answered call without network (median [p10–p90], ${COLD_RUNS} runs): Node from \`import()\` in a fresh process; Chromium from the start of a page load in a fresh browser context`,
      '',
      '| library | Node, fresh process | Chromium, fresh page load |',
      '| --- | --- | --- |',
      ...['ours', 'authJs'].map((n) => `| ${n === 'ours' ? 'wasm-auth-client `getCachedUser()` (Chromium: the wasm announced with `<link rel=preload>`)' : 'auth-js `getSession()`'} | ${ms(coldNode[n].median)} [${ms(coldNode[n].p10)}–${ms(coldNode[n].p90)}] | ${ms(coldBrowser[n].median)} [${ms(coldBrowser[n].p10)}–${ms(coldBrowser[n].p90)}] |`),
      `| wasm-auth-client, no preload | | ${ms(coldBrowser.oursNoPreload.median)} [${ms(coldBrowser.oursNoPreload.p10)}–${ms(coldBrowser.oursNoPreload.p90)}] |`,
      '',
      `Ratios in this run: Chromium ${(coldBrowser.ours.median / coldBrowser.authJs.median).toFixed(2)}× auth-js with preload, ${(coldBrowser.oursNoPreload.median / coldBrowser.authJs.median).toFixed(2)}× without; Node ${(coldNode.ours.median / coldNode.authJs.median).toFixed(2)}×.`,
      '',
      `## Recovery flow (request → verify → update → sign in), ${FLOWS} times each, interleaved, Node`,
      '',
      '| client | per flow | ratio to bare fetch | client-side time per flow (outside fetch) |',
      '| --- | --- | --- | --- |',
      ...['bare', 'ours', 'authJs'].map((n) => `| ${{ bare: 'bare fetch', ours: 'wasm-auth-client', authJs: '@supabase/auth-js' }[n]} | ${ms(flow[n].perFlow)} | ${ratio(n).toFixed(3)} | ${ms(flow[n].clientSide)} |`),
      '',
      'Every flow also reads its code from the devserver outbox (one more request, the same in every row); that time is inside fetch.',
      '',
      '## Hot path and memory',
      '',
      '| measure | value |',
      '| --- | --- |',
      `| \`getCachedUser()\` calls per second (synchronous) | ${Math.round(hot.ours).toLocaleString('en')} |`,
      `| auth-js \`getSession()\` calls per second (awaited) | ${Math.round(hot.authJs).toLocaleString('en')} |`,
      `| ratio | ${(hot.ours / hot.authJs).toFixed(1)}× |`,
      `| wasm linear memory before → after ${MEMORY_FLOWS.toLocaleString('en')} sign-in/sign-out flows | ${kb(mem.before.linear)} → ${kb(mem.after.linear)} |`,
      `| JS heap used before → after (after GC) | ${kb(mem.before.heap)} → ${kb(mem.after.heap)} |`,
      '',
      '![ratios](ratios.svg)',
      '',
      ...targets(size, coldBrowser, coldNode, ratio),
      '',
      ...breakdown(size),
      '',
    ];
    const markdown = lines.join('\n');
    writeFileSync(path.join(here, 'results.md'), markdown);
    writeFileSync(path.join(here, 'ratios.svg'), svgChart([
      { label: 'bare fetch', value: 1, color: '#9aa5b1' },
      { label: 'wasm-auth-client', value: ratio('ours'), color: '#3d5afe' },
      { label: '@supabase/auth-js', value: ratio('authJs'), color: '#3ecf8e' },
    ]));
    console.log(markdown);
  } finally {
    await server.stop();
  }
}

await main();
