#!/usr/bin/env bash
# The host's own TLS clients against an HTTPS server on 127.0.0.1 (the board's
# ssl_server2 behind QEMU's forward, port SP_QEMU_TCP_PORT from run_firmware.sh):
# curl, then openssl s_client, each with full certificate verification
# against CA_FILE and the name "localhost". Passes only if both complete the
# handshake, verify the certificate and get the HTTP response.
#
#   https_check.sh CA_FILE [PORT]
# Prints the handshake time curl measured (TCP connected -> TLS done).
set -u
ca=${1:?usage: https_check.sh CA_FILE [PORT]}
port=${2:-${SP_QEMU_TCP_PORT:?no port: give one or run under run_firmware.sh}}
fail() { echo "https_check: FAIL: $*" >&2; exit 1; }

# curl: --resolve keeps the name (checked against the certificate) while
# going only to 127.0.0.1, without any name lookup.
echo "\$ curl --cacert $ca --resolve localhost:$port:127.0.0.1 https://localhost:$port/"
page=$(curl -sS --max-time 60 --cacert "$ca" --resolve "localhost:$port:127.0.0.1" \
    -w '\ncurl-times connect=%{time_connect} appconnect=%{time_appconnect}\n' \
    "https://localhost:$port/") || fail "curl could not fetch https://localhost:$port/"
printf '%s\n' "$page"
grep -q "Successful connection using: TLS-" <<<"$page" || fail "curl got no page from ssl_server2"
times=$(grep '^curl-times ' <<<"$page")
connect=$(sed 's/.* connect=\([0-9.]*\).*/\1/' <<<"$times")
appconnect=$(sed 's/.* appconnect=\([0-9.]*\).*/\1/' <<<"$times")
awk -v c="$connect" -v a="$appconnect" \
    'BEGIN { printf "https_check: curl: certificate verified, page fetched; TLS handshake %.0f ms\n", (a - c) * 1000 }'

# openssl s_client: -verify_return_error aborts the handshake on any
# verification failure; -ign_eof waits for the server's response after the
# request has been sent.
echo "\$ openssl s_client -connect 127.0.0.1:$port -servername localhost -verify_hostname localhost -CAfile $ca -verify_return_error -ign_eof"
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 60 openssl s_client -connect "127.0.0.1:$port" \
    -servername localhost -verify_hostname localhost -CAfile "$ca" -verify_return_error \
    -ign_eof 2>&1) || { printf '%s\n' "$out"; fail "openssl s_client failed"; }
printf '%s\n' "$out" | grep -E 'Verify return code|^ *Protocol|^ *Cipher|HTTP/|Successful'
grep -q "Verify return code: 0 (ok)" <<<"$out" || fail "openssl did not verify the certificate"
grep -q "HTTP/1.0 200 OK" <<<"$out" || fail "openssl got no HTTP response"
grep -q "Successful connection using: TLS-" <<<"$out" || fail "openssl got no page from ssl_server2"
echo "https_check: openssl s_client: certificate verified, page fetched"
