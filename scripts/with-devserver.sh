#!/usr/bin/env bash
# Runs a command with a fresh devserver on a free loopback port, named by DEVSERVER_URL, and
# stops the server afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
AUTH_DEVSERVER_BCRYPT_COST=4 RUST_LOG=warn target/debug/auth-devserver --port 0 --db :memory: >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
# The server prints its URL once it listens; wait for that line (bounded: 10 s).
for _ in $(seq 200); do
  url=$(sed -n 's/^listening on //p' "$log")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$url" ] || { echo "auth-devserver did not start:" >&2; cat "$log" >&2; exit 1; }
DEVSERVER_URL="$url" "$@"
