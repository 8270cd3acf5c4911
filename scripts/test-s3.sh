#!/usr/bin/env bash
# Starts an S3-speaking server (s3s-fs, from crates.io: `scripts/setup.sh test` installs it) on loopback for the
# tests and the cluster, unless one is already answering there, and makes sure the bucket exists.
#   scripts/test-s3.sh start   prints shell assignments, one per line:
#                              eval "$(scripts/test-s3.sh start)"; export AWS_ENDPOINT AWS_ACCESS_KEY_ID ...
#   scripts/test-s3.sh stop    stops the server this script started (its objects stay in $S3_DIR)
# Environment: S3_PORT (9100), S3_DIR (/tmp/portal-test-s3-$S3_PORT), S3_BUCKET (portal-scans),
#              S3_FRESH=1 to start from an empty store (only when no server answers on the port).
# s3s-fs keeps bucket B's object K as the file $S3_DIR/data/B/K, printed as S3_DATA.
set -euo pipefail

PORT="${S3_PORT:-9100}"
DIR="${S3_DIR:-/tmp/portal-test-s3-$PORT}"
BUCKET="${S3_BUCKET:-portal-scans}"
# Test credentials: the server checks every request's SigV4 signature against them.
ACCESS_KEY="portal-test-access"
SECRET_KEY="portal-test-secret-key"
REGION="us-east-1"
ENDPOINT="http://127.0.0.1:$PORT"

answers() {
  # Any HTTP status (403 for an unsigned request) means an S3 server is listening.
  local code
  code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$ENDPOINT/" 2>/dev/null || true)
  [ -n "$code" ] && [ "$code" != 000 ]
}

s3_bin() {
  local bin
  bin=$(command -v s3s-fs 2>/dev/null || true)
  [ -n "$bin" ] || { [ -x "$HOME/.cargo/bin/s3s-fs" ] && bin="$HOME/.cargo/bin/s3s-fs"; }
  [ -n "$bin" ] || { echo "s3s-fs is not installed (make setup-test installs it)" >&2; exit 1; }
  echo "$bin"
}

signed() {
  # curl signs the request with AWS SigV4 (service s3), as any S3 client would.
  curl -s -o /dev/null -m 10 -w '%{http_code}' --aws-sigv4 "aws:amz:$REGION:s3" \
    --user "$ACCESS_KEY:$SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}

case "${1:-start}" in
  start)
    if ! answers; then
      BIN=$(s3_bin)
      [ "${S3_FRESH:-0}" = 1 ] && rm -rf "$DIR"
      mkdir -p "$DIR/data"
      setsid "$BIN" --host 127.0.0.1 --port "$PORT" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
        "$DIR/data" >"$DIR/server.log" 2>&1 </dev/null &
      echo $! >"$DIR/pid"
      for _ in $(seq 1 100); do answers && break; sleep 0.1; done
      answers || { echo "s3s-fs did not answer on $ENDPOINT; see $DIR/server.log" >&2; exit 1; }
    fi
    # HEAD the bucket, create it when missing (200: exists; 404: create; anything else is an error).
    code=$(signed -I "$ENDPOINT/$BUCKET")
    if [ "$code" != 200 ]; then
      code=$(signed -X PUT "$ENDPOINT/$BUCKET")
      [ "$code" = 200 ] || [ "$(signed -I "$ENDPOINT/$BUCKET")" = 200 ] \
        || { echo "could not create the bucket $BUCKET on $ENDPOINT (HTTP $code)" >&2; exit 1; }
    fi
    echo "AWS_ENDPOINT=$ENDPOINT"
    echo "AWS_ACCESS_KEY_ID=$ACCESS_KEY"
    echo "AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
    echo "AWS_REGION=$REGION"
    echo "AWS_ALLOW_HTTP=true"
    echo "S3_BUCKET=$BUCKET"
    echo "S3_DATA=$DIR/data/$BUCKET"
    ;;
  stop)
    if [ -f "$DIR/pid" ]; then
      pid=$(cat "$DIR/pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$DIR/pid"
    fi
    ;;
  *) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
