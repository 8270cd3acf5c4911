#!/usr/bin/env bash
# Installs what the portal needs and is missing, idempotently, only from the Cargo, npm and Debian registries.
#   scripts/setup.sh run    what `make run` needs: the wasm32 target, cargo-leptos, wasm-bindgen-cli, wasm-opt, brotli
#   scripts/setup.sh test   also PostgreSQL, Chromium, poppler and zbar (to read the printed form and its QR code),
#                           sqlite3 (the browser tests move an appointment into the past), the end2end npm
#                           packages, aiosmtpd (PyPI), the fuzzing tools below, nginx (the cluster's balancer)
#                           and s3s-fs (crates.io: the S3 server of the tests, scripts/test-s3.sh)
#   scripts/setup.sh fuzz   schemathesis and cryptography (PyPI) in a virtual environment under .tools/venv, for
#                           the schema-driven run against the AFIS link (scripts/schemathesis.sh)
#   scripts/setup.sh bench  also wrk, nginx and s3s-fs (the cluster), and Lighthouse (npm, into .tools: only the
#                           bench's `lighthouse` part runs it)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
SCHEMATHESIS_VERSION=4.32.5
CRYPTOGRAPHY_VERSION=50.0.2
BINARYEN_VERSION=132
# 0.14.1 is the newest s3s-fs that builds with rustc 1.95 (0.15 and later need 1.96).
S3S_FS_VERSION=0.14.1
LIGHTHOUSE_VERSION=12.8.2
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt: installing ${missing[*]}"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup: adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "cargo: installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  # wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "cargo: installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want"
  fi
  # wasm-opt from npm's binaryen: cargo-leptos would otherwise try to download it.
  if ! .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "npm: installing binaryen $BINARYEN_VERSION (wasm-opt)"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

end2end_packages() {
  if [ ! -d end2end/node_modules/playwright-core ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "npm: installing the end2end packages"
    (cd end2end && npm ci --no-audit --no-fund --silent)
  fi
}

python_packages() {
  # aiosmtpd: the real SMTP server on loopback that the tests read one-time codes from.
  if ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    say "pip: installing aiosmtpd"
    python3 -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6
  fi
}

s3_server() {
  # The S3 server the tests and the cluster use (scripts/test-s3.sh): checks SigV4 signatures, keeps objects as files.
  if ! s3s-fs --version 2>/dev/null | grep -q " $S3S_FS_VERSION\$"; then
    say "cargo: installing s3s-fs $S3S_FS_VERSION (the tests' S3 server; a few minutes, once)"
    cargo install s3s-fs --version "$S3S_FS_VERSION" --features binary --locked
  fi
}

fuzz_tools() {
  # Its own virtual environment: schemathesis brings many packages, none of which the system Python needs.
  if ! .tools/venv/bin/schemathesis --version 2>/dev/null | grep -q " $SCHEMATHESIS_VERSION\$" \
    || ! .tools/venv/bin/python -c "import cryptography, sys; sys.exit(cryptography.__version__ != '$CRYPTOGRAPHY_VERSION')" 2>/dev/null; then
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    say "pip: installing schemathesis $SCHEMATHESIS_VERSION into .tools/venv"
    mkdir -p .tools
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check \
      "schemathesis==$SCHEMATHESIS_VERSION" "cryptography==$CRYPTOGRAPHY_VERSION"
  fi
}

lighthouse() {
  # The bench's scores of the citizen pages (scripts/bench/lighthouse.sh), in Debian's Chromium.
  if ! .tools/node_modules/.bin/lighthouse --version 2>/dev/null | grep -qx "$LIGHTHOUSE_VERSION"; then
    say "npm: installing lighthouse $LIGHTHOUSE_VERSION into .tools"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "lighthouse@$LIGHTHOUSE_VERSION"
  fi
}

case "${1:-run}" in
  run)   apt_install brotli gzip; rust_tools ;;
  test)  apt_install brotli gzip postgresql chromium curl openssl poppler-utils zbar-tools sqlite3 nginx; rust_tools; end2end_packages; python_packages; fuzz_tools; s3_server ;;
  fuzz)  apt_install curl; fuzz_tools ;;
  bench) apt_install brotli gzip postgresql chromium curl wrk nginx; rust_tools; end2end_packages; python_packages; s3_server; lighthouse ;;
  *) echo "usage: $0 run|test|bench|fuzz" >&2; exit 2 ;;
esac
