#!/usr/bin/env bash
# The one place that builds a TAP link for the tests that put lwIP (in a
# process of ours) and the host kernel on the two ends of it: runs COMMAND
# inside a network namespace of its own that holds a TAP device, and deletes
# the namespace (and the device in it) on every exit path. Nothing can leave
# the namespace: its only links are loopback and the TAP device.
#
#   netns_tap.sh [--ipv4 A.B.C] [--ipv6 PREFIX] [--timeout SECONDS] -- COMMAND [ARGS...]
#
# The kernel takes A.B.C.1/24 (default 10.78.0) and, with --ipv6 (e.g.
# fd00:77::), PREFIX1/64; lwIP is to take .2 / PREFIX2. COMMAND runs in the
# namespace (so everything it starts does too), bounded by --timeout (default
# 120 s), with:
#   SP_LWIP_TAP          the TAP device's name (sockport_lwip_tap starts lwIP on it)
#   SP_LWIP_TAP_IPV4     lwIP's address, SP_LWIP_TAP_IPV6 with --ipv6
#   SP_TAP_KERNEL_IPV4   the kernel's address, SP_TAP_KERNEL_IPV6 with --ipv6
#   SP_TAP_NETNS         the namespace's name
# Exit status: COMMAND's; 77 (CTest's SKIP_RETURN_CODE) with "SKIP reason: ..."
# where this machine cannot build the link (not root, no /dev/net/tun, no
# namespaces); 1 if iproute2 is missing (a prerequisite setup.sh installs).
set -u
ipv4=10.78.0
ipv6=""
limit=120
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case $1 in
    --ipv4) ipv4=$2; shift 2 ;;
    --ipv6) ipv6=$2; shift 2 ;;
    --timeout) limit=$2; shift 2 ;;
    *) echo "netns_tap: unknown option $1" >&2; exit 2 ;;
    esac
done
[ $# -gt 1 ] || { echo "usage: netns_tap.sh [--ipv4 A.B.C] [--ipv6 PREFIX] [--timeout S] -- COMMAND..." >&2; exit 2; }
shift
# Older namespaces of ours count as stale (below).
case $limit in
'' | *[!0-9]*) limit=0 ;;
esac
[ "$limit" -ge 1 ] && [ "$limit" -le 1500 ] || { echo "netns_tap: --timeout must be 1 to 1500 seconds" >&2; exit 2; }

# Named after this process, so that runs at once (parallel ctest, other
# checkouts) cannot collide; IFNAMSIZ allows 15 characters: "sptap" + a pid.
ns="sp-net-$$"
dev="sptap$$"
if [ "$(id -u)" != 0 ]; then
    echo "SKIP reason: not root: creating a network namespace and a TAP device needs root"
    exit 77
fi
if [ ! -c /dev/net/tun ]; then
    echo "SKIP reason: no /dev/net/tun here (no TUN/TAP support)"
    exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
    echo "netns_tap: FAILED: 'ip' is missing (package iproute2; scripts/setup.sh installs it)" >&2
    exit 1
fi

# A run killed outright (SIGKILL from a test driver's timeout) cannot clean
# up after itself: delete the namespaces of ours whose process is gone and
# that are older than any run may last (a process we cannot see, in another
# PID namespace, may still own a young one).
for stale in $(find /run/netns -maxdepth 1 -name 'sp-net-[0-9]*' -mmin +30 -printf '%f\n' 2>/dev/null); do
    kill -0 "${stale#sp-net-}" 2>/dev/null || ip netns delete "$stale" 2>/dev/null
done

cleanup() { ip netns delete "$ns" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! ip netns add "$ns" 2>/dev/null; then
    echo "SKIP reason: network namespaces are not permitted here"
    exit 77
fi
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || exit 1
if ! in_ns ip tuntap add dev "$dev" mode tap 2>/dev/null; then
    echo "SKIP reason: cannot create a TAP device here"
    exit 77
fi
in_ns ip addr add "$ipv4.1/24" dev "$dev" || exit 1
lwip_env=(SP_LWIP_TAP="$dev" SP_LWIP_TAP_IPV4="$ipv4.2" SP_TAP_KERNEL_IPV4="$ipv4.1" SP_TAP_NETNS="$ns")
if [ -n "$ipv6" ]; then
    in_ns ip -6 addr add "${ipv6}1/64" dev "$dev" nodad || exit 1
    lwip_env+=(SP_LWIP_TAP_IPV6="${ipv6}2" SP_TAP_KERNEL_IPV6="${ipv6}1")
fi
in_ns ip link set "$dev" up || exit 1

# Not exec: the trap above must still delete the namespace afterwards.
in_ns env "${lwip_env[@]}" timeout -k 5 "$limit" "$@"
status=$?
[ "$status" -eq 124 ] && echo "netns_tap: FAILED: '$1' did not finish within $limit s" >&2
exit "$status"
