#!/usr/bin/env bash
# Athena API benchmark (see athena_bench.py): small-query latency and API overhead, TPC-H
# queries through the API versus the engine alone.
# usage: bench/athena/run.sh [path/to/unistudio] [--sf 0.05] [--runs 3] [--small-runs 300]
#        (default binary: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/release/src/cli/unistudio}"
mkdir -p "$root/bench/athena/build"
g++ -O2 -std=c++20 -o "$root/bench/athena/build/tpch_gen" "$root/bench/sql/tpch_gen.cc"
exec python3 "$root/bench/athena/athena_bench.py" "$bin" "$root/bench/athena/build/tpch_gen" "${@:2}"
