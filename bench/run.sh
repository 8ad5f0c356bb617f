#!/usr/bin/env bash
# sockport's cost, measured, never asserted (bench/README.md explains each row):
#  1. wall time, sockport and BSD alternated five times in one run (best of each);
#  2. instructions per operation from callgrind, which are repeatable on a
#     noisy machine: (Ir at N operations - Ir at 0) / N, for each variant;
#     and per single call (a stream send or receive; a datagram sendto or
#     recvfrom with an address) over the same BSD call;
#  3. the lwIP port against a raw-API program doing the same work, same lwIP
#     build: 16 MiB TCP in 1 KiB writes, 64-byte UDP round trips;
#  4. instructions (callgrind) and wall time per wait with one ready socket
#     among 10 .. 10 000 registered ones, for sp_poll, the poller, poll(2),
#     epoll and the lwIP port, drawn into bench/poll_scaling.png.
# Usage: bash bench/run.sh   (builds an optimised tree, Release = -O3, in build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench

# Bench is not part of scripts/test.sh, so it installs its own tools here.
need=()
command -v valgrind >/dev/null || need+=(valgrind)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
if [ "${#need[@]}" -gt 0 ]; then
    echo "== set-up: installing ${need[*]}"
    if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); elif sudo -n true 2>/dev/null; then apt=(sudo -n apt-get)
    else
        echo "bench/run.sh needs ${need[*]}: install them (apt-get install ${need[*]})" >&2
        exit 1
    fi
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${need[@]}" >/dev/null ||
        { "${apt[@]}" update -q >/dev/null && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q "${need[@]}" >/dev/null; }
fi

# A table of 16384 handles, so that 10 000 sockets fit.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSOCKPORT_BUILD_TESTS=OFF \
    -DSOCKPORT_BUILD_EXAMPLES=OFF -DSOCKPORT_MAX_SOCKETS=16384 >/dev/null
cmake --build "$build" --target bench_udp bench_poll bench_lwip -j2 >/dev/null
bin="$build/bench/bench_udp"
poll_bin="$build/bench/bench_poll"
lwip_bin="$build/bench/bench_lwip"

echo "== wall time, side by side (100000 UDP round trips; 2001 MiB TCP) =="
"$bin" all 100000

ir() { # instructions of: <program> <args...>
    local out
    out=$(mktemp -d)
    valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$@" >/dev/null 2>"$out/log"
    sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out/cg"
    rm -rf "$out"
}
echo "== instructions per operation (callgrind, user space only) =="
for pair in "udp 20000 round-trip" "tcp 64 MiB"; do
    set -- $pair
    for impl in sp bsd; do
        base=$(ir "$bin" "$impl-$1" 0)
        full=$(ir "$bin" "$impl-$1" "$2")
        per=$(((full - base) / $2))
        printf '%-8s %12s Ir per %s\n' "$impl-$1" "$per" "$3"
        eval "per_$impl=$per"
    done
    awk -v s="$per_sp" -v b="$per_bsd" -v what="$1" \
        'BEGIN { printf "%s: sockport adds %d instructions per %s (%.2fx)\n", what, s - b, "op", s / b }'
done

echo "== instructions per call over the same BSD call (callgrind) =="
for pair in "scall stream send/recv" "dcall datagram sendto/recvfrom"; do
    set -- $pair
    for impl in sp bsd; do
        base=$(ir "$bin" "$impl-$1" 0)
        full=$(ir "$bin" "$impl-$1" 20000)
        eval "per_$impl=$(((full - base) / 20000))"
    done
    awk -v s="$per_sp" -v b="$per_bsd" -v what="$2 $3" \
        'BEGIN { printf "%-32s sockport %4d, BSD %4d Ir per pair: +%d per call\n", what, s, b, (s - b) / 2 }'
done

echo "== the lwIP port against lwIP's raw API, same lwIP build =="
"$lwip_bin" all 100000
for pair in "tcp 16 MiB" "udp 20000 round-trip"; do
    set -- $pair
    for impl in sp raw; do
        base=$(ir "$lwip_bin" "$impl-$1" 0)
        full=$(ir "$lwip_bin" "$impl-$1" "$2")
        eval "per_$impl=$(((full - base) / $2))"
    done
    awk -v s="$per_sp" -v r="$per_raw" -v what="$1" -v unit="$3" \
        'BEGIN { printf "lwip %s: sockport %d, raw API %d Ir per %s (%.3fx)\n", what, s, r, unit, s / r }'
done

echo "== one ready socket among N: instructions per wait (callgrind) / ns per wait (wall) =="
methods=(sp-poll sp-poller poll epoll lwip-poller lwip-poll)
# The lwIP host build holds 1100 socket records (port/lwip/host/lwipopts.h).
lwip_max=1000
waits=200
dat="$build/poll_scaling.dat"
printf '# N %s\n' "${methods[*]}" >"$dat"
printf '%-7s' N
printf ' %18s' "${methods[@]}"
printf '\n'
for n in 10 100 1000 10000; do
    row="$n"
    printf '%-7s' "$n"
    for m in "${methods[@]}"; do
        if [[ "$m" == lwip-* && "$n" -gt "$lwip_max" ]]; then
            row+=" -"
            printf ' %18s' "-"
            continue
        fi
        base=$(ir "$poll_bin" "$m" "$n" 0)
        full=$(ir "$poll_bin" "$m" "$n" "$waits")
        per=$(((full - base) / waits))
        ns=$("$poll_bin" "$m" "$n" 20000 | sed -n 's/.*: \([0-9]*\) ns per wait/\1/p')
        row+=" $per"
        printf ' %9s Ir %5s ns' "$per" "$ns"
    done
    printf '\n'
    echo "$row" >>"$dat"
done

gnuplot <<EOF
set terminal pngcairo size 900,560
set output "bench/poll_scaling.png"
set title "One ready socket among N registered: user-space instructions per wait (callgrind)"
set logscale xy
set xlabel "registered sockets"
set ylabel "instructions per wait"
set key top left
set grid
set datafile missing "-"
names = "sp_poll sp_poller(epoll) poll(2) epoll lwIP:sp_poller lwIP:sp_poll"
plot for [i=2:7] "$dat" using 1:i with linespoints title word(names, i-1) noenhanced
EOF
echo "plot: bench/poll_scaling.png"
