#!/usr/bin/env bash
# Builds the publishable npm package into pkg/, one wasm per entry of scripts/entries.mjs (the
# GoTrue AuthClient for the main entry, one per further platform, the AdminClients), each with
# `wasm-pack build`: the pinned nightly (scripts/shipped-toolchain) with std rebuilt for size and
# panics that abort at once, the entry's features, and wasm-opt as Cargo.toml's
# [package.metadata.wasm-pack.profile.release] says (npm binaryen 132 first on PATH: Debian's 108
# corrupts current wasm-bindgen output). Then short names for what wasm and glue share
# (scripts/shorten-names.mjs), and the JavaScript host, entries, types and package.json from
# pkg-template/, every JS file minified (scripts/assemble-pkg.mjs). `cargo test` stays on stable.
# `--mode force`: the nightly has no prebuilt wasm32 std to install (std is built here), so
# wasm-pack must not try to add the target.
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
export RUSTUP_TOOLCHAIN=$toolchain CARGO_TARGET_DIR=target/shipped

build() { # <out-name> <cargo features>
  local name=$1 features=$2
  wasm-pack --quiet build --mode force --target web --release --no-typescript --no-pack --out-dir "$out/$name" --out-name "$name" -- \
    --no-default-features --features "$features" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
  # cargo's own output still has its names: no formatting machinery may be in it.
  node scripts/check-no-fmt.mjs "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/wasm_auth_client.wasm" "$name"
  # ...and says where the code goes (bench/run.mjs prints it).
  node scripts/size-breakdown.mjs "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/wasm_auth_client.wasm" "$out/$name.breakdown.json"
  node scripts/shorten-names.mjs "$out/$name/${name}_bg.wasm" "$out/$name/$name.js"
  cp "$out/$name/$name.js" "$out/$name/${name}_bg.wasm" pkg/
}
while read -r name features; do
  build "$name" "$features"
done < <(node --input-type=module -e "import { entries } from './scripts/entries.mjs'; for (const e of entries) console.log(e.glue, e.features);")

node scripts/assemble-pkg.mjs
# Examples and runtime tests import 'wasm-auth-client' by name, as users do.
ln -sfn ../pkg node_modules/wasm-auth-client
