#!/usr/bin/env bash
# Runs the interop binary inside a network namespace of its own, with a TAP
# device whose kernel end is 10.77.0.1 / fd00:77::1 and whose other end lwIP
# (inside the binary) takes as 10.77.0.2 / fd00:77::2. The namespace is
# deleted on every exit path, so nothing outlives the test and no traffic can
# leave the machine. Exit 77 (CTest: skipped) where namespaces are not allowed.
set -u
binary=$1
ns="sp-interop-$$"
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
in_ns ip tuntap add dev sptap0 mode tap
in_ns ip addr add 10.77.0.1/24 dev sptap0
in_ns ip -6 addr add fd00:77::1/64 dev sptap0 nodad
in_ns ip link set sptap0 up
timeout 240 ip netns exec "$ns" "$binary"
