#!/usr/bin/env bash
# Runs the Playwright suite in headless Chromium against the server built by
# `cargo leptos build`: four instances (normal, with very short sessions,
# with a very short re-authentication window, and rotating on every page
# load) on free loopback ports, each with a throw-away database.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/latchkey-e2e.XXXXXX)
trap 'rm -rf "$dir"' EXIT

E2E_PORT=$(scripts/free-port.sh)
E2E_FAST_PORT=$(scripts/free-port.sh)
while [ "$E2E_FAST_PORT" = "$E2E_PORT" ]; do E2E_FAST_PORT=$(scripts/free-port.sh); done
E2E_REAUTH_PORT=$(scripts/free-port.sh)
while [ "$E2E_REAUTH_PORT" = "$E2E_PORT" ] || [ "$E2E_REAUTH_PORT" = "$E2E_FAST_PORT" ]; do
  E2E_REAUTH_PORT=$(scripts/free-port.sh)
done
ports=("$E2E_PORT" "$E2E_FAST_PORT" "$E2E_REAUTH_PORT")
E2E_ROTATING_PORT=$(scripts/free-port.sh)
while [[ " ${ports[*]} " == *" $E2E_ROTATING_PORT "* ]]; do E2E_ROTATING_PORT=$(scripts/free-port.sh); done
export E2E_PORT E2E_FAST_PORT E2E_REAUTH_PORT E2E_ROTATING_PORT
export E2E_DATABASE_URL="sqlite://$dir/latchkey.db"
export E2E_FAST_DATABASE_URL="sqlite://$dir/fast.db"
export E2E_REAUTH_DATABASE_URL="sqlite://$dir/reauth.db"
export E2E_ROTATING_DATABASE_URL="sqlite://$dir/rotating.db"
cd end2end
npx playwright test "$@"
