#!/usr/bin/env bash
# The bench's `lighthouse` part: Lighthouse (scripts/setup.sh bench installs 12.8.2 into .tools) in Debian's
# Chromium, mobile preset (its default: a mid-range phone, 4× CPU slowdown, slow 4G), on each page given; prints
# the performance and accessibility scores (goal 100 / 100), LCP and TBT, and the accessibility audits that fail.
# A run that fails or reports a runtime error (NO_NAVSTART, …) is done once more.
# Usage: scripts/bench/lighthouse.sh COOKIE label=url...   (a page whose label starts with "signed in" gets the
# session cookie through --extra-headers)
set -euo pipefail
cd "$(dirname "$0")/../.."
COOKIE="$1"
shift
LIGHTHOUSE=.tools/node_modules/.bin/lighthouse
[ -x "$LIGHTHOUSE" ] || { echo "bench: Lighthouse is missing: run scripts/setup.sh bench" >&2; exit 1; }
DIR=$(mktemp -d /tmp/portal-bench-lighthouse.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
jq -n --arg c "$COOKIE" '{Cookie: $c}' >"$DIR/headers.json"

run() { # url out [headers]
  CHROME_PATH=/usr/bin/chromium "$LIGHTHOUSE" "$1" --quiet --output=json --output-path="$2" \
    --only-categories=performance,accessibility --chrome-flags="--headless=new --no-sandbox" \
    ${3:+--extra-headers="$3"} >"$2.log" 2>&1 \
    && [ "$(jq -r '.runtimeError.code // "none"' "$2")" = none ]
}

echo
echo "Lighthouse $("$LIGHTHOUSE" --version) (mobile preset, Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{ print $2 }')): goal 100 / 100"
printf '| %-32s | %11s | %13s | %8s | %7s | %s\n' "page" "performance" "accessibility" "LCP s" "TBT ms" "below 100 in accessibility"
printf '|%s|%s|%s|%s|%s|%s\n' "----------------------------------" "-------------" "---------------" "----------" "---------" "------"
n=0
for page in "$@"; do
  label="${page%%=*}" url="${page#*=}"
  n=$((n + 1))
  out="$DIR/$n.json"
  headers=""
  case "$label" in "signed in"*) headers="$DIR/headers.json" ;; esac
  if ! run "$url" "$out" "$headers" && ! run "$url" "$out" "$headers"; then
    printf '| %-32s | %11s | %13s | %8s | %7s | %s\n' "$label" "-" "-" "-" "-" \
      "failed twice: $(jq -r '.runtimeError.code // empty' "$out" 2>/dev/null || tail -n 1 "$out.log")"
    continue
  fi
  jq -r --arg page "$label" --arg url "$url" '
    def score(c): if .categories[c].score == null then "-" else (.categories[c].score * 100 | round | tostring) end;
    . as $r | [ $page, score("performance"), score("accessibility"),
      ((.audits["largest-contentful-paint"].numericValue // 0) / 1000 * 10 | round / 10 | tostring),
      ((.audits["total-blocking-time"].numericValue // 0) | round | tostring),
      ([ .categories.accessibility.auditRefs[] | select(.weight > 0) | .id as $id
         | select(($r.audits[$id].score // 1) < 1) | $id ] | join(", ") | if . == "" then "none" else . end)
      + (if $r.finalDisplayedUrl != $url then " (landed on \($r.finalDisplayedUrl): not the page asked for)" else "" end)
    ] | @tsv' "$out" | while IFS=$'\t' read -r l p a lcp tbt fails; do
    printf '| %-32s | %11s | %13s | %8s | %7s | %s\n' "$l" "$p" "$a" "$lcp" "$tbt" "$fails"
  done
done
