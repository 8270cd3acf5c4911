#!/usr/bin/env bash
# Runs the browser tests against the real release server: a fresh data folder, SQLite, a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${E2E_PORT:-3400}"
DATA=$(mktemp -d /tmp/portal-e2e.XXXXXX)
LOG="$DATA/server.log"
DATA_DIR="$DATA/data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/server >"$LOG" 2>&1 &
SERVER=$!
cleanup() { kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the server did not start:"; cat "$LOG"; exit 1; }
  sleep 0.2
done

cd end2end
BASE_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 --test-timeout=120000 tests/ || { echo "--- server log"; tail -n 50 "$LOG"; exit 1; }
