#!/usr/bin/env bash
# Installs mdBook, which builds the guides in docs/ into a book (`make docs`,
# and so `make test`), skipping it when this version is already there. It
# is compiled from crates.io, like cargo-leptos: only the package registries
# are reachable. Without the `serve` and `watch` features (a local web
# server and a file watcher, which `mdbook build` does not use), it takes
# about 3.5 minutes of CPU to compile: measured 11 minutes on two cores
# shared with other builds, less on an idle machine.
set -euo pipefail

MDBOOK_VERSION=0.5.4

if [ "$(mdbook --version 2>/dev/null)" != "mdbook v$MDBOOK_VERSION" ]; then
  printf '\033[1m==> %s\033[0m\n' "installing mdbook $MDBOOK_VERSION (minutes, once)"
  cargo install mdbook --version "$MDBOOK_VERSION" --locked --no-default-features --features search
fi
