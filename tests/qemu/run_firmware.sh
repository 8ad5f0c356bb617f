#!/usr/bin/env bash
# Boot a firmware ELF on QEMU's mps2-an385, show its console, and exit with
# the firmware's own exit status (semihosting SYS_EXIT_EXTENDED).
#
# usage: run_firmware.sh [options] FIRMWARE.elf
#   --timeout S        stop QEMU after S seconds (default 60): exit status 124
#   --tcp GUEST_PORT   forward a free 127.0.0.1 TCP port to the guest's port (repeatable)
#   --udp GUEST_PORT   the same for UDP (repeatable). Either adds a LAN9118 on
#                      QEMU user networking, guest 10.0.2.15, host 10.0.2.2.
#   --net              add the LAN9118 without forwards
#   --client CMD       once the console prints a line starting with READY (or
#                      matching --ready), run CMD with sh -c and these variables set:
#                        SP_QEMU_TCP_PORT / SP_QEMU_UDP_PORT  host port of the first forward
#                        SP_QEMU_TCP_PORTS / SP_QEMU_UDP_PORTS "host:guest ..." for all
#                      If CMD fails, QEMU is stopped and the script exits with status 125.
#   --ready RE         the console text (extended regex) that starts --client,
#                      instead of a line starting with READY
#   --stop-after-client  when CMD succeeds, stop QEMU and exit 0: for a server
#                      firmware that never exits by itself (an unmodified
#                      program such as mbedTLS's ssl_server2)
#   --env NAME=VALUE   set an environment variable in the firmware (repeatable;
#                      no spaces): passed as QEMU's -append text, which the
#                      board turns into its environment (getenv)
#   --arg WORD         a command-line argument of the firmware (repeatable; no
#                      spaces): also a word of the -append text, which the
#                      board hands to main(argc, argv) programs (board_argv);
#                      a NAME=VALUE word is also in the environment
#   --server CMD       before QEMU starts, run CMD (sh -c) in the background: a
#                      host service the firmware connects out to (as 10.0.2.2).
#                      Its first stdout line must be "PORT <n>"; the firmware
#                      gets SP_HOST_PORT=<n> in its environment. Stopped at the end.
#   --ready-timeout S  how long to wait for READY (default 30)
#   --log FILE         keep the console in FILE (default: a temporary file)
#   --icount           run with -icount shift=auto (guest time independent of host load)
#   --icount-align N   run with -icount shift=N,align=on: each instruction takes
#                      2^N ns and QEMU holds the guest to the host's clock, so the
#                      CPU runs at about 10^9/2^N instructions per second (5: ~31
#                      million, near a real 25 MHz Cortex-M3); for measurements
#   --qemu PATH        the qemu-system-arm to run
#   --expect N         exit 0 if the firmware exits with N, 1 if not (for CTest)
#   --expect-output RE also require a console line matching the extended regex RE
# Exit status: the firmware's (0/1 with --expect), 124 on timeout, 125 if the
# client failed, 126 if QEMU could not start, 2 on bad usage.
set -u

timeout_s=60
ready_timeout_s=30
qemu=qemu-system-arm
client=""
log=""
use_net=0
icount=0
icount_align=""
expect=""
expect_output=""
tcp_guest=()
env_words=()
server=""
udp_guest=()
ready_re="^READY"
stop_after_client=0

usage() {
    sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    --timeout) timeout_s=$2; shift 2 ;;
    --ready-timeout) ready_timeout_s=$2; shift 2 ;;
    --tcp) tcp_guest+=("$2"); use_net=1; shift 2 ;;
    --udp) udp_guest+=("$2"); use_net=1; shift 2 ;;
    --net) use_net=1; shift ;;
    --env | --arg) env_words+=("$2"); shift 2 ;;
    --ready) ready_re=$2; shift 2 ;;
    --stop-after-client) stop_after_client=1; shift ;;
    --server) server=$2; use_net=1; shift 2 ;;
    --client) client=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --icount) icount=1; shift ;;
    --icount-align) icount_align=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --expect) expect=$2; shift 2 ;;
    --expect-output) expect_output=$2; shift 2 ;;
    -h | --help) usage ;;
    --) shift; break ;;
    -*) echo "run_firmware.sh: unknown option $1" >&2; usage ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || usage
firmware=$1
[ -r "$firmware" ] || { echo "run_firmware.sh: cannot read $firmware" >&2; exit 2; }
command -v "$qemu" >/dev/null || { echo "run_firmware.sh: $qemu not found" >&2; exit 126; }

own_log=0
if [ -z "$log" ]; then
    log=$(mktemp "${TMPDIR:-/tmp}/sockport-qemu.XXXXXX") || exit 126
    own_log=1
fi
qemu_pid=""
tail_pid=""
server_pid=""
server_out=""
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
    [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    [ -n "$server_out" ] && rm -f "$server_out"
    [ "$own_log" = 1 ] && rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A port the kernel just handed out and released: QEMU binds it a moment
# later. Another process may take it in between (QEMU then fails to start),
# or, for UDP, bind it too (QEMU's UDP forwards allow a shared port): both
# are found and retried with new ports below.
free_port() { # $1: tcp|udp
    python3 -c 'import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$1"
}

start_qemu() {
    local args=(-M mps2-an385 -display none -monitor none -serial stdio
        -semihosting-config enable=on,target=native -kernel "$firmware")
    [ "$icount" = 1 ] && args+=(-icount shift=auto)
    [ -n "$icount_align" ] && args+=(-icount "shift=$icount_align,align=on")
    [ ${#env_words[@]} -gt 0 ] && args+=(-append "${env_words[*]}")
    tcp_map=""
    udp_map=""
    if [ "$use_net" = 1 ]; then
        local nic="user,model=lan9118" guest host
        for guest in ${tcp_guest[@]+"${tcp_guest[@]}"}; do
            host=$(free_port tcp) || return 1
            nic+=",hostfwd=tcp:127.0.0.1:$host-:$guest"
            tcp_map+="${tcp_map:+ }$host:$guest"
        done
        for guest in ${udp_guest[@]+"${udp_guest[@]}"}; do
            host=$(free_port udp) || return 1
            nic+=",hostfwd=udp:127.0.0.1:$host-:$guest"
            udp_map+="${udp_map:+ }$host:$guest"
        done
        args+=(-nic "$nic")
    else
        # Isolated, and without IPv6 router advertisements to a NIC nobody enabled.
        args+=(-nic user,model=lan9118,restrict=on,ipv6=off)
    fi
    : >"$log"
    timeout --kill-after=5 "$timeout_s" "$qemu" "${args[@]}" </dev/null >>"$log" 2>&1 &
    qemu_pid=$!
}

if [ -n "$server" ]; then
    server_out=$(mktemp "${TMPDIR:-/tmp}/sockport-server.XXXXXX") || exit 126
    sh -c "exec $server" >"$server_out" &
    server_pid=$!
    host_port=""
    for _ in $(seq 200); do
        host_port=$(sed -n '1s/^PORT \([0-9][0-9]*\)$/\1/p' "$server_out")
        [ -n "$host_port" ] && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$host_port" ]; then
        echo "run_firmware.sh: the --server command printed no PORT line" >&2
        exit 126
    fi
    env_words+=("SP_HOST_PORT=$host_port")
fi

# Who holds host port $2 ($1: t for TCP, u for UDP) besides QEMU (pid $3):
# 0 QEMU alone, 1 not QEMU yet (it binds its forwards before the guest runs),
# 2 QEMU and another socket (someone took the port in the moment after
# free_port released it; QEMU's UDP forwards allow a shared port).
port_holders() {
    local listed
    listed=$(ss -Hl"$1"np "sport = :$2") || return 1
    case $listed in
    *"pid=$3,"*) ;;
    "" | *users:*) return 1 ;;
    esac # a listing without owners (other users' sockets only): cannot tell, taken as QEMU's
    [ "$(printf '%s\n' "$listed" | grep -c .)" = 1 ] || return 2
}

# port_holders for every forward: 0 when QEMU alone holds them all.
forwards_held() { # $1: QEMU's pid
    local pair status
    for pair in $tcp_map; do
        port_holders t "${pair%%:*}" "$1"
        status=$?
        [ "$status" = 0 ] || return "$status"
    done
    for pair in $udp_map; do
        port_holders u "${pair%%:*}" "$1"
        status=$?
        [ "$status" = 0 ] || return "$status"
    done
}

# Start QEMU until its forwards are its own, with new ports each attempt: a
# forward it could not bind stops it at once ("Could not set up host
# forwarding rule"); a port it shares is given up. Bounded in attempts and time.
start_attempts=8
started=0
for attempt in $(seq "$start_attempts"); do
    start_qemu || exit 126
    if [ "$use_net" = 0 ] || [ -z "$tcp_map$udp_map" ]; then
        started=1
        break
    fi
    outcome=slow
    for _ in $(seq 200); do # up to 10 s for QEMU to come up on a loaded machine
        if ! kill -0 "$qemu_pid" 2>/dev/null; then
            outcome=exited
            break
        fi
        # QEMU itself is the child of timeout(1).
        qemu_own_pid=""
        read -r qemu_own_pid _ 2>/dev/null <"/proc/$qemu_pid/task/$qemu_pid/children"
        if [ -n "$qemu_own_pid" ]; then
            forwards_held "$qemu_own_pid"
            case $? in
            0) outcome=held; break ;;
            2) outcome=shared; break ;;
            esac
        fi
        sleep 0.05
    done
    if [ "$outcome" = held ]; then
        started=1
        break
    fi
    if [ "$outcome" = slow ]; then
        # Alive but its forwards not seen (ss cannot show them here): go on,
        # as a forward QEMU failed to bind would have stopped it by now.
        echo "run_firmware.sh: QEMU's forwards not seen with ss after 10 s; going on" >&2
        started=1
        break
    fi
    if [ "$outcome" = exited ] && ! grep -q "host forwarding" "$log"; then
        started=1 # it ran and ended by itself: its status is the answer
        break
    fi
    kill "$qemu_pid" 2>/dev/null
    wait "$qemu_pid" 2>/dev/null
    qemu_pid=""
    echo "run_firmware.sh: attempt $attempt: a forwarded port was taken ($outcome), retrying" >&2
done
[ "$started" = 1 ] || { cat "$log"; exit 126; }

tail -n +1 -f --pid="$qemu_pid" "$log" &
tail_pid=$!

client_status=0
if [ -n "$client" ]; then
    ready=0
    deadline=$((SECONDS + ready_timeout_s))
    while [ $SECONDS -lt $deadline ] && kill -0 "$qemu_pid" 2>/dev/null; do
        if grep -Eq -- "$ready_re" "$log"; then
            ready=1
            break
        fi
        sleep 0.05
    done
    if [ "$ready" = 1 ]; then
        first_tcp=${tcp_map%% *}
        first_udp=${udp_map%% *}
        SP_QEMU_TCP_PORT=${first_tcp%%:*} SP_QEMU_UDP_PORT=${first_udp%%:*} \
            SP_QEMU_TCP_PORTS=$tcp_map SP_QEMU_UDP_PORTS=$udp_map sh -c "$client"
        client_status=$?
    else
        echo "run_firmware.sh: no console text matching '$ready_re' within ${ready_timeout_s} s" >&2
        client_status=1
    fi
    if [ "$client_status" != 0 ] || [ "$stop_after_client" = 1 ]; then
        kill "$qemu_pid" 2>/dev/null
    fi
fi

wait "$qemu_pid"
status=$?
qemu_pid=""
wait "$tail_pid" 2>/dev/null
tail_pid=""
if [ "$client_status" != 0 ]; then
    echo "run_firmware.sh: client failed (status $client_status)" >&2
    exit 125
fi
if [ "$stop_after_client" = 1 ] && [ -n "$client" ]; then
    # The firmware was stopped on purpose: its status says nothing.
    if [ -n "$expect_output" ] && ! grep -Eq -- "$expect_output" "$log"; then
        echo "run_firmware.sh: no console line matches: $expect_output" >&2
        exit 1
    fi
    exit 0
fi
case $status in
124 | 137) echo "run_firmware.sh: timed out after ${timeout_s} s" >&2; exit 124 ;;
esac
if [ -n "$expect_output" ] && ! grep -Eq -- "$expect_output" "$log"; then
    echo "run_firmware.sh: no console line matches: $expect_output" >&2
    exit 1
fi
if [ -n "$expect" ]; then
    if [ "$status" != "$expect" ]; then
        echo "run_firmware.sh: firmware exited with $status, expected $expect" >&2
        exit 1
    fi
    exit 0
fi
exit "$status"
