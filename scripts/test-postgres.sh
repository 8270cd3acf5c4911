#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the test pass, unless one is already answering there.
# Prints the URL to use as TEST_DATABASE_URL. `stop` stops the one this script started.
set -euo pipefail

PORT="${TEST_PG_PORT:-55432}"
DIR="${TEST_PG_DIR:-/tmp/portal-test-pg-$PORT}"
URL="postgres://postgres@127.0.0.1:$PORT/postgres"

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] || { echo "PostgreSQL is not installed (make setup-test installs it)" >&2; exit 1; }
  echo "$found"
}

# Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses to run as root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    BIN=$(pg_bin)
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
      echo "$URL"; exit 0
    fi
    # A new cluster at every start: each test makes its own database and a run leaves them behind, which over
    # many runs filled tens of GB; nothing in a stopped test cluster is worth keeping.
    rm -rf "$DIR"; mkdir -p "$DIR"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
    as_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust --no-sync -E UTF8 >/dev/null
    # fsync off: a test cluster is thrown away, so durability buys nothing but time.
    as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    echo "$URL"
    ;;
  stop)
    BIN=$(pg_bin)
    if [ -f "$DIR/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null || true; fi
    rm -rf "$DIR"
    ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
