# The two commands the README promises: `make demo` and `make test`.
# Both run scripts/setup.sh first, which installs whatever a fresh machine lacks.
SHELL := /bin/bash
PORT ?= 9999
DEVSERVER := target/debug/auth-devserver

.PHONY: setup devserver test test-rust test-conformance demo

setup:
	@scripts/setup.sh

devserver: setup
	cargo build -p auth-devserver

## Everything: Rust unit and integration tests, then the auth-js conformance suite.
test: setup
	$(MAKE) --no-print-directory test-rust test-conformance

test-rust:
	cargo test --workspace

test-conformance: devserver
	node --test tests/conformance/

## The demo page on http://127.0.0.1:$(PORT), users kept in data/demo.sqlite. Ctrl-C stops it.
demo: devserver
	@mkdir -p data
	@echo "Demo: open http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	@exec $(DEVSERVER) --port $(PORT) --db data/demo.sqlite --www www --pkg pkg
