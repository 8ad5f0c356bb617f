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
# other ($SP_LWIP_TAP_IPV4). If the link has IPv6 too (netns_tap.sh --ipv6),
# cases 1 and 2 run again over it.
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
echo "$(openssl version)"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

endpoint() { # HOST PORT: as openssl and sp_addr_parse() take it
    case $1 in
    *:*) echo "[$1]:$2" ;;
    *) echo "$1:$2" ;;
    esac
}
free_port() {
    python3 -c 'import socket,sys
h=sys.argv[1]
s=socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
s.bind((h,0))
print(s.getsockname()[1])' "$openssl_host"
}
wait_listening() { # PORT
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/$openssl_host/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on $(endpoint "$openssl_host" "$1")" >&2; return 1
}
# Starts s_server -rev on a free port (in $port), logging to $work/$1.
start_s_server() { # LOG
    port=$(free_port)
    openssl s_server -accept "$(endpoint "$openssl_host" "$port")" -cert "$certs/server.pem" \
        -key "$certs/server.key" -rev -naccept 2 >"$work/$1" 2>&1 &
    pids+=($!)
    # The probe is the first of the two connections s_server accepts.
    wait_listening "$port"
}
# Starts tls_peer as a server on a free port (in $port), logging to $work/$1.
start_peer_server() { # LOG [BYTES]
    port=$(free_port)
    timeout 60 "$peer" server "$(endpoint "$peer_host" "$port")" "$certs/server.pem" "$certs/server.key" \
        ${2:+"$2"} >"$work/$1" 2>&1 &
    server=$!
    pids+=($server)
    for _ in $(seq 200); do
        grep -q listening "$work/$1" 2>/dev/null && return 0
        kill -0 "$server" 2>/dev/null || break
        sleep 0.05
    done
    echo "FAIL: tls_peer server did not listen"; cat "$work/$1"; exit 1
}
peer_client() { # NAME [BYTES]
    timeout 60 "$peer" client "$(endpoint "$openssl_host" "$port")" "$certs/ca.pem" "$@"
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
    timeout 60 openssl s_client -connect "$(endpoint "$peer_host" "$1")" -CAfile "$certs/ca.pem" \
        -servername localhost -verify_hostname localhost -verify_return_error -brief -ign_eof -nocommands
}

# Cases 1 and 2 between $openssl_host and $peer_host; logs named after TAG.
run_line_cases() { # TAG
    local tag=$1 reply out status=0
    echo "== openssl on $openssl_host, sockport on $peer_host"
    echo "== sockport client -> openssl s_server"
    start_s_server "s_server.$tag.log"
    reply=$(peer_client localhost) || { echo "FAIL: tls_peer client failed"; cat "$work/s_server.$tag.log"; exit 1; }
    echo "reply: $reply"
    [ "$reply" = "tropkcos morf olleh" ] ||
        { echo "FAIL: expected the reversed line"; cat "$work/s_server.$tag.log"; exit 1; }
    check_protocol "s_server.$tag.log" "s_server"

    echo "== sockport client expecting another name -> SP_EHOSTMISMATCH"
    start_s_server "s_server_name.$tag.log"
    if peer_client not-localhost.test 2>"$work/err.txt"; then
        echo "FAIL: the handshake succeeded with the wrong name"; exit 1
    fi
    cat "$work/err.txt"
    grep -q SP_EHOSTMISMATCH "$work/err.txt" || { echo "FAIL: expected SP_EHOSTMISMATCH"; exit 1; }

    echo "== openssl s_client -> sockport server"
    start_peer_server "server.$tag.out"
    out=$(printf 'ping from openssl\n' | s_client "$port" 2>"$work/s_client.$tag.err") || status=$?
    echo "echo: $out"
    [ "$status" -eq 0 ] ||
        { echo "FAIL: s_client exited with $status"; cat "$work/s_client.$tag.err" "$work/server.$tag.out"; exit 1; }
    wait "$server" || { echo "FAIL: tls_peer server failed"; cat "$work/server.$tag.out"; exit 1; }
    [ "$out" = "ping from openssl" ] || { echo "FAIL: expected the echoed line"; exit 1; }
    check_s_client "s_client.$tag.err"
}

run_line_cases ipv4

if [ "$bulk" -gt 0 ]; then
    echo "== sockport client -> openssl s_server, $bulk bytes each way"
    start_s_server s_server_bulk.log
    peer_client localhost "$bulk" ||
        { echo "FAIL: the bulk exchange with s_server failed"; cat "$work/s_server_bulk.log"; exit 1; }

    echo "== openssl s_client -> sockport server, $bulk bytes each way"
    head -c "$bulk" /dev/urandom >"$work/bulk.in"
    start_peer_server server_bulk.out "$bulk"
    status=0
    s_client "$port" <"$work/bulk.in" >"$work/bulk.out" 2>"$work/s_client_bulk.err" || status=$?
    [ "$status" -eq 0 ] ||
        { echo "FAIL: s_client exited with $status"; cat "$work/s_client_bulk.err" "$work/server_bulk.out"; exit 1; }
    wait "$server" || { echo "FAIL: tls_peer server failed"; cat "$work/server_bulk.out"; exit 1; }
    cat "$work/server_bulk.out"
    cmp "$work/bulk.in" "$work/bulk.out" || { echo "FAIL: what came back differs from what was sent"; exit 1; }
    echo "sent and received: $(sha256sum <"$work/bulk.in" | cut -d' ' -f1) ($(stat -c %s "$work/bulk.out") bytes)"
    check_s_client s_client_bulk.err
fi

if [ -n "${SP_TAP_KERNEL_IPV6:-}" ]; then
    openssl_host=$SP_TAP_KERNEL_IPV6
    peer_host=${SP_LWIP_TAP_IPV6:?netns_tap.sh sets both IPv6 addresses}
    run_line_cases ipv6
fi
echo "PASS"
