#!/usr/bin/env bash
# A portal cluster on loopback: its own PostgreSQL, an S3 server, one or two portal nodes and nginx in front.
#   scripts/cluster.sh start         starts what is not running yet; prints the balancer's URL as its last line
#   scripts/cluster.sh stop          stops exactly what `start` started (nothing that was running before); idempotent
#   scripts/cluster.sh status        one line per part: running or not, with its address and pid
#   scripts/cluster.sh node N kill   kill -9 of node N (1 or 2)
#   scripts/cluster.sh node N start  starts node N again (same configuration) and waits for its /healthz
# Environment:
#   CLUSTER_PORT (8080)  nginx listens there; node N on PORT+N, its metrics on PORT+10+N, PostgreSQL on PORT+20,
#                        the S3 server on PORT+21 (all on 127.0.0.1)
#   CLUSTER_DIR (/tmp/portal-cluster-$CLUSTER_PORT)  everything the cluster keeps: pg/, s3/, node1/, node2/ (each
#                        node's DATA_DIR), nginx/, the logs, session.key and cluster.env
#   CLUSTER_NODES (2)    1 or 2 nodes (the upstream has as many servers)
#   CLUSTER_FRESH=1      stops the cluster and wipes CLUSTER_DIR first: an empty database and bucket, a new key.
#                        Otherwise the database, the bucket and the key persist across stop and start.
#   and every variable of the README's configuration table that the cluster does not set itself (SMTP_URL,
#   MAIL_FROM, RUST_LOG, AFIS_*, SESSION_SIGNING_KEY, …): passed to every node. `start` records them in
#   $CLUSTER_DIR/node.env for `node N start`; a variable in the caller's environment then wins again.
# `start` writes $CLUSTER_DIR/cluster.env (KEY=VALUE lines, mode 0600): CLUSTER_URL, DATABASE_URL, UPLOAD_STORE,
# the AWS_* lines and S3_DATA of scripts/test-s3.sh, SESSION_SIGNING_KEY, and per node NODEn_URL, NODEn_METRICS
# (host:port), NODEn_PID, NODEn_LOG.
set -euo pipefail
# Folders readable by the users that need them (postgres for pg/, nobody for nginx's); the secrets are written 0600
# and each node's DATA_DIR 0700 below, whatever the caller's umask (a test harness may have 077).
umask 022
cd "$(dirname "$0")/.."
REPO=$(pwd)

PORT="${CLUSTER_PORT:-8080}"
DIR="${CLUSTER_DIR:-/tmp/portal-cluster-$PORT}"
NODES="${CLUSTER_NODES:-2}"
PG_PORT=$((PORT + 20))
S3_PORT=$((PORT + 21))
URL="http://127.0.0.1:$PORT"
PG_DIR="$DIR/pg"
DB_URL="postgres://postgres@127.0.0.1:$PG_PORT/portal"
SERVER="$REPO/target/release/server"
SITE="$REPO/target/site"
MARK="$DIR/.portal-cluster"

# The variables the cluster sets for each node itself; every other variable of the README's configuration table
# is passed through from the caller's environment (the table is the list, so a new row is passed on at once).
OWN_VARS=" DATA_DIR DATABASE_URL UPLOAD_DIR UPLOAD_STORE LEPTOS_SITE_ADDR LEPTOS_SITE_ROOT PUBLIC_BASE_URL TRUSTED_PROXIES METRICS_ADDR "

say() { echo "cluster: $*" >&2; }
die() { echo "cluster: $*" >&2; exit 1; }

case "$NODES" in 1 | 2) ;; *) die "CLUSTER_NODES must be 1 or 2, not $NODES" ;; esac
case "$PORT" in '' | *[!0-9]*) die "CLUSTER_PORT must be a port number" ;; esac

pass_vars() {
  local v
  for v in $(grep -o '^| `[A-Z][A-Z0-9_]*`' "$REPO/README.md" | tr -d '|` '); do
    case "$OWN_VARS" in *" $v "*) continue ;; esac
    case "$v" in AWS_*) continue ;; esac # the S3 server's, from scripts/test-s3.sh
    echo "$v"
  done
}

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] || die "PostgreSQL is not installed (scripts/setup.sh test installs it)"
  echo "$found"
}

# PostgreSQL's tools refuse to run as root: as root, they run as the postgres user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when pid is alive and its program is the one named (guards against a pid reused by something else).
alive_as() {
  local pid=$1 name=$2
  local exe
  [ -n "$pid" ] && running "$pid" || return 1
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  # A binary rebuilt while it runs shows as "…/server (deleted)".
  exe=${exe% (deleted)}
  [ "$(basename "$exe")" = "$name" ]
}

# True while pid runs (a zombie has ended: a process whose parent has gone may wait for a reaper).
running() {
  local state
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

node_pid() { cat "$DIR/node$1.pid" 2>/dev/null || true; }

# ---------------------------------------------------------------- PostgreSQL

pg_running() { [ -f "$PG_DIR/postmaster.pid" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; }

start_pg() {
  local bin
  bin=$(pg_bin)
  if [ ! -f "$PG_DIR/PG_VERSION" ]; then
    rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
    as_pg "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
  fi
  if ! pg_running; then
    listening "$PG_PORT" && die "port $PG_PORT (PostgreSQL, CLUSTER_PORT+20) is taken by another program"
    # TCP on loopback only, no Unix socket (a long CLUSTER_DIR would overflow its path). fsync off: a test cluster
    # that is never killed itself (the tests kill nodes, not the database); a clean stop writes everything.
    as_pg "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { tail -n 20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
  fi
  if [ -z "$("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'portal'")" ]; then
    "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres portal
  fi
}

stop_pg() {
  if pg_running; then as_pg "$(pg_bin)/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null || true; fi
}

# ---------------------------------------------------------------- S3

s3() { S3_PORT="$S3_PORT" S3_DIR="$DIR/s3" "$REPO/scripts/test-s3.sh" "$@"; }

# ---------------------------------------------------------------- nodes

# The configuration of every node (sourced by node_start): what the caller passed through, then the cluster's own.
write_node_env() {
  local v f="$DIR/node.env"
  (
    umask 077
    : >"$f"
    while read -r v; do
      [ -n "${!v+x}" ] && printf '%s=%q\n' "$v" "${!v}" >>"$f"
    done < <(pass_vars)
    # Without a mail relay the sign-in codes go to the node's log, as with `make run`.
    if [ -z "${SMTP_URL:-}" ] && [ -z "${DEV_LOG_MESSAGES+x}" ]; then echo "DEV_LOG_MESSAGES=true" >>"$f"; fi
    # No key configured: one generated once for the cluster, the same for every node.
    if [ -z "${SESSION_SIGNING_KEY:-}" ]; then printf 'SESSION_SIGNING_KEY=%q\n' "$(cat "$DIR/session.key")" >>"$f"; fi
  )
}

# Starts node N in the background (its own DATA_DIR and working folder: the nodes share nothing but the database
# and the bucket); does not wait.
launch_node() {
  local n=$1 pid
  pid=$(node_pid "$n")
  if alive_as "$pid" server; then return 0; fi
  listening $((PORT + n)) && die "port $((PORT + n)) (node $n) is taken by another program"
  listening $((PORT + 10 + n)) && die "port $((PORT + 10 + n)) (node $n's metrics) is taken by another program"
  local -a env=(PATH="$PATH" HOME="${HOME:-/root}")
  [ -n "${TZ:-}" ] && env+=(TZ="$TZ")
  local v
  local -a caller=()
  while read -r v; do [ -n "${!v+x}" ] && caller+=("$v=${!v}"); done < <(pass_vars)
  # node.env (what `start` was given), then the caller's own values of the passed-through variables (`node N
  # start` with another SESSION_SIGNING_KEY, say): env keeps the last of two equal names. NUL-separated: a PEM key
  # may hold line breaks.
  while IFS= read -r -d '' v; do env+=("$v"); done < <(
    # shellcheck disable=SC1090,SC1091
    set -a; . "$DIR/node.env"; set +a
    while read -r v; do [ -n "${!v+x}" ] && printf '%s=%s\0' "$v" "${!v}"; done < <(pass_vars)
  )
  env+=("${caller[@]}")
  # shellcheck disable=SC1091
  . "$DIR/s3.env"
  env+=(
    DATA_DIR="$DIR/node$n" DATABASE_URL="$DB_URL" UPLOAD_STORE="s3://$S3_BUCKET"
    AWS_ENDPOINT="$AWS_ENDPOINT" AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"
    AWS_REGION="$AWS_REGION" AWS_ALLOW_HTTP="$AWS_ALLOW_HTTP"
    LEPTOS_SITE_ROOT="$SITE" LEPTOS_SITE_ADDR="127.0.0.1:$((PORT + n))" METRICS_ADDR="127.0.0.1:$((PORT + 10 + n))"
    PUBLIC_BASE_URL="$URL" TRUSTED_PROXIES=127.0.0.1
  )
  (umask 077; mkdir -p "$DIR/node$n")
  # The log may hold sign-in codes (DEV_LOG_MESSAGES without SMTP_URL): the owner's alone.
  [ -e "$DIR/node$n.log" ] || install -m 600 /dev/null "$DIR/node$n.log"
  echo "== $(date -u +%FT%TZ) node $n starting" >>"$DIR/node$n.log"
  # Only the listed variables (env -i): nothing else of the caller's environment reaches a node. The working folder
  # is the node's own, so no .env file is read. Output to the log, never to our caller's pipe.
  (cd "$DIR/node$n" && exec env -i "${env[@]}" "$SERVER") >>"$DIR/node$n.log" 2>&1 </dev/null &
  echo $! >"$DIR/node$n.pid"
}

# Waits for node N's /healthz; on failure prints the end of its log and exits non-zero.
wait_node() {
  local n=$1 pid
  pid=$(node_pid "$n")
  # The first start on an empty database migrates and loads the reference data: allow three minutes.
  local deadline=$((SECONDS + 180))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$((PORT + n))/healthz" 2>/dev/null && return 0
    running "$pid" || break
    sleep 0.1
  done
  say "node $n did not come up (http://127.0.0.1:$((PORT + n))/healthz); the end of $DIR/node$n.log:"
  tail -n 30 "$DIR/node$n.log" >&2
  exit 1
}

stop_node() {
  local n=$1 pid
  pid=$(node_pid "$n")
  if alive_as "$pid" server; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/node$n.pid"
}

# ---------------------------------------------------------------- nginx

NGINX_DIR="$DIR/nginx"
nginx_pid() { cat "$NGINX_DIR/nginx.pid" 2>/dev/null || true; }

write_nginx_conf() {
  local servers="" n
  for n in $(seq 1 "$NODES"); do
    servers+="        server 127.0.0.1:$((PORT + n)) max_fails=0;"$'\n'
  done
  mkdir -p "$NGINX_DIR/tmp/body" "$NGINX_DIR/tmp/proxy" "$NGINX_DIR/tmp/fastcgi" "$NGINX_DIR/tmp/uwsgi" "$NGINX_DIR/tmp/scgi"
  local user_line="# not root: the workers run as the user who started nginx."
  if [ "$(id -u)" = 0 ]; then
    # As root, the workers run as nobody (never root, even for a loopback test); they write only the temporary
    # folders, which are theirs. The master (root) opens the logs and the pid file.
    chown -R nobody:nogroup "$NGINX_DIR/tmp"
    user_line="user nobody nogroup;"
  fi
  cat >"$NGINX_DIR/nginx.conf.new" <<EOF
# Written by scripts/cluster.sh for the test cluster on loopback (the sample for a real site is deploy/nginx-portal.conf).
$user_line
worker_processes 1;
# Each proxied request holds two connections (the client's and the node's): 1,000 simultaneous bookings need 2,000.
worker_rlimit_nofile 8192;
daemon on;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;

events {
    worker_connections 4096;
}

http {
    log_format upstream '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                        'upstream=\$upstream_addr upstream_status=\$upstream_status time=\$request_time';
    access_log $NGINX_DIR/access.log upstream;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    server_tokens off;

    # The node that answered: \$upstream_addr lists every node tried ("127.0.0.1:A, 127.0.0.1:B"); the last one.
    map \$upstream_addr \$portal_node {
        "~(?<last>[^ ,]+)\$" \$last;
        default \$upstream_addr;
    }

    # Round robin (nginx's default). max_fails=0: a node is never left out. With max_fails=1 fail_timeout=5s, one
    # error on the surviving node (a connection it closed after answering an upload early) while the other is dead
    # made both "unavailable", and every request got 502 for 5 s ("no live upstreams"; 26 of 50 in the kill test).
    # On loopback a dead node costs a refused connect, and the request goes to the other node at once.
    # No keepalive to the nodes: a kept connection that the node has closed fails the next request on it, and a
    # POST sent on it cannot be retried.
    upstream portal {
$servers    }

    server {
        listen 127.0.0.1:$PORT;
        server_name _;

        # A 10 MB scan plus the multipart form around it; the portal enforces the exact limits (413).
        client_max_body_size 11m;
        client_body_timeout 60s;
        send_timeout 60s;
        keepalive_timeout 65s;

        location / {
            proxy_pass http://portal;
            proxy_set_header Host \$http_host;
            # The portal trusts these from 127.0.0.1 (TRUSTED_PROXIES) and reads X-Forwarded-For from the right.
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;

            # A request that could not be sent to a node (refused, reset, timed out connecting), and an idempotent
            # one that failed or got 502/503, goes to the other node. nginx never resends a POST once it reached a
            # node (no non_idempotent): the portal may have acted on it.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_send_timeout 60s;
            proxy_read_timeout 60s;

            # Buffered (the default, said here on purpose): nginx takes the whole upload from a slow phone before it
            # picks a node, so a scan holds a node for the time of a loopback copy, not of the phone's uplink, and a
            # node that died meanwhile is skipped instead of losing the upload. Bodies above 16k wait in tmp/body.
            proxy_request_buffering on;
            client_body_buffer_size 16k;

            # Test configuration only: which node answered (127.0.0.1:PORT), for the tests and for curl -i.
            add_header X-Portal-Node \$portal_node always;
        }
    }
}
EOF
}

start_nginx() {
  write_nginx_conf
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || die "nginx is not installed (scripts/setup.sh test installs it)"
  local bin
  bin=$(command -v nginx || echo /usr/sbin/nginx)
  "$bin" -t -q -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf.new" \
    || die "the nginx configuration $NGINX_DIR/nginx.conf.new is wrong"
  if alive_as "$(nginx_pid)" nginx; then
    # Already ours and running: kept as it is when its configuration is the same; otherwise (CLUSTER_NODES changed)
    # restarted, not reloaded, so that the next request sees the new upstream (a reload takes effect later).
    if cmp -s "$NGINX_DIR/nginx.conf.new" "$NGINX_DIR/nginx.conf"; then
      rm -f "$NGINX_DIR/nginx.conf.new"
    else
      stop_nginx
    fi
  fi
  [ -f "$NGINX_DIR/nginx.conf.new" ] && mv "$NGINX_DIR/nginx.conf.new" "$NGINX_DIR/nginx.conf"
  if ! alive_as "$(nginx_pid)" nginx; then
    listening "$PORT" && die "port $PORT (the balancer, CLUSTER_PORT) is taken by another program"
    "$bin" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" </dev/null >/dev/null 2>&1 \
      || { tail -n 20 "$NGINX_DIR/error.log" >&2; die "nginx did not start"; }
  fi
  for _ in $(seq 1 100); do
    curl -fsS -m 2 -o /dev/null "$URL/healthz" 2>/dev/null && return 0
    sleep 0.1
  done
  tail -n 20 "$NGINX_DIR/error.log" >&2
  die "the balancer at $URL/healthz does not answer 200"
}

stop_nginx() {
  local pid
  pid=$(nginx_pid)
  if alive_as "$pid" nginx; then
    kill -QUIT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do running "$pid" || break; sleep 0.1; done
    if running "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do running "$pid" || break; sleep 0.1; done
    fi
  fi
}

# ---------------------------------------------------------------- cluster.env

write_cluster_env() {
  local n key
  key=$(. "$DIR/node.env"; echo "${SESSION_SIGNING_KEY:-}")
  (
    umask 077
    {
      echo "CLUSTER_URL=$URL"
      echo "DATABASE_URL=$DB_URL"
      echo "UPLOAD_STORE=s3://$(. "$DIR/s3.env"; echo "$S3_BUCKET")"
      grep -E '^(AWS_[A-Z_]+|S3_DATA)=' "$DIR/s3.env"
      echo "SESSION_SIGNING_KEY=$key"
      for n in 1 2; do
        [ "$n" -le "$NODES" ] || continue
        echo "NODE${n}_URL=http://127.0.0.1:$((PORT + n))"
        echo "NODE${n}_METRICS=127.0.0.1:$((PORT + 10 + n))"
        echo "NODE${n}_PID=$(node_pid "$n")"
        echo "NODE${n}_LOG=$DIR/node$n.log"
      done
    } >"$DIR/cluster.env.new"
    mv "$DIR/cluster.env.new" "$DIR/cluster.env"
  )
}

# ---------------------------------------------------------------- commands

stop_all() {
  [ -d "$DIR" ] || return 0
  stop_nginx
  local n
  for n in 1 2; do stop_node "$n"; done
  [ -x "$REPO/scripts/test-s3.sh" ] && [ -d "$DIR/s3" ] && s3 stop
  stop_pg
}

cmd_start() {
  [ -x "$SERVER" ] && [ -d "$SITE/pkg" ] || die "no release build ($SERVER, $SITE): run make build"
  if [ "${CLUSTER_FRESH:-0}" = 1 ] && [ -e "$DIR" ]; then
    # Only a folder this script made: CLUSTER_DIR could be mistyped.
    [ -f "$MARK" ] || die "CLUSTER_FRESH=1: $DIR was not made by scripts/cluster.sh; remove it by hand"
    say "CLUSTER_FRESH=1: stopping and wiping $DIR"
    stop_all
    rm -rf "$DIR"
  fi
  mkdir -p "$DIR"
  chmod 755 "$DIR" # PostgreSQL runs as the postgres user and must reach pg/
  touch "$MARK"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$DIR"; then
    die "the postgres user cannot reach $DIR: choose a CLUSTER_DIR under /tmp"
  fi
  if [ ! -s "$DIR/session.key" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 -w0 >"$DIR/session.key")
  fi
  chmod 600 "$DIR/session.key"

  start_pg
  local s3out
  s3out=$(s3 start) || die "the S3 server did not start (scripts/test-s3.sh, S3_DIR=$DIR/s3)"
  (umask 077; echo "$s3out" | grep -E '^[A-Z0-9_]+=' >"$DIR/s3.env")
  write_node_env

  local n
  for n in 1 2; do [ "$n" -le "$NODES" ] || stop_node "$n"; done
  # Every node at the same moment, then wait for each: on an empty database they migrate and seed concurrently.
  for n in $(seq 1 "$NODES"); do launch_node "$n"; done
  for n in $(seq 1 "$NODES"); do wait_node "$n"; done
  start_nginx
  write_cluster_env
  say "nginx :$PORT, $NODES node(s) from :$((PORT + 1)), PostgreSQL :$PG_PORT, S3 :$S3_PORT; $DIR/cluster.env; scripts/cluster.sh stop stops it"
  echo "$URL"
}

cmd_status() {
  local n pid
  if pg_running; then echo "postgresql running  127.0.0.1:$PG_PORT"; else echo "postgresql stopped"; fi
  if [ -f "$DIR/s3/pid" ] && running "$(cat "$DIR/s3/pid")"; then
    echo "s3         running  127.0.0.1:$S3_PORT pid $(cat "$DIR/s3/pid")"
  else echo "s3         stopped"; fi
  for n in 1 2; do
    pid=$(node_pid "$n")
    if alive_as "$pid" server; then echo "node$n      running  127.0.0.1:$((PORT + n)) pid $pid"
    else echo "node$n      stopped"; fi
  done
  pid=$(nginx_pid)
  if alive_as "$pid" nginx; then echo "nginx      running  $URL pid $pid"; else echo "nginx      stopped"; fi
}

cmd_node() {
  local n=${1:-} action=${2:-}
  case "$n" in 1 | 2) ;; *) die "usage: $0 node 1|2 kill|start" ;; esac
  case "$action" in
    kill)
      local pid
      pid=$(node_pid "$n")
      alive_as "$pid" server || die "node $n is not running"
      kill -9 "$pid"
      # Dead means its port refuses connections: the main thread of a multi-threaded process shows as a zombie
      # while its other threads still exit, and the listening socket closes only with the last of them. Until then
      # the kernel still accepts connections for it, and nginx's requests on them are reset.
      while running "$pid" || listening "$((PORT + n))"; do sleep 0.05; done
      ;;
    start)
      [ -f "$DIR/node.env" ] && [ -f "$DIR/s3.env" ] || die "the cluster was never started in $DIR"
      pg_running || die "the cluster's PostgreSQL is not running: scripts/cluster.sh start"
      launch_node "$n"
      wait_node "$n"
      # Keep cluster.env's pid true; the number of nodes is that of the running configuration.
      NODES=$(grep -c '^ *server 127' "$NGINX_DIR/nginx.conf" 2>/dev/null || echo 2)
      [ "$n" -le "$NODES" ] || NODES=$n
      write_cluster_env
      ;;
    *) die "usage: $0 node 1|2 kill|start" ;;
  esac
}

case "${1:-}" in
  start) cmd_start ;;
  stop) stop_all ;;
  status) cmd_status ;;
  node) shift; cmd_node "$@" ;;
  *) echo "usage: $0 start|stop|status|node N kill|node N start" >&2; exit 2 ;;
esac
