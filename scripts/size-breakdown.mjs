// Where a shipped wasm's code goes, by the Rust module that owns each function: reads cargo's
// output (names still in it), sums each function body's bytes by owner, and writes the shares
// as JSON for `make bench` (bench/run.mjs prints them beside the entry's gzip size). The sizes
// are before wasm-opt, so they are proportions, not the shipped bytes.
//
// Usage: node scripts/size-breakdown.mjs <cargo's .wasm> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { Reader } from './wasm-reader.mjs';

const [wasmPath, outPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
const r = new Reader(wasm);
let imported = 0;
let data = 0;
const bodies = [];
const names = new Map();

// Skips an import's description after its kind byte: a function's type, a table, a memory, a global.
function skipImport(kind) {
  const limits = () => {
    const flags = wasm[r.at++];
    r.leb();
    if (flags & 1) r.leb();
  };
  if (kind === 0) r.leb();
  else if (kind === 1) {
    r.at++;
    limits();
  } else if (kind === 2) limits();
  else if (kind === 3) r.at += 2;
}

while (r.at < wasm.length) {
  const id = wasm[r.at++];
  const size = r.leb();
  const end = size + r.at;
  if (id === 2) {
    for (let count = r.leb(); count > 0; count--) {
      r.name();
      r.name();
      const kind = wasm[r.at++];
      if (kind === 0) imported++;
      skipImport(kind);
    }
  } else if (id === 10) {
    for (let count = r.leb(); count > 0; count--) {
      const length = r.leb();
      bodies.push(length);
      r.at += length;
    }
  } else if (id === 11) {
    data = size;
  } else if (id === 0 && r.name() === 'name') {
    while (r.at < end) {
      const sub = wasm[r.at++];
      const subEnd = r.leb() + r.at;
      if (sub === 1) {
        for (let count = r.leb(); count > 0; count--) {
          const index = r.leb();
          names.set(index, r.name());
        }
      }
      r.at = subEnd;
    }
  }
  r.at = end;
}
if (names.size === 0) throw new Error(`${wasmPath}: no name section`);

const LIBRARIES = {
  core: "core (Rust's core library: slices, iterators, str, Option)",
  alloc: "alloc (Rust's Vec, String, Box, BTreeMap, instantiated for our types)",
  std: "std (Rust's standard library)",
};

// Rust's v0 mangling (`_R`): the path's namespace tags come first (`NC` marks a closure), then
// the crate root (`C`, a disambiguator, the length-prefixed name), then the modules in order.
// The owner is the first crate named — for generic code, the crate that wrote it — and for ours
// its module; a closure of ours (a step's continuation) is counted as one wherever it lives.
function owner(name) {
  // wasm-bindgen's generated exports wrap our boundary's functions (inlined into them).
  if (name.includes('wasm_bindgen_generated_')) return 'wasm_auth_client::npm';
  if (!name.startsWith('_R')) return /wbindgen|wbg/.test(name) ? 'wasm-bindgen boundary' : 'other (runtime, compiler builtins)';
  const root = /C(?:s[0-9a-zA-Z]*_)?(\d+)/g;
  for (let m; (m = root.exec(name)); ) {
    const at = m.index + m[0].length;
    const crate = name.slice(at, at + Number(m[1]));
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(crate)) continue;
    if (crate !== 'wasm_auth_client') return LIBRARIES[crate] ?? crate;
    if (/NC/.test(name.slice(0, m.index))) return 'step continuations (closures)';
    const module = /^(\d+)/.exec(name.slice(at + crate.length));
    return module ? `wasm_auth_client::${name.substr(at + crate.length + module[1].length, Number(module[1]))}` : 'wasm_auth_client';
  }
  return 'other (runtime, compiler builtins)';
}

const groups = new Map([['data (strings, tables)', data]]);
bodies.forEach((length, i) => {
  const name = names.get(i + imported) ?? '';
  // Type descriptions for wasm-bindgen's CLI, which runs them and removes them: never shipped.
  if (/12wasm_bindgen8describe|wbindgen_describe/.test(name)) return;
  const key = owner(name);
  groups.set(key, (groups.get(key) ?? 0) + length);
});
const total = [...groups.values()].reduce((a, b) => a + b, 0);
const parts = [...groups].sort((a, b) => b[1] - a[1]).map(([part, bytes]) => ({ part, bytes, share: bytes / total }));
writeFileSync(outPath, JSON.stringify({ wasm: wasmPath, before_wasm_opt: total, parts }, null, 1));
