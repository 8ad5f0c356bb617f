#!/usr/bin/env bash
# The host's curl and openssl against the board's status page over HTTPS
# (fw_https: sockport's TLS layer on the lwIP port), behind QEMU's forwards
# on 127.0.0.1 (SP_QEMU_TCP_PORTS from run_firmware.sh: "host:guest ...").
#   1. plain HTTP on guest port 80 (the same page code, unwrapped);
#   2. curl over HTTPS (guest port 443), the certificate verified against
#      CERT_DIR/ca.pem for the name "localhost"; prints the handshake time;
#   3. curl trusting another CA must refuse the board's certificate;
#   4. openssl s_client, verifying, gets the page;
#   5. POST /quit over HTTPS stops the firmware (with --quit).
#   board_https_check.sh CERT_DIR [--quit]
set -u
certs=${1:?usage: board_https_check.sh CERT_DIR [--quit]}
quit=${2:-}
fail() { echo "board_https_check: FAIL: $*" >&2; exit 1; }
host_port() { # GUEST_PORT
    local pair
    for pair in ${SP_QEMU_TCP_PORTS:?run under run_firmware.sh}; do
        [ "${pair#*:}" = "$1" ] && { echo "${pair%%:*}"; return 0; }
    done
    return 1
}
http=$(host_port 80) || fail "no forward to guest port 80"
https=$(host_port 443) || fail "no forward to guest port 443"
url="https://localhost:$https/"
resolve=(--resolve "localhost:$https:127.0.0.1")

echo "\$ curl http://127.0.0.1:$http/"
page=$(curl -sS --max-time 30 "http://127.0.0.1:$http/") || fail "plain HTTP failed"
grep -q "over HTTPS" <<<"$page" || fail "the plain page is not the status page: $page"

echo "\$ curl --cacert $certs/ca.pem --resolve localhost:$https:127.0.0.1 $url"
out=$(curl -sS --max-time 60 --cacert "$certs/ca.pem" "${resolve[@]}" \
    -w '\ncurl-times connect=%{time_connect} appconnect=%{time_appconnect}\n' "$url") ||
    fail "curl could not fetch $url with the test CA"
printf '%s\n' "$out"
grep -q "over HTTPS" <<<"$out" || fail "curl got no status page over HTTPS"
times=$(grep '^curl-times ' <<<"$out")
connect=$(sed 's/.* connect=\([0-9.]*\).*/\1/' <<<"$times")
appconnect=$(sed 's/.* appconnect=\([0-9.]*\).*/\1/' <<<"$times")
awk -v c="$connect" -v a="$appconnect" \
    'BEGIN { printf "board_https_check: curl: certificate verified, page fetched; TLS handshake %.0f ms\n", (a - c) * 1000 }'

echo "\$ curl --cacert other-ca.pem ... (must refuse the board's certificate)"
if curl -sS --max-time 60 --cacert "$certs/other-ca.pem" "${resolve[@]}" "$url" >/dev/null 2>&1; then
    fail "curl accepted the board's certificate against a CA that did not sign it"
fi
echo "board_https_check: curl with another CA refused the certificate, as it must"

echo "\$ openssl s_client -connect 127.0.0.1:$https -servername localhost -verify_hostname localhost -CAfile ca.pem -verify_return_error"
out=$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 60 openssl s_client -connect "127.0.0.1:$https" \
    -servername localhost -verify_hostname localhost -CAfile "$certs/ca.pem" \
    -verify_return_error -ign_eof 2>&1) || { printf '%s\n' "$out"; fail "openssl s_client failed"; }
printf '%s\n' "$out" | grep -E 'Verify return code|^ *Protocol|^ *Cipher|HTTP/1.0'
grep -q "Verify return code: 0 (ok)" <<<"$out" || fail "openssl did not verify the certificate"
grep -q "HTTP/1.0 200 OK" <<<"$out" || fail "openssl got no HTTP response"
echo "board_https_check: openssl s_client: certificate verified, page fetched"

if [ "$quit" = "--quit" ]; then
    bye=$(curl -sS --max-time 30 --cacert "$certs/ca.pem" "${resolve[@]}" -X POST "${url}quit") ||
        fail "POST /quit over HTTPS failed"
    echo "POST /quit: $bye"
fi
