#!/usr/bin/env bash
# Training benchmarks (see training_bench.py): job start overhead through the SageMaker API,
# and the built-in XGBoost algorithm against the `xgboost` CLI (Debian) on the same data.
# usage: bench/training/run.sh [path/to/unistudio]   (default: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec python3 "$root/bench/training/training_bench.py" \
  "${1:-$root/build/release/src/cli/unistudio}" "${@:2}"
