#!/usr/bin/env bash
# Flash and RAM that sockport takes on Cortex-M3 and Cortex-M0+: core, the lwIP
# port's own files, lwIP itself (with the mps2-an385 board's lwipopts.h) and the
# fault shim, built -Os. Two configurations: the defaults (sized for a host) and
# a small one for a microcontroller (8 sockets, small service pools).
# Then the BSD socket layer (bsd/) as linked firmware keeps it: the mps2-an385
# firmware of examples/bsd and the suite, linked with --gc-sections, its kept
# sections summed from the linker's map file (scripts/map_sizes.awk).
# Usage: bash scripts/footprint.sh   (needs gcc-arm-none-eabi; writes build/footprint-*)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
small=(-DSOCKPORT_MAX_SOCKETS=8 -DSOCKPORT_SEQPACKET_MAX_SOCKETS=2
       -DSOCKPORT_SEQPACKET_MAX_RECORD=2048 -DSOCKPORT_RDM_MAX_SOCKETS=1
       -DSOCKPORT_RDM_WINDOW=4 -DSOCKPORT_RDM_MAX_MESSAGE=512)

# sizes ARCHIVE PATTERN: text data bss summed over the members whose name matches
sizes() {
  arm-none-eabi-size "$1" | awk -v pat="$2" 'NR > 1 && $6 ~ pat { t += $1; d += $2; b += $3 }
    END { printf "%8d %6d %8d", t, d, b }'
}

printf '%-8s %-8s %-22s %8s %6s %8s\n' cpu config component text data bss
for cpu in m3 m0plus; do
  for config in default small; do
    dir="build/footprint-$cpu-$config"
    extra=()
    [ "$config" = small ] && extra=("${small[@]}")
    cmake -S . -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-$cpu.cmake" \
      -DCMAKE_BUILD_TYPE=MinSizeRel -DSOCKPORT_LWIPOPTS_DIR="$root/boards/mps2-an385" \
      -DSOCKPORT_BUILD_TESTS=OFF -DSOCKPORT_BUILD_EXAMPLES=OFF -DSOCKPORT_BUILD_BENCH=OFF \
      "${extra[@]}" >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
    cmake --build "$dir" -j2 >>"$dir.log" 2>&1 || { tail -20 "$dir.log"; exit 1; }
    port="$dir/port/lwip/libsockport_lwip_port.a"
    printf '%-8s %-8s %-22s %s\n' "$cpu" "$config" "core" "$(sizes "$dir/core/libsockport_core.a" .)"
    printf '%-8s %-8s %-22s %s\n' "$cpu" "$config" "lwIP port (lwip_*.c)" "$(sizes "$port" '^lwip_')"
    printf '%-8s %-8s %-22s %s\n' "$cpu" "$config" "lwIP 2.1.3 itself" "$(sizes "$port" '^[^l]|^lwip[^_]')"
    printf '%-8s %-8s %-22s %s\n' "$cpu" "$config" "fault shim" "$(sizes "$dir/port/faulty/libsockport_faulty.a" .)"
  done
done

# The BSD layer in linked Cortex-M3 firmware (tests/qemu/firmware, -Os, --gc-sections).
dir=build/footprint-bsd-firmware
cmake -S tests/qemu/firmware -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
firmware=(fw_bsd_tcp_client fw_bsd_tcp_server fw_bsd_udp_client fw_bsd_udp_server fw_suite)
targets=$(cmake --build "$dir" --target help)
if [[ $targets == *fw_ssl_server2* ]]; then
  firmware+=(fw_ssl_server2 fw_ssl_client2)
fi
cmake --build "$dir" -j2 --target "${firmware[@]}" >>"$dir.log" 2>&1 || { tail -20 "$dir.log"; exit 1; }
echo
printf '%-8s %-20s %-22s %8s %6s %8s\n' cpu firmware component text data bss
for fw in "${firmware[@]}"; do
  printf '%-8s %-20s %-22s %s\n' m3 "$fw" "BSD layer (bsd/)" \
    "$(awk -v PAT='libsockport_bsd[.]a' -f scripts/map_sizes.awk "$dir/$fw.map")"
  printf '%-8s %-20s %-22s %s\n' m3 "$fw" "core (as linked)" \
    "$(awk -v PAT='libsockport_core[.]a' -f scripts/map_sizes.awk "$dir/$fw.map")"
done
