#!/usr/bin/env bash
# Builds the publishable npm package into pkg/, one wasm per entry of scripts/entries.mjs (the
# GoTrue AuthClient for the main entry, one per further platform, GoTrue's AdminClient).
# Each: cargo on the pinned nightly (scripts/shipped-toolchain) with std rebuilt for size and
# panics that abort at once, then wasm-bindgen and wasm-opt (npm binaryen 132: Debian's 108
# corrupts current wasm-bindgen output), then short names for what wasm and glue share
# (scripts/shorten-names.mjs). Then the entries, types and package.json from
# pkg-template/, every JS file minified (scripts/assemble-pkg.mjs). `cargo test` stays on stable.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
toolchain=$(cat scripts/shipped-toolchain)
out=build/pkg-parts
rm -rf pkg "$out"
mkdir -p pkg "$out"

# Size levers (README, "Package and build"): no panic machinery, no Debug formatting or
# location strings in the binary, std built with optimize_for_size.
export RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
WASM_OPT=(-Oz --low-memory-unused --converge --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue --strip-debug --strip-producers --strip-target-features)

build() { # <out-name> <cargo feature>
  local name=$1 feature=$2
  RUSTUP_TOOLCHAIN=$toolchain cargo build --quiet --release --lib --target wasm32-unknown-unknown --target-dir target/shipped \
    --no-default-features --features "$feature" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
  wasm-bindgen target/shipped/wasm32-unknown-unknown/release/wasm_auth_client.wasm --target web --out-dir "$out/$name" --out-name "$name"
  wasm-opt "${WASM_OPT[@]}" "$out/$name/${name}_bg.wasm" -o "pkg/${name}_bg.wasm"
  node scripts/shorten-names.mjs "pkg/${name}_bg.wasm" "$out/$name/$name.js" "$out/$name/$name.d.ts" "$out/$name/${name}_bg.wasm.d.ts"
  cp "$out/$name/$name.js" "$out/$name/$name.d.ts" "$out/$name/${name}_bg.wasm.d.ts" pkg/
  cp -r "$out/$name/snippets" pkg/
}
while read -r name features; do
  build "$name" "$features"
done < <(node --input-type=module -e "import { entries } from './scripts/entries.mjs'; for (const e of entries) console.log(e.glue, e.features);")

node scripts/assemble-pkg.mjs
# Examples and runtime tests import 'wasm-auth-client' by name, as users do.
ln -sfn ../pkg node_modules/wasm-auth-client
