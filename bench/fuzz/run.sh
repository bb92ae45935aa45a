#!/usr/bin/env bash
# Builds every libFuzzer target with clang (AddressSanitizer + UBSan) and runs each for a
# while, printing how many executions ran and whether any input crashed.
#
# usage: bench/fuzz/run.sh [seconds-per-target]   (default 300)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-300}"
build="$root/build/fuzz"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DUNISTUDIO_FUZZ=ON -DUNISTUDIO_WERROR=OFF >/dev/null
fi
targets="$(ninja -C "$build" -t targets all | sed 's/:.*//' | grep -E '^[a-z0-9_]+_fuzzer$' | grep -v '^cmake_' | sort -u)"
ninja -C "$build" $targets >/dev/null
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), ${seconds}s per target"
for t in $targets; do
  bin="$(find "$build" -type f -name "$t" -perm -u+x | head -1)"
  work="$(mktemp -d)"
  if (cd "$work" && "$bin" -max_total_time="$seconds" -print_final_stats=1 "$work" \
        >"$work/log" 2>&1); then
    result=clean
  else
    result="CRASH (see $work)"
  fi
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo '?')"
  printf '%-34s %12s executions  %s\n' "$t" "$runs" "$result"
  [ "$result" = clean ] && rm -rf "$work"
done
