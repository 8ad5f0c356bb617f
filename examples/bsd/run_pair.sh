#!/usr/bin/env bash
# Runs one server and one client of examples/bsd against each other on
# 127.0.0.1, both bounded in time, and requires both to exit 0.
#   run_pair.sh SERVER [SERVER_ARGS...] -- CLIENT [CLIENT_ARGS...]
# The server is started with port 0 as its first argument prepended; its
# first line must be "PORT <n>". The client gets "<host> <n>" prepended:
# 127.0.0.1, or $BSD_PAIR_HOST (the server's end of a TAP link: tests/interop).
set -u
server=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do server+=("$1"); shift; done
[ $# -gt 1 ] || { echo "usage: run_pair.sh SERVER [ARGS] -- CLIENT [ARGS]" >&2; exit 2; }
shift
client=("$@")

out=$(mktemp "${TMPDIR:-/tmp}/sockport-bsd-pair.XXXXXX") || exit 2
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    rm -f "$out"
}
trap cleanup EXIT

timeout 60 "${server[0]}" 0 "${server[@]:1}" >"$out" &
server_pid=$!
port=""
for _ in $(seq 200); do
    port=$(sed -n '1s/^PORT \([0-9][0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$port" ]; then
    echo "run_pair.sh: the server printed no PORT line" >&2
    cat "$out"
    exit 1
fi
timeout 60 "${client[0]}" "${BSD_PAIR_HOST:-127.0.0.1}" "$port" "${client[@]:1}"
client_status=$?
wait "$server_pid"
server_status=$?
server_pid=""
cat "$out"
echo "run_pair.sh: client exit $client_status, server exit $server_status"
[ "$client_status" = 0 ] && [ "$server_status" = 0 ]
