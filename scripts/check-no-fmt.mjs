// Fails when formatting machinery (core::fmt, alloc::fmt) is linked into a shipped wasm: the
// npm build assembles its text from pieces (src/text.rs). Reads the names cargo's output keeps
// (the .wasm before wasm-bindgen and wasm-opt strip them); symbols are mangled, so the path
// segments are searched as mangling writes them (`4core3fmt`, `5alloc3fmt`).
//
// Usage: node scripts/check-no-fmt.mjs <cargo's .wasm> <entry name>
import { readFileSync } from 'node:fs';
import { Reader } from './wasm-reader.mjs';

const [wasmPath, entry] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
const r = new Reader(wasm);
const names = [];
while (r.at < wasm.length) {
  const id = wasm[r.at++];
  const end = r.leb() + r.at;
  if (id === 0 && r.name() === 'name') {
    while (r.at < end) {
      const sub = wasm[r.at++];
      const subEnd = r.leb() + r.at;
      if (sub === 1) {
        for (let count = r.leb(); count > 0; count--) {
          r.leb();
          names.push(r.name());
        }
      }
      r.at = subEnd;
    }
  }
  r.at = end;
}
if (names.length === 0) throw new Error(`${wasmPath}: no name section to check`);
const formatting = names.filter((name) => /4core3fmt|5alloc3fmt|core::fmt|alloc::fmt/.test(name));
if (formatting.length) {
  console.error(`${entry}: formatting code is linked (${formatting.length} functions), e.g.:\n  ${formatting.slice(0, 8).join('\n  ')}`);
  console.error('Find the format!/to_string() that pulls it in (rustfilt demangles these names) and assemble the text with src/text.rs.');
  process.exit(1);
}
