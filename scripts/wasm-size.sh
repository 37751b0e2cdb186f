#!/usr/bin/env bash
# Prints the size of the built WASM bundle, raw and gzip (as served).
set -euo pipefail
wasm=${1:-target/site/pkg/latchkey.wasm}
raw=$(stat -c %s "$wasm")
gzipped=$(gzip -9 -c "$wasm" | wc -c)
printf 'WASM bundle: %s KiB raw, %s KiB gzip (%s)\n' "$(( (raw + 512) / 1024 ))" "$(( (gzipped + 512) / 1024 ))" "$wasm"
