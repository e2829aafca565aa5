#!/usr/bin/env bash
# Builds the publishable npm package into pkg/: wasm-pack (web target, wasm-opt -Oz from the
# npm binaryen), then the entry points and package.json fields from pkg-template/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-pack build --target web --release --out-dir pkg --out-name wasm_auth_client --no-pack . >/dev/null 2>pkg-build.log \
  || { grep -v '^\s' pkg-build.log | tail -n 20 >&2; exit 1; }
rm -f pkg-build.log pkg/.gitignore
node scripts/assemble-pkg.mjs
# Examples and runtime tests import 'wasm-auth-client' by name, as users do.
ln -sfn ../pkg node_modules/wasm-auth-client
