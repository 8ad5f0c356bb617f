#!/usr/bin/env bash
# Show sockport working: build the host preset, start examples/echo_server on
# 127.0.0.1, talk to it with examples/echo_client over UDP and TCP, stop it;
# then boot an echo firmware on QEMU's mps2-an385 board and talk to it with
# the same client. Exit status 0 only if every echo came back unchanged.
#
#   bash scripts/demo.sh [--once] [--port N] [--no-qemu] [--no-setup]
#     --once      run each demo once and exit (the default when stdin is not
#                 a terminal, as in CI); without it, an interactive run then
#                 keeps a server up for you to try with nc
#     --port N    port of the demo server (default 0: any free port)
#     --no-qemu   only the host demo, not the QEMU board demo
#     --no-setup  skip scripts/setup.sh (packages and third_party/ in place)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

once=0
[ -t 0 ] || once=1
port=0
run_setup=1
run_qemu=1
while [ "$#" -gt 0 ]; do
    case "$1" in
    --once) once=1 ;;
    --port)
        port="${2:?--port needs a number}"
        shift
        ;;
    --no-setup) run_setup=0 ;;
    --no-qemu) run_qemu=0 ;;
    -h | --help)
        sed -n '2,14p' "$0"
        exit 0
        ;;
    *)
        echo "demo: unknown option $1 (try --help)" >&2
        exit 2
        ;;
    esac
    shift
done
case "$port" in
'' | *[!0-9]*)
    echo "demo: --port needs a number" >&2
    exit 2
    ;;
esac

section() { printf '\n==== %s\n' "$*"; }

if [ "$run_setup" -eq 1 ]; then
    section "setup"
    bash "$root/scripts/setup.sh" </dev/null
fi

# The host demo: the POSIX port over the kernel's loopback.
demo_host() {
    section "build (preset host)"
    cmake --preset host >/dev/null
    cmake --build --preset host -j 2 --target echo_server echo_client
    section "echo over 127.0.0.1 (POSIX port): UDP, then TCP"
    bash "$root/examples/echo_roundtrip.sh" "$root/build/host/examples" "$port"
}

# The board demo: QEMU's mps2-an385 (Cortex-M3, LAN9118 Ethernet) boots
# examples/board's firmware, which is examples/echo_server.c itself on
# sockport's lwIP port; examples/echo_client talks to it from the host through
# QEMU's user-mode forwards on 127.0.0.1 (tests/qemu/run_firmware.sh sets them
# up and hands back the firmware's exit status: 0 once the TCP client left).
qemu_firmware_dir="$root/examples/board"
qemu_firmware_target=echo_board
qemu_guest_port=7

demo_qemu() {
    section "QEMU board demo: examples/echo_server.c on mps2-an385, sockport lwIP port"
    local missing=""
    [ -f "$qemu_firmware_dir/CMakeLists.txt" ] || missing="examples/board"
    [ -f "$root/third_party/lwip/src/include/lwip/init.h" ] || missing="third_party/lwip"
    [ -f "$root/tests/qemu/run_firmware.sh" ] || missing="tests/qemu/run_firmware.sh"
    [ -f "$root/toolchains/arm-none-eabi-cortex-m3.cmake" ] || missing="the Cortex-M3 toolchain file"
    command -v arm-none-eabi-gcc >/dev/null || missing="arm-none-eabi-gcc"
    command -v qemu-system-arm >/dev/null || missing="qemu-system-arm"
    if [ -n "$missing" ]; then
        echo "skipped: $missing is not available"
        return 0
    fi
    local build_dir="$root/build/board-echo" client_dir="$root/build/host/examples"
    mkdir -p "$build_dir"
    if ! cmake -S "$qemu_firmware_dir" -B "$build_dir" \
        -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
        >"$build_dir/configure.log" 2>&1; then
        cat "$build_dir/configure.log" >&2
        return 1
    fi
    cmake --build "$build_dir" -j 2 --target "$qemu_firmware_target" | tail -n 3
    # UDP first, then TCP: the forwards give each its own host port, and the
    # firmware ends after its first TCP client.
    local client="'$client_dir/echo_client' --udp --port \$SP_QEMU_UDP_PORT --count 3 &&"
    client+=" '$client_dir/echo_client' --tcp --port \$SP_QEMU_TCP_PORT --count 3"
    if bash "$root/tests/qemu/run_firmware.sh" --timeout 120 --expect 0 \
        --tcp "$qemu_guest_port" --udp "$qemu_guest_port" --client "$client" \
        "$build_dir/$qemu_firmware_target.elf"; then
        echo "qemu demo: OK: every UDP and TCP echo from the board matched"
    else
        echo "qemu demo: FAILED" >&2
        return 1
    fi
}

# After the scripted run, an interactive user gets a live server to poke at.
serve_for_user() {
    local live_port="$port"
    [ "$live_port" -eq 0 ] && live_port=7007
    section "your turn"
    echo "echo server on 127.0.0.1:$live_port for 60 s without traffic; try:"
    echo "  echo hi | nc -q1 127.0.0.1 $live_port        (TCP)"
    echo "  echo hi | nc -u -w1 127.0.0.1 $live_port     (UDP)"
    echo "Ctrl-C stops it."
    "$root/build/host/examples/echo_server" --port "$live_port" --idle 60000 || true
}

demo_host
if [ "$run_qemu" -eq 1 ]; then
    demo_qemu
fi
if [ "$once" -eq 0 ]; then
    serve_for_user
fi
section "demo OK"
