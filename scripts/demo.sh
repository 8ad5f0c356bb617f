#!/usr/bin/env bash
# Show sockport working: build the host preset, start examples/echo_server on
# 127.0.0.1, talk to it with examples/echo_client over UDP and TCP, stop it;
# then boot the demo firmware on QEMU's mps2-an385 board (examples/demo.c:
# TCP and UDP echo and an HTTP status page, on sockport's lwIP port), print
# how to reach it through QEMU's forwards on 127.0.0.1, and show it answering
# curl, nc, socat and the same echo client; then keep it serving until Ctrl-C;
# then boot mbedTLS's ssl_server2 as firmware and show the host's curl and
# openssl fetching its page over HTTPS, certificate verified; then the same
# for the board's own status page served through sockport's TLS layer.
#
#   bash scripts/demo.sh [--once] [--port N] [--no-qemu] [--no-setup]
#     --once      run each demo once and exit, 0 only if everything answered
#                 (the default when stdin is not a terminal, as in CI);
#                 without it the board (or with --no-qemu, the host demo
#                 server) keeps serving for you to try until Ctrl-C
#     --port N    port of the host demo servers (default 0: any free port; the
#                 board's forwards always take free ports)
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
        sed -n '2,20p' "$0"
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
    cmake --build --preset host -j 2 --target echo_server echo_client demo_server
    section "echo over 127.0.0.1 (POSIX port): UDP, then TCP"
    bash "$root/examples/echo_roundtrip.sh" "$root/build/host/examples" "$port"
}

# The board demo: QEMU's mps2-an385 (Cortex-M3, LAN9118 Ethernet) boots
# examples/board's firmware, which is examples/demo.c (echo_server.c and
# http_status.c on one sp_poll() loop) on sockport's lwIP port, the sources of
# the host's demo_server. tests/qemu/run_firmware.sh forwards free 127.0.0.1
# ports to the board's port 7 (TCP and UDP echo) and 80 (HTTP), waits for the
# firmware's READY line and runs examples/demo_check.sh, which prints how to
# reach the board and shows it answering. With --once the check ends with
# POST /quit (SP_DEMO_QUIT=1 allows it) and the firmware's exit status must be
# 0; without, QEMU keeps running in the foreground until Ctrl-C.
qemu_firmware_dir="$root/examples/board"
qemu_firmware_target=demo_board

demo_qemu() {
    section "QEMU board demo: examples/demo.c (echo and HTTP status) on mps2-an385, sockport lwIP port"
    # The board demo is what the README promises: a missing piece is a failure
    # that names it (scripts/setup.sh installs them all), never a skip.
    local missing=()
    [ -f "$root/third_party/lwip/src/include/lwip/init.h" ] || missing+=("third_party/lwip (run scripts/setup.sh)")
    local tool
    for tool in arm-none-eabi-gcc qemu-system-arm python3 curl nc socat; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "qemu demo: FAILED: missing ${missing[*]} (scripts/setup.sh installs them; --no-qemu leaves the board out)" >&2
        return 1
    fi
    local build_dir="$root/build/board-demo" client_dir="$root/build/host/examples"
    mkdir -p "$build_dir"
    if ! cmake -S "$qemu_firmware_dir" -B "$build_dir" \
        -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel >"$build_dir/configure.log" 2>&1; then
        cat "$build_dir/configure.log" >&2
        return 1
    fi
    cmake --build "$build_dir" -j 2 --target "$qemu_firmware_target" | tail -n 3
    local check="bash '$root/examples/demo_check.sh' --echo-client '$client_dir/echo_client'"
    local timeout_s=120
    if [ "$once" -eq 1 ]; then
        check+=" --howto --quit"
    else
        # Serve for a day at most, unless stopped first.
        timeout_s=86400
        check+=" && echo && bash '$root/examples/demo_check.sh' --howto-only"
        check+=" && echo 'The board keeps serving; Ctrl-C stops it.'"
    fi
    local status=0
    bash "$root/tests/qemu/run_firmware.sh" --timeout "$timeout_s" \
        --tcp 7 --tcp 80 --udp 7 --env SP_DEMO_QUIT=1 --client "$check" \
        "$build_dir/$qemu_firmware_target.elf" || status=$?
    if [ "$status" -eq 0 ]; then
        echo "qemu demo: OK: the board answered curl, nc, socat and echo_client, and stopped cleanly"
    elif [ "$once" -eq 0 ] && [ "$status" -eq 130 ]; then
        echo "qemu demo: stopped with Ctrl-C"
    else
        echo "qemu demo: FAILED (run_firmware.sh exit status $status)" >&2
        return 1
    fi
}

# The TLS demo: mbedTLS's own ssl_server2 (third_party/mbedtls, unmodified) as
# mps2-an385 firmware over sockport's BSD socket layer and lwIP port
# (docs/bsd-mbedtls.md), reached through a forward on 127.0.0.1 by the
# host's curl and openssl, which verify its certificate against mbedTLS's test
# CA and fetch its page over HTTPS. ssl_server2 serves until it is stopped:
# with --once the demo stops it once both clients succeeded (and fails if
# either did not); without, it keeps serving until Ctrl-C.
demo_tls() {
    section "QEMU board TLS demo: mbedTLS's ssl_server2 (unmodified) on mps2-an385, HTTPS to the host's curl"
    local missing="" tool
    [ -f "$root/third_party/mbedtls/programs/ssl/ssl_server2.c" ] || missing="third_party/mbedtls"
    [ -f "$root/tests/tls/https_check.sh" ] || missing="tests/tls/https_check.sh"
    for tool in arm-none-eabi-gcc qemu-system-arm python3 curl openssl; do
        command -v "$tool" >/dev/null || missing="$tool"
    done
    if [ -n "$missing" ]; then
        echo "TLS demo: $missing is not available" >&2
        return 1
    fi
    local build_dir="$root/build/tls-demo"
    local ca="$root/third_party/mbedtls/tests/data_files/test-ca-sha256.crt"
    mkdir -p "$build_dir"
    if ! cmake -S "$root/tests/qemu/firmware" -B "$build_dir" \
        -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
        -DCMAKE_BUILD_TYPE=MinSizeRel >"$build_dir/configure.log" 2>&1; then
        cat "$build_dir/configure.log" >&2
        return 1
    fi
    cmake --build "$build_dir" -j 2 --target fw_ssl_server2 | tail -n 3
    echo "(On the board's console, 'Verifying peer X.509 certificate... failed / skipped' is about"
    echo " a client certificate, which ssl_server2 does not ask for by default; the clients below"
    echo " verify the board's certificate.)"
    local check="bash '$root/tests/tls/https_check.sh' '$ca'" timeout_s=150 stop=(--stop-after-client)
    if [ "$once" -eq 0 ]; then
        timeout_s=86400
        stop=()
        check+=" && echo && echo \"The board keeps serving HTTPS on 127.0.0.1:\$SP_QEMU_TCP_PORT; try:\""
        check+=" && echo \"  bash '$root/tests/tls/https_check.sh' '$ca' \$SP_QEMU_TCP_PORT\""
        check+=" && echo 'Ctrl-C stops it.'"
    fi
    local status=0
    bash "$root/tests/qemu/run_firmware.sh" --timeout "$timeout_s" --ready-timeout 60 \
        --tcp 4433 --arg server_port=4433 --ready "Waiting for a remote connection" \
        "${stop[@]}" --client "$check" "$build_dir/fw_ssl_server2.elf" || status=$?
    if [ "$status" -eq 0 ]; then
        echo "TLS demo: OK: curl and openssl verified the board's certificate and fetched its page over HTTPS"
    elif [ "$once" -eq 0 ] && [ "$status" -eq 130 ]; then
        echo "TLS demo: stopped with Ctrl-C"
    else
        echo "TLS demo: FAILED (run_firmware.sh exit status $status)" >&2
        return 1
    fi
}

# The board's own status page over HTTPS through sockport's TLS layer
# (<sockport/tls.h>, docs/tls.md): tests/qemu/firmware/fw_https serves the
# page on port 80 and, with its accepted sockets wrapped by sp_tls_wrap(), on
# port 443, with a certificate made by openssl at build time. The host's curl
# and openssl verify it against that build's test CA.
demo_https() {
    section "QEMU board HTTPS demo: the status page through sockport's TLS layer (mbedTLS) on mps2-an385"
    local build_dir="$root/build/tls-demo"
    cmake --build "$build_dir" -j 2 --target fw_https | tail -n 2
    local certs="$build_dir/tls_certs"
    local check="bash '$root/tests/tls/board_https_check.sh' '$certs'" timeout_s=150
    if [ "$once" -eq 1 ]; then
        check+=" --quit"
    else
        timeout_s=86400
        check+=" && echo && echo 'The board keeps serving HTTPS: the curl line above works until Ctrl-C.'"
    fi
    local status=0
    bash "$root/tests/qemu/run_firmware.sh" --timeout "$timeout_s" --ready-timeout 60 \
        --tcp 80 --tcp 443 --client "$check" "$build_dir/fw_https.elf" || status=$?
    if [ "$status" -eq 0 ]; then
        echo "HTTPS demo: OK: curl and openssl verified the board's certificate and fetched its page through sockport's TLS"
    elif [ "$once" -eq 0 ] && [ "$status" -eq 130 ]; then
        echo "HTTPS demo: stopped with Ctrl-C"
    else
        echo "HTTPS demo: FAILED (run_firmware.sh exit status $status)" >&2
        return 1
    fi
}

# Without the board, an interactive user gets the host demo server instead.
serve_for_user() {
    local echo_port=7007 http_port=8080
    if [ "$port" -ne 0 ]; then
        echo_port=$port
        http_port=$(((port + 1) % 65536))
    fi
    section "your turn"
    echo "demo server (echo and HTTP status) on 127.0.0.1 for 60 s without traffic; try:"
    echo "  printf 'hello\\n' | nc -N 127.0.0.1 $echo_port        (TCP echo)"
    echo "  printf 'hello\\n' | nc -u -W1 127.0.0.1 $echo_port     (UDP echo)"
    echo "  curl 127.0.0.1:$http_port/                       (status page; curl assumes http)"
    echo "Ctrl-C stops it."
    "$root/build/host/examples/demo_server" --port "$echo_port" --http-port "$http_port" \
        --idle 60000 || true
}

# Interactive: Ctrl-C stops the server in the foreground (run_firmware.sh stops
# QEMU on its way out), not this script, which still says how it went.
if [ "$once" -eq 0 ]; then
    trap 'echo' INT
fi

demo_host
if [ "$run_qemu" -eq 1 ]; then
    demo_qemu
    demo_tls
    demo_https
elif [ "$once" -eq 0 ]; then
    serve_for_user
fi
section "demo OK"
