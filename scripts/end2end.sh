#!/usr/bin/env bash
# Runs the browser tests (or the files named, relative to end2end/) against the real release server: a fresh data folder, SQLite, a free loopback port.
# E2E_SERVER and E2E_SITE name another build (its binary and its site folder) to test instead of target/release;
# E2E_EXPECT_ISLANDS=0 runs against a build from before islands, where every page loads the WASM (see support.js).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVER_BIN=$(realpath "${E2E_SERVER:-target/release/server}")
SITE_ROOT=$(realpath "${E2E_SITE:-target/site}")

PORT="${E2E_PORT:-3400}"
SMTP_PORT="${E2E_SMTP_PORT:-2526}"
DATA=$(mktemp -d /tmp/portal-e2e.XXXXXX)
LOG="$DATA/server.log"
MAIL="$DATA/mail"
# A real SMTP server on loopback: the tests read the one-time codes from the messages it writes.
python3 scripts/smtp_sink.py --port "$SMTP_PORT" --dir "$MAIL" --idle 900 >"$DATA/smtp.log" 2>&1 &
SINK=$!
# METRICS_ADDR on a port of the system's choosing: never in the way of another portal on this machine. The loopback
# is trusted as a proxy: each test phone says which client it stands for (X-Forwarded-For, see support.js), so that
# the per-address limits count each phone apart, as on the street.
DATA_DIR="$DATA/data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$SITE_ROOT" RUST_LOG=warn \
  METRICS_ADDR=127.0.0.1:0 SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" TRUSTED_PROXIES=127.0.0.1 \
  "$SERVER_BIN" >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" "$SINK" 2>/dev/null || true
  wait "$SERVER" "$SINK" 2>/dev/null || true
  # E2E_KEEP=1 keeps the data folder (database, mail, server log) to look at after a failure.
  if [ -n "${E2E_KEEP:-}" ]; then echo "kept: $DATA"; else rm -rf "$DATA"; fi
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the server did not start:"; cat "$LOG"; exit 1; }
  sleep 0.2
done

# The first staff account comes from the server's own command, as on a real installation; a second admin for the
# card-process journeys (process.test.js), whose test files may run alone or in any order.
admin_link() {
  DATA_DIR="$DATA/data" PUBLIC_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
    "$SERVER_BIN" create-admin "$1" "$2" | tail -n 1
}
ADMIN_LINK=$(admin_link admin "Admin Dinas")
PROCESS_ADMIN_LINK=$(admin_link admin2 "Admin Kalender")

cd end2end
# DATABASE_FILE: the server's SQLite database, where a test moves an appointment into the past (the pages cannot);
# SITE_ROOT: the site folder the server serves (assets.test.js finds the WASM there when no page it can fetch names it).
E2E_EXPECT_ISLANDS="${E2E_EXPECT_ISLANDS:-1}" SITE_ROOT="$SITE_ROOT" ADMIN_LINK="$ADMIN_LINK" PROCESS_ADMIN_LINK="$PROCESS_ADMIN_LINK" DATABASE_FILE="$DATA/data/portal.db" \
  BASE_URL="http://127.0.0.1:$PORT" MAIL_DIR="$MAIL" \
  node --test --test-concurrency=1 --test-timeout=300000 "${@:-tests/}" || { echo "--- server log"; tail -n 50 "$LOG"; exit 1; }
