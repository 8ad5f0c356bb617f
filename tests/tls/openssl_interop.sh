#!/usr/bin/env bash
# sockport's TLS layer against the host's openssl:
#  1. tls_peer client -> openssl s_server -rev: handshake, certificate and
#     hostname verified, the reversed line comes back; the same client with
#     the wrong expected name fails with SP_EHOSTMISMATCH.
#  2. openssl s_client -> tls_peer server: openssl verifies sockport's
#     certificate and hostname, gets its line echoed, and sees a clean close
#     (close_notify: no "unexpected eof").
#  3. With --bulk BYTES, both directions again with that many bytes: the
#     client's lines come back reversed (tls_peer checks every byte), and
#     what s_client sends comes back byte for byte (cmp, and its SHA-256).
# Both run with the version the backend and openssl agree on; --protocol
# TLSv1.x requires it (as s_server and s_client report it).
#
# Where: on 127.0.0.1 (tls_peer on the POSIX port); inside the namespace of
# tests/net/netns_tap.sh, openssl on the kernel's end of the TAP link
# ($SP_TAP_KERNEL_IPV4) and tls_peer (built on lwIP: tls_peer_lwip) on the
# other ($SP_LWIP_TAP_IPV4).
# Usage: openssl_interop.sh TLS_PEER CERT_DIR [--protocol TLSv1.x] [--bulk BYTES]
set -euo pipefail
usage="usage: openssl_interop.sh TLS_PEER CERT_DIR [--protocol TLSv1.x] [--bulk BYTES]"
peer=${1:?$usage}
certs=${2:?$usage}
shift 2
protocol="" bulk=0
while [ $# -gt 0 ]; do
    case $1 in
    --protocol) protocol=$2; shift 2 ;;
    --bulk) bulk=$2; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
    esac
done
command -v openssl >/dev/null || { echo "openssl is missing (scripts/setup.sh installs it)" >&2; exit 1; }
openssl_host=${SP_TAP_KERNEL_IPV4:-127.0.0.1}
peer_host=${SP_LWIP_TAP_IPV4:-127.0.0.1}
echo "openssl on $openssl_host, sockport on $peer_host ($(openssl version))"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
    python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' \
        "$openssl_host"
}
wait_listening() { # PORT
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/$openssl_host/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on $openssl_host:$1" >&2; return 1
}
# Starts s_server -rev on a free port (in $port), logging to $work/$1.
start_s_server() { # LOG
    port=$(free_port)
    openssl s_server -accept "$openssl_host:$port" -cert "$certs/server.pem" -key "$certs/server.key" \
        -rev -naccept 2 >"$work/$1" 2>&1 &
    pids+=($!)
    # The probe is the first of the two connections s_server accepts.
    wait_listening "$port"
}
# Starts tls_peer as a server on a free port (in $port), logging to $work/$1.
start_peer_server() { # LOG [BYTES]
    port=$(free_port)
    timeout 60 "$peer" server "$peer_host:$port" "$certs/server.pem" "$certs/server.key" ${2:+"$2"} \
        >"$work/$1" 2>&1 &
    server=$!
    pids+=($server)
    for _ in $(seq 200); do
        grep -q listening "$work/$1" 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.05
    done
    echo "FAIL: tls_peer server did not listen"; cat "$work/$1"; exit 1
}
check_protocol() { # LOG WHO
    [ -z "$protocol" ] && return 0
    grep -q "^Protocol version: $protocol\$" "$work/$1" ||
        { echo "FAIL: $2 did not report $protocol"; cat "$work/$1"; exit 1; }
    echo "$2: $protocol"
}
# Verified chain and name, the whole reply, and close_notify before the end.
check_s_client() { # ERR_LOG
    cat "$work/$1"
    grep -q "^Verification: OK" "$work/$1" || { echo "FAIL: s_client did not verify the certificate"; exit 1; }
    grep -q "^Verified peername: localhost" "$work/$1" || { echo "FAIL: s_client did not verify the name"; exit 1; }
    if grep -qi "verify error\|unexpected eof\|errno" "$work/$1"; then
        echo "FAIL: s_client reported an error"; exit 1
    fi
    check_protocol "$1" "s_client"
}
s_client() { # PORT
    timeout 60 openssl s_client -connect "$peer_host:$1" -CAfile "$certs/ca.pem" -servername localhost \
        -verify_hostname localhost -verify_return_error -brief -ign_eof -nocommands
}

echo "== sockport client -> openssl s_server"
start_s_server s_server.log
reply=$(timeout 30 "$peer" client "$openssl_host:$port" "$certs/ca.pem" localhost) ||
    { echo "FAIL: tls_peer client failed"; cat "$work/s_server.log"; exit 1; }
echo "reply: $reply"
[ "$reply" = "tropkcos morf olleh" ] || { echo "FAIL: expected the reversed line"; cat "$work/s_server.log"; exit 1; }
check_protocol s_server.log "s_server"

echo "== sockport client expecting another name -> SP_EHOSTMISMATCH"
start_s_server s_server2.log
if timeout 30 "$peer" client "$openssl_host:$port" "$certs/ca.pem" not-localhost.test 2>"$work/err.txt"; then
    echo "FAIL: the handshake succeeded with the wrong name"; exit 1
fi
cat "$work/err.txt"
grep -q SP_EHOSTMISMATCH "$work/err.txt" || { echo "FAIL: expected SP_EHOSTMISMATCH"; exit 1; }

echo "== openssl s_client -> sockport server"
start_peer_server server.out
status=0
out=$(printf 'ping from openssl\n' | s_client "$port" 2>"$work/s_client.err") || status=$?
echo "echo: $out"
[ "$status" -eq 0 ] || { echo "FAIL: s_client exited with $status"; cat "$work/s_client.err" "$work/server.out"; exit 1; }
wait "$server" || { echo "FAIL: tls_peer server failed"; cat "$work/server.out"; exit 1; }
[ "$out" = "ping from openssl" ] || { echo "FAIL: expected the echoed line"; exit 1; }
check_s_client s_client.err

if [ "$bulk" -gt 0 ]; then
    echo "== sockport client -> openssl s_server, $bulk bytes each way"
    start_s_server s_server3.log
    timeout 60 "$peer" client "$openssl_host:$port" "$certs/ca.pem" localhost "$bulk" ||
        { echo "FAIL: the bulk exchange with s_server failed"; cat "$work/s_server3.log"; exit 1; }

    echo "== openssl s_client -> sockport server, $bulk bytes each way"
    head -c "$bulk" /dev/urandom >"$work/bulk.in"
    start_peer_server server2.out "$bulk"
    status=0
    s_client "$port" <"$work/bulk.in" >"$work/bulk.out" 2>"$work/s_client2.err" || status=$?
    [ "$status" -eq 0 ] || { echo "FAIL: s_client exited with $status"; cat "$work/s_client2.err" "$work/server2.out"; exit 1; }
    wait "$server" || { echo "FAIL: tls_peer server failed"; cat "$work/server2.out" "$work/s_client2.err"; exit 1; }
    cat "$work/server2.out"
    cmp "$work/bulk.in" "$work/bulk.out" || { echo "FAIL: what came back differs from what was sent"; exit 1; }
    echo "sent and received: $(sha256sum <"$work/bulk.in" | cut -d' ' -f1) ($(stat -c %s "$work/bulk.out") bytes)"
    check_s_client s_client2.err
fi
echo "PASS"
