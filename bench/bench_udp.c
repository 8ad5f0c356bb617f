/*
 * What sockport costs over the BSD calls it wraps: UDP ping-pong and a TCP
 * stream over loopback, each done through sockport and through plain BSD
 * sockets, side by side in one run, so the ratio compares like with like on
 * this (noisy) machine. Run under callgrind (bench/run.sh) for instruction
 * counts, which are repeatable where wall times are not.
 *
 *   bench_udp <variant> <count>
 *   variant: sp-udp | bsd-udp | sp-tcp | bsd-tcp | all
 *   count:   UDP round trips, or TCP MiB
 *   bench_udp pairs <rounds>
 *            the paired comparison of bench/README.md: per round, one
 *            sample of sockport next to one of BSD and one of BSD next to
 *            BSD, for each of UDP and TCP
 */
#define _GNU_SOURCE /* accept4, SOCK_NONBLOCK */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockport/sockport.h>

#include "bench_common.h"
#include "bench_sp.h"

#define DGRAM_BYTES 64
#define STREAM_CHUNK 65536

static uint8_t buffer[STREAM_CHUNK];

/*
 * Each way of doing the work is a session (bench_common.h): its sockets
 * opened once (socks[0] and [1] the two ends, [2] a TCP listener or -1),
 * then run for as many samples as "pairs" times, so that no sample counts
 * the set-up of one side and not of the other.
 */
static void close_sp_socks(const int socks[3])
{
    for (int i = 0; i < 3; i++)
        if (socks[i] >= 0)
            sp_close(socks[i]);
}

static void close_bsd_socks(const int socks[3])
{
    for (int i = 0; i < 3; i++)
        if (socks[i] >= 0)
            close(socks[i]);
}

static void sp_udp_open(int socks[3])
{
    bench_sp_udp_pair(sp_default_stack(), &socks[0], &socks[1]);
    socks[2] = -1;
}

static void sp_udp_run(const int socks[3], long count)
{
    bench_sp_udp_exchange(socks[0], socks[1], buffer, DGRAM_BYTES, count);
}

/* The same exchange as a careful BSD program writes it: non-blocking sockets
 * and poll() (what sockport does underneath), no signals on send. */
static int bsd_wait(int fd, short events)
{
    struct pollfd pfd = {fd, events, 0};
    return poll(&pfd, 1, -1);
}

static void bsd_udp_open(int socks[3])
{
    struct sockaddr_in a_addr = {.sin_family = AF_INET}, b_addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(a_addr);
    a_addr.sin_addr.s_addr = b_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int a = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (bind(a, (struct sockaddr *)&a_addr, len) < 0 ||
        bind(b, (struct sockaddr *)&b_addr, len) < 0)
        bench_die("bind", 0);
    getsockname(a, (struct sockaddr *)&a_addr, &len);
    getsockname(b, (struct sockaddr *)&b_addr, &len);
    connect(a, (struct sockaddr *)&b_addr, sizeof(b_addr));
    connect(b, (struct sockaddr *)&a_addr, sizeof(a_addr));
    socks[0] = a;
    socks[1] = b;
    socks[2] = -1;
}

static void bsd_udp_run(const int socks[3], long count)
{
    int pair[2][2] = {{socks[0], socks[1]}, {socks[1], socks[0]}};
    for (long i = 0; i < count; i++) {
        for (int k = 0; k < 2; k++) {
            if (send(pair[k][0], buffer, DGRAM_BYTES, MSG_NOSIGNAL) != DGRAM_BYTES)
                bench_die("send", i);
            ssize_t n;
            while ((n = recv(pair[k][1], buffer, DGRAM_BYTES, MSG_TRUNC)) < 0)
                bsd_wait(pair[k][1], POLLIN);
            if (n != DGRAM_BYTES)
                bench_die("recv", i);
        }
    }
}

static void sp_tcp_open(int socks[3])
{
    bench_sp_tcp_pair(sp_default_stack(), &socks[2], &socks[0], &socks[1]);
    sp_setsockopt(socks[0], SP_OPT_NONBLOCK, 1);
    sp_setsockopt(socks[1], SP_OPT_NONBLOCK, 1);
}

/* @p mib MiB from socks[0] to socks[1], all of it received before it returns. */
static void sp_tcp_run(const int socks[3], long mib)
{
    int client = socks[0], server = socks[1];
    long long left_out = (long long)mib << 20, left_in = (long long)mib << 20;
    while (left_in > 0) {
        sp_pollfd fds[2] = {{client, left_out > 0 ? SP_POLLOUT : 0, 0}, {server, SP_POLLIN, 0}};
        sp_poll(fds, 2, -1);
        if (left_out > 0) {
            ptrdiff_t n = sp_send(client, buffer,
                                  left_out < STREAM_CHUNK ? (size_t)left_out : STREAM_CHUNK, 0);
            if (n > 0)
                left_out -= n;
        }
        ptrdiff_t n;
        while ((n = sp_recv(server, buffer, STREAM_CHUNK, 0)) > 0)
            left_in -= n;
    }
}

/* A connected TCP pair over loopback, the server end non-blocking; the client
 * gets @p client_flags (SOCK_NONBLOCK: its connect completes in the background). */
static void bsd_tcp_pair(int client_flags, int *listener, int *client, int *server)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    *listener = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(*listener, (struct sockaddr *)&addr, len) < 0 || listen(*listener, 1) < 0 ||
        getsockname(*listener, (struct sockaddr *)&addr, &len) < 0)
        bench_die("listen", 0);
    *client = socket(AF_INET, SOCK_STREAM | client_flags, 0);
    if (connect(*client, (struct sockaddr *)&addr, len) < 0 && errno != EINPROGRESS)
        bench_die("connect", errno);
    *server = accept4(*listener, NULL, NULL, SOCK_NONBLOCK);
    if (*server < 0)
        bench_die("accept", errno);
}

static void bsd_tcp_open(int socks[3])
{
    bsd_tcp_pair(SOCK_NONBLOCK, &socks[2], &socks[0], &socks[1]);
}

static void bsd_tcp_run(const int socks[3], long mib)
{
    int client = socks[0], server = socks[1];
    long long left_out = (long long)mib << 20, left_in = (long long)mib << 20;
    while (left_in > 0) {
        struct pollfd fds[2] = {{client, left_out > 0 ? POLLOUT : 0, 0}, {server, POLLIN, 0}};
        poll(fds, 2, -1);
        if (left_out > 0) {
            ssize_t n =
                send(client, buffer, left_out < STREAM_CHUNK ? (size_t)left_out : STREAM_CHUNK,
                     MSG_NOSIGNAL);
            if (n > 0)
                left_out -= n;
        }
        ssize_t n;
        while ((n = recv(server, buffer, STREAM_CHUNK, 0)) > 0)
            left_in -= n;
    }
}

static const struct bench_session sp_udp_session = {"sp-udp", sp_udp_open, sp_udp_run,
                                                    close_sp_socks};
static const struct bench_session bsd_udp_session = {"bsd-udp", bsd_udp_open, bsd_udp_run,
                                                     close_bsd_socks};
static const struct bench_session sp_tcp_session = {"sp-tcp", sp_tcp_open, sp_tcp_run,
                                                    close_sp_socks};
static const struct bench_session bsd_tcp_session = {"bsd-tcp", bsd_tcp_open, bsd_tcp_run,
                                                     close_bsd_socks};

static void sp_udp(long count)
{
    bench_session_once(&sp_udp_session, count);
}

static void bsd_udp(long count)
{
    bench_session_once(&bsd_udp_session, count);
}

static void sp_tcp(long mib)
{
    bench_session_once(&sp_tcp_session, mib);
}

static void bsd_tcp(long mib)
{
    bench_session_once(&bsd_tcp_session, mib);
}

/*
 * Per-call cost, for the instruction counts: N times one small send and one
 * receive that finds the data already there (both are system calls), so
 * that (Ir_sp - Ir_bsd) / 2N is what sockport adds to one call. Stream: a
 * connected TCP pair, 1 byte each way. Datagram: sendto() with an address
 * and recvfrom() that reports one, 64 bytes.
 */
static void sp_stream_calls(long count)
{
    int listener, client, server;
    bench_sp_tcp_pair(sp_default_stack(), &listener, &client, &server);
    sp_setsockopt(client, SP_OPT_NODELAY, 1);
    for (long i = 0; i < count; i++) {
        if (sp_send(client, buffer, 1, 0) != 1)
            bench_die("sp_send", i);
        if (sp_recv(server, buffer, 1, 0) != 1)
            bench_die("sp_recv", i);
    }
    sp_close(client);
    sp_close(server);
    sp_close(listener);
}

static void bsd_stream_calls(long count)
{
    int listener, client, server;
    bsd_tcp_pair(0, &listener, &client, &server);
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    for (long i = 0; i < count; i++) {
        if (send(client, buffer, 1, MSG_NOSIGNAL) != 1)
            bench_die("send", i);
        ssize_t n;
        while ((n = recv(server, buffer, 1, 0)) < 0)
            bsd_wait(server, POLLIN);
        if (n != 1)
            bench_die("recv", i);
    }
    close(client);
    close(server);
    close(listener);
}

static void sp_dgram_calls(long count)
{
    sp_addr a_addr, b_addr, from;
    int a = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    int b = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    sp_addr_loopback(&a_addr, SP_AF_INET, 0);
    sp_addr_loopback(&b_addr, SP_AF_INET, 0);
    if (sp_bind(a, &a_addr) < 0 || sp_bind(b, &b_addr) < 0)
        bench_die("sp_bind", 0);
    sp_getsockname(b, &b_addr);
    for (long i = 0; i < count; i++) {
        if (sp_sendto(a, buffer, DGRAM_BYTES, 0, &b_addr) != DGRAM_BYTES)
            bench_die("sp_sendto", i);
        if (sp_recvfrom(b, buffer, DGRAM_BYTES, 0, &from) != DGRAM_BYTES)
            bench_die("sp_recvfrom", i);
    }
    sp_close(a);
    sp_close(b);
}

static void bsd_dgram_calls(long count)
{
    struct sockaddr_in a_addr = {.sin_family = AF_INET}, b_addr = {.sin_family = AF_INET}, from;
    socklen_t len = sizeof(a_addr);
    a_addr.sin_addr.s_addr = b_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int a = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int b = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (bind(a, (struct sockaddr *)&a_addr, len) < 0 ||
        bind(b, (struct sockaddr *)&b_addr, len) < 0)
        bench_die("bind", 0);
    getsockname(b, (struct sockaddr *)&b_addr, &len);
    for (long i = 0; i < count; i++) {
        if (sendto(a, buffer, DGRAM_BYTES, MSG_NOSIGNAL, (struct sockaddr *)&b_addr,
                   sizeof b_addr) != DGRAM_BYTES)
            bench_die("sendto", i);
        ssize_t n;
        socklen_t from_len = sizeof from;
        while ((n = recvfrom(b, buffer, DGRAM_BYTES, MSG_TRUNC, (struct sockaddr *)&from,
                             &from_len)) < 0)
            bsd_wait(b, POLLIN);
        if (n != DGRAM_BYTES)
            bench_die("recvfrom", i);
    }
    close(a);
    close(b);
}

static const struct bench_variant variants[] = {
    {"sp-udp", "round trips", sp_udp},
    {"bsd-udp", "round trips", bsd_udp},
    {"sp-tcp", "MiB", sp_tcp},
    {"bsd-tcp", "MiB", bsd_tcp},
    {"sp-scall", "stream send+recv pairs", sp_stream_calls},
    {"bsd-scall", "stream send+recv pairs", bsd_stream_calls},
    {"sp-dcall", "sendto+recvfrom pairs", sp_dgram_calls},
    {"bsd-dcall", "sendto+recvfrom pairs", bsd_dgram_calls},
};

/*
 * "pairs": each sample about 10 ms on this machine (a UDP round trip takes
 * about 5 us, a MiB of TCP about 0.2 ms); BSD against BSD, two sessions of
 * the same code, shows what the method itself sees as a difference.
 */
static const struct bench_comparison comparisons[] = {
    {"udp", &sp_udp_session, &bsd_udp_session, 200},
    {"udp-calibration", &bsd_udp_session, &bsd_udp_session, 200},
    {"tcp", &sp_tcp_session, &bsd_tcp_session, 4},
    {"tcp-calibration", &bsd_tcp_session, &bsd_tcp_session, 4},
};

/* "all": UDP round trips as given, and TCP MiB in proportion. */
static long all_count(size_t pair, long count)
{
    return pair == 0 ? count : count / 50 + 1;
}

int main(int argc, char **argv)
{
    static const struct bench_program program = {
        .baseline = "bsd",
        .variants = variants,
        .count = sizeof variants / sizeof variants[0],
        .pairs = 2,
        .all_count = all_count,
        .comparisons = comparisons,
        .comparison_count = sizeof comparisons / sizeof comparisons[0],
    };
    return bench_main(argc, argv, &program);
}
