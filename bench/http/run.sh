#!/usr/bin/env bash
# Load test of an authenticated JSON operation (identitystore ListUsers: SigV4 verification,
# IAM authorization, a metadata-store read, json encoding) with wrk: requests/s and latency with
# 1 and 64 keep-alive connections, the same request against moto_server (the peer: Python,
# no signature verification) in the same run, then UniStudio's RSS across about a million
# requests.
#
# usage: bench/http/run.sh [path/to/unistudio]   (default: build/release/src/cli/unistudio)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/build/release/src/cli/unistudio}"
dir="$(mktemp -d)"
port=18761
moto_port=18762
key=AKIABENCHROOTKEY0000
secret=bench/secret/key/0123456789abcdefghijklmn
UNISTUDIO_ROOT_ACCESS_KEY_ID=$key UNISTUDIO_ROOT_SECRET_ACCESS_KEY=$secret \
  "$bin" serve --listen 127.0.0.1:$port --data-dir "$dir/data" >"$dir/server.out" 2>/dev/null &
pid=$!
moto_pid=""
trap 'kill $pid $moto_pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 100); do grep -q "identity store" "$dir/server.out" 2>/dev/null && break; sleep 0.1; done
store_id="$(grep -o 'd-[0-9a-f]\{10\}' "$dir/server.out" | head -1)"
python3 "$root/bench/http/signed_request.py" "http://127.0.0.1:$port" $key $secret "$store_id" \
  >"$dir/request.lua"
rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status; }

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cores"
wrk -t1 -c1 -d3s -s "$dir/request.lua" "http://127.0.0.1:$port/" >/dev/null  # warm-up
echo "1 connection:   $(wrk -t1 -c1 -d10s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"
echo "64 connections: $(wrk -t2 -c64 -d10s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"

python3 -m moto.server -p $moto_port >"$dir/moto.out" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do curl -s "http://127.0.0.1:$moto_port/" >/dev/null 2>&1 && break; sleep 0.1; done
python3 "$root/bench/http/signed_request.py" "http://127.0.0.1:$moto_port" $key $secret "$store_id" \
  >"$dir/moto.lua"
echo "moto_server, 1 connection:   $(wrk -t1 -c1 -d10s -s "$dir/moto.lua" "http://127.0.0.1:$moto_port/" | tail -1)"
echo "moto_server, 64 connections: $(wrk -t2 -c64 -d10s -s "$dir/moto.lua" "http://127.0.0.1:$moto_port/" | tail -1)"
kill $moto_pid
wait $moto_pid 2>/dev/null || true
moto_pid=""
before=$(rss)
total=0
while [ $total -lt ${BENCH_TOTAL:-1000000} ]; do
  line="$(wrk -t2 -c64 -d20s -s "$dir/request.lua" "http://127.0.0.1:$port/" | tail -1)"
  n="$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')"
  total=$((total + n))
  echo "  after $total more requests: RSS $(rss) KiB"
done
echo "RSS before the million: ${before} KiB, after: $(rss) KiB"
