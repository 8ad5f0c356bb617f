#!/usr/bin/env bash
# mbedTLS's ssl_client2 as mps2-an385 firmware, connecting out through QEMU's
# user network (the host's 127.0.0.1 is 10.0.2.2 to the board) to an
# `openssl s_server -www` this script starts on 127.0.0.1 with mbedTLS's
# test server certificate. ssl_client2 verifies that certificate against its
# built-in test CAs and the name "localhost", sends GET / and prints the page
# s_server sends back, which names the session's protocol and cipher.
# Passes only if the firmware exits 0 and its console shows all of that.
#
# With --dtls SSL_SERVER2, the server is instead mbedTLS's ssl_server2 built
# for the host kernel, dtls=1 on 127.0.0.1 (DTLS over UDP: the board's
# HelloVerifyRequest round, retransmission timers, select() with a timeout),
# and the board's ssl_client2 runs with dtls=1.
#
#   board_client.sh RUN_FIRMWARE QEMU FIRMWARE.elf MBEDTLS_DIR [--dtls SSL_SERVER2]
set -u
run_firmware=$1 qemu=$2 firmware=$3 mbedtls=$4
dtls_server=""
[ "${5:-}" = --dtls ] && dtls_server=${6:?--dtls needs the ssl_server2 to run}
data="$mbedtls/tests/data_files"
for tool in openssl python3; do
    command -v "$tool" >/dev/null || { echo "board_client: $tool not found (scripts/setup.sh installs it)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sockport-tls-client.XXXXXX") || exit 1
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # $1: tcp|udp
    python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

# start_server PORT: the server in the background, its output in server.log.
if [ -n "$dtls_server" ]; then
    kind=udp
    ready='Waiting for a remote connection'
    server_name="ssl_server2 dtls=1 (host kernel)"
    start_server() {
        "$dtls_server" dtls=1 server_addr=127.0.0.1 server_port="$1" </dev/null >"$work/server.log" 2>&1 &
        server_pid=$!
    }
else
    kind=tcp
    ready='^ACCEPT'
    server_name="openssl s_server -www"
    start_server() {
        openssl s_server -accept "127.0.0.1:$1" -cert "$data/server2-sha256.crt" \
            -key "$data/server2.key" -www -naccept 1 </dev/null >"$work/server.log" 2>&1 &
        server_pid=$!
    }
fi

# A port just released by the kernel may be taken again before the server
# binds it: a few attempts, each waiting at most 5 s for its ready line.
port=""
for _ in 1 2 3; do
    candidate=$(free_port "$kind") || exit 1
    start_server "$candidate"
    for _ in $(seq 100); do
        grep -Eq "$ready" "$work/server.log" && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    if grep -Eq "$ready" "$work/server.log"; then
        port=$candidate
        break
    fi
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
done
[ -n "$port" ] || { cat "$work/server.log"; echo "board_client: $server_name did not start" >&2; exit 1; }
echo "board_client: $server_name on 127.0.0.1:$port (10.0.2.2:$port from the board)"
dtls_args=()
[ -n "$dtls_server" ] && dtls_args=(--arg dtls=1 --arg hs_timeout=1000-30000)

"$run_firmware" --qemu "$qemu" --timeout 150 --net --log "$work/console.log" \
    --arg server_addr=10.0.2.2 --arg server_port="$port" --arg server_name=localhost \
    --arg auth_mode=required "${dtls_args[@]}" --expect 0 "$firmware"
status=$?
fail() {
    echo "---- $server_name:"
    cat "$work/server.log"
    echo "board_client: FAIL: $*" >&2
    exit 1
}
[ "$status" -eq 0 ] || fail "the firmware (ssl_client2) did not exit 0 (run_firmware.sh: $status)"
grep -q "TEST-ONLY ENTROPY" "$work/console.log" || fail "no TEST-ONLY entropy warning at boot"
grep -q "Verifying peer X.509 certificate... ok" "$work/console.log" ||
    fail "ssl_client2 did not verify s_server's certificate"
if [ -n "$dtls_server" ]; then
    grep -q "Protocol is DTLSv1.2" "$work/console.log" || fail "no DTLS 1.2 session"
    grep -q "Successful connection using: TLS-" "$work/console.log" ||
        fail "ssl_server2's page did not reach the board"
else
    grep -Eq "^HTTP/1.0 200 ok" "$work/console.log" || fail "no HTTP response from s_server on the console"
    grep -Eq "^New, TLSv1.2, Cipher is " "$work/console.log" ||
        fail "s_server's page (the session it saw) did not reach the board"
fi
echo "board_client: the board's ssl_client2 verified the certificate of $server_name and read its page"
