#!/usr/bin/env bash
# Runs the interop binary inside a network namespace of its own, with a TAP
# device whose kernel end is 10.77.0.1 / fd00:77::1 and whose other end lwIP
# (inside the binary) takes as 10.77.0.2 / fd00:77::2. The namespace and the
# device are named after this script's process id, so two runs at once cannot
# collide. The namespace (and the device in it) is deleted on every exit path,
# so nothing outlives the test and no traffic can leave the machine. Exit 77
# (CTest: skipped) with the reason where namespaces are not allowed.
#
#   run_interop.sh BINARY [clean|lossy]    (the binary's group of cases; default both)
set -u
binary=$1
shift
ns="sp-interop-$$"
dev="sptap$$" # at most 15 characters: "sptap" and a pid of up to 7 digits
if [ "$(id -u)" != 0 ]; then
  echo "SKIP reason: not root: creating a network namespace and a TAP device needs root"
  exit 77
fi
if [ ! -c /dev/net/tun ]; then
  echo "SKIP reason: no /dev/net/tun here (no TUN/TAP support)"
  exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
  echo "interop: FAILED: 'ip' is missing (package iproute2; scripts/setup.sh installs it)" >&2
  exit 1
fi
cleanup() { ip netns delete "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
if ! ip netns add "$ns" 2>/dev/null; then
  echo "SKIP reason: network namespaces are not permitted here"
  exit 77
fi
in_ns() { ip netns exec "$ns" "$@"; }
set -e
in_ns ip link set lo up
in_ns ip tuntap add dev "$dev" mode tap
in_ns ip addr add 10.77.0.1/24 dev "$dev"
in_ns ip -6 addr add fd00:77::1/64 dev "$dev" nodad
in_ns ip link set "$dev" up
set +e
# Every loop in the binary has its own deadline; this bounds the whole run.
timeout 180 ip netns exec "$ns" "$binary" "$dev" "$@"
