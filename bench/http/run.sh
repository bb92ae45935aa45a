#!/usr/bin/env bash
# Load test of an authenticated JSON operation (identitystore ListUsers: SigV4 verification,
# IAM authorization, a metadata-store read, json encoding) with wrk: requests/s and latency with
# 1 and 64 keep-alive connections, then the server's RSS across about a million requests.
#
# usage: bench/http/run.sh [path/to/unistudio]   (default: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/release/src/cli/unistudio}"
dir="$(mktemp -d)"
port=18761
key=AKIABENCHROOTKEY0000
secret=bench/secret/key/0123456789abcdefghijklmn
UNISTUDIO_ROOT_ACCESS_KEY_ID=$key UNISTUDIO_ROOT_SECRET_ACCESS_KEY=$secret \
  "$bin" serve --listen 127.0.0.1:$port --data-dir "$dir/data" >"$dir/server.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do grep -q "identity store" "$dir/server.out" 2>/dev/null && break; sleep 0.1; done
store_id="$(grep -o 'd-[0-9a-f]\{10\}' "$dir/server.out" | head -1)"
python3 "$root/bench/http/signed_request.py" "http://127.0.0.1:$port" $key $secret "$store_id" \
  >"$dir/request.lua"
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cores"
wrk -t1 -c1 -d3s -s "$dir/request.lua" "http://127.0.0.1:$port/" >/dev/null  # warm-up
echo "1 connection:   $(wrk -t1 -c1 -d10s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"
echo "64 connections: $(wrk -t2 -c64 -d10s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"
before=$(rss)
total=0
while [ $total -lt ${BENCH_TOTAL:-1000000} ]; do
  line="$(wrk -t2 -c64 -d20s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"
  n="$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')"
  total=$((total + n))
  echo "  after $total more requests: RSS $(rss) KiB"
done
echo "RSS before the million: ${before} KiB, after: $(rss) KiB"
