#!/usr/bin/env bash
# Runs a command with a throw-away PostgreSQL server on a free loopback port,
# exporting LATCHKEY_TEST_POSTGRES_URL for it, and removes the server after.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed; run scripts/install-test-deps.sh" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/latchkey-pg.XXXXXX)
port=$("$(dirname "$0")/free-port.sh")

# PostgreSQL refuses to run as root; use its own system user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi

stop() {
  as_pg "$pg_bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_pg "$pg_bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
as_pg "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=500" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export LATCHKEY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL test server on 127.0.0.1:$port" >&2
"$@"
