#!/usr/bin/env bash
# Lighthouse on the release build (`make build-release`): the sign-in page
# and the owner's security page, median of 3 runs each, in Debian's Chromium
# (see bench/lighthouse/lighthouse.js). Installs Lighthouse from npm into
# bench/lighthouse the first time. Arguments go to the node module, e.g.
# `--readme README.md` or `--runs 1`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -d bench/lighthouse/node_modules/lighthouse ]; then
  step "installing Lighthouse into bench/lighthouse"
  (cd bench/lighthouse && npm ci --no-audit --no-fund)
fi

# chrome-launcher takes this Chromium and never downloads one.
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
node bench/lighthouse/lighthouse.js "$@"
