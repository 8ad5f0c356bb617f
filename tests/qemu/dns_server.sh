#!/usr/bin/env bash
# The host side of the board's name-resolution test: dnsmasq on 127.0.0.1
# only, on a free port, answering for the names it defines under
# sockport.test and NXDOMAIN for others there; it forwards nothing anywhere
# (--no-resolv, no upstream servers). First line: "PORT <n>" (run_firmware.sh
# --server reads it). It runs in the foreground until run_firmware.sh stops it.
set -eu
# Debian puts dnsmasq in /usr/sbin, which a user's PATH (not root's) leaves out.
PATH="$PATH:/usr/sbin:/sbin"
port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
echo "PORT $port"
exec dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --no-resolv --no-hosts --no-poll \
  --bind-interfaces --listen-address=127.0.0.1 --port="$port" --log-queries \
  --local=/sockport.test/ \
  --host-record=board.sockport.test,192.0.2.77 \
  --host-record=v6.sockport.test,2001:db8::77
