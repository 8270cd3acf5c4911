#!/usr/bin/env bash
# The bench's `ratio` part: how close the portal's server rendering comes to a static file server. The portal's own
# bytes of a page (fetched with the same request headers wrk sends) are served by Debian's nginx on NGINX_PORT, and
# wrk runs against both in turn with the same connections and duration; prints req/s of each and the share.
# Pages: the landing page (goal 0.5) and a signed-in form page (goal 0.25, wrk with the session cookie); each without
# Accept-Encoding and then with `Accept-Encoding: br` (gzip when the portal does not send br; the row is left out
# when the portal compresses neither).
# Usage: scripts/bench/ratio.sh BASE_URL NGINX_PORT COOKIE FORM_PATH   (env: DURATION, CONNECTIONS)
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE="$1" NGINX_PORT="$2" COOKIE="$3" FORM_PATH="$4"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"

DIR=$(mktemp -d /tmp/portal-bench-nginx.XXXXXX)
NGINX=""
stop() {
  if [ -n "$NGINX" ]; then kill "$NGINX" 2>/dev/null || true; wait "$NGINX" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap stop EXIT
# nginx's workers run as nobody when we are root: they read www/ and write tmp/.
chmod 755 "$DIR"
mkdir -p "$DIR/www" "$DIR/tmp"
USER_LINE="# not root: the workers run as the user who started nginx."
if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$DIR/tmp"; USER_LINE="user nobody nogroup;"; fi
sed -e "s|@DIR@|$DIR|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@USER@|$USER_LINE|" scripts/bench/nginx.conf.template >"$DIR/nginx.conf"
NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)

# The page's bytes as wrk gets them: curl without its own User-Agent and Accept, and without decoding.
fetch() { # out path encoding [cookie]: prints the Content-Encoding the portal answered with
  local headers=(-H 'User-Agent:' -H 'Accept:')
  [ -n "$3" ] && headers+=(-H "Accept-Encoding: $3")
  [ -n "${4:-}" ] && headers+=(-H "Cookie: $4")
  curl -fsS "${headers[@]}" -o "$1" -D "$1.headers" "$BASE$2"
  awk 'tolower($1) == "content-encoding:" { gsub(/\r/, ""); print $2 }' "$1.headers"
}

rps() { # url header...: prints "req/s errors"
  local url="$1" args=() out errors
  shift
  for h in "$@"; do args+=(-H "$h"); done
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "${args[@]}" "$url")
  errors=$(awk '/Non-2xx|Socket errors/ { print }' <<<"$out" | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')
  printf '%s %s\n' "$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" "${errors:-none}"
}

echo
echo "Server rendering against static nginx (the same bytes; wrk, $CONNECTIONS connections, $DURATION each, keep-alive;"
echo "$(nproc) cores shared by the server and wrk; nginx: one worker per core)"
printf '| %-40s | %8s | %12s | %11s | %6s | %6s | %s\n' "page (encoding)" "bytes" "portal req/s" "nginx req/s" "share" "goal" "errors (portal; nginx)"
printf '|%s|%s|%s|%s|%s|%s|%s\n' "------------------------------------------" "----------" "--------------" "-------------" "--------" "--------" "------"

declare -a ROWS=()
for page in landing form; do
  if [ "$page" = landing ]; then path=/ cookie="" goal=0.5 label="landing page /"; else
    path="$FORM_PATH" cookie="$COOKIE" goal=0.25 label="signed in: ${FORM_PATH##*/} section"; fi
  for want in "" br gzip; do
    file="$DIR/www/$page${want:+.$want}"
    got=$(fetch "$file" "$path" "$want" "$cookie")
    if [ "$want" = gzip ] && [ -f "$DIR/www/$page.br" ]; then rm -f "$file" "$file.headers"; continue; fi
    if [ -n "$want" ] && [ "$got" != "$want" ]; then rm -f "$file" "$file.headers"; continue; fi
    if [ -z "$want" ] && [ -n "$got" ]; then echo "bench: the portal compressed $path without Accept-Encoding" >&2; fi
    chmod 644 "$file"
    ROWS+=("$page|$path|$want|$cookie|$goal|$label")
  done
done

"$NGINX_BIN" -t -q -p "$DIR" -e "$DIR/error.log" -c "$DIR/nginx.conf"
"$NGINX_BIN" -p "$DIR" -e "$DIR/error.log" -c "$DIR/nginx.conf" </dev/null >/dev/null 2>&1 &
NGINX=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$NGINX_PORT/landing" 2>/dev/null && break; sleep 0.1; done

for row in "${ROWS[@]}"; do
  IFS='|' read -r page path want cookie goal label <<<"$row"
  file="$page${want:+.$want}"
  headers=()
  [ -n "$want" ] && headers+=("Accept-Encoding: $want")
  [ -n "$cookie" ] && headers+=("Cookie: $cookie")
  # The same bytes from nginx, with the same Content-Type (and Content-Encoding).
  curl -fsS -o "$DIR/check" "http://127.0.0.1:$NGINX_PORT/$file"
  cmp -s "$DIR/check" "$DIR/www/$file" || { echo "bench: nginx does not serve the portal's bytes of $file" >&2; exit 1; }
  read -r portal_rps portal_errors < <(rps "$BASE$path" "${headers[@]}")
  read -r nginx_rps nginx_errors < <(rps "http://127.0.0.1:$NGINX_PORT/$file" "${headers[@]}")
  printf '| %-40s | %8s | %12s | %11s | %6s | %6s | %s; %s\n' "$label (${want:-identity})" "$(stat -c %s "$DIR/www/$file")" \
    "$portal_rps" "$nginx_rps" "$(awk -v a="$portal_rps" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')" \
    ">= $goal" "$portal_errors" "$nginx_errors"
done
