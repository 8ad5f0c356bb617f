#!/usr/bin/env bash
# curl against fw_http on the board, through QEMU's forward of
# 127.0.0.1:$SP_QEMU_TCP_PORT to the board's port 80 (run by run_firmware.sh
# --client). Checks a page, a 1 MB download byte for byte, a 404, then asks the
# firmware to exit. Every curl is bounded by --max-time.
set -u
base="http://127.0.0.1:${SP_QEMU_TCP_PORT:?run me from run_firmware.sh --tcp 80 --client}"
curl_opts=(--silent --show-error --max-time 30)
work=$(mktemp -d "${TMPDIR:-/tmp}/sockport-http.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
fail() { echo "http_check: FAILED: $*" >&2; exit 1; }

page=$(curl "${curl_opts[@]}" --fail "$base/") || fail "GET /"
echo "$page"
grep -q "^sockport on mps2-an385" <<<"$page" || fail "GET /: unexpected page"

bytes=1000000
started=$(date +%s%N)
curl "${curl_opts[@]}" --fail -o "$work/got" "$base/bytes/$bytes" || fail "GET /bytes/$bytes"
elapsed_ns=$(( $(date +%s%N) - started ))
python3 -c 'import sys
n = int(sys.argv[1])
sys.stdout.buffer.write(bytes(97 + i % 26 for i in range(n)))' "$bytes" >"$work/want"
cmp -s "$work/got" "$work/want" || fail "GET /bytes/$bytes: body differs ($(stat -c %s "$work/got") bytes)"
echo "http_check: $bytes bytes intact in $((elapsed_ns / 1000000)) ms"

code=$(curl "${curl_opts[@]}" -o /dev/null -w '%{http_code}' "$base/nowhere") || fail "GET /nowhere"
[ "$code" = 404 ] || fail "GET /nowhere gave $code, not 404"

[ "$(curl "${curl_opts[@]}" --fail "$base/exit")" = bye ] || fail "GET /exit"
echo "http_check: ok"
