#!/usr/bin/env bash
# The conformance table on the QEMU board: boot fw_conformance, keep what it
# prints, and let the host's conformance program judge the board's outcomes
# against the kernel (the same rules as for lwIP in-process).
#   run_board.sh RUN_FIRMWARE QEMU FIRMWARE.elf CONFORMANCE
# Exit status: conformance's (77: skipped, no network namespace), or 1 if the
# board run did not finish.
set -u
[ $# -eq 4 ] || { sed -n '2,8p' "$0" >&2; exit 2; }
run_firmware=$1 qemu=$2 firmware=$3 conformance=$4
log=$(mktemp "${TMPDIR:-/tmp}/sockport-conformance-board.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT
if ! "$run_firmware" --qemu "$qemu" --timeout 240 --expect 0 --log "$log" "$firmware" >/dev/null; then
    echo "run_board.sh: the board run failed; its last lines:"
    tail -n 20 "$log"
    exit 1
fi
echo "board: $(grep -c '^CFROW ' "$log") rows printed"
"$conformance" --board-log "$log"
