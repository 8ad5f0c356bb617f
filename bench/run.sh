#!/usr/bin/env bash
# sockport's cost, measured, never asserted (bench/README.md explains each row):
#  1. wall time: on POSIX the paired comparison (bench_udp pairs: many
#     samples of about 1 ms, each sockport sample next to a BSD one, the
#     median of their ratios with its spread, and BSD against BSD for the
#     method's own noise), pinned to one CPU; on lwIP, sockport and the raw
#     API alternated five times (best of each); two passes, one at the start
#     and one at the end, so that the spread between them shows what is left;
#  2. instructions per operation from callgrind, which are repeatable on a
#     noisy machine: (Ir at N operations - Ir at 0) / N, for each variant;
#     and per single call (a stream send or receive; a datagram sendto or
#     recvfrom with an address) over the same BSD call;
#  3. the lwIP port against a raw-API program doing the same work, same lwIP
#     build: 16 MiB TCP in 1 KiB writes, 64-byte UDP round trips;
#  4. instructions (callgrind) and wall time per wait with one ready socket
#     among 10 .. 10 000 registered ones, for sp_poll, the poller, poll(2),
#     epoll and the lwIP port, drawn into bench/poll_scaling.png;
#  5. the whole table, with each goal of issue 11 met or missed and by how
#     much, in bench/README.md's Markdown (pasted from here, never edited).
# Usage: bash bench/run.sh   (builds an optimised tree, Release = -O3, in build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/bench

# The same set-up as the tests (it also installs valgrind and gnuplot-nox,
# and fetches the lwIP source bench_lwip builds on); it fails naming what is
# missing when it can neither install as root nor through sudo.
bash scripts/setup.sh </dev/null || { echo "bench/run.sh: scripts/setup.sh failed" >&2; exit 1; }

# A table of 16384 handles, so that 10 000 sockets fit.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSOCKPORT_BUILD_TESTS=OFF \
    -DSOCKPORT_BUILD_EXAMPLES=OFF -DSOCKPORT_MAX_SOCKETS=16384 >/dev/null
# bench_udp linked with its code placed otherwise (gcc builds only; see
# bench/CMakeLists.txt), for the placement row.
mapfile -t placements < <(cmake --build "$build" --target help | grep -o 'bench_udp_place[0-9]*' | sort -u)
cmake --build "$build" --target bench_udp bench_poll bench_lwip "${placements[@]}" -j2 >/dev/null
bin="$build/bench/bench_udp"
poll_bin="$build/bench/bench_poll"
lwip_bin="$build/bench/bench_lwip"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit+=" (with local changes)"

# A measured program that fails (every one exits non-zero on any unexpected
# result) is run once more: the machine's loopback is shared, and a stray
# datagram from another program to one of 10 000 bound ports is not ours. A
# second failure stops the run; no figure comes from a failed run.
retry() { # <command...>: its output
    local out
    if out=$("$@"); then
        printf '%s\n' "$out"
        return 0
    fi
    echo "run.sh: '$*' failed; running it once more" >&2
    "$@"
}

# POSIX wall time: bench_udp pairs, 1000 rounds (about 10 s), pinned to the
# last CPU (taskset is util-linux's, in every Debian) so that a sample is not
# moved between CPUs halfway; pairs_out[<pass>] keeps its report.
posix_rounds=1000
posix_cpu=$(($(nproc) - 1))
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$posix_cpu"); fi
declare -A pairs_out
# lwIP wall time: "<sp> <s> <base> <s> ... ratio <r>" lines of bench_lwip all;
# wall[<row>,<pass>] keeps "sp-seconds base-seconds ratio".
declare -A wall
declare -a load
wall_pass() { # <pass number>
    local out line k=0
    load[$1]=$(cut -d' ' -f1 /proc/loadavg)
    echo "== POSIX wall time, pass $1: bench_udp pairs $posix_rounds${pin[*]:+, pinned to CPU $posix_cpu} =="
    pairs_out[$1]=$(retry "${pin[@]}" "$bin" pairs "$posix_rounds")
    echo "${pairs_out[$1]}"
    echo "== lwIP wall time, pass $1: side by side (256 MiB TCP, 1000000 UDP round trips) =="
    out=$(retry "$lwip_bin" all 1000000)
    echo "$out"
    echo "(load average before the pass: ${load[$1]}, after: $(cut -d' ' -f1 /proc/loadavg))"
    for row in lwip-tcp lwip-udp; do
        k=$((k + 1))
        line=$(sed -n "${k}p" <<<"$out")
        wall[$row,$1]=$(awk '{ print $2, $5, $NF }' <<<"$line")
    done
}
wall_pass 1

ir() { # instructions of: <program> <args...> (fails if the program does)
    local out rc=0
    out=$(mktemp -d)
    valgrind -q --tool=callgrind --callgrind-out-file="$out/cg" "$@" \
        >/dev/null 2>"$out/log" || rc=$?
    [ "$rc" -eq 0 ] && sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out/cg"
    [ "$rc" -eq 0 ] || tail -3 "$out/log" >&2
    rm -rf "$out"
    return "$rc"
}
per_op() { # <program> <variant> <count>: instructions per operation, set-up cancelled
    local base full
    base=$(retry ir "$1" "$2" 0)
    full=$(retry ir "$1" "$2" "$3")
    echo $(((full - base) / $3))
}
declare -A irs
echo "== instructions per operation (callgrind, user space only) =="
for pair in "udp 20000 round-trip" "tcp 64 MiB"; do
    set -- $pair
    for impl in sp bsd; do
        irs[$impl-$1]=$(per_op "$bin" "$impl-$1" "$2")
        printf '%-8s %12s Ir per %s\n' "$impl-$1" "${irs[$impl-$1]}" "$3"
    done
    awk -v s="${irs[sp-$1]}" -v b="${irs[bsd-$1]}" -v what="$1" -v unit="$3" \
        'BEGIN { printf "%s: sockport adds %d instructions per %s (%.2fx)\n", what, s - b, unit, s / b }'
done

echo "== instructions per call over the same BSD call (callgrind) =="
for pair in "scall stream send/recv" "dcall datagram sendto/recvfrom"; do
    set -- $pair
    for impl in sp bsd; do
        irs[$impl-$1]=$(per_op "$bin" "$impl-$1" 20000)
    done
    awk -v s="${irs[sp-$1]}" -v b="${irs[bsd-$1]}" -v what="$2 $3" \
        'BEGIN { printf "%-32s sockport %4d, BSD %4d Ir per pair: +%d per call\n", what, s, b, (s - b) / 2 }'
done

echo "== the lwIP port against lwIP's raw API, same lwIP build (callgrind) =="
for pair in "tcp 16 MiB" "udp 20000 round-trip"; do
    set -- $pair
    for impl in sp raw; do
        irs[lwip-$impl-$1]=$(per_op "$lwip_bin" "$impl-$1" "$2")
    done
    awk -v s="${irs[lwip-sp-$1]}" -v r="${irs[lwip-raw-$1]}" -v what="$1" -v unit="$3" \
        'BEGIN { printf "lwip %s: sockport %d, raw API %d Ir per %s (%.3fx)\n", what, s, r, unit, s / r }'
done

echo "== one ready socket among N: instructions per wait (callgrind) / ns per wait (wall) =="
methods=(sp-poll sp-poller poll epoll lwip-poller lwip-poll)
counts=(10 100 1000 10000)
# The lwIP host build holds 1100 socket records (port/lwip/host/lwipopts.h).
lwip_max=1000
waits=200
declare -A wait_ir wait_ns
dat="$build/poll_scaling.dat"
printf '# N %s\n' "${methods[*]}" >"$dat"
printf '%-7s' N
printf ' %18s' "${methods[@]}"
printf '\n'
for n in "${counts[@]}"; do
    row="$n"
    printf '%-7s' "$n"
    for m in "${methods[@]}"; do
        if [[ "$m" == lwip-* && "$n" -gt "$lwip_max" ]]; then
            row+=" -"
            printf ' %18s' "-"
            continue
        fi
        base=$(retry ir "$poll_bin" "$m" "$n" 0)
        full=$(retry ir "$poll_bin" "$m" "$n" "$waits")
        wait_ir[$m,$n]=$(((full - base) / waits))
        wait_ns[$m,$n]=$(retry "$poll_bin" "$m" "$n" 20000 | sed -n 's/.*: \([0-9]*\) ns per wait/\1/p')
        row+=" ${wait_ir[$m,$n]}"
        printf ' %9s Ir %5s ns' "${wait_ir[$m,$n]}" "${wait_ns[$m,$n]}"
    done
    printf '\n'
    echo "$row" >>"$dat"
done

gnuplot <<GNUPLOT
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
GNUPLOT
echo "plot: bench/poll_scaling.png"

wall_pass 2

# Code placement: the same comparison in bench_udp and in each of its other
# links, 400 rounds each; place_med[<udp|tcp>] keeps their quiet medians.
declare -A place_med
echo "== POSIX wall time, code placement: bench_udp pairs 400 in bench_udp${placements[*]:+ and ${placements[*]}} =="
for prog in bench_udp "${placements[@]}"; do
    out=$(retry "${pin[@]}" "$build/bench/$prog" pairs 400)
    for c in udp tcp; do
        m=$(awk -v c="$c" '$1 == c && $2 == "quiet" { print $6 }' <<<"$out")
        place_med[$c]+="${place_med[$c]:+ }$m"
        printf '%-20s %s quiet median %s\n' "$prog" "$c" "$m"
    done
done

# ---- The table, in bench/README.md's Markdown ----
num() { # 1234567 -> 1 234 567, as the README writes numbers
    sed -E ':a; s/([0-9])([0-9]{3})($|[^0-9])/\1 \2\3/; ta' <<<"$1"
}
# Met or missed, and by how much: <value> <goal> <decimals> (value <= goal is met).
verdict() {
    awk -v v="$1" -v g="$2" -v d="$3" 'BEGIN {
        by = (v <= g) ? g - v : v - g
        printf "%s, by %.*f", (v <= g) ? "yes" : "**no**", d, by }'
}
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { printf "%.*f", d, a / b }'; }
# From pass <pass>'s report of comparison <name>: the quiet pairs' count,
# median, quartiles and 95 % interval, the median of all pairs, and the
# median sample of each side in ms.
pair_stats() { # <pass> <name>
    awk -v c="$2" '$1 == c && /median sample/ { a = $(NF - 4); b = $(NF - 1) }
        $1 == c && $2 == "all" { all = $6 }
        $1 == c && $2 == "quiet" { n = $3; med = $6; q1 = $8; q3 = $9; lo = $11; hi = $12 }
        END { print n, med, q1, q3, lo, hi, all, a, b }' <<<"${pairs_out[$1]}"
}
# A POSIX wall row's cells: both passes, and the verdict: met when both 95 %
# intervals lie at or under the goal, missed when both lie over it.
pair_cells() { # <name> <goal>
    local n1 m1 a1 c1 l1 h1 all1 sa1 ba1 n2 m2 a2 c2 l2 h2 all2 sa2 ba2
    read -r n1 m1 a1 c1 l1 h1 all1 sa1 ba1 <<<"$(pair_stats 1 "$1")"
    read -r n2 m2 a2 c2 l2 h2 all2 sa2 ba2 <<<"$(pair_stats 2 "$1")"
    printf '%s ms / %s ms | %s ms / %s ms | **%.3f×** / **%.3f×** (quiet pairs %s / %s of %s; IQR %.3f–%.3f / %.3f–%.3f; 95 %% CI %s–%s / %s–%s; all pairs %.3f× / %.3f×)' \
        "$sa1" "$sa2" "$ba1" "$ba2" "$m1" "$m2" "$n1" "$n2" "$posix_rounds" "$a1" "$c1" "$a2" "$c2" \
        "$l1" "$h1" "$l2" "$h2" "$all1" "$all2"
    # Met or missed only when both passes' intervals and every placement's
    # median (place_med) are on the same side of the goal.
    awk -v m1="$m1" -v m2="$m2" -v l1="$l1" -v h1="$h1" -v l2="$l2" -v h2="$h2" -v g="$2" \
        -v places="${place_med[$1]}" '
    function by(a, b) { # "0.003 to 0.004", or "0.004" once when both round alike
        return sprintf("%.3f", a) == sprintf("%.3f", b) ? sprintf("%.3f", a) : sprintf("%.3f to %.3f", a, b)
    }
    BEGIN {
        if (l1 == "n/a" || l2 == "n/a") {
            printf " | ≤ %s× | not shown (fewer than 30 quiet pairs in a pass)", g
            exit
        }
        hi = (h1 > h2) ? h1 : h2; lo = (l1 < l2) ? l1 : l2
        mhi = (m1 > m2) ? m1 : m2; mlo = (m1 < m2) ? m1 : m2
        k = split(places, p, " "); phi = 0; plo = 9
        for (i = 1; i <= k; i++) { if (p[i] > phi) phi = p[i]; if (p[i] < plo) plo = p[i] }
        if (hi <= g && phi <= g)
            printf " | ≤ %s× | yes, by %s (both intervals and every placement under it)", g, by(g - mhi, g - mlo)
        else if (lo > g && plo > g)
            printf " | ≤ %s× | **no**, by %s (both intervals and every placement over it)", g, by(mlo - g, mhi - g)
        else if (hi <= g)
            printf " | ≤ %s× | in this link (both intervals under it), not in every placement (up to %.3f×)", g, phi
        else if (lo > g)
            printf " | ≤ %s× | **not in this link** (both intervals over it, by %s), in another placement (down to %.3f×)", g, by(mlo - g, mhi - g), plo
        else printf " | ≤ %s× | not shown either way (an interval reaches over %s×)", g, g }'
}
# The code placement row's cells: the medians' range per comparison.
placement_range() { # <udp|tcp>
    awk -v places="${place_med[$1]}" 'BEGIN {
        k = split(places, p, " "); hi = 0; lo = 9
        for (i = 1; i <= k; i++) { if (p[i] > hi) hi = p[i]; if (p[i] < lo) lo = p[i] }
        printf "%.3f×–%.3f× (%d links: %s)", lo, hi, k, places }'
}
# The method's own noise: BSD against BSD in the same runs.
calibration_cells() { # <name>
    local n1 m1 a1 c1 l1 h1 all1 n2 m2 a2 c2 l2 h2 all2 rest
    read -r n1 m1 a1 c1 l1 h1 all1 rest <<<"$(pair_stats 1 "$1")"
    read -r n2 m2 a2 c2 l2 h2 all2 rest <<<"$(pair_stats 2 "$1")"
    printf '**%.3f×** / **%.3f×** (quiet pairs %s / %s; IQR %.3f–%.3f / %.3f–%.3f; 95 %% CI %s–%s / %s–%s)' \
        "$m1" "$m2" "$n1" "$n2" "$a1" "$c1" "$a2" "$c2" "$l1" "$h1" "$l2" "$h2"
}
lwip_wall() { # <row>: "wall 0.91× / 0.93×"
    local r1 r2
    r1=$(awk '{ print $3 }' <<<"${wall[$1,1]}")
    r2=$(awk '{ print $3 }' <<<"${wall[$1,2]}")
    printf 'wall %.2f× / %.2f×' "$r1" "$r2"
}
# Flatness of a poller: its largest instructions per wait over its smallest, N from 10 to <max>.
flat() { # <method> <max N>
    local lo=0 hi=0 v n
    for n in "${counts[@]}"; do
        [ "$n" -le "$2" ] || continue
        v=${wait_ir[$1,$n]}
        if [ "$lo" -eq 0 ] || [ "$v" -lt "$lo" ]; then lo=$v; fi
        if [ "$v" -gt "$hi" ]; then hi=$v; fi
    done
    echo "$lo $hi"
}
us() { # ns per wait -> the README's µs or ms
    awk -v ns="$1" 'BEGIN {
        if (ns >= 1e6) printf "%.1f ms", ns / 1e6
        else if (ns >= 1e4) printf "%.0f µs", ns / 1e3
        else if (ns >= 1e3) printf "%.1f µs", ns / 1e3
        else printf "%.2f µs", ns / 1e3 }'
}

s_call=$(((irs[sp-scall] - irs[bsd-scall]) / 2))
d_call=$(((irs[sp-dcall] - irs[bsd-dcall]) / 2))
read -r pp_lo pp_hi <<<"$(flat sp-poller 10000)"
read -r lp_lo lp_hi <<<"$(flat lwip-poller "$lwip_max")"
pp_r=$(ratio "$pp_hi" "$pp_lo")
lp_r=$(ratio "$lp_hi" "$lp_lo")
lt_r=$(ratio "${irs[lwip-sp-tcp]}" "${irs[lwip-raw-tcp]}")
lu_r=$(ratio "${irs[lwip-sp-udp]}" "${irs[lwip-raw-udp]}")

echo
echo "== the table ($started, commit $commit; $(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /') -O3; $(nproc) CPUs, load average ${load[1]} / ${load[2]} before the wall passes) =="
echo "| what | method | baseline | sockport | baseline | result | goal | met? |"
echo "|---|---|---|---:|---:|---|---|---|"
echo "| POSIX stream call | \`bench_udp sp-scall\` / \`bsd-scall\`: 1-byte \`send\` + \`recv\` on a TCP pair, callgrind | the same two BSD calls | ${irs[sp-scall]} Ir per pair | ${irs[bsd-scall]} Ir per pair | **+$s_call Ir per call** | ≤ 60 | $(verdict "$s_call" 60 0) |"
echo "| POSIX datagram call with address | \`sp-dcall\` / \`bsd-dcall\`: \`sp_sendto(to)\` + \`sp_recvfrom(&from)\`, 64 B, callgrind | \`sendto\` + \`recvfrom\` with a sockaddr | ${irs[sp-dcall]} Ir per pair | ${irs[bsd-dcall]} Ir per pair | **+$d_call Ir per call** | ≤ 80 | $(verdict "$d_call" 80 0) |"
echo "| POSIX UDP round trip, wall | \`bench_udp pairs $posix_rounds\` on one CPU: each round a sample of 200 round trips of 64 B (4 calls each) next to a BSD one; median of the per-pair ratios, pairs without a preemption; two passes | non-blocking BSD + \`poll()\` | $(pair_cells udp 1.02) |"
echo "| POSIX TCP bulk, wall | the same runs: samples of 4 MiB in 64 KiB sends, \`sp_poll\` driven | the same with \`poll()\` | $(pair_cells tcp 1.02) |"
echo "| POSIX wall, code placement | \`bench_udp pairs 400\` in bench_udp and in ${#placements[@]} other links of it (gcc's \`-falign-*\` flags move every function and loop) | — | — | — | UDP $(placement_range udp); TCP $(placement_range tcp) | — | — |"
echo "| POSIX wall, the method's own noise | the same runs: BSD against BSD, two sockets or connections of the same code (UDP; TCP) | — | — | — | UDP $(calibration_cells udp-calibration); TCP $(calibration_cells tcp-calibration) | — | — |"
echo "| POSIX UDP round trip, instructions | \`sp-udp\` / \`bsd-udp\`, callgrind | BSD | $(num "${irs[sp-udp]}") Ir | $(num "${irs[bsd-udp]}") Ir | +$(num $((irs[sp-udp] - irs[bsd-udp]))) per round trip (+$(((irs[sp-udp] - irs[bsd-udp]) / 4)) per call, $(ratio "${irs[sp-udp]}" "${irs[bsd-udp]}")×) | — | — |"
echo "| POSIX TCP bulk, instructions | \`sp-tcp\` / \`bsd-tcp\`: 64 MiB, callgrind | BSD | $(num "${irs[sp-tcp]}") Ir per MiB | $(num "${irs[bsd-tcp]}") Ir per MiB | +$(num $((irs[sp-tcp] - irs[bsd-tcp]))) per MiB ($(ratio "${irs[sp-tcp]}" "${irs[bsd-tcp]}" 3)×) | — | — |"
echo "| Poller, POSIX (epoll) | \`bench_poll sp-poller N\`: one ready socket among N, \`sp_poller_wait\`, callgrind | itself at its cheapest N | $(num "$pp_hi") Ir at most (${wait_ir[sp-poller,10000]} at 10 000) | $(num "$pp_lo") Ir at least (${wait_ir[sp-poller,10]} at 10) | **${pp_r}×** from 10 to 10 000 | flat within 1.2× | $(verdict "$pp_r" 1.2 2) |"
echo "| Poller, lwIP (ready list) | \`bench_poll lwip-poller N\`, lwIP in-process, callgrind | itself at its cheapest N | $(num "$lp_hi") Ir at most (${wait_ir[lwip-poller,$lwip_max]} at $(num "$lwip_max")) | $(num "$lp_lo") Ir at least (${wait_ir[lwip-poller,10]} at 10) | **${lp_r}×** from 10 to $(num "$lwip_max") (the host build's lwIP maximum) | flat within 1.2× | $(verdict "$lp_r" 1.2 2) |"
echo "| lwIP TCP bulk | \`bench_lwip sp-tcp\` / \`raw-tcp\`: 16 MiB in 1 KiB writes over lwIP's loopback netif, callgrind; wall: \`bench_lwip all\`, 256 MiB, two passes | a raw-API program (\`tcp_write\`, one \`tcp_output\` per turn), same lwIP build | $(num "${irs[lwip-sp-tcp]}") Ir per MiB | $(num "${irs[lwip-raw-tcp]}") Ir per MiB | **${lt_r}×** ($(lwip_wall lwip-tcp)) | ≤ 1.05× | $(verdict "$lt_r" 1.05 2) |"
echo "| lwIP UDP round trip | \`bench_lwip sp-udp\` / \`raw-udp\`: 64 B, callgrind; wall: \`bench_lwip all\`, 1 000 000 round trips, two passes | raw \`udp_send\` / recv callback, same lwIP build | $(num "${irs[lwip-sp-udp]}") Ir | $(num "${irs[lwip-raw-udp]}") Ir | **${lu_r}×** ($(lwip_wall lwip-udp)) | ≤ 1.15× | $(verdict "$lu_r" 1.15 2) |"
echo
echo "| N | \`sp_poll\` | \`sp_poller\` (epoll) | \`poll(2)\` | \`epoll_wait\` | lwIP \`sp_poller\` | lwIP \`sp_poll\` |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${counts[@]}"; do
    line="| $(num "$n") |"
    for m in "${methods[@]}"; do
        if [ -z "${wait_ir[$m,$n]:-}" ]; then
            line+=" — |"
        else
            line+=" $(num "${wait_ir[$m,$n]}") Ir, $(us "${wait_ns[$m,$n]}") |"
        fi
    done
    echo "$line"
done
