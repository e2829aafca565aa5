# The two commands the README promises: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs whatever a fresh machine lacks.
SHELL := /bin/bash
PORT ?= 9999
DEVSERVER := target/debug/auth-devserver

.PHONY: setup devserver pkg bench test test-lint test-rust test-docs test-conformance test-package test-matrix test-runtimes test-wasm test-e2e test-platforms test-examples demo leptos-demo

setup:
	@scripts/setup.sh

devserver: setup
	cargo build -p auth-devserver

## The publishable npm package in pkg/ (prints its gzipped size).
pkg: setup
	scripts/build-pkg.sh

## Everything: clippy on both targets, Rust unit and integration tests, auth-js conformance, the built package in Node,
## the fault and bad-input matrices in Node and Chromium, the client as wasm in Chromium and
## Node, the example API in workerd, Deno, Bun and Node, the demo page and two-tab sync end to end.
test: setup
	$(MAKE) --no-print-directory test-lint test-rust test-docs test-conformance test-package test-matrix test-runtimes test-wasm test-e2e test-platforms test-examples

# Clippy, warnings as errors, natively (client and devserver) and for wasm32: the Rust API (the
# default features) with its wasm tests, and each npm entry's boundary (scripts/entries.mjs).
test-lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --all-targets -- -D warnings
	# Features add up: every one at once still builds (an npm build takes the first listed platform).
	cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --all-features --all-targets -- -D warnings
	node --input-type=module -e "import { entries } from './scripts/entries.mjs'; for (const e of entries) console.log(e.features);" | while read -r features; do \
	  cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --no-default-features --features $$features -- -D warnings || exit 1; \
	done

test-rust:
	cargo test --workspace

# The crate's docs, warnings as errors, for wasm32: where the Rust API is, and what docs.rs builds.
test-docs:
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p wasm-auth-client --target wasm32-unknown-unknown

## The Leptos example (examples/leptos-reset, the Rust API) compiled for wasm32 and driven in
## headless Chromium; `make leptos-demo` serves it.
LEPTOS := --manifest-path examples/leptos-reset/Cargo.toml --target wasm32-unknown-unknown --target-dir target/examples
test-examples: devserver
	cargo build $(LEPTOS)
	wasm-bindgen target/examples/wasm32-unknown-unknown/debug/leptos-reset.wasm --target web --out-dir build/leptos-reset-test --out-name leptos_reset
	cp examples/leptos-reset/index.html build/leptos-reset-test/
	node --test tests/examples/

test-conformance: devserver
	node --test tests/conformance/

test-package: devserver pkg
	node --test tests/package/

test-matrix: devserver pkg
	node --test tests/matrix/

test-runtimes: devserver pkg
	node --test tests/runtimes/

# wasm-pack finds wasm-opt (npm binaryen) and wasm-bindgen-test-runner on PATH. The Rust API
# (rust_api) in headless Chromium; the npm package is tested as built (tests/package, tests/e2e).
test-wasm: devserver
	PATH="$$PWD/node_modules/.bin:$$PATH" CHROMEDRIVER=/usr/bin/chromedriver \
	  scripts/with-devserver.sh wasm-pack test --headless --chrome -- --test rust_api

## The platform contract against the real servers (Firebase Auth emulator, PocketBase) and the
## devserver's GenAuth, Wristband and Wacht stand-ins, in Node and in headless Chromium, through a
## fault proxy; the stand-ins driven by the vendors' own SDKs (GenAuth's Python SDK, Wacht's
## backend SDK), and password-encryption interop.
test-platforms: devserver pkg
	node --test tests/platforms/ tests/genauth/ tests/wacht/

## The demo in headless Chromium; screenshots in build/screenshots/.
test-e2e: devserver pkg
	node --test tests/e2e/

## Size, cold start, per-flow overhead, hot path and memory vs @supabase/auth-js and bare fetch;
## writes bench/results.md and bench/ratios.svg (a few minutes; not part of `make test`).
bench: devserver pkg
	node --expose-gc bench/run.mjs

## The Leptos example on http://127.0.0.1:$(PORT): the devserver serves the app and is its auth
## server (users in data/leptos-demo.sqlite). Ctrl-C stops it.
leptos-demo: devserver
	cargo build --release $(LEPTOS)
	wasm-bindgen target/examples/wasm32-unknown-unknown/release/leptos-reset.wasm --target web --out-dir build/leptos-reset --out-name leptos_reset
	cp examples/leptos-reset/index.html build/leptos-reset/
	@mkdir -p data
	@echo "Leptos example: open http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	exec $(DEVSERVER) --port $(PORT) --db data/leptos-demo.sqlite --www build/leptos-reset

## The demo page on http://127.0.0.1:$(PORT), users kept in data/demo.sqlite. Ctrl-C stops it.
## BACKEND=firebase (the Firebase Auth emulator) or BACKEND=pocketbase (PocketBase, data in
## data/pocketbase/) runs the same page against that real server instead of the devserver.
demo: devserver pkg
	@mkdir -p data
	@if [ -n "$(BACKEND)" ] && [ "$(BACKEND)" != gotrue ]; then \
	  exec env BACKEND="$(BACKEND)" PORT="$(PORT)" node scripts/demo.mjs; \
	fi; \
	echo "Demo: open http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"; \
	exec $(DEVSERVER) --port $(PORT) --db data/demo.sqlite --www www --pkg pkg
