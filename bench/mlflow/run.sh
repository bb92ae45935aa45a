#!/usr/bin/env bash
# MLflow tracking benchmark (see mlflow_bench.py): log-batch, search_runs over 100,000 runs,
# a 100,000-point metric history, and 32 concurrent single-metric clients.
# usage: bench/mlflow/run.sh [path/to/unistudio] [--runs N] [--seconds S] [--fixture DIR]
#        (default binary: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec python3 "$root/bench/mlflow/mlflow_bench.py" "${1:-$root/build/release/src/cli/unistudio}" "${@:2}"
