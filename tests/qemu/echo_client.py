#!/usr/bin/env python3
"""Host side of the echo firmware check (tests/qemu/firmware/fw_echo.c).

Talks to the firmware through QEMU's user-mode forwards on 127.0.0.1: small TCP
and UDP round trips, one bulk TCP transfer whose echo must come back byte for
byte, then the UDP "EXIT" command that makes the firmware exit with status 0.
Every wait is bounded; the figures printed are information, never asserted.
"""
import argparse
import os
import socket
import sys
import time

HOST = "127.0.0.1"


def tcp_round_trips(port, count, timeout):
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        started = time.monotonic()
        first = None
        for i in range(count):
            message = b"ping %06d\n" % i
            sock.sendall(message)
            received = b""
            while len(received) < len(message):
                chunk = sock.recv(len(message) - len(received))
                if not chunk:
                    raise RuntimeError("tcp: connection closed after %d round trips" % i)
                received += chunk
            if received != message:
                raise RuntimeError("tcp: round trip %d echoed %r" % (i, received))
            if first is None:
                first = time.monotonic() - started
        total = time.monotonic() - started
    rest = (total - first) / (count - 1) if count > 1 else 0.0
    print("tcp: %d round trips in %.3f s (first %.1f ms incl. forward set-up, then %.3f ms each)"
          % (count, total, first * 1e3, rest * 1e3))


def tcp_bulk(port, size, timeout):
    payload = os.urandom(size)
    received = bytearray()
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.setblocking(False)
        started = time.monotonic()
        sent = 0
        deadline = started + timeout
        while len(received) < size:
            if time.monotonic() > deadline:
                raise RuntimeError("tcp bulk: %d of %d bytes echoed before the timeout"
                                   % (len(received), size))
            progressed = False
            if sent < size:
                try:
                    sent += sock.send(payload[sent:sent + 65536])
                    progressed = True
                except BlockingIOError:
                    pass
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    raise RuntimeError("tcp bulk: closed after %d bytes" % len(received))
                received += chunk
                progressed = True
            except BlockingIOError:
                pass
            if not progressed:
                time.sleep(0.0005)
        elapsed = time.monotonic() - started
    if bytes(received) != payload:
        raise RuntimeError("tcp bulk: echoed bytes differ from those sent")
    print("tcp bulk: %d bytes echoed intact in %.3f s (%.2f MB/s each way)"
          % (size, elapsed, size / elapsed / 1e6))


def udp_round_trips(port, count, timeout):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        started = time.monotonic()
        for i in range(count):
            message = b"datagram %06d" % i
            sock.sendto(message, (HOST, port))
            reply, _ = sock.recvfrom(2048)
            if reply != message:
                raise RuntimeError("udp: round trip %d echoed %r" % (i, reply))
        total = time.monotonic() - started
    print("udp: %d round trips in %.3f s (%.3f ms each)" % (count, total, total / count * 1e3))


def request_exit(port, timeout):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(b"EXIT", (HOST, port))
        reply, _ = sock.recvfrom(64)
    if reply != b"EXIT":
        raise RuntimeError("exit: echoed %r" % reply)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tcp-port", type=int, default=int(os.environ.get("SP_QEMU_TCP_PORT", 0)))
    parser.add_argument("--udp-port", type=int, default=int(os.environ.get("SP_QEMU_UDP_PORT", 0)))
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--bulk-bytes", type=int, default=1 << 20)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per step")
    args = parser.parse_args()
    if not args.tcp_port or not args.udp_port:
        parser.error("--tcp-port and --udp-port (or SP_QEMU_TCP_PORT/SP_QEMU_UDP_PORT) are required")
    try:
        tcp_round_trips(args.tcp_port, args.round_trips, args.timeout)
        udp_round_trips(args.udp_port, args.round_trips, args.timeout)
        if args.bulk_bytes:
            tcp_bulk(args.tcp_port, args.bulk_bytes, args.timeout)
        request_exit(args.udp_port, args.timeout)
    except (OSError, RuntimeError) as error:
        print("echo_client: FAILED: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
