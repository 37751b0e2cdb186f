#!/usr/bin/env bash
# Runs the Playwright suite in headless Chromium against the server built by
# `cargo leptos build`: five instances (normal, with very short sessions,
# with a very short re-authentication window, rotating on every page load,
# one behind nginx protecting a tiny app, and one on HTTPS binding sessions
# to the device) on free loopback ports, each with a throw-away database.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/latchkey-e2e.XXXXXX)
trap 'rm -rf "$dir"' EXIT

# Distinct free loopback ports for everything the suite starts.
ports=()
while [ ${#ports[@]} -lt 9 ]; do
  port=$(scripts/free-port.sh)
  [[ " ${ports[*]} " == *" $port "* ]] || ports+=("$port")
done
E2E_PORT=${ports[0]} E2E_FAST_PORT=${ports[1]} E2E_REAUTH_PORT=${ports[2]}
E2E_ROTATING_PORT=${ports[3]} E2E_PROXIED_PORT=${ports[4]} E2E_APP_PORT=${ports[5]}
E2E_PROXY_PORT=${ports[6]} E2E_CADDY_PORT=${ports[7]} E2E_BOUND_PORT=${ports[8]}
export E2E_PORT E2E_FAST_PORT E2E_REAUTH_PORT E2E_ROTATING_PORT
export E2E_PROXIED_PORT E2E_APP_PORT E2E_PROXY_PORT E2E_CADDY_PORT E2E_BOUND_PORT
# nginx and Caddy in front of a Latchkey and a tiny app; nginx's workers
# may run as another user, who must reach the folder.
chmod 755 "$dir"
sed -e "s|@DIR@|$dir|g" -e "s|@PROXY_PORT@|$E2E_PROXY_PORT|g" \
  -e "s|@LATCHKEY_PORT@|$E2E_PROXIED_PORT|g" -e "s|@APP_PORT@|$E2E_APP_PORT|g" \
  end2end/proxy/nginx.conf > "$dir/nginx.conf"
export E2E_PROXY_DIR="$dir"
export E2E_DATABASE_URL="sqlite://$dir/latchkey.db"
export E2E_FAST_DATABASE_URL="sqlite://$dir/fast.db"
export E2E_REAUTH_DATABASE_URL="sqlite://$dir/reauth.db"
export E2E_ROTATING_DATABASE_URL="sqlite://$dir/rotating.db"
export E2E_PROXIED_DATABASE_URL="sqlite://$dir/proxied.db"
export E2E_BOUND_DATABASE_URL="sqlite://$dir/bound.db"
# The main server's mail, as files (it has no SMTP).
export E2E_MAIL_DIR="$dir/mail"
# Device-bound sessions need HTTPS: a self-signed certificate made now,
# which the tests' Chromium trusts by the hash of its public key.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
  -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
E2E_TLS_SPKI=$(openssl x509 -in "$dir/tls.crt" -pubkey -noout |
  openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
export E2E_TLS_CERT="$dir/tls.crt" E2E_TLS_KEY="$dir/tls.key" E2E_TLS_SPKI
cd end2end
npx playwright test "$@"
