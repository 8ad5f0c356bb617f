/*
 * The lwIP port against the floor under it: the same work done through
 * sockport on the lwIP port and by a hand-written program on lwIP's raw API,
 * with the same lwIP build (the host's lwipopts.h), in one process, over
 * lwIP's loopback netif. bench/run.sh runs each under callgrind (instructions
 * are repeatable) and side by side for wall time.
 *
 *   bench_lwip <variant> <count>
 *   variant: sp-tcp | raw-tcp   count: MiB sent in 1 KiB writes
 *            sp-udp | raw-udp   count: 64-byte round trips
 *            all                256 MiB TCP and <count> UDP round trips, each
 *                               pair alternated five times, best of each
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "bench_common.h"
#include "bench_sp.h"

#define WRITE_BYTES 1024
#define DGRAM_BYTES 64

static uint8_t buffer[65536];

/* The started lwIP that both sides run on: its loopback netif and clock. */
static sp_stack *stack;

/* ---- Through sockport ---- */

static void sp_tcp(long mib)
{
    int listener, client, server;
    bench_sp_tcp_pair(stack, &listener, &client, &server);
    sp_setsockopt(client, SP_OPT_NONBLOCK, 1);
    sp_setsockopt(server, SP_OPT_NONBLOCK, 1);
    /* Nagle off on both sides: with it, the last short segment waits for a
     * delayed ACK (lwIP's 250 ms timer) on one run and not on the next. */
    sp_setsockopt(client, SP_OPT_NODELAY, 1);
    long long left_out = (long long)mib << 20, left_in = (long long)mib << 20;
    while (left_in > 0) {
        /* Write until the stack takes no more, then read what arrived. */
        while (left_out > 0) {
            size_t piece = left_out < WRITE_BYTES ? (size_t)left_out : WRITE_BYTES;
            ptrdiff_t n = sp_send(client, buffer, piece, 0);
            if (n == SP_EAGAIN)
                break;
            if (n <= 0)
                bench_die("sp_send", (long)n);
            left_out -= n;
        }
        ptrdiff_t n;
        while ((n = sp_recv(server, buffer, sizeof buffer, 0)) > 0)
            left_in -= n;
        if (n != SP_EAGAIN && left_in > 0)
            bench_die("sp_recv", (long)n);
        if (left_in > 0)
            sp_stack_pump(stack, 0);
    }
    if (left_out != 0 || left_in != 0)
        bench_die("sp-tcp byte count", (long)(left_out - left_in));
    sp_close(client);
    sp_close(server);
    sp_close(listener);
}

static void sp_udp(long count)
{
    bench_sp_udp_round_trips(stack, buffer, DGRAM_BYTES, count);
}

/* ---- On lwIP's raw API: what a careful hand-written program does ---- */

/* One turn of what runs lwIP without an OS: loopback frames, then timers. */
static void raw_pump(void)
{
    netif_poll_all();
    sys_check_timeouts();
}

struct raw_tcp {
    struct tcp_pcb *server;
    long long received;
    u32_t unacknowledged; /* read since the last window update */
    bool connected;
};

static err_t raw_tcp_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct raw_tcp *t = arg;
    (void)err;
    if (p == NULL)
        return ERR_OK;
    /* The application reads the data: copy it out, as a socket read does. */
    for (struct pbuf *q = p; q != NULL; q = q->next)
        memcpy(buffer, q->payload, q->len);
    t->received += p->tot_len;
    t->unacknowledged += p->tot_len;
    (void)pcb;
    pbuf_free(p);
    return ERR_OK;
}

static err_t raw_tcp_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct raw_tcp *t = arg;
    if (err != ERR_OK || pcb == NULL)
        return ERR_VAL;
    t->server = pcb;
    tcp_arg(pcb, t);
    tcp_recv(pcb, raw_tcp_recv);
    return ERR_OK;
}

static err_t raw_tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct raw_tcp *t = arg;
    (void)pcb;
    t->connected = err == ERR_OK;
    return ERR_OK;
}

static void raw_tcp(long mib)
{
    struct raw_tcp t = {NULL, 0, 0, false};
    struct tcp_pcb *listener = tcp_new();
    tcp_bind(listener, IP4_ADDR_ANY, 0);
    u16_t port = listener->local_port;
    listener = tcp_listen(listener);
    tcp_arg(listener, &t);
    tcp_accept(listener, raw_tcp_accept);
    struct tcp_pcb *client = tcp_new();
    tcp_arg(client, &t);
    tcp_nagle_disable(client); /* as the sockport side, see sp_tcp() */
    ip_addr_t loopback;
    IP_ADDR4(&loopback, 127, 0, 0, 1);
    tcp_connect(client, &loopback, port, raw_tcp_connected);
    for (int i = 0; i < 1000 && !(t.connected && t.server != NULL); i++)
        raw_pump();
    if (!t.connected || t.server == NULL)
        bench_die("tcp_connect", 0);
    long long total = (long long)mib << 20, left_out = total;
    while (t.received < total) {
        /* Write 1 KiB pieces while the send buffer has room, then send them. */
        while (left_out > 0 && tcp_sndbuf(client) >= WRITE_BYTES) {
            if (tcp_write(client, buffer, WRITE_BYTES, TCP_WRITE_FLAG_COPY) != ERR_OK)
                break;
            left_out -= WRITE_BYTES;
        }
        tcp_output(client);
        raw_pump();
        /* The reader opens the window once per turn for all it read, as a
         * socket read of everything queued does. */
        while (t.unacknowledged > 0) {
            u16_t step = (u16_t)(t.unacknowledged > 0xFFFFu ? 0xFFFFu : t.unacknowledged);
            tcp_recved(t.server, step);
            t.unacknowledged -= step;
        }
    }
    if (left_out != 0 || t.received != total)
        bench_die("raw-tcp byte count", (long)left_out);
    tcp_arg(client, NULL);
    tcp_abort(client);
    tcp_arg(t.server, NULL);
    tcp_recv(t.server, NULL);
    tcp_abort(t.server);
    tcp_close(listener);
}

struct raw_udp {
    long got;
};

static void raw_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                         u16_t port)
{
    struct raw_udp *u = arg;
    (void)pcb;
    (void)addr;
    (void)port;
    pbuf_copy_partial(p, buffer, DGRAM_BYTES, 0); /* the application reads it */
    pbuf_free(p);
    u->got++;
}

static void raw_udp_send(struct udp_pcb *pcb)
{
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, DGRAM_BYTES, PBUF_RAM);
    if (p == NULL)
        bench_die("pbuf_alloc", 0);
    memcpy(p->payload, buffer, DGRAM_BYTES);
    if (udp_send(pcb, p) != ERR_OK)
        bench_die("udp_send", 0);
    pbuf_free(p);
}

static void raw_udp(long count)
{
    struct raw_udp ua = {0}, ub = {0};
    struct udp_pcb *a = udp_new();
    struct udp_pcb *b = udp_new();
    ip_addr_t loopback;
    IP_ADDR4(&loopback, 127, 0, 0, 1);
    udp_bind(a, &loopback, 0);
    udp_bind(b, &loopback, 0);
    udp_connect(a, &loopback, b->local_port);
    udp_connect(b, &loopback, a->local_port);
    udp_recv(a, raw_udp_recv, &ua);
    udp_recv(b, raw_udp_recv, &ub);
    for (long i = 0; i < count; i++) {
        raw_udp_send(a);
        while (ub.got <= i)
            raw_pump();
        raw_udp_send(b);
        while (ua.got <= i)
            raw_pump();
    }
    udp_remove(a);
    udp_remove(b);
}

static const struct bench_variant variants[] = {
    {"sp-tcp", "MiB", sp_tcp},
    {"raw-tcp", "MiB", raw_tcp},
    {"sp-udp", "round trips", sp_udp},
    {"raw-udp", "round trips", raw_udp},
};

/* "all": 256 MiB of TCP, and UDP round trips as given. The port moves 16 MiB
 * in about 5 ms, so short that one preemption of a run on a loaded machine
 * decided the ratio (0.5x to 1.8x in one afternoon); 256 MiB lasts ~70 ms. */
static long all_count(size_t pair, long count)
{
    return pair == 0 ? 256 : count;
}

int main(int argc, char **argv)
{
    static const struct bench_program program = {
        .baseline = "raw",
        .variants = variants,
        .count = sizeof variants / sizeof variants[0],
        .pairs = 2,
        .all_count = all_count,
    };
    bench_init(argv[0]);
    stack = sp_lwip_start(NULL);
    if (stack == NULL)
        bench_die("sp_lwip_start", 0);
    return bench_main(argc, argv, &program);
}
