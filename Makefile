# Portal KTP-el. The two commands of a fresh machine:
#   make run    installs what is missing, builds, and runs the portal on http://127.0.0.1:3000
#   make test   installs what is missing and runs every test (lint, unit, integration on SQLite and PostgreSQL,
#               browser tests in Chromium, schemathesis against the AFIS link)
# and the benchmarks: make bench

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos compiles with this set; setting it for every cargo command lets them share one build of Leptos.
export LEPTOS_OUTPUT_NAME := portal
export CARGO_TERM_COLOR ?= never
# Incremental compilation only pays off while editing; in a test run it fills the disk (tens of GB).
export CARGO_INCREMENTAL ?= 0

SITE := target/site

.PHONY: run test bench build setup lint unit-sqlite unit-postgres end2end afis-fuzz clean

run: ## Build and run the portal with zero configuration (development: sign-in codes go to the log)
	scripts/setup.sh run
	$(MAKE) --no-print-directory build
	DEV_LOG_MESSAGES=$${DEV_LOG_MESSAGES:-true} LEPTOS_SITE_ROOT=$(SITE) target/release/server

test: ## Every test: lint, unit and integration (SQLite, then PostgreSQL), browser, the AFIS link fuzzed
	scripts/setup.sh test
	$(MAKE) --no-print-directory lint unit-sqlite unit-postgres build end2end afis-fuzz

bench: ## Throughput, latency and bundle sizes
	scripts/setup.sh bench
	$(MAKE) --no-print-directory build
	scripts/bench.sh

build: ## Release build of server and WASM, assets precompressed with brotli and gzip
	cargo leptos build --release
	scripts/precompress.sh $(SITE)

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features app/ssr -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

unit-sqlite:
	@echo "== unit and integration tests on SQLite"
	cargo test --workspace --features app/ssr

unit-postgres:
	@echo "== unit and integration tests on PostgreSQL"
	# The same flags as on SQLite, so that nothing is compiled twice.
	TEST_DATABASE_URL=$$(scripts/test-postgres.sh start) cargo test --workspace --features app/ssr
	scripts/test-postgres.sh stop

end2end:
	scripts/end2end.sh

# schemathesis against the release server's AFIS link, from its OpenAPI document: no 5xx (about 20 s).
afis-fuzz:
	scripts/schemathesis.sh

clean:
	scripts/test-postgres.sh stop
	cargo clean
