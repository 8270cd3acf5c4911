# Portal KTP-el. The two commands of a fresh machine:
#   make run    installs what is missing, builds, and runs the portal on http://127.0.0.1:3000
#   make test   installs what is missing and runs every test (lint, unit, integration on SQLite and on
#               PostgreSQL + S3, the cluster behind nginx, browser tests in Chromium, schemathesis against the AFIS link)
# and the benchmarks: make bench; a cluster on loopback (PostgreSQL, S3, two nodes, nginx): make cluster

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# cargo-leptos compiles with this set; setting it for every cargo command lets them share one build of Leptos.
export LEPTOS_OUTPUT_NAME := portal
export CARGO_TERM_COLOR ?= never
# Incremental compilation only pays off while editing; in a test run it fills the disk (tens of GB).
export CARGO_INCREMENTAL ?= 0

SITE := target/site

.PHONY: run test bench build setup lint unit-sqlite unit-postgres cluster cluster-stop cluster-test end2end afis-fuzz clean

run: ## Build and run the portal with zero configuration (development: sign-in codes go to the log)
	scripts/setup.sh run
	$(MAKE) --no-print-directory build
	DEV_LOG_MESSAGES=$${DEV_LOG_MESSAGES:-true} LEPTOS_SITE_ROOT=$(SITE) target/release/server

test: ## Every test: lint, unit and integration (SQLite, then PostgreSQL + S3), the cluster, browser, the AFIS link fuzzed
	scripts/setup.sh test
	$(MAKE) --no-print-directory lint unit-sqlite unit-postgres build cluster-test end2end afis-fuzz

bench: ## Throughput, latency and bundle sizes
	scripts/setup.sh bench
	$(MAKE) --no-print-directory build
	scripts/bench.sh

build: ## Release build of server and WASM (split per island), assets precompressed with brotli and gzip
	cargo leptos build --release --split
	scripts/precompress.sh $(SITE)

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --features app/ssr -- -D warnings
	cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

unit-sqlite:
	@echo "== unit and integration tests on SQLite"
	cargo test --workspace --features app/ssr

unit-postgres:
	@echo "== unit and integration tests on PostgreSQL, scans in the S3 server"
	# The same flags as on SQLite, so that nothing is compiled twice. The S3 server is stopped whatever the outcome.
	eval "$$(S3_FRESH=1 scripts/test-s3.sh start)"; \
	export AWS_ENDPOINT AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_ALLOW_HTTP S3_BUCKET S3_DATA; \
	rc=0; TEST_DATABASE_URL=$$(scripts/test-postgres.sh start) cargo test --workspace --features app/ssr || rc=$$?; \
	scripts/test-s3.sh stop; scripts/test-postgres.sh stop; exit $$rc

# The release build, when it is missing or older than a source (after the README's test command it is there).
RELEASE_STALE = [ ! -x target/release/server ] || [ ! -d $(SITE)/pkg ] \
	|| [ -n "$$(find app server/Cargo.toml server/build.rs server/src server/migrations server/seed server/assets style public Cargo.toml Cargo.lock -newer target/release/server -print -quit)" ]

cluster: ## PostgreSQL, the S3 server, two portal nodes and nginx on loopback (CLUSTER_PORT, default 8080); left running
	scripts/setup.sh test
	if $(RELEASE_STALE); then $(MAKE) --no-print-directory build; fi
	scripts/cluster.sh start

cluster-stop: ## Stops what make cluster started
	scripts/cluster.sh stop

# The cluster tests start and stop clusters of their own (scripts/cluster.sh, each on its own CLUSTER_PORT) on the
# release build.
cluster-test:
	@echo "== the cluster: nodes behind nginx on PostgreSQL and S3"
	cargo test -p server --features app/ssr --test integration cluster:: -- --ignored --test-threads=1

end2end:
	scripts/end2end.sh

# schemathesis against the release server's AFIS link, from its OpenAPI document: no 5xx (about 20 s).
afis-fuzz:
	scripts/schemathesis.sh

clean:
	scripts/cluster.sh stop
	scripts/test-s3.sh stop
	scripts/test-postgres.sh stop
	cargo clean
