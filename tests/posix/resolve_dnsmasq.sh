#!/usr/bin/env bash
# Runs test_resolve_dnsmasq against dnsmasq on 127.0.0.1 (tests/qemu/dns_server.sh:
# a free port, its own names, nothing forwarded), then stops the server.
#   resolve_dnsmasq.sh TEST_BINARY DNS_SERVER_SCRIPT
set -u
test_binary="$1"
dns_server="$2"
for tool in dnsmasq python3; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        echo "resolve_dnsmasq: $tool is missing (scripts/setup.sh installs it)" >&2
        exit 1
    fi
done
export PATH="$PATH:/usr/sbin:/sbin"
out="$(mktemp)"
"$dns_server" >"$out" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$out"' EXIT
port=""
for _ in $(seq 1 100); do
    port="$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$out")"
    [ -n "$port" ] && grep -q "started" "$out" && break
    sleep 0.1
done
if [ -z "$port" ]; then
    echo "resolve_dnsmasq: the DNS server did not start:" >&2
    cat "$out" >&2
    exit 1
fi
"$test_binary" "$port"
