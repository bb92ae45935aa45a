#!/usr/bin/env bash
# S3 PUT/GET benchmark against UniStudio and moto_server in the same run (see s3_bench.py).
# usage: bench/s3/run.sh [path/to/unistudio]   (default: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
exec python3 "$root/bench/s3/s3_bench.py" "${1:-$root/build/release/src/cli/unistudio}" "${@:2}"
