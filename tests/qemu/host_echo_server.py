#!/usr/bin/env python3
"""TCP and UDP echo on 127.0.0.1 for firmware that connects out to the host.

Binds one free port for both transports, prints "PORT <n>" on the first line
of stdout, then echoes until it has been idle for --idle seconds or has run
for --limit seconds (both bounded). QEMU's user network takes the firmware's
connections to 10.0.2.2:<n> to 127.0.0.1:<n>.
"""
import argparse
import selectors
import socket
import sys
import time


def bind_pair():
    for _ in range(20):
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.bind(("127.0.0.1", 0))
        port = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            udp.bind(("127.0.0.1", port))
        except OSError:
            tcp.close()
            udp.close()
            continue
        return tcp, udp, port
    raise OSError("no port free for both TCP and UDP")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--limit", type=float, default=300.0)
    args = parser.parse_args()
    listener, udp, port = bind_pair()
    listener.listen(8)
    listener.setblocking(False)
    udp.setblocking(False)
    print("PORT %d" % port, flush=True)

    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(udp, selectors.EVENT_READ, "udp")
    started = last_activity = time.monotonic()
    counts = {"tcp_clients": 0, "tcp_bytes": 0, "datagrams": 0}
    while True:
        now = time.monotonic()
        if now - last_activity > args.idle or now - started > args.limit:
            break
        for key, _ in selector.select(timeout=0.5):
            last_activity = time.monotonic()
            if key.data == "accept":
                conn, _ = listener.accept()
                conn.setblocking(True)
                conn.settimeout(5.0)
                selector.register(conn, selectors.EVENT_READ, "tcp")
                counts["tcp_clients"] += 1
            elif key.data == "udp":
                data, peer = udp.recvfrom(65535)
                udp.sendto(data, peer)
                counts["datagrams"] += 1
            else:
                conn = key.fileobj
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = b""
                if data:
                    conn.sendall(data)
                    counts["tcp_bytes"] += len(data)
                else:
                    selector.unregister(conn)
                    conn.close()
    print("host_echo_server: %(tcp_clients)d tcp clients, %(tcp_bytes)d tcp bytes, "
          "%(datagrams)d datagrams" % counts, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
