#!/usr/bin/env bash
# Show sockport working: build the host preset, start examples/echo_server on
# 127.0.0.1, talk to it with examples/echo_client over UDP and TCP, stop it.
# Exit status 0 only if every echo came back unchanged.
#
#   bash scripts/demo.sh [--once] [--port N] [--no-setup]
#     --once      run each demo once and exit (the default when stdin is not
#                 a terminal, as in CI); without it, an interactive run then
#                 keeps a server up for you to try with nc
#     --port N    port of the demo server (default 7007; 0 = any free port)
#     --no-setup  skip scripts/setup.sh (packages and third_party/ in place)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

once=0
[ -t 0 ] || once=1
port=7007
run_setup=1
while [ "$#" -gt 0 ]; do
    case "$1" in
    --once) once=1 ;;
    --port)
        port="${2:?--port needs a number}"
        shift
        ;;
    --no-setup) run_setup=0 ;;
    -h | --help)
        sed -n '2,12p' "$0"
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

# The board demo: the same echo code on the lwIP port inside QEMU.
# Placeholder until the board build lands: say so rather than pretend.
demo_qemu() {
    section "QEMU board demo"
    echo "not available yet in this tree (boards/ has no demo target); skipped"
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
demo_qemu
if [ "$once" -eq 0 ]; then
    serve_for_user
fi
section "demo OK"
