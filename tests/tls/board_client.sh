#!/usr/bin/env bash
# mbedTLS's ssl_client2 as mps2-an385 firmware, connecting out through QEMU's
# user network (the host's 127.0.0.1 is 10.0.2.2 to the board) to an
# `openssl s_server -www` this script starts on 127.0.0.1 with mbedTLS's
# test server certificate. ssl_client2 verifies that certificate against its
# built-in test CAs and the name "localhost", sends GET / and prints the page
# s_server sends back, which names the session's protocol and cipher.
# Passes only if the firmware exits 0 and its console shows all of that.
#
#   board_client.sh RUN_FIRMWARE QEMU FIRMWARE.elf MBEDTLS_DIR
set -u
run_firmware=$1 qemu=$2 firmware=$3 mbedtls=$4
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

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A port just released by the kernel may be taken again before s_server binds
# it: a few attempts, each waiting at most 5 s for s_server's ACCEPT line.
port=""
for _ in 1 2 3; do
    candidate=$(free_port) || exit 1
    openssl s_server -accept "127.0.0.1:$candidate" -cert "$data/server2-sha256.crt" \
        -key "$data/server2.key" -www -naccept 1 </dev/null >"$work/s_server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do
        grep -q '^ACCEPT' "$work/s_server.log" && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    if grep -q '^ACCEPT' "$work/s_server.log"; then
        port=$candidate
        break
    fi
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
done
[ -n "$port" ] || { cat "$work/s_server.log"; echo "board_client: openssl s_server did not start" >&2; exit 1; }
echo "board_client: openssl s_server -www on 127.0.0.1:$port (10.0.2.2:$port from the board)"

"$run_firmware" --qemu "$qemu" --timeout 150 --net --log "$work/console.log" \
    --arg server_addr=10.0.2.2 --arg server_port="$port" --arg server_name=localhost \
    --arg auth_mode=required --expect 0 "$firmware"
status=$?
fail() { echo "board_client: FAIL: $*" >&2; exit 1; }
[ "$status" -eq 0 ] || fail "the firmware (ssl_client2) did not exit 0 (run_firmware.sh: $status)"
grep -q "TEST-ONLY ENTROPY" "$work/console.log" || fail "no TEST-ONLY entropy warning at boot"
grep -q "Verifying peer X.509 certificate... ok" "$work/console.log" ||
    fail "ssl_client2 did not verify s_server's certificate"
grep -Eq "^HTTP/1.0 200 ok" "$work/console.log" || fail "no HTTP response from s_server on the console"
grep -Eq "^New, TLSv1.2, Cipher is " "$work/console.log" ||
    fail "s_server's page (the session it saw) did not reach the board"
echo "board_client: the board's ssl_client2 verified s_server's certificate and read its page"
