#!/usr/bin/env bash
# S3 PUT/GET benchmark against UniStudio and moto_server in the same run (see s3_bench.py).
# usage: bench/s3/run.sh [path/to/unistudio] [--seconds N] [--large-count N] [--rss-probe-mib N]
#        (default binary: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="$root/build/release/src/cli/unistudio"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then binary="$1"; shift; fi
exec env PYTHONDONTWRITEBYTECODE=1 python3 "$root/bench/s3/s3_bench.py" "$binary" "$@"
