#!/usr/bin/env bash
# mbedTLS's ssl_server2 and ssl_client2 built on sockport's lwIP port in-process
# (through the BSD layer's -include mode) against the same programs built
# normally for the kernel, across a TAP link. Runs inside the network namespace
# that tests/net/netns_tap.sh makes (it sets SP_LWIP_TAP*, which the lwIP
# builds start on, and SP_TAP_KERNEL_IPV4; it skips where namespaces or TAP
# are not available):
#
#   netns_tap.sh -- tap_pair.sh LWIP_SERVER LWIP_CLIENT KERNEL_SERVER KERNEL_CLIENT
# Cases: lwIP server <- kernel client (TLS), kernel server <- lwIP client
# (TLS), lwIP server <- kernel client (DTLS). Each client verifies the
# server's certificate and exits 0 only after the request and the response.
set -u
lwip_server=$1 lwip_client=$2 kernel_server=$3 kernel_client=$4
lwip=${SP_LWIP_TAP_IPV4:?run inside tests/net/netns_tap.sh}
kernel=${SP_TAP_KERNEL_IPV4:?run inside tests/net/netns_tap.sh}
work=$(mktemp -d "${TMPDIR:-/tmp}/sockport-tls-tap.XXXXXX") || exit 1
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
        server_pid=""
    fi
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The kernel's built-in EC test certificate (server5) expired in 2023: the
# RSA one, through the choice of suite.
suite=TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256
failures=0

# start_server NAME COMMAND...: in the namespace, in the background; waits
# (at most 20 s) until it listens.
start_server() {
    local name=$1
    shift
    # timeout itself is the background job (not a subshell running a
    # function), so that the kill in stop_server reaches it and it passes the
    # signal on to the server.
    : >"$work/$name.log"
    timeout 120 "$@" >"$work/$name.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 400); do
        grep -q "Waiting for a remote connection" "$work/$name.log" && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    cat "$work/$name.log"
    echo "tap_pair: $name did not start listening"
    return 1
}

# run_case NAME SERVER_CMD... -- CLIENT_CMD...
run_case() {
    local name=$1
    shift
    local server=() client=()
    while [ "$1" != "--" ]; do server+=("$1"); shift; done
    shift
    client=("$@")
    echo "==== $name"
    if ! start_server "$name.server" "${server[@]}"; then
        failures=$((failures + 1))
        stop_server
        return
    fi
    local start end status
    start=$(date +%s%N)
    timeout 120 "${client[@]}" >"$work/$name.client.log" 2>&1
    status=$?
    end=$(date +%s%N)
    stop_server
    if [ "$status" -eq 0 ] &&
        grep -q "Verifying peer X.509 certificate... ok" "$work/$name.client.log" &&
        grep -q "Successful connection using: $suite" "$work/$name.client.log"; then
        echo "tap_pair: $name: OK (certificate verified, page received, $(((end - start) / 1000000)) ms)"
    else
        echo "---- client (exit $status):"
        cat "$work/$name.client.log"
        echo "---- server:"
        cat "$work/$name.server.log"
        echo "tap_pair: $name: FAILED"
        failures=$((failures + 1))
    fi
}

common=(server_name=localhost auth_mode=required force_ciphersuite="$suite")
run_case "lwIP ssl_server2 <- kernel ssl_client2 (TLS)" \
    "$lwip_server" server_addr=$lwip server_port=4433 -- \
    "$kernel_client" server_addr=$lwip server_port=4433 "${common[@]}"
run_case "kernel ssl_server2 <- lwIP ssl_client2 (TLS)" \
    "$kernel_server" server_addr=$kernel server_port=4433 -- \
    "$lwip_client" server_addr=$kernel server_port=4433 "${common[@]}"
run_case "lwIP ssl_server2 <- kernel ssl_client2 (DTLS)" \
    "$lwip_server" server_addr=$lwip server_port=4433 dtls=1 -- \
    "$kernel_client" server_addr=$lwip server_port=4433 dtls=1 hs_timeout=1000-20000 "${common[@]}"
if [ "$failures" -ne 0 ]; then
    echo "tap_pair: $failures case(s) failed"
    exit 1
fi
echo "tap_pair: all 3 cases passed"
