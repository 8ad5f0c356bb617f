#!/usr/bin/env bash
# mbedTLS's ssl_client2, built for the host kernel, as a DTLS client of the
# board's ssl_server2 dtls=1 behind QEMU's UDP forward (SP_QEMU_UDP_PORT from
# run_firmware.sh). ssl_client2 verifies the server's certificate against
# mbedTLS's test CAs (its default) and exits 0 only after a full exchange.
#
#   dtls_check.sh SSL_CLIENT2 [PORT]
set -u
client=${1:?usage: dtls_check.sh SSL_CLIENT2 [PORT]}
port=${2:-${SP_QEMU_UDP_PORT:?no port: give one or run under run_firmware.sh}}
start=$(date +%s%N)
out=$(timeout 120 "$client" dtls=1 server_addr=127.0.0.1 server_port="$port" \
    server_name=localhost auth_mode=required hs_timeout=2000-30000 2>&1)
status=$?
end=$(date +%s%N)
printf '%s\n' "$out"
if [ "$status" -ne 0 ]; then
    echo "dtls_check: FAIL: ssl_client2 dtls=1 exited with $status" >&2
    exit 1
fi
grep -q "Verifying peer X.509 certificate... ok" <<<"$out" || { echo "dtls_check: FAIL: certificate not verified" >&2; exit 1; }
grep -q "Successful connection using: TLS-" <<<"$out" || { echo "dtls_check: FAIL: no page over DTLS" >&2; exit 1; }
echo "dtls_check: DTLS handshake, certificate verified, page received ($(((end - start) / 1000000)) ms in all)"
