#!/usr/bin/env bash
# Installs what the tests need besides the build tools, skipping what is
# already there: Debian's Chromium, PostgreSQL, nginx and Caddy (in front
# of a protected app in the end-to-end tests), wrk (for `make bench`), the
# end-to-end npm packages (without Playwright's own browser download,
# which cannot work here), and mdBook (the book `make test` builds).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
[ -x /usr/sbin/nginx ] || packages+=(nginx)
[ -x /usr/bin/caddy ] || packages+=(caddy)
# A self-signed certificate for the HTTPS server of the device-bound
# session tests.
[ -x /usr/bin/openssl ] || packages+=(openssl)
# An outside load generator, for a second opinion in `make bench`.
[ -x /usr/bin/wrk ] || packages+=(wrk)
if [ ${#packages[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  step "installing ${packages[*]} from Debian"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# Again when a package was added since (the axe accessibility checks).
if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
  step "installing the end-to-end test packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

scripts/install-mdbook.sh
