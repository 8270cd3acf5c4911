#!/usr/bin/env bash
# Writes a brotli (.br) and a gzip (.gz) copy beside every text and WASM asset of the built site, so that the
# server never compresses on the fly.
set -euo pipefail
site="${1:-target/site}"
[ -d "$site" ] || { echo "no built site at $site" >&2; exit 1; }
find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.svg' -o -name '*.txt' -o -name '*.json' \) \
  -print0 | while IFS= read -r -d '' file; do
    brotli --force --best --keep --output="$file.br" "$file"
    gzip --force --best --keep --no-name "$file"
  done
# TypeScript declarations of the bundle are for editors, not browsers.
find "$site" -name "*.d.*.ts" -delete
echo "precompressed: $(find "$site" -name '*.br' | wc -l) files"
