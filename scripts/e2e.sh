#!/usr/bin/env bash
# Runs the Playwright suite in headless Chromium against the server built by
# `cargo leptos build`, on a free loopback port with a throw-away database.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/latchkey-e2e.XXXXXX)
trap 'rm -rf "$dir"' EXIT

export E2E_PORT=$(scripts/free-port.sh)
export E2E_DATABASE_URL="sqlite://$dir/latchkey.db"
cd end2end
npx playwright test "$@"
