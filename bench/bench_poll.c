/*
 * What one wait costs with one ready socket among N registered ones: the
 * question a server with thousands of mostly idle connections asks. Each
 * method registers N bound UDP sockets on loopback, makes one of them
 * readable (a datagram that is never read, so it stays ready), then waits
 * W times. Run under callgrind by bench/run.sh: (Ir at W waits - Ir at 0)
 * / W is the user-space cost of one wait, setup cancelled out.
 *
 *   bench_poll <method> <sockets> <waits>
 *   method: sp-poll | sp-poller | poll | epoll | lwip-poller | lwip-poll
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockport/lwip.h>
#include <sockport/posix.h>
#include <sockport/sockport.h>

#include "bench_common.h"

/* Wall time of the wait loop alone (setup excluded), printed by main(). */
static double loop_started;
static double loop_ended;

/* The kernel's sockets bind this loopback address, not 127.0.0.1: 10 000 of
 * them hold a third of the ephemeral ports, and programs running beside the
 * bench (tests) send to 127.0.0.1 ports that were theirs; such a datagram
 * made a second socket ready and stopped the run. lwIP's loopback netif in
 * the process has 127.0.0.1 only, and nobody else on it. */
#define KERNEL_LOOPBACK "127.77.0.1"

/* N sockets of @p stack bound to loopback; the middle one gets a datagram. */
static int *sp_sockets(sp_stack *stack, long n)
{
    int *socks = calloc((size_t)n, sizeof *socks);
    if (socks == NULL)
        bench_die("calloc", 0);
    sp_addr addr;
    for (long i = 0; i < n; i++) {
        socks[i] = sp_socket_on(stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (socks[i] < 0)
            bench_die("sp_socket_on", socks[i]);
        if (stack == sp_posix_stack())
            sp_addr_parse(KERNEL_LOOPBACK, &addr);
        else
            sp_addr_loopback(&addr, SP_AF_INET, 0);
        int rc = sp_bind(socks[i], &addr);
        if (rc < 0)
            bench_die("sp_bind", rc);
    }
    int sender = sp_socket_on(stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    sp_getsockname(socks[n / 2], &addr);
    if (sp_sendto(sender, "ready", 5, 0, &addr) != 5)
        bench_die("sp_sendto", 0);
    return socks;
}

static void sp_poll_waits(sp_stack *stack, long n, long waits)
{
    int *socks = sp_sockets(stack, n);
    sp_pollfd *fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL)
        bench_die("calloc", 0);
    for (long i = 0; i < n; i++)
        fds[i] = (sp_pollfd){socks[i], SP_POLLIN, 0};
    /* One wait outside the count: delivery of the datagram (lwIP looks
     * through its pcb list then) is setup, not the cost of a wait. */
    if (sp_poll(fds, (size_t)n, SP_FOREVER) != 1)
        bench_die("sp_poll", -1);
    loop_started = bench_seconds();
    for (long w = 0; w < waits; w++)
        if (sp_poll(fds, (size_t)n, SP_FOREVER) != 1)
            bench_die("sp_poll", w);
    loop_ended = bench_seconds();
    free(fds);
    free(socks);
}

static void sp_poller_waits(sp_stack *stack, long n, long waits)
{
    int *socks = sp_sockets(stack, n);
    int poller = sp_poller_open(stack);
    if (poller < 0)
        bench_die("sp_poller_open", poller);
    for (long i = 0; i < n; i++)
        if (sp_poller_add(poller, socks[i], SP_POLLIN) < 0)
            bench_die("sp_poller_add", i);
    sp_poller_event evs[16];
    /* One wait outside the count: delivery of the datagram (lwIP looks
     * through its pcb list then) is setup, not the cost of a wait. */
    if (sp_poller_wait(poller, evs, 16, SP_FOREVER) != 1)
        bench_die("sp_poller_wait", -1);
    loop_started = bench_seconds();
    for (long w = 0; w < waits; w++)
        if (sp_poller_wait(poller, evs, 16, SP_FOREVER) != 1)
            bench_die("sp_poller_wait", w);
    loop_ended = bench_seconds();
    free(socks);
}

/* Plain kernel sockets for the poll(2) and epoll baselines. */
static int *bsd_sockets(long n)
{
    int *fds = calloc((size_t)n, sizeof *fds);
    if (fds == NULL)
        bench_die("calloc", 0);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    inet_pton(AF_INET, KERNEL_LOOPBACK, &sin.sin_addr);
    for (long i = 0; i < n; i++) {
        fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&sin, sizeof sin) < 0)
            bench_die("socket/bind", i);
    }
    socklen_t len = sizeof sin;
    getsockname(fds[n / 2], (struct sockaddr *)&sin, &len);
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    if (sendto(sender, "ready", 5, 0, (struct sockaddr *)&sin, sizeof sin) != 5)
        bench_die("sendto", 0);
    return fds;
}

static void poll_waits(long n, long waits)
{
    int *fds = bsd_sockets(n);
    struct pollfd *pfds = calloc((size_t)n, sizeof *pfds);
    if (pfds == NULL)
        bench_die("calloc", 0);
    for (long i = 0; i < n; i++)
        pfds[i] = (struct pollfd){fds[i], POLLIN, 0};
    /* One wait outside the count: delivery of the datagram (lwIP looks
     * through its pcb list then) is setup, not the cost of a wait. */
    if (poll(pfds, (nfds_t)n, -1) != 1)
        bench_die("poll", -1);
    loop_started = bench_seconds();
    for (long w = 0; w < waits; w++)
        if (poll(pfds, (nfds_t)n, -1) != 1)
            bench_die("poll", w);
    loop_ended = bench_seconds();
    free(pfds);
    free(fds);
}

static void epoll_waits(long n, long waits)
{
    int *fds = bsd_sockets(n);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    for (long i = 0; i < n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0)
            bench_die("epoll_ctl", i);
    }
    struct epoll_event evs[16];
    /* One wait outside the count: delivery of the datagram (lwIP looks
     * through its pcb list then) is setup, not the cost of a wait. */
    if (epoll_wait(ep, evs, 16, -1) != 1)
        bench_die("epoll_wait", -1);
    loop_started = bench_seconds();
    for (long w = 0; w < waits; w++)
        if (epoll_wait(ep, evs, 16, -1) != 1)
            bench_die("epoll_wait", w);
    loop_ended = bench_seconds();
    free(fds);
}

int main(int argc, char **argv)
{
    bench_init(argv[0]);
    if (argc != 4) {
        fprintf(stderr, "usage: bench_poll <method> <sockets> <waits>\n");
        return 2;
    }
    const char *method = argv[1];
    long n = atol(argv[2]);
    long waits = atol(argv[3]);
    if (n < 1 || waits < 0)
        bench_die("arguments", n);
    /* 10 000 sockets need more descriptors than a default soft limit. */
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    if (strcmp(method, "sp-poll") == 0)
        sp_poll_waits(sp_posix_stack(), n, waits);
    else if (strcmp(method, "sp-poller") == 0)
        sp_poller_waits(sp_posix_stack(), n, waits);
    else if (strcmp(method, "poll") == 0)
        poll_waits(n, waits);
    else if (strcmp(method, "epoll") == 0)
        epoll_waits(n, waits);
    else if (strcmp(method, "lwip-poller") == 0 || strcmp(method, "lwip-poll") == 0) {
        sp_stack *stack = sp_lwip_start(NULL);
        if (stack == NULL)
            bench_die("sp_lwip_start", 0);
        /* The datagram crosses lwIP's loopback netif on the first pump. */
        if (strcmp(method, "lwip-poller") == 0)
            sp_poller_waits(stack, n, waits);
        else
            sp_poll_waits(stack, n, waits);
    } else {
        bench_die("method", 0);
    }
    if (waits > 0)
        printf("%s %ld sockets: %.0f ns per wait\n", method, n,
               (loop_ended - loop_started) * 1e9 / (double)waits);
    return 0;
}
