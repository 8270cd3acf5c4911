#!/usr/bin/env bash
# Benchmarks of the release build: throughput and latency under 32 connections, and what a phone downloads.
# Prints its tables; the README says how to read them.
# BENCH_SKIP: parts to leave out, separated by spaces, of: load sizes weights lighthouse ratio uploads contention
# cluster queue (e.g. BENCH_SKIP=queue leaves out the long staff-queue bench); by default every part runs.
#   weights     every citizen page in Chromium on a cold cache: bytes transferred by kind against the budgets (the
#               landing page 30 KB, every other page 120 KB, the largest WASM 150 KB brotli); the run ends with
#               exit 1, after every part, when a row is over (end2end/bench/page_weights.mjs)
#   lighthouse  Lighthouse scores of six citizen pages (scripts/bench/lighthouse.sh; scripts/setup.sh bench installs it)
#   ratio       the portal's req/s as a share of nginx's on the same bytes, landing page and a signed-in form page
#               (scripts/bench/ratio.sh; nginx on BENCH_NGINX_PORT, 3502)
# BENCH_SERVER, BENCH_SITE: the server binary and its site (target/release/server, target/site), e.g. an older build.
# The cluster part starts its own cluster (scripts/cluster.sh, PostgreSQL, S3, nginx) on BENCH_CLUSTER_PORT (3600)
# and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${BENCH_PORT:-3500}"
DURATION="${BENCH_DURATION:-10s}"
CONNECTIONS=32
SMTP_PORT="${BENCH_SMTP_PORT:-2527}"
NGINX_PORT="${BENCH_NGINX_PORT:-3502}"
SERVER_BIN="${BENCH_SERVER:-target/release/server}"
SITE="${BENCH_SITE:-target/site}"
DATA=$(mktemp -d /tmp/portal-bench.XXXXXX)
SKIP=" ${BENCH_SKIP:-} "
want() { case "$SKIP" in *" $1 "*) return 1 ;; *) return 0 ;; esac; }
# The cluster part's own cluster: its own port (nginx; nodes, PostgreSQL and S3 on the ports above it) and folder.
export CLUSTER_PORT="${BENCH_CLUSTER_PORT:-3600}"
export CLUSTER_DIR="/tmp/portal-bench-cluster-$CLUSTER_PORT"
CLUSTER_UP=0
# The upload bench signs in like a person: the code comes through a real SMTP server on loopback.
python3 scripts/smtp_sink.py --port "$SMTP_PORT" --dir "$DATA/mail" --idle 900 >"$DATA/smtp.log" 2>&1 &
SINK=$!
# METRICS_ADDR on a port of the system's choosing: never in the way of another portal on this machine.
DATA_DIR="$DATA/data" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$SITE" RUST_LOG=warn \
  METRICS_ADDR=127.0.0.1:0 SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" "$SERVER_BIN" >"$DATA/server.log" 2>&1 &
SERVER=$!
cleanup() {
  if [ "$CLUSTER_UP" = 1 ]; then
    scripts/cluster.sh stop || true
    [ -f "$CLUSTER_DIR/.portal-cluster" ] && rm -rf "$CLUSTER_DIR"
  fi
  kill "$SERVER" "$SINK" 2>/dev/null || true
  wait "$SERVER" "$SINK" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
CSS=$(curl -fsS "$BASE/" | grep -o '/pkg/portal\.[A-Za-z0-9_-]*\.css' | head -n 1 || true)
# The largest WASM of the site: with islands the landing page loads none.
WASM="/pkg/$(cd "$SITE/pkg" && ls -S -- *.wasm | head -n 1)"

# wrk prints latencies as 812.00us, 1.20ms or 1.01s: normalise to milliseconds.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'; }

load() { # name url [header]
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${3:+-H "$3"} "$2")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms)
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)
  errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out" | tr '\n' ' ')
  printf '| %-34s | %10s | %8s | %8s | %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-none}"
}

size() { # label file
  local raw br
  raw=$(stat -c %s "$2")
  br=$(brotli -c -q 11 "$2" | wc -c)
  printf '| %-34s | %10s | %10s |\n' "$1" "$((raw / 1024)) KiB" "$((br / 1024)) KiB"
}

if want load; then
echo
echo "Load: wrk, $CONNECTIONS connections, $DURATION each, keep-alive, on this machine ($(nproc) cores shared by server and wrk)"
printf '| %-34s | %10s | %8s | %8s | %s\n' "target" "req/s" "p50 ms" "p99 ms" "errors"
printf '|%s|%s|%s|%s|%s\n' "------------------------------------" "------------" "----------" "----------" "------"
load "landing page / (SSR)" "$BASE/"
load "static asset (CSS, brotli)" "$BASE$CSS" "Accept-Encoding: br"
load "static asset (WASM, brotli)" "$BASE$WASM" "Accept-Encoding: br"
load "health check (database round trip)" "$BASE/healthz"
fi

if want sizes; then
echo
echo "Bundle sizes (release build)"
printf '| %-34s | %10s | %10s |\n' "file" "raw" "brotli"
printf '|%s|%s|%s|\n' "------------------------------------" "------------" "------------"
# The shared module, its JS, the split loader, each island's chunks (cargo leptos build --split) and the CSS.
for f in "$SITE"/pkg/portal.*.wasm "$SITE"/pkg/portal.*.js "$SITE"/pkg/__wasm_split.*.js "$SITE"/pkg/split_*.wasm \
  "$SITE"/pkg/chunk_*.wasm "$SITE"/pkg/portal.*.css; do
  [ -f "$f" ] && size "$(basename "$f")" "$f"
done
WASM_BR=$(cat "$SITE"/pkg/*.wasm | brotli -c -q 11 | wc -c)
echo "All the WASM together: $((WASM_BR / 1024)) KiB (brotli); a page with islands loads the shared module and its islands' chunks"
echo "(the page-weight table says how much each page loads); a page without islands loads none."
fi

# Budgets over (the weights part): said, and the run fails, once every part has printed.
OVER=""
if want weights || want lighthouse || want ratio; then
  # One citizen for the page parts: signed in, with a submitted application, a citizen draft and a foreigner draft.
  python3 scripts/bench/citizen.py "$PORT" "$DATA/mail" "bench.pages.$(date +%s)@contoh.id" >"$DATA/citizen.json"
  COOKIE=$(jq -r .cookie "$DATA/citizen.json")
  SUBMITTED=$(jq -r .submitted "$DATA/citizen.json")
  DRAFT=$(jq -r .wni "$DATA/citizen.json")
fi

if want weights; then
echo
echo "Page weights: each citizen page in Chromium (360×740), a fresh profile (cold cache), until the network is idle"
[ -d end2end/node_modules/playwright-core ] || { echo "bench: end2end packages missing: run scripts/setup.sh bench" >&2; exit 1; }
node end2end/bench/page_weights.mjs "$BASE" "$DATA/citizen.json" "$SITE" | tee "$DATA/weights.txt" \
  || OVER=$(grep '^Over budget: ' "$DATA/weights.txt" || echo "the weights part failed")
fi

if want lighthouse; then
  # The booking page at its last step (a place and a day chosen: the times, with their live places).
  BOOKING="$BASE/permohonan/$SUBMITTED/jadwal"
  step=$(curl -fsS -H "Cookie: $COOKIE" "$BOOKING" | grep -o 'href="[^"#]*lokasi=[^"#]*' | head -n 1 | sed 's/^href="//; s/&amp;/\&/g' || true)
  [ -n "$step" ] && step=$(curl -fsS -H "Cookie: $COOKIE" "$BASE$step" | grep -o 'href="[^"#]*tanggal=[^"#]*' | head -n 1 | sed 's/^href="//; s/&amp;/\&/g' || true)
  [ -n "$step" ] && BOOKING="$BASE$step"
  scripts/bench/lighthouse.sh "$COOKIE" "landing page=$BASE/" "sign-in=$BASE/masuk" \
    "signed in: form (identity)=$BASE/permohonan/$DRAFT/identitas" "signed in: documents=$BASE/permohonan/$DRAFT/dokumen" \
    "signed in: booking (times)=$BOOKING" "signed in: tracking=$BASE/permohonan/$SUBMITTED"
fi

if want ratio; then
  DURATION="$DURATION" CONNECTIONS="$CONNECTIONS" \
    scripts/bench/ratio.sh "$BASE" "$NGINX_PORT" "$COOKIE" "/permohonan/$DRAFT/identitas"
fi

if want uploads; then
echo
echo "Uploads: 20 clients each send a 10 MB scan at once (budget: peak within 64 MiB above idle)"
printf '| %s | %s | %s | %s | %s | %s | %s |\n' "load" "stored" "wall time" "throughput" "server idle" "server peak" "above idle"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "---" "---" "---" "---" "---" "---" "---"
python3 scripts/upload_bench.py --port "$PORT" --pid "$SERVER" --mail-dir "$DATA/mail" --clients 20
fi

if want contention; then
echo
echo "Booking contention: 1,000 applicants book one slot of capacity 5 at the same moment (store level, one process)"
printf '| %-10s | %8s | %8s | %18s | %9s | %6s | %8s | %8s | %8s |\n' \
  "database" "attempts" "capacity" "bookings made" "refusals" "errors" "p50 ms" "p99 ms" "wall ms"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "---" "---" "---" "---" "---" "---" "---" "---" "---"
cargo build --release --quiet -p server --bin booking_contention
target/release/booking_contention "sqlite://$DATA/contention.db?mode=rwc" 1000 5
PG_URL=$(scripts/test-postgres.sh start)
PG_DB="portal_bench_$$"
psql -q "$PG_URL" -c "CREATE DATABASE $PG_DB"
target/release/booking_contention "${PG_URL%/*}/$PG_DB" 1000 5
psql -q "$PG_URL" -c "DROP DATABASE $PG_DB"
fi

if want cluster; then
# Through the balancer (nginx, round robin) to one portal node, then to two, on PostgreSQL and the S3 server.
cluster_start() { # nodes
  scripts/cluster.sh stop >/dev/null 2>&1 || true
  CLUSTER_UP=1
  CLUSTER_NODES="$1" CLUSTER_FRESH=1 RUST_LOG=warn SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" \
    scripts/cluster.sh start >"$DATA/cluster-$1.log" 2>&1 || { cat "$DATA/cluster-$1.log" >&2; exit 1; }
  # Shell variables, not exported: the next start must not inherit this cluster's key or addresses.
  # shellcheck disable=SC1091
  . "$CLUSTER_DIR/cluster.env"
}
measure() { # url [header]: prints "req/s p50 p99 errors"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency ${2:+-H "$2"} "$1")
  local errors
  errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
  printf '%s %s %s %s\n' \
    "$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" \
    "$(awk '$1 == "50%" { print $2 }' <<<"$out" | to_ms)" \
    "$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)" \
    "${errors:-none}"
}
declare -A ROW PANICS
for nodes in 1 2; do
  cluster_start "$nodes"
  CPORT="${CLUSTER_URL##*:}"
  # Signed in once, as a person: the code through the bench's SMTP sink, then one application to look at.
  read -r COOKIE APP < <(python3 - "$CPORT" "$DATA/mail" "bench.cluster$nodes.$(date +%s)@contoh.id" <<'EOF'
import sys
sys.path.insert(0, "scripts")
from upload_bench import request, sign_in
port, mail_dir, email = int(sys.argv[1]), sys.argv[2], sys.argv[3]
session = sign_in(port, mail_dir, email)
form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Cookie": session}
response, _ = request(port, "POST", "/api/permohonan/mulai", "kind=wni", form)
print(session, response.getheader("Location").split("/")[2])
EOF
  )
  [ -n "$APP" ] || { echo "bench: no application through the balancer" >&2; exit 1; }
  curl -fsS -o /dev/null -H "Cookie: $COOKIE" "$CLUSTER_URL/permohonan/$APP" \
    || { echo "bench: the signed-in page does not answer 200 through the balancer" >&2; exit 1; }
  ROW[landing,$nodes]=$(measure "$CLUSTER_URL/")
  ROW[signed,$nodes]=$(measure "$CLUSTER_URL/permohonan/$APP" "Cookie: $COOKIE")
  PANICS[$nodes]=$(cat "$CLUSTER_DIR"/node*.log | grep -c 'panicked' || true)
done

echo
echo "Through the balancer: nginx round robin to 1 portal node, then to 2, on PostgreSQL and the S3 server"
echo "(wrk, $CONNECTIONS connections, $DURATION each. This machine has $(nproc) cores for wrk, nginx, PostgreSQL and"
echo " every node: the absolute figures say little, the ratio 2 nodes / 1 node is the figure.)"
printf '| %-34s | %22s | %22s | %6s | %s\n' "target" "1 node: req/s p50 p99" "2 nodes: req/s p50 p99" "ratio" "errors (1 node; 2 nodes)"
printf '|%s|%s|%s|%s|%s\n' "------------------------------------" "------------------------" "------------------------" "--------" "------"
cluster_row() { # label key
  local r1 p501 p991 e1 r2 p502 p992 e2
  read -r r1 p501 p991 e1 <<<"${ROW[$2,1]}"
  read -r r2 p502 p992 e2 <<<"${ROW[$2,2]}"
  printf '| %-34s | %6s %7s %7s | %6s %7s %7s | %6s | %s; %s\n' "$1" "$r1" "$p501" "$p991" "$r2" "$p502" "$p992" \
    "$(awk -v a="$r1" -v b="$r2" 'BEGIN { if (a > 0) printf "%.2f", b / a; else print "-" }')" "$e1" "$e2"
}
cluster_row "landing page / (SSR)" landing
cluster_row "signed in: an application's page" signed
if [ "${PANICS[1]}${PANICS[2]}" != 00 ]; then
  # With one node a request whose handler panicked is a 502; with two, nginx retries a GET on the other node.
  echo "The nodes' logs show ${PANICS[1]} panicked requests with 1 node, ${PANICS[2]} with 2: a bug to fix."
fi

echo
echo "Booking contention through the balancer: 1,000 applicants, each signed in, POST the booking form for one slot"
echo "of capacity 5 at the same moment, spread over both nodes (round robin)"
printf '| %-10s | %8s | %8s | %18s | %9s | %6s | %8s | %8s | %8s | %s |\n' \
  "database" "attempts" "capacity" "bookings made" "refusals" "errors" "p50 ms" "p99 ms" "wall ms" "answers per node"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "---" "---" "---" "---" "---" "---" "---" "---" "---" "---"
cargo build --release --quiet -p server --bin booking_contention
SESSION_SIGNING_KEY="$SESSION_SIGNING_KEY" target/release/booking_contention --http "$CLUSTER_URL" "$DATABASE_URL" 1000 5
scripts/cluster.sh stop >/dev/null 2>&1
rm -rf "$CLUSTER_DIR"
CLUSTER_UP=0
fi

if want queue; then
QUEUE_APPLICATIONS="${QUEUE_BENCH_APPLICATIONS:-1000000}"
QUEUE_EVENTS="${QUEUE_BENCH_EVENTS:-5000000}"
echo
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$1"; }
echo "Staff queue and search: $(thousands "$QUEUE_APPLICATIONS") applications and $(thousands "$QUEUE_EVENTS") events (target p99 under 20 ms)"
cargo build --release --quiet -p server --bin staff_queue_bench
target/release/staff_queue_bench "sqlite://$DATA/queue.db?mode=rwc" "$QUEUE_APPLICATIONS" "$QUEUE_EVENTS"
rm -f "$DATA"/queue.db*
PG_URL=$(scripts/test-postgres.sh start)
PG_DB="portal_queue_$$"
psql -q "$PG_URL" -c "CREATE DATABASE $PG_DB"
target/release/staff_queue_bench "${PG_URL%/*}/$PG_DB" "$QUEUE_APPLICATIONS" "$QUEUE_EVENTS"
psql -q "$PG_URL" -c "DROP DATABASE $PG_DB"
fi

if [ -n "$OVER" ]; then
  echo
  echo "bench: the page weights are over budget (the table above). $OVER" >&2
  exit 1
fi
