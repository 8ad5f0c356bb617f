#!/usr/bin/env bash
# Runs examples/bsd/run_pair.sh inside a network namespace of its own with a
# TAP device (kernel end 10.78.0.1/24, the lwIP end 10.78.0.2), so that a
# program built on lwIP in-process (its default stack starts on the TAP from
# SP_LWIP_TAP*, tests/interop/lwip_tap_default.c) and a program on the host
# kernel talk to each other. The namespace is deleted on every exit path.
#   run_tap_pair.sh lwip|kernel  SERVER [ARGS] -- CLIENT [ARGS]
# The first word says which side the server is on: the client then connects
# to the other end's address. Exit 77 (skipped) without root or namespaces.
set -u
server_side=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
ns="sp-bsd-$$"
dev=spbsd0
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null 2>&1 || [ ! -c /dev/net/tun ]; then
    echo "SKIP reason: needs root, iproute2 and /dev/net/tun to build a namespace"
    exit 77
fi
cleanup() { ip netns delete "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
if ! ip netns add "$ns" 2>/dev/null; then
    echo "SKIP reason: network namespaces are not permitted here"
    exit 77
fi
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up
in_ns ip tuntap add dev "$dev" mode tap
in_ns ip addr add 10.78.0.1/24 dev "$dev"
in_ns ip link set "$dev" up
if [ "$server_side" = lwip ]; then host=10.78.0.2; else host=10.78.0.1; fi
in_ns env SP_LWIP_TAP="$dev" SP_LWIP_TAP_IPV4=10.78.0.2 BSD_PAIR_HOST="$host" \
    bash "$here/run_pair.sh" "$@"
