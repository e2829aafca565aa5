// Shortens the names the wasm and its JS glue share: wasm-bindgen names every import after its
// Rust path plus a 16-digit hash (`__wbg_fetch_a1b2c3d4e5f60718`), closure shims after whole
// mangled signatures (hundreds of characters), and the import module after the glue's file (the
// host's own module, `./host.js`, and its names stay: the glue imports them by name). All
// of that is shipped twice, in the wasm and in the glue, and the hashes do not compress. Both
// sides are rewritten together: the wasm's import and export sections, and every whole-token
// occurrence in the glue and its type files. Names the glue exports to users stay as they are.
//
// Usage: node scripts/shorten-names.mjs <wasm> <glue.js> [<more text files to rewrite>...]
import { readFileSync, writeFileSync } from 'node:fs';
import { Reader } from './wasm-reader.mjs';

const [wasmPath, gluePath, ...others] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
const glue = readFileSync(gluePath, 'utf8');

// ---- reading and writing the wasm binary format ---------------------------------------------
const r = new Reader(wasm, 0);
const leb = () => r.leb();
const name = () => r.name();
function limits() {
  const flags = wasm[r.at++];
  leb();
  if (flags & 1) leb();
}
function uleb(n) {
  const out = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}
const encodeName = (text) => {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([uleb(bytes.length), bytes]);
};

/** The import (id 2) and export (id 7) sections, parsed; every other section kept as bytes. */
const sections = [];
r.at = 8;
while (r.at < wasm.length) {
  const id = wasm[r.at++];
  const size = leb();
  const start = r.at;
  const end = start + size;
  if (id === 2) {
    const entries = [];
    for (let count = leb(); count > 0; count--) {
      const module = name();
      const field = name();
      const descStart = r.at;
      const kind = wasm[r.at++];
      if (kind === 0) leb();
      else if (kind === 1) (r.at++, limits());
      else if (kind === 2) limits();
      else if (kind === 3) r.at += 2;
      else if (kind === 4) (r.at++, leb());
      else throw new Error(`import kind ${kind} not understood`);
      entries.push({ module, field, desc: wasm.subarray(descStart, r.at) });
    }
    sections.push({ id, entries });
  } else if (id === 7) {
    const entries = [];
    for (let count = leb(); count > 0; count--) {
      const field = name();
      const descStart = r.at;
      r.at++;
      leb();
      entries.push({ field, desc: wasm.subarray(descStart, r.at) });
    }
    sections.push({ id, entries });
  } else {
    sections.push({ id, bytes: wasm.subarray(start, end) });
  }
  if (r.at > end) throw new Error(`section ${id} overran`);
  r.at = end;
}

// ---- choosing the new names -------------------------------------------------------------------
// What the glue hands to users keeps its name (the glue's function and the wasm export share it).
const published = new Set(['memory']);
for (const [, n] of glue.matchAll(/export\s+(?:async\s+)?(?:function|class|const|let)\s+([\w$]+)/g)) published.add(n);
for (const [, list] of glue.matchAll(/export\s*\{([^}]*)\}/g)) {
  for (const part of list.split(',')) published.add(part.trim().split(/\s+as\s+/).pop());
}

const renames = new Map();
let counter = 0;
const fresh = () => `_w${(counter++).toString(36)}`;
const imports = sections.find((s) => s.id === 2)?.entries ?? [];
const exports = sections.find((s) => s.id === 7)?.entries ?? [];
// Only wasm-bindgen's own import module (the glue's shims): imports straight from another
// module (the host's `./host.js`) are named by that module's exports.
const own = (module) => module.endsWith('_bg.js');
const modules = [...new Set(imports.map((e) => e.module))].filter(own);
for (const entry of imports) {
  if (own(entry.module) && !renames.has(entry.field)) renames.set(entry.field, fresh());
}
for (const entry of exports) {
  if (!published.has(entry.field) && !renames.has(entry.field)) renames.set(entry.field, fresh());
}
for (const [old] of renames) {
  if (/^_w[0-9a-z]+$/.test(old)) throw new Error(`a name already looks shortened: ${old}`);
}

// ---- rewriting both sides ---------------------------------------------------------------------
const token = (text) => new RegExp(`(?<![\\w$])${text.replace(/[$]/g, '\\$')}(?![\\w$])`, 'g');
function rewriteText(text, file) {
  for (const module of modules) {
    const quoted = JSON.stringify(module);
    if (file === gluePath && !text.includes(quoted)) throw new Error(`${file}: the import module ${quoted} is not in the glue`);
    text = text.split(quoted).join('"m"');
  }
  for (const [old, short] of renames) {
    const pattern = token(old);
    if (file === gluePath && !pattern.test(text)) {
      // An export the glue never touches (a wasm-bindgen internal) is renamed in the wasm only.
      if (imports.some((e) => e.field === old)) throw new Error(`${file}: import ${old} is not in the glue`);
    }
    text = text.replace(pattern, short);
  }
  return text;
}

const out = [wasm.subarray(0, 8)];
for (const section of sections) {
  let body;
  if (section.id === 2) {
    body = Buffer.concat([uleb(section.entries.length), ...section.entries.flatMap((e) => [encodeName(modules.includes(e.module) ? 'm' : e.module), encodeName((own(e.module) && renames.get(e.field)) || e.field), e.desc])]);
  } else if (section.id === 7) {
    body = Buffer.concat([uleb(section.entries.length), ...section.entries.flatMap((e) => [encodeName(renames.get(e.field) ?? e.field), e.desc])]);
  } else {
    body = section.bytes;
  }
  out.push(Buffer.from([section.id]), uleb(body.length), body);
}
const rewritten = Buffer.concat(out);
// The result must still be a valid module with the same shape.
const module = new WebAssembly.Module(rewritten);
if (WebAssembly.Module.imports(module).length !== imports.length || WebAssembly.Module.exports(module).length !== exports.length) {
  throw new Error('the rewritten wasm lost imports or exports');
}
writeFileSync(wasmPath, rewritten);
for (const file of [gluePath, ...others]) writeFileSync(file, rewriteText(readFileSync(file, 'utf8'), file));
console.log(`${wasmPath}: ${renames.size} names shortened, ${wasm.length - rewritten.length} bytes fewer in the wasm`);
