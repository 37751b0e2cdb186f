#!/usr/bin/env bash
# Prints the size of the built WASM bundle: raw, gzip, and the brotli copy
# the server sends when the build made one (`--precompress`).
set -euo pipefail
# The bundle's name carries its hash (`latchkey.<hash>.wasm`) when the build
# hashes file names.
default=$(ls target/site/pkg/latchkey*.wasm 2>/dev/null | head -n 1)
wasm=${1:-${default:-target/site/pkg/latchkey.wasm}}
kib() { echo $(( ($1 + 512) / 1024 )); }
raw=$(stat -c %s "$wasm")
gzipped=$(gzip -9 -c "$wasm" | wc -c)
sizes="$(kib "$raw") KiB raw, $(kib "$gzipped") KiB gzip"
if [[ -f "$wasm.br" ]]; then
  sizes="$sizes, $(kib "$(stat -c %s "$wasm.br")") KiB brotli as served"
fi
printf 'WASM bundle: %s (%s)\n' "$sizes" "$wasm"
