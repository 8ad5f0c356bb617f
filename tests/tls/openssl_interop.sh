#!/usr/bin/env bash
# sockport's TLS layer (POSIX port) against the host's openssl, on 127.0.0.1:
#  1. tls_peer client -> openssl s_server -rev: handshake, certificate and
#     hostname verified, the reversed line comes back; the same client with
#     the wrong expected name fails with SP_EHOSTMISMATCH.
#  2. openssl s_client -> tls_peer server: openssl verifies sockport's
#     certificate and hostname, gets its line echoed, and sees a clean close
#     (close_notify: no "unexpected eof").
# Usage: openssl_interop.sh TLS_PEER CERT_DIR
set -euo pipefail
peer=${1:?usage: openssl_interop.sh TLS_PEER CERT_DIR}
certs=${2:?usage: openssl_interop.sh TLS_PEER CERT_DIR}
command -v openssl >/dev/null || { echo "openssl is missing (scripts/setup.sh installs it)" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_listening() { # PORT
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on 127.0.0.1:$1" >&2; return 1
}

echo "== sockport client -> openssl s_server ($(openssl version))"
port=$(free_port)
openssl s_server -accept "127.0.0.1:$port" -cert "$certs/server.pem" -key "$certs/server.key" \
    -rev -naccept 2 >"$work/s_server.log" 2>&1 &
pids+=($!)
wait_listening "$port"
# The probe above was the first of the two connections s_server accepts.
reply=$(timeout 20 "$peer" client "$port" "$certs/ca.pem" localhost)
echo "reply: $reply"
[ "$reply" = "tropkcos morf olleh" ] || { echo "FAIL: expected the reversed line"; cat "$work/s_server.log"; exit 1; }

echo "== sockport client expecting another name -> SP_EHOSTMISMATCH"
port=$(free_port)
openssl s_server -accept "127.0.0.1:$port" -cert "$certs/server.pem" -key "$certs/server.key" \
    -rev -naccept 2 >"$work/s_server2.log" 2>&1 &
pids+=($!)
wait_listening "$port"
if timeout 20 "$peer" client "$port" "$certs/ca.pem" not-localhost.test 2>"$work/err.txt"; then
    echo "FAIL: the handshake succeeded with the wrong name"; exit 1
fi
cat "$work/err.txt"
grep -q SP_EHOSTMISMATCH "$work/err.txt" || { echo "FAIL: expected SP_EHOSTMISMATCH"; exit 1; }

echo "== openssl s_client -> sockport server"
port=$(free_port)
"$peer" server "$port" "$certs/server.pem" "$certs/server.key" >"$work/server.out" 2>&1 &
server=$!
pids+=($server)
for _ in $(seq 100); do grep -q listening "$work/server.out" 2>/dev/null && break; sleep 0.05; done
out=$(printf 'ping from openssl\n' | timeout 20 openssl s_client -connect "127.0.0.1:$port" \
    -CAfile "$certs/ca.pem" -servername localhost -verify_hostname localhost \
    -verify_return_error -quiet 2>"$work/s_client.err")
echo "echo: $out"
cat "$work/s_client.err"
wait "$server" || { echo "FAIL: tls_peer server failed"; cat "$work/server.out"; exit 1; }
[ "$out" = "ping from openssl" ] || { echo "FAIL: expected the echoed line"; exit 1; }
grep -qi "verify error\|unexpected eof\|errno" "$work/s_client.err" && { echo "FAIL: s_client reported an error"; exit 1; }
echo "PASS"
