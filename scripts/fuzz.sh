#!/usr/bin/env bash
# Fuzzing by property tests: runs each target (the `fuzz_*` tests of a
# module) again and again with fresh random seeds for FUZZ_SECONDS seconds
# (default 60), stopping at the first failure. proptest shrinks a failure
# to a small input and saves its seed under proptest-regressions/, so the
# next `make test` replays it.
set -euo pipefail

seconds="${FUZZ_SECONDS:-60}"
cases="${FUZZ_CASES_PER_RUN:-5000}"
# package and test-name filter, one target per line
targets=(
    "server fuzz_rpc_"
    "server fuzz_cookie_"
    "api fuzz_policy_"
)

cargo test -p api -p server --lib --no-run

for target in "${targets[@]}"; do
    read -r package filter <<<"$target"
    end=$((SECONDS + seconds))
    runs=0
    while ((SECONDS < end)); do
        if ! output=$(PROPTEST_CASES="$cases" cargo test -q -p "$package" --lib "$filter" 2>&1); then
            echo "$output"
            echo "fuzz: $filter FAILED after $runs clean runs"
            exit 1
        fi
        runs=$((runs + 1))
    done
    echo "fuzz: $filter: $runs runs of $cases cases each, no failure (${seconds}s)"
done
