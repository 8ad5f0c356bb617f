#!/usr/bin/env bash
# sockport's cost over plain BSD sockets, measured two ways:
#  1. wall time, sockport and BSD alternated five times in one run (best of each);
#  2. instructions per operation from callgrind, which are repeatable on a
#     noisy machine: (Ir at N operations - Ir at 0) / N, for each variant.
# Usage: bench/run.sh   (builds an optimised tree in build/bench; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSOCKPORT_BUILD_TESTS=OFF \
  -DSOCKPORT_BUILD_EXAMPLES=OFF -DSOCKPORT_WITH_LWIP=OFF >/dev/null
cmake --build "$build" --target bench_udp -j2 >/dev/null
bin="$build/bench/bench_udp"

echo "== wall time, side by side (100000 UDP round trips; 2001 MiB TCP) =="
"$bin" all 100000

command -v valgrind >/dev/null || { echo "valgrind not installed: no instruction counts"; exit 0; }
ir() { # instructions of: bench_udp <variant> <count>
  local out; out=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$bin" "$1" "$2" >/dev/null 2>"$out/log"
  sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out/cg"
  rm -rf "$out"
}
echo "== instructions per operation (callgrind, user space only) =="
for pair in "udp 20000 round-trip" "tcp 64 MiB"; do
  set -- $pair
  for impl in sp bsd; do
    base=$(ir "$impl-$1" 0); full=$(ir "$impl-$1" "$2")
    per=$(( (full - base) / $2 ))
    printf '%-8s %12s Ir per %s\n' "$impl-$1" "$per" "$3"
    eval "per_$impl=$per"
  done
  awk -v s="$per_sp" -v b="$per_bsd" -v what="$1" \
    'BEGIN { printf "%s: sockport adds %d instructions per %s (%.2fx)\n", what, s - b, "op", s / b }'
done
