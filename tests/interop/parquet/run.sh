#!/usr/bin/env bash
# Parquet interop check (ctest `parquet_interop`): installs the pinned npm packages when they
# are missing, writes fixtures with DuckDB and hyparquet-writer, then runs the C++ test binary
# over them (which also has DuckDB read files the library writes).
# Usage: run.sh TEST_BINARY WORK_DIR. Exits 77 (skipped) when node/npm are not installed or
# the npm registry cannot be reached.
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=$1
work=$2

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node or npm is not installed"
  exit 77
fi
if [ ! -d "$here/node_modules/@duckdb/node-api" ] || [ ! -d "$here/node_modules/hyparquet-writer" ]; then
  if ! (cd "$here" && npm ci --no-audit --no-fund); then
    echo "SKIP: npm ci failed (is the npm registry reachable?)"
    exit 77
  fi
fi

rm -rf "$work"
mkdir -p "$work/fixtures" "$work/written"
node "$here/generate.mjs" "$work/fixtures" || exit 1
PARQUET_INTEROP_FIXTURES="$work/fixtures" PARQUET_INTEROP_SCRIPTS="$here" \
  PARQUET_INTEROP_WORK="$work/written" "$binary"
