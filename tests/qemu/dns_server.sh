#!/usr/bin/env bash
# The host side of the board's name-resolution test: dnsmasq on 127.0.0.1
# only, on a free port, answering for the names it defines under
# sockport.test and NXDOMAIN for others there; it forwards nothing anywhere
# (--no-resolv, no upstream servers). First line: "PORT <n>" (run_firmware.sh
# --server reads it). It runs until run_firmware.sh stops it.
set -u
# Debian puts dnsmasq in /usr/sbin, which a user's PATH (not root's) leaves out.
PATH="$PATH:/usr/sbin:/sbin"
free_port() {
  python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
dns_pid=""
trap '[ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null; exit 0' TERM INT
# The port is free when chosen but may be taken before dnsmasq binds it
# (other tests run at once): dnsmasq then exits at once, and another is tried.
for try in 1 2 3 4 5; do
  port=$(free_port) || exit 1
  dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --no-resolv --no-hosts --no-poll \
    --bind-interfaces --listen-address=127.0.0.1 --port="$port" --log-queries \
    --local=/sockport.test/ \
    --host-record=board.sockport.test,192.0.2.77 \
    --host-record=v6.sockport.test,2001:db8::77 >&2 &
  dns_pid=$!
  sleep 0.3
  if kill -0 "$dns_pid" 2>/dev/null; then
    echo "PORT $port"
    wait "$dns_pid"
    exit $?
  fi
  wait "$dns_pid" 2>/dev/null
  dns_pid=""
  echo "dns_server.sh: dnsmasq did not start on port $port (try $try of 5)" >&2
done
echo "dns_server.sh: FAILED: dnsmasq did not start" >&2
exit 1
