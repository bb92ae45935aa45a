#!/usr/bin/env bash
# TPC-H-shaped benchmark: UniStudio vs SQLite vs DuckDB on the same generated data.
#   bench/sql/run.sh [--sf 1] [--runs 3] [--skip-sqlite] [--sqlite-timeout 900] [--only Q01,Q05] [--write-results]
# Builds a Release unistudio-sql and the generator, generates CSV (once per scale factor),
# converts it to Parquet with UniStudio, loads SQLite, then times every query.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SF=1
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--sf" ]]; then j=$((i + 1)); SF="${!j}"; fi
done
BUILD="$ROOT/build/bench-sql"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUNISTUDIO_TESTS=OFF >/dev/null
ninja -C "$BUILD" -j2 unistudio-sql >/dev/null
mkdir -p "$HERE/build"
g++ -O2 -std=c++20 -o "$HERE/build/tpch_gen" "$HERE/tpch_gen.cc"
if [[ ! -d "$HERE/node_modules/@duckdb/node-api" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund >/dev/null)
fi
exec node "$HERE/run.mjs" --bin "$BUILD/src/engines/sql/unistudio-sql" --gen "$HERE/build/tpch_gen" "$@"
