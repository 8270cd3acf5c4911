#!/usr/bin/env bash
# Runs the browser tests (or the files named, relative to end2end/) against the real release server: a fresh data folder, SQLite, a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${E2E_PORT:-3400}"
SMTP_PORT="${E2E_SMTP_PORT:-2526}"
DATA=$(mktemp -d /tmp/portal-e2e.XXXXXX)
LOG="$DATA/server.log"
MAIL="$DATA/mail"
# A real SMTP server on loopback: the tests read the one-time codes from the messages it writes.
python3 scripts/smtp_sink.py --port "$SMTP_PORT" --dir "$MAIL" --idle 900 >"$DATA/smtp.log" 2>&1 &
SINK=$!
# METRICS_ADDR on a port of the system's choosing: never in the way of another portal on this machine.
DATA_DIR="$DATA/data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  METRICS_ADDR=127.0.0.1:0 SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" target/release/server >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" "$SINK" 2>/dev/null || true
  wait "$SERVER" "$SINK" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the server did not start:"; cat "$LOG"; exit 1; }
  sleep 0.2
done

# The first staff account comes from the server's own command, as on a real installation.
ADMIN_LINK=$(DATA_DIR="$DATA/data" PUBLIC_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
  target/release/server create-admin admin "Admin Dinas" | tail -n 1)

cd end2end
ADMIN_LINK="$ADMIN_LINK" BASE_URL="http://127.0.0.1:$PORT" MAIL_DIR="$MAIL" node --test --test-concurrency=1 --test-timeout=300000 "${@:-tests/}" || { echo "--- server log"; tail -n 50 "$LOG"; exit 1; }
