#!/usr/bin/env python3
"""Check that the demo server (examples/demo.c, on the host or on the QEMU
board) serves ordinary clients fairly and closes cleanly:

  http_body     a request with a body, a bad request line followed by more
                bytes, and an over-long head each get their whole reply
                (every byte Content-Length promises) and then end of stream,
                never a connection reset
  udp_whole     a datagram of --udp-max bytes comes back whole; one byte more
                is not echoed (never cut short) and the page counts it
  echo_idle     ECHO_MAX_CLIENTS + 1 idle connections do not lock a new
                client out, and idle connections are closed after the
                server's --client-idle time
  http_idle     idle HTTP connections, more than the server has slots, do not
                keep the status page from a new client
  log_bounded   (with --server-log) hundreds of echoes and requests leave
                only a bounded number of log lines

With --start DEMO_SERVER it runs the host program itself on free ports, with
its log as --server-log, and at the end stops it with POST /quit and requires
exit status 0.

Every wait has a timeout; a check fails when a timeout passes. Ports come
from --tcp/--udp/--http or, under tests/qemu/run_firmware.sh --client, from
its SP_QEMU_TCP_PORTS / SP_QEMU_UDP_PORTS forwards of board ports 7 and 80.
Exit status 0 only if every check passed.
"""
import argparse
import os
import re
import socket
import subprocess
import tempfile
import sys
import time

HOST = "127.0.0.1"
ECHO_MAX_CLIENTS = 8  # examples/echo.h
ECHO_EVICT_IDLE_MS = 1000
HTTP_STATUS_MAX_CLIENTS = 8  # examples/http_status.h
HTTP_STATUS_EVICT_AFTER_MS = 500
# Bound of every answer the checks wait for. The server answers in
# milliseconds; before these fixes it took 5 s (HTTP) or forever (echo).
ANSWER_TIMEOUT_S = 4.0


class CheckFailed(Exception):
    pass


def forwarded(variable, guest_port):
    for pair in os.environ.get(variable, "").split():
        host, _, guest = pair.partition(":")
        if guest == str(guest_port):
            return int(host)
    return None


def read_until_eof(sock, timeout_s):
    """All bytes until end of stream; CheckFailed on a reset or a timeout."""
    sock.settimeout(timeout_s)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            raise CheckFailed("connection reset after %d bytes (%r): the server did not "
                              "close cleanly" % (len(data), data[:80]))
        except socket.timeout:
            raise CheckFailed("no end of stream within %.1f s after %d bytes" % (timeout_s, len(data)))
        if not chunk:
            return data
        data += chunk


def http_exchange(port, request):
    with socket.create_connection((HOST, port), timeout=ANSWER_TIMEOUT_S) as sock:
        sock.sendall(request)
        reply = read_until_eof(sock, ANSWER_TIMEOUT_S)
    head, sep, body = reply.partition(b"\r\n\r\n")
    if not sep:
        raise CheckFailed("reply without a complete head: %r" % reply[:200])
    status = head.split(b"\r\n", 1)[0].decode("latin-1")
    match = re.search(rb"(?im)^content-length: *([0-9]+)\r?$", head)
    if match is None:
        raise CheckFailed("reply without Content-Length: %r" % head)
    if int(match.group(1)) != len(body):
        raise CheckFailed("%s: Content-Length %s but %d body bytes arrived (%r)"
                          % (status, match.group(1).decode(), len(body), body))
    return status, body


def status_page(port):
    status, body = http_exchange(port, b"GET / HTTP/1.0\r\n\r\n")
    if not status.startswith("HTTP/1.0 200"):
        raise CheckFailed("GET / answered %s" % status)
    counters = {}
    for line in body.decode("latin-1").splitlines():
        name, sep, value = line.partition(": ")
        if sep and re.fullmatch(r"-?[0-9]+", value):
            counters[name] = int(value)
    return counters


def check_http_body(args):
    cases = [
        ("request with a body",
         b"POST /upload HTTP/1.0\r\nContent-Length: 3000\r\n\r\n" + b"b" * 3000,
         "HTTP/1.0 405", b"GET, or POST /quit\n"),
        ("bad request line, more bytes after it",
         b"HELLO\r\n\r\n" + b"x" * 2000, "HTTP/1.0 400", b"not an HTTP/1.x request line\n"),
        ("over-long head", b"GET /" + b"a" * 600 + b" HTTP/1.0\r\nX: " + b"y" * 4000,
         "HTTP/1.0 400", b"request head too long\n"),
    ]
    for name, request, want_status, want_body in cases:
        status, body = http_exchange(args.http, request)
        if not status.startswith(want_status) or body != want_body:
            raise CheckFailed("%s: got %s %r, expected %s %r"
                              % (name, status, body, want_status, want_body))
        print("  %s: %s, %d body bytes, then a clean end of stream" % (name, status, len(body)))


def udp_round_trip(port, payload, timeout_s):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout_s)
        sock.sendto(payload, (HOST, port))
        try:
            reply, _ = sock.recvfrom(65536)
        except socket.timeout:
            return None
        return reply


def check_udp_whole(args):
    size = args.udp_max
    payload = bytes((i * 7 + 3) & 0xFF for i in range(size))
    for attempt in range(3):  # a datagram may be lost on the way
        reply = udp_round_trip(args.udp, payload, 2.0)
        if reply is not None:
            break
    if reply is None:
        raise CheckFailed("no echo of a %d-byte datagram in 3 tries" % size)
    if reply != payload:
        raise CheckFailed("a %d-byte datagram came back as %d bytes%s"
                          % (size, len(reply), "" if len(reply) != size else " (different)"))
    print("  a %d-byte datagram came back whole" % size)
    before = status_page(args.http).get("echo_udp_too_large")
    if before is None:
        raise CheckFailed("the status page has no echo_udp_too_large counter")
    if udp_round_trip(args.udp, payload + b"!", 1.0) is not None:
        raise CheckFailed("a %d-byte datagram (over the limit) was echoed" % (size + 1))
    after = status_page(args.http).get("echo_udp_too_large")
    if after != before + 1:
        raise CheckFailed("echo_udp_too_large went from %s to %s for one large datagram"
                          % (before, after))
    print("  a %d-byte datagram was not echoed, and counted as too large" % (size + 1))


def echo_once(sock, message):
    sock.sendall(message)
    got = b""
    while len(got) < len(message):
        chunk = sock.recv(len(message) - len(got))
        if not chunk:
            raise CheckFailed("echo connection closed after %d bytes" % len(got))
        got += chunk
    if got != message:
        raise CheckFailed("echoed %r, sent %r" % (got, message))


def check_echo_idle(args):
    idle = []
    try:
        for _ in range(ECHO_MAX_CLIENTS + 1):
            idle.append(socket.create_connection((HOST, args.tcp), timeout=ANSWER_TIMEOUT_S))
        # The idle ones must have been idle long enough to give way.
        time.sleep(ECHO_EVICT_IDLE_MS / 1000.0 + 0.3)
        with socket.create_connection((HOST, args.tcp), timeout=ANSWER_TIMEOUT_S) as fresh:
            try:
                echo_once(fresh, b"served despite idle connections\n")
            except socket.timeout:
                raise CheckFailed("a client was not echoed within %.1f s while %d idle "
                                  "connections were open" % (ANSWER_TIMEOUT_S, len(idle)))
        print("  a new client was echoed while %d idle connections were open" % len(idle))
        # Every idle connection is closed by the server (replaced, or after
        # --client-idle) within client_idle plus the server's half-second tick.
        # Generous: a connection the board took late (a SYN retried by QEMU's
        # user network while the backlog was full) idles from then on.
        bound = args.client_idle_ms / 1000.0 + 6.0
        deadline = time.monotonic() + bound
        for sock in idle:
            left = max(0.1, deadline - time.monotonic())
            data = read_until_eof(sock, left)
            if data:
                raise CheckFailed("an idle connection received %r" % data)
        print("  all %d idle connections were closed by the server within %.1f s"
              % (len(idle), bound))
    finally:
        for sock in idle:
            sock.close()


def check_http_idle(args):
    idle = []
    try:
        for _ in range(HTTP_STATUS_MAX_CLIENTS + 2):
            idle.append(socket.create_connection((HOST, args.http), timeout=ANSWER_TIMEOUT_S))
        time.sleep(HTTP_STATUS_EVICT_AFTER_MS / 1000.0 + 0.3)
        try:
            counters = status_page(args.http)
        except socket.timeout:
            raise CheckFailed("GET / got no answer within %.1f s while %d idle HTTP "
                              "connections were open" % (ANSWER_TIMEOUT_S, len(idle)))
        print("  GET / answered while %d idle HTTP connections were open (%d dropped so far)"
              % (len(idle), counters.get("http_clients_dropped", -1)))
    finally:
        for sock in idle:
            sock.close()


def check_log_bounded(args):
    with open(args.server_log, "rb") as log:
        lines_before = log.read().count(b"\n")
    with socket.create_connection((HOST, args.tcp), timeout=ANSWER_TIMEOUT_S) as sock:
        for i in range(300):
            echo_once(sock, b"chunk %d\n" % i)
        sock.shutdown(socket.SHUT_WR)
        read_until_eof(sock, ANSWER_TIMEOUT_S)
    for _ in range(60):
        http_exchange(args.http, b"GET /status.json HTTP/1.0\r\n\r\n")
    time.sleep(0.3)  # the server flushes its output at the end of each turn
    with open(args.server_log, "rb") as log:
        lines = log.read().count(b"\n") - lines_before
    limit = 40
    if lines > limit:
        raise CheckFailed("300 echoes and 60 requests wrote %d log lines (at most %d wanted)"
                          % (lines, limit))
    print("  300 echoes and 60 requests wrote %d log lines" % lines)


CHECKS = {
    "http_body": check_http_body,
    "udp_whole": check_udp_whole,
    "echo_idle": check_echo_idle,
    "http_idle": check_http_idle,
    "log_bounded": check_log_bounded,
}


def start_server(args, log):
    server = subprocess.Popen([args.start, "--port", "0", "--http-port", "0", "--allow-quit",
                               "--idle", "60000", "--client-idle", str(args.client_idle_ms),
                               "--udp-max", str(args.udp_max)],
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.poll() is None:
        with open(log.name, "rb") as out:
            match = re.search(rb"^READY echo=[^ ]*:([0-9]+) http=[^ ]*:([0-9]+)", out.read(), re.M)
        if match:
            args.tcp = args.udp = int(match.group(1))
            args.http = int(match.group(2))
            args.server_log = log.name
            return server
        time.sleep(0.05)
    server.kill()
    server.wait()
    raise CheckFailed("%s printed no READY line" % args.start)


def stop_server(args, server):
    status, body = http_exchange(args.http, b"POST /quit HTTP/1.0\r\n\r\n")
    if body != b"bye\n":
        raise CheckFailed("POST /quit answered %s %r" % (status, body))
    try:
        code = server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
        raise CheckFailed("the server did not exit after POST /quit")
    if code != 0:
        raise CheckFailed("the server exited with %d" % code)


def run_checks(args, names):
    for name in names:
        print("demo_robust: %s" % name)
        try:
            CHECKS[name](args)
        except (CheckFailed, OSError) as failure:
            print("demo_robust: FAILED: %s: %s" % (name, failure), file=sys.stderr)
            return 1
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tcp", type=int, help="TCP echo port on 127.0.0.1")
    parser.add_argument("--udp", type=int, help="UDP echo port on 127.0.0.1")
    parser.add_argument("--http", type=int, help="status page port on 127.0.0.1")
    parser.add_argument("--udp-max", type=int, required=True,
                        help="largest datagram the server echoes (its echo_udp_max_datagram)")
    parser.add_argument("--client-idle-ms", type=int, required=True,
                        help="the server's idle limit of TCP echo clients")
    parser.add_argument("--server-log", help="the server's output, for log_bounded")
    parser.add_argument("--start", help="run this demo_server on free ports and check it")
    parser.add_argument("checks", nargs="*", help="checks to run (default: all that apply)")
    args = parser.parse_args()
    for name in args.checks:
        if name not in CHECKS:
            parser.error("unknown check %s" % name)
    if args.start:
        with tempfile.NamedTemporaryFile(prefix="sockport-demo-") as log:
            try:
                server = start_server(args, log)
            except CheckFailed as failure:
                print("demo_robust: FAILED: %s" % failure, file=sys.stderr)
                return 1
            names = args.checks or list(CHECKS)
            failed = run_checks(args, names)
            try:
                stop_server(args, server)
            except (CheckFailed, OSError) as failure:
                print("demo_robust: FAILED: quit: %s" % failure, file=sys.stderr)
                failed = 1
            finally:
                if server.poll() is None:
                    server.kill()
                    server.wait()
            with open(log.name, "rb") as out:
                sys.stdout.write("".join("    | " + line + "\n" for line in
                                         out.read().decode("latin-1").splitlines()))
    else:
        args.tcp = args.tcp or forwarded("SP_QEMU_TCP_PORTS", 7)
        args.udp = args.udp or forwarded("SP_QEMU_UDP_PORTS", 7)
        args.http = args.http or forwarded("SP_QEMU_TCP_PORTS", 80)
        if not (args.tcp and args.udp and args.http):
            parser.error("no ports: give --tcp, --udp and --http, --start, or run under "
                         "run_firmware.sh")
        names = args.checks or [n for n in CHECKS if n != "log_bounded" or args.server_log]
        failed = run_checks(args, names)
    if failed:
        return 1
    print("demo_robust: ok: %d checks passed" % len(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
