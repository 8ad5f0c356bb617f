#!/usr/bin/env bash
# TLS handshake time of mbedTLS's ssl_server2 as mps2-an385 firmware on QEMU
# (docs/bsd-mbedtls.md), as the host's curl sees it: time_appconnect minus
# time_connect (TCP connected -> TLS handshake done, certificate verified),
# over N fresh connections (no session resumption: curl keeps no session
# between runs). Measured, never asserted.
#
#   bash bench/tls_handshake.sh [--device-speed] [N] [FIRMWARE.elf]
# Default firmware: build/host/tests/qemu/firmware/fw_ssl_server2.elf (the
# host preset builds it). Prints each time, then min / median / max in ms.
# --device-speed: QEMU with -icount shift=5,align=on, i.e. 32 ns per
# instruction (about 31 million per second) held to the host's clock, an
# estimate of a real 25 MHz Cortex-M3 (which retires at most one instruction
# per cycle); without it, QEMU runs the guest as fast as it can.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
speed=()
if [ "${1:-}" = --device-speed ]; then
    speed=(--icount-align 5)
    shift
fi
count=${1:-10}
firmware=${2:-$root/build/host/tests/qemu/firmware/fw_ssl_server2.elf}
ca="$root/third_party/mbedtls/tests/data_files/test-ca-sha256.crt"
[ -r "$firmware" ] || { echo "no $firmware: build the host preset first" >&2; exit 2; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT
# shellcheck disable=SC2016 # expanded by the client's shell, under run_firmware.sh
client='for i in $(seq '"$count"'); do
  curl -sS -o /dev/null --max-time 60 --cacert '"'$ca'"' --resolve localhost:$SP_QEMU_TCP_PORT:127.0.0.1 \
    -w "%{time_connect} %{time_appconnect}\n" https://localhost:$SP_QEMU_TCP_PORT/ || exit 1
done >'"'$results'"
bash "$root/tests/qemu/run_firmware.sh" "${speed[@]}" --timeout 600 --ready-timeout 60 --tcp 4433 \
    --arg server_port=4433 --ready "Waiting for a remote connection" --stop-after-client \
    --client "$client" "$firmware" >/dev/null
awk '{ printf "handshake %d: %.1f ms\n", NR, ($2 - $1) * 1000 }' "$results"
awk '{ printf "%.1f\n", ($2 - $1) * 1000 }' "$results" | sort -n | awk '
    { ms[NR] = $1 }
    END { printf "%d handshakes: min %.1f ms, median %.1f ms, max %.1f ms\n",
          NR, ms[1], (NR % 2 ? ms[(NR + 1) / 2] : (ms[NR / 2] + ms[NR / 2 + 1]) / 2), ms[NR] }'
