#!/usr/bin/env bash
# Start echo_server in the background, run echo_client against it over UDP
# and TCP, and stop the server. Exit 0 only if every echo matched and the
# server finished cleanly. Used by scripts/demo.sh and by CTest.
#
#   echo_roundtrip.sh BIN_DIR [PORT [CLIENTS]]
#     PORT 0 (default): the server picks one
#     CLIENTS (default 1): clients run at once, which the one-threaded server
#                          must serve side by side
set -euo pipefail

bin_dir="${1:?usage: echo_roundtrip.sh BIN_DIR [PORT [CLIENTS]]}"
port="${2:-0}"
clients="${3:-1}"
timeout_ms=3000
server_log="$(mktemp)"
server_pid=""

cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -f "$server_log"
}
trap cleanup EXIT

# --count: the server exits after that many TCP clients; each client runs
# UDP first, then TCP.
# --idle bounds the server if the client never comes.
"$bin_dir/echo_server" --port "$port" --count "$clients" --idle 10000 --timeout "$timeout_ms" \
    >"$server_log" 2>&1 &
server_pid=$!

# Wait (bounded) for the line that names the port it listens on.
listen_port=""
for _ in $(seq 1 100); do
    listen_port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$server_log")"
    [ -n "$listen_port" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    sleep 0.05
done
if [ -z "$listen_port" ]; then
    echo "echo_roundtrip: the server did not start:" >&2
    cat "$server_log" >&2
    exit 1
fi

client_status=0
if [ "$clients" -eq 1 ]; then
    "$bin_dir/echo_client" --port "$listen_port" --count 3 --timeout "$timeout_ms" || client_status=$?
else
    client_pids=()
    for n in $(seq 1 "$clients"); do
        "$bin_dir/echo_client" --port "$listen_port" --count 20 --timeout "$timeout_ms" \
            --message "client $n" >"$server_log.client$n" 2>&1 &
        client_pids+=("$!")
    done
    for n in $(seq 1 "$clients"); do
        wait "${client_pids[$((n - 1))]}" || client_status=$?
        grep 'echoes matched' "$server_log.client$n" | sed "s/^/client $n: /"
        rm -f "$server_log.client$n"
    done
fi

server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
sed 's/^/    | /' "$server_log"

if [ "$client_status" -ne 0 ] || [ "$server_status" -ne 0 ]; then
    echo "echo_roundtrip: FAILED (client exit $client_status, server exit $server_status)" >&2
    exit 1
fi
echo "echo_roundtrip: OK: every UDP and TCP echo of $clients client(s) matched on port $listen_port"
