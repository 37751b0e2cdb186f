#!/usr/bin/env bash
# Installs the build tools `make run` and `make test` need, skipping what is
# already there: OpenSSL's headers, the wasm32 target, cargo-leptos, wasm-bindgen-cli of exactly
# the version in Cargo.lock, and wasm-opt (binaryen, from npm, for release
# builds). Only the package registries are reachable, so nothing is
# downloaded from anywhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# OpenSSL's headers and pkg-config, for webauthn-rs (passkeys), from Debian.
if ! pkg-config --exists openssl 2>/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  step "installing libssl-dev and pkg-config from Debian"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly. Its own lock
# file names a crate version this registry lacks, so no --locked here.
wasm_bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  step "installing wasm-bindgen-cli $wasm_bindgen_version"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

# Debian's binaryen is too old for current Rust output; npm has a new one.
if [ ! -x .tools/node_modules/.bin/wasm-opt ]; then
  step "installing wasm-opt (binaryen $BINARYEN_VERSION) into .tools/"
  npm install --prefix .tools --no-audit --no-fund --no-save "binaryen@$BINARYEN_VERSION" >/dev/null
fi
