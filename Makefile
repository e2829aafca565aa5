# The two commands the README promises: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs whatever a fresh machine lacks.
SHELL := /bin/bash
PORT ?= 9999
DEVSERVER := target/debug/auth-devserver

.PHONY: setup devserver pkg bench test test-lint test-rust test-conformance test-package test-matrix test-runtimes test-wasm test-e2e test-platforms demo

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
	$(MAKE) --no-print-directory test-lint test-rust test-conformance test-package test-matrix test-runtimes test-wasm test-e2e test-platforms

# Clippy, warnings as errors, natively (client and devserver) and for wasm32 (the client as shipped).
test-lint:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --all-targets -- -D warnings
	for platform in firebase pocketbase genauth wristband wacht; do \
	  cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --no-default-features --features client,$$platform -- -D warnings || exit 1; \
	done
	cargo clippy -p wasm-auth-client --target wasm32-unknown-unknown --no-default-features --features wacht-admin -- -D warnings

test-rust:
	cargo test --workspace

test-conformance: devserver
	node --test tests/conformance/

test-package: devserver pkg
	node --test tests/package/

test-matrix: devserver pkg
	node --test tests/matrix/

test-runtimes: devserver pkg
	node --test tests/runtimes/

# wasm-pack finds wasm-opt (npm binaryen) and wasm-bindgen-test-runner on PATH.
test-wasm: devserver
	PATH="$$PWD/node_modules/.bin:$$PATH" CHROMEDRIVER=/usr/bin/chromedriver \
	  scripts/with-devserver.sh wasm-pack test --headless --chrome -- --test web
	PATH="$$PWD/node_modules/.bin:$$PATH" scripts/with-devserver.sh wasm-pack test --node -- --test node

## The platform contract against the real servers (Firebase Auth emulator, PocketBase) and the
## devserver's GenAuth stand-in, in Node and in headless Chromium, through a fault proxy; the
## stand-in driven by GenAuth's own Python SDK, and password-encryption interop.
test-platforms: devserver pkg
	node --test tests/platforms/ tests/genauth/

## The demo in headless Chromium; screenshots in build/screenshots/.
test-e2e: devserver pkg
	node --test tests/e2e/

## Size, cold start, per-flow overhead, hot path and memory vs @supabase/auth-js and bare fetch;
## writes bench/results.md and bench/ratios.svg (a few minutes; not part of `make test`).
bench: devserver pkg
	node --expose-gc bench/run.mjs

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
