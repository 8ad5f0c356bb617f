#!/usr/bin/env bash
# Drive the demo server (examples/demo.c, on the host or on the QEMU board)
# with the usual host tools and check every answer: curl the status page
# (text and JSON) and a missing page (404), echo a line over TCP and a
# datagram over UDP with nc, a line over TCP with socat (if installed), run
# examples/echo_client if given, check that the page counted that traffic,
# and with --quit stop the server with POST /quit. Prints each command and
# its answer, so it doubles as the demo's showcase. Every tool call is bounded
# by a timeout.
#
#   demo_check.sh [--echo-client PATH] [--howto] [--quit] [PORTS]
#   demo_check.sh [--echo-client PATH] [--howto] --start DEMO_SERVER
#     --howto: first print the command lines that reach the server;
#     --howto-only: print them and check nothing
#     PORTS: --tcp P --udp P --http P, the 127.0.0.1 ports of TCP echo, UDP
#            echo and the status page. Without them, the ports come from
#            tests/qemu/run_firmware.sh --client's variables: the forwards of
#            the board's port 7 (echo) and port 80 (HTTP).
#     --start: run DEMO_SERVER (the host program) on free ports with
#            --allow-quit, check it, quit it, and require its exit status 0.
# Exit status 0 only if every check passed.
set -u

echo_client=""
howto=0
quit=0
start=""
tcp_port=""
udp_port=""
http_port=""
while [ $# -gt 0 ]; do
    case "$1" in
    --echo-client) echo_client=$2; shift 2 ;;
    --howto) howto=1; shift ;;
    --howto-only) howto=2; shift ;;
    --quit) quit=1; shift ;;
    --start) start=$2; shift 2 ;;
    --tcp) tcp_port=$2; shift 2 ;;
    --udp) udp_port=$2; shift 2 ;;
    --http) http_port=$2; shift 2 ;;
    -h | --help) sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo_check: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

fail() {
    echo "demo_check: FAILED: $*" >&2
    exit 1
}
for tool in curl nc socat timeout; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# The host port forwarded to guest port $2 in a run_firmware.sh list
# "host:guest host:guest ...".
forwarded() {
    local pair
    for pair in $1; do
        [ "${pair#*:}" = "$2" ] && echo "${pair%%:*}" && return 0
    done
    return 1
}

server_pid=""
server_log=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    [ -n "$server_log" ] && rm -f "$server_log"
}
trap cleanup EXIT

if [ -n "$start" ]; then
    server_log=$(mktemp "${TMPDIR:-/tmp}/sockport-demo.XXXXXX") || exit 1
    # --idle bounds the server if this script dies before POST /quit.
    "$start" --port 0 --http-port 0 --allow-quit --idle 30000 >"$server_log" 2>&1 &
    server_pid=$!
    ready=""
    for _ in $(seq 1 100); do
        ready=$(grep -m1 '^READY ' "$server_log")
        [ -n "$ready" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$ready" ] || { cat "$server_log" >&2; fail "$start printed no READY line"; }
    tcp_port=$(sed -n 's/.* echo=[^ ]*:\([0-9]*\).*/\1/p' <<<"$ready")
    udp_port=$tcp_port
    http_port=$(sed -n 's/.* http=[^ ]*:\([0-9]*\).*/\1/p' <<<"$ready")
    quit=1
fi
[ -n "$tcp_port" ] || tcp_port=$(forwarded "${SP_QEMU_TCP_PORTS:-}" 7)
[ -n "$udp_port" ] || udp_port=$(forwarded "${SP_QEMU_UDP_PORTS:-}" 7)
[ -n "$http_port" ] || http_port=$(forwarded "${SP_QEMU_TCP_PORTS:-}" 80)
[ -n "$tcp_port" ] && [ -n "$udp_port" ] && [ -n "$http_port" ] ||
    fail "no ports: give --tcp, --udp and --http, or run under run_firmware.sh --tcp 7 --tcp 80 --udp 7"

base="http://127.0.0.1:$http_port"
if [ "$howto" != 0 ]; then
    line() { printf '  %-9s %-7s %s\n' "$@"; }
    echo "The demo server answers on 127.0.0.1; try:"
    line "TCP echo" ":$tcp_port" "printf 'hello\\n' | nc -N 127.0.0.1 $tcp_port"
    line "" "" "socat - TCP:127.0.0.1:$tcp_port   (type lines; Ctrl-D ends)"
    line "UDP echo" ":$udp_port" "printf 'hello\\n' | nc -u -W1 127.0.0.1 $udp_port"
    line "" "" "socat - UDP:127.0.0.1:$udp_port"
    line "HTTP" ":$http_port" "curl $base/"
    line "" "" "curl $base/status.json"
    [ "$quit" = 1 ] || line "" "" "curl -X POST $base/quit   (stops it, where allowed)"
    [ "$howto" = 2 ] && exit 0
    echo
fi

checks=0
tcp_connections=0
udp_echoes=0

# Show a command and its output (indented); the output stays in $out.
show() {
    printf '$ %s\n' "$*"
    out=$("$@" 2>&1)
    status=$?
    [ -n "$out" ] && sed 's/^/    /' <<<"$out"
    return $status
}
passed() {
    checks=$((checks + 1))
}
curl_opts=(-sS --max-time 10)

# The status page, as text.
show curl "${curl_opts[@]}" -i "$base/" || fail "GET / failed"
status_line=$(head -n 1 <<<"$out" | tr -d '\r')
[ "$status_line" = "HTTP/1.0 200 OK" ] || fail "GET / answered '$status_line'"
grep -q '^sockport demo' <<<"$out" || fail "GET /: not the status page"
grep -q '^stack: [a-z]' <<<"$out" || fail "GET /: no stack name"
passed

show curl "${curl_opts[@]}" --fail "$base/status.json" || fail "GET /status.json failed"
grep -q '^{"title": "sockport demo.*", "stack": "[a-z]*", "uptime_ms": [0-9]' <<<"$out" || fail "GET /status.json: not the JSON status"
passed

show curl "${curl_opts[@]}" -i "$base/no/such/page" || fail "GET /no/such/page failed"
status_line=$(head -n 1 <<<"$out" | tr -d '\r')
[ "$status_line" = "HTTP/1.0 404 Not Found" ] || fail "GET /no/such/page answered '$status_line', not 404"
passed

# TCP echo: -N closes the sending side at the end of input, so nc ends once
# the server has echoed everything and closed.
line="hello over tcp from nc"
show timeout 10 nc -N -w 5 127.0.0.1 "$tcp_port" <<<"$line" || fail "nc (TCP) failed"
[ "$out" = "$line" ] || fail "TCP echo: sent '$line', got '$out'"
tcp_connections=$((tcp_connections + 1))
passed

# UDP echo: -W1 ends nc after the first datagram back. A datagram may be
# lost on the way, so up to three tries.
line="hello over udp from nc"
for try in 1 2 3; do
    show timeout 10 nc -u -W1 -w 3 127.0.0.1 "$udp_port" <<<"$line" && [ "$out" = "$line" ] && break
    [ "$try" = 3 ] && fail "UDP echo: sent '$line', got '$out'"
done
udp_echoes=$((udp_echoes + 1))
passed

line="hello over tcp from socat"
show timeout 10 socat -t 5 - "TCP:127.0.0.1:$tcp_port" <<<"$line" || fail "socat (TCP) failed"
[ "$out" = "$line" ] || fail "socat TCP echo: sent '$line', got '$out'"
tcp_connections=$((tcp_connections + 1))
passed

if [ -n "$echo_client" ]; then
    show timeout 30 "$echo_client" --udp --port "$udp_port" --count 3 || fail "echo_client over UDP"
    udp_echoes=$((udp_echoes + 3))
    show timeout 30 "$echo_client" --tcp --port "$tcp_port" --count 3 || fail "echo_client over TCP"
    tcp_connections=$((tcp_connections + 1))
    passed
fi

# The page counted at least the traffic above (a retried datagram may count twice).
show curl "${curl_opts[@]}" --fail "$base/" || fail "GET / (counters) failed"
counter() { sed -n "s/^$1: \([0-9][0-9]*\)$/\1/p" <<<"$out"; }
[ "$(counter echo_tcp_clients)" -ge "$tcp_connections" ] 2>/dev/null ||
    fail "echo_tcp_clients is '$(counter echo_tcp_clients)', expected at least $tcp_connections"
[ "$(counter echo_udp_datagrams)" -ge "$udp_echoes" ] 2>/dev/null ||
    fail "echo_udp_datagrams is '$(counter echo_udp_datagrams)', expected at least $udp_echoes"
passed

# Exhaustion must be visible: the socket table, and on lwIP its memory pools.
[ "$(counter sockets_used)" -ge 2 ] 2>/dev/null && [ "$(counter sockets_max)" -gt "$(counter sockets_used)" ] ||
    fail "no plausible sockets_used/sockets_max on the page ('$(counter sockets_used)', '$(counter sockets_max)')"
if grep -q '^stack: lwip' <<<"$out"; then
    [ "$(counter lwip_TCP_PCB_size)" -gt 0 ] 2>/dev/null && [ "$(counter lwip_TCP_PCB_used)" -ge 1 ] &&
        [ -n "$(counter lwip_PBUF_POOL_err)" ] && [ "$(counter lwip_HEAP_size)" -gt 0 ] 2>/dev/null ||
        fail "the lwIP pool counters (lwip_<POOL>_used/peak/size/err) are missing from the page"
fi
passed

if [ "$quit" = 1 ]; then
    show curl "${curl_opts[@]}" --fail -X POST "$base/quit" || fail "POST /quit failed"
    [ "$out" = bye ] || fail "POST /quit answered '$out', not bye"
    passed
fi

if [ -n "$server_pid" ]; then
    server_status=0
    # Bounded: the server exits right after the "bye", or after --idle.
    wait "$server_pid" || server_status=$?
    server_pid=""
    sed 's/^/    | /' "$server_log"
    [ "$server_status" = 0 ] || fail "$start exited with $server_status, not 0"
    grep -q '^demo: told to quit' "$server_log" || fail "$start did not report the quit"
fi
echo "demo_check: ok: $checks checks passed (echo tcp 127.0.0.1:$tcp_port, udp 127.0.0.1:$udp_port, http 127.0.0.1:$http_port)"
