#!/usr/bin/env bash
# Schema-driven fuzzing of the AFIS link: schemathesis (PyPI, in .tools/venv) reads the OpenAPI document the real
# release server serves at /api/afis/v1/openapi.json and sends what it generates from it (valid and invalid
# queries, paths and bodies, and sequences that follow the document's links), each request with a fresh EdDSA
# token signed by a key pair made for the run. Any 5xx fails: schemathesis's `not_a_server_error` check, and the
# server's own request counters read from /metrics afterwards.
#   AFIS_FUZZ_EXAMPLES  test cases per operation and phase (default 100)
#   AFIS_FUZZ_CHECKS    schemathesis's checks (default not_a_server_error; `all` also holds every answer to the
#                       document). ignored_auth is always left out: it cannot know that this script turns its
#                       made-up tokens into real ones.
#   AFIS_FUZZ_PORT      loopback port of the server (default 3410); its metrics listener is on the next port
#   SERVER_BIN          the server to run (default target/release/server, built by `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${AFIS_FUZZ_PORT:-3410}"
METRICS_PORT=$((PORT + 1))
EXAMPLES="${AFIS_FUZZ_EXAMPLES:-100}"
CHECKS="${AFIS_FUZZ_CHECKS:-not_a_server_error}"
SERVER_BIN="${SERVER_BIN:-target/release/server}"
VENV=.tools/venv
ISSUER=schemathesis

scripts/setup.sh fuzz
[ -x "$SERVER_BIN" ] || { echo "no server at $SERVER_BIN: run make build first" >&2; exit 1; }

DATA=$(mktemp -d /tmp/portal-afis-fuzz.XXXXXX)
LOG="$DATA/server.log"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

"$VENV/bin/python" scripts/afis_fuzz.py keygen "$DATA"
DATA_DIR="$DATA/data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  PUBLIC_BASE_URL="http://127.0.0.1:$PORT" AFIS_PUBLIC_KEY_FILE="$DATA/afis.pub" AFIS_ISSUER="$ISSUER" \
  METRICS_ADDR="127.0.0.1:$METRICS_PORT" \
  "$SERVER_BIN" >"$LOG" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "the server did not start:"; cat "$LOG"; exit 1; }
  sleep 0.2
done

# Applications waiting for identification, so that results reach the state machine.
"$VENV/bin/python" scripts/afis_fuzz.py seed "$DATA/data/portal.db" "$DATA/ids" 40

echo "== schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') against the AFIS link ($EXAMPLES examples per operation)"
status=0
# Run from the temporary folder: schemathesis keeps a cache in the current folder.
(cd "$DATA" && SCHEMATHESIS_HOOKS="$OLDPWD/scripts/afis_fuzz.py" AFIS_FUZZ_KEY="$DATA/afis.key" \
  AFIS_FUZZ_ISSUER="$ISSUER" AFIS_FUZZ_AUDIENCE="http://127.0.0.1:$PORT/api/afis" AFIS_FUZZ_IDS="$DATA/ids" \
  "$OLDPWD/$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/afis/v1/openapi.json" \
  --checks "$CHECKS" --exclude-checks ignored_auth --max-examples "$EXAMPLES" --workers 1 --request-timeout 10 \
  --suppress-health-check all --generation-database none --no-color) || status=$?

# The server's own count of answers by status, for the link's routes: none may be a 5xx.
metrics=$(curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | grep '^portal_http_requests_total{' | grep 'route="/api/afis' || true)
echo "== the server's answers on the AFIS link, by route and status"
echo "$metrics" | sed -E 's/^portal_http_requests_total\{method="([A-Z]+)",route="([^"]*)",status="([0-9]+)"\} ([0-9]+)$/\4\t\3 \1 \2/' | sort -k2
if echo "$metrics" | grep -q 'status="5'; then
  echo "the AFIS link answered with a server error; the server's log:"
  tail -n 50 "$LOG"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "schemathesis failed (exit $status); the server's log:"
  tail -n 50 "$LOG"
  exit "$status"
fi
