#!/usr/bin/env bash
# Static RAM sockport takes per socket on Cortex-M3, beside lwIP's own pcb:
# core (its slot and every array sized by the handle table) and the lwIP port
# (its record and every array sized by the record pool), each measured as the
# difference of two builds that differ only in the number of sockets, divided
# by that difference. So nothing sized per socket can hide, wherever it is.
# Then the symbols that make up the figure, and the shared receive queue
# pool's size per node (it is sized per device, not per socket).
# Called by scripts/footprint.sh; alone: bash scripts/footprint_per_socket.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
small=16
large=32
base="build/footprint-per-socket"
declare -A core_ram port_ram

# ram ARCHIVE PATTERN: data + bss summed over the members whose name matches
ram() {
  arm-none-eabi-size "$1" | awk -v pat="$2" 'NR > 1 && $6 ~ pat { r += $2 + $3 } END { print r + 0 }'
}

for n in $small $large; do
  dir="$base-$n"
  mkdir -p "$dir/opts"
  # The board's lwipopts.h with only the record pool resized (it includes the
  # host file by a path relative to itself, so it works from here too).
  cat >"$dir/opts/lwipopts.h" <<EOF
#include "$root/boards/mps2-an385/lwipopts.h"
#undef SP_LWIP_MAX_SOCKETS
#define SP_LWIP_MAX_SOCKETS $n
EOF
  cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DSOCKPORT_LWIPOPTS_DIR="$root/$dir/opts" \
    -DSOCKPORT_MAX_SOCKETS=$n -DSOCKPORT_BUILD_TESTS=OFF -DSOCKPORT_BUILD_EXAMPLES=OFF \
    -DSOCKPORT_BUILD_BENCH=OFF >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
  cmake --build "$dir" -j2 --target sockport_core sockport_lwip_port >>"$dir.log" 2>&1 ||
    { tail -20 "$dir.log"; exit 1; }
  core_ram[$n]=$(ram "$dir/core/libsockport_core.a" .)
  port_ram[$n]=$(ram "$dir/port/lwip/libsockport_lwip_port.a" '^lwip_')
done

core=$(((core_ram[$large] - core_ram[$small]) / (large - small)))
port=$(((port_ram[$large] - port_ram[$small]) / (large - small)))
echo
echo "Per-socket static RAM, Cortex-M3 (-Os, mps2-an385 lwipopts.h): RAM of $large sockets less RAM of $small, / $((large - small))"
printf '%-52s %6s\n' part bytes
printf '%-52s %6d\n' "core (slot + arrays sized by SP_MAX_SOCKETS)" "$core"
printf '%-52s %6d\n' "lwIP port (record + arrays by SP_LWIP_MAX_SOCKETS)" "$port"
printf '%-52s %6d\n' "total per socket" $((core + port))
echo
echo "Where it is: the symbols that grow with the sockets, bytes per socket"
symbols() { # the data and bss symbols of core and the port's own files: "object:name size"
  arm-none-eabi-nm -A -S -t d "$1/core/libsockport_core.a" "$1/port/lwip/libsockport_lwip_port.a" 2>/dev/null |
    awk 'NF == 4 && $3 ~ /[bBdD]/ { n = split($1, f, ":"); print f[n - 1] ":" $4, $2 + 0 }' | sort
}
join <(symbols "$base-$small") <(symbols "$base-$large") |
  awk -v d=$((large - small)) '$3 != $2 { printf "  %-36s %6.1f\n", $1, ($3 - $2) / d }'
dir="$base-$large"
nodes=$(awk '/^#define SP_LWIP_QUEUE_NODES/ { print $3 }' boards/mps2-an385/lwipopts.h)
pool=$(arm-none-eabi-nm -S -t d "$dir/port/lwip/libsockport_lwip_port.a" 2>/dev/null |
  awk '$4 == "nodes" { print $2 + 0 }')
echo "Shared receive queue pool (per device, not per socket): $nodes nodes, $pool B, $((pool / nodes)) B per queued datagram or connection waiting for sp_accept()"
