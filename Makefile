# The two commands: `make run` and `make test`. Both install what is missing
# first (see scripts/install-*.sh) and skip what is already there.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# wasm-opt (binaryen from npm) lives here, next to the project.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
# cargo-leptos builds with this set; setting it for every cargo command lets
# `cargo test` and `cargo clippy` reuse the dependencies it compiled.
export LEPTOS_OUTPUT_NAME := latchkey
# Release builds type-erase the views (leptos's `erase_components`, the cfg
# cargo-leptos sets for debug builds by default): measured on a fresh clone
# here, the release build takes 7 instead of 11 minutes and the WASM is 362
# instead of 427 KiB gzip. Debug builds and tests keep the typed views (see
# `disable-erase-components` in Cargo.toml); the browser tests pass on both.
RELEASE_RUSTFLAGS := --cfg erase_components
# A fresh clone gains nothing from incremental state, which doubles the disk
# a debug build needs.
ifeq ($(CI),true)
export CARGO_INCREMENTAL := 0
endif

.PHONY: help run test tools test-deps build build-release wasm-size lint docs test-rust test-postgres test-e2e clean

help:
	@echo "make run        build (release) and serve on http://127.0.0.1:3000 with SQLite"
	@echo "make test       formatting, lints, the book, unit + integration tests (SQLite and PostgreSQL), browser tests"
	@echo "make docs       the guides in docs/ as a book (mdBook), into target/book"
	@echo "make wasm-size  release build, then the WASM bundle's size"
	@echo "make screenshots  the browser tests that take the guides' pictures, then copies them to docs/screenshots"
	@echo "make bench      ours against tower-sessions + axum-login and bare axum; table into README"
	@echo "make bench-instances  revoke on one instance -> stream closed on another (PostgreSQL)"
	@echo "make lighthouse  release build, then Lighthouse (mobile) on /login and the owner's /account/security; table into README"
	@echo "make fuzz       random inputs for the RPC decoder, cookie parser and policy validator (FUZZ_SECONDS per target, default 60)"

wasm-size: tools build-release

run: tools build-release
	LATCHKEY_DEV=true LATCHKEY_SITE_ROOT=target/site LATCHKEY_METRICS_LISTEN=127.0.0.1:9464 ./target/release/latchkey

test: tools test-deps lint docs build test-rust test-postgres test-e2e
	@echo "All tests passed."

tools:
	@scripts/install-tools.sh

test-deps:
	@scripts/install-test-deps.sh

build:
	cargo leptos build

build-release:
	RUSTFLAGS="$(RELEASE_RUSTFLAGS)" cargo leptos build --release --precompress
	@scripts/wasm-size.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --exclude frontend --all-targets --features bench/instances -- -D warnings
	cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown --target-dir target/front -- -D warnings

# The guides in docs/ as a book, into target/book. Its links and the flags
# it documents are checked by a test (server/tests/docs.rs), in test-rust.
docs:
	@scripts/install-mdbook.sh
	mdbook build docs

# Unit and integration tests on SQLite.
test-rust:
	cargo test --workspace --exclude frontend

# The integration suites again, on a throw-away PostgreSQL server.
test-postgres:
	scripts/with-postgres.sh cargo test -p auth -p server --tests

test-e2e:
	scripts/e2e.sh

# The guides' pictures. Browser tests save theirs under target/screenshots
# (so `make test` leaves the work tree as it was); these are taken on fresh
# servers, so they show the addresses the tests ask for, then copied.
.PHONY: screenshots
screenshots: tools test-deps build
	rm -rf target/screenshots
	scripts/e2e.sh tests/screenshots.spec.ts tests/toast.spec.ts
	cp target/screenshots/*.png docs/screenshots/

clean:
	cargo clean
	rm -rf end2end/node_modules end2end/test-results .tools

# Benchmarks (not tests), on release builds. `make bench`: ours against the
# peer (tower-sessions + axum-login, its own workspace in bench/peer) and bare
# axum, one after the other, then ours and the peer again on a throw-away
# PostgreSQL (one instance, two, and a revoke on one seen by the other); the
# table goes into the README. The idle-stream figure needs a file descriptor
# per stream on each side. All three build with the same profile and flags,
# into the same target directory, so the crates the peer shares with ours
# (tokio, hyper, axum, serde, ...) are not compiled twice.
.PHONY: bench
bench: tools test-deps build-release
	RUSTFLAGS="$(RELEASE_RUSTFLAGS)" cargo build --release --locked --manifest-path bench/peer/Cargo.toml --target-dir target
	RUSTFLAGS="$(RELEASE_RUSTFLAGS)" cargo build --release -p bench --bin figures
	scripts/with-postgres.sh ./target/release/figures --readme README.md

# Lighthouse (npm, default mobile settings) in Debian's Chromium on the
# release build: the sign-in page signed out, and the security page signed
# in as an account owner, median of 3 runs each; the table goes into the
# README. See bench/lighthouse.
.PHONY: lighthouse
lighthouse: tools test-deps build-release
	scripts/lighthouse.sh --readme README.md

.PHONY: bench-instances
bench-instances: test-deps
	scripts/with-postgres.sh cargo run --release -p bench --features instances --bin cross_instance

# Fuzzing by property tests, FUZZ_SECONDS (default 60) per target.
.PHONY: fuzz
fuzz:
	scripts/fuzz.sh
