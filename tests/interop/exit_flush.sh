#!/usr/bin/env bash
# A program on lwIP in-process (sockport_lwip_tap) exits right after sending
# and closing; the kernel's end of the TAP link must still receive every byte
# and the end of the stream, as from a program on the host kernel. The reader
# is slow on purpose, so that the sender's window is full and lwIP still holds
# bytes when the program returns from main(). Runs inside tests/net/netns_tap.sh.
#   exit_flush.sh TAP_EXIT_SENDER BYTES
set -u
sender=$1 bytes=$2
kernel=${SP_TAP_KERNEL_IPV4:?run inside tests/net/netns_tap.sh}
lwip=${SP_LWIP_TAP_IPV4:?run inside tests/net/netns_tap.sh}
work=$(mktemp -d "${TMPDIR:-/tmp}/sockport-exit-flush.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
# 16 KiB every 5 ms: about 3 MB/s, well below what lwIP sends across a TAP.
timeout 60 python3 -c '
import socket, sys, time
listener = socket.socket()
listener.bind((sys.argv[1], 0))
listener.listen(1)
listener.settimeout(20)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
conn.settimeout(10)
got, ended = 0, False
try:
    while True:
        data = conn.recv(16384)
        if not data:
            ended = True
            break
        got += len(data)
        time.sleep(0.005)
except socket.timeout:
    pass
print("received", got, "end of stream" if ended else "NO end of stream (10 s of silence)", flush=True)
' "$kernel" >"$work/reader.out" 2>&1 &
reader=$!
port=""
for _ in $(seq 100); do
    port=$(head -n 1 "$work/reader.out")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { echo "FAIL: the reader did not listen"; cat "$work/reader.out"; exit 1; }
timeout 60 "$sender" "$kernel:$port" "$bytes" || { echo "FAIL: the sender failed"; exit 1; }
wait "$reader"
tail -n 1 "$work/reader.out"
[ "$(tail -n 1 "$work/reader.out")" = "received $bytes end of stream" ] ||
    { echo "FAIL: lwIP ($lwip) sent $bytes bytes and closed before exiting; the kernel did not get them all"; exit 1; }
echo "PASS"
