/*
 * The lwIP stack instance: starting and stopping lwIP, its clock (sys_now),
 * and the pump that runs it while a call waits. With NO_SYS=1 nothing runs
 * lwIP but us, so every wait is a loop: move frames in, run the loopback
 * queue and the timers, look at the sockets, and sleep (or, on the simulated
 * clock, jump) until the next thing that could change them.
 */
#if defined(__unix__) || defined(__APPLE__)
#define _POSIX_C_SOURCE 200809L
#define SP_LWIP_HOST 1
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#else
#define SP_LWIP_HOST 0
#endif

#include <string.h>

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/netif.h"
#include "lwip/raw.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"

#include "lwip_internal.h"

struct sp_lwip_state sp_lwip_state;

#if defined(SP_ALL_SERVICES) && SP_ALL_SERVICES
static sp_stack lwip_stack = {&sp_lwip_ops_with_poller, &sp_lwip_state};
#else
static sp_stack lwip_stack = {&sp_lwip_ops, &sp_lwip_state};
#endif

void sp_lwip_set_ops(const struct sp_port_ops *ops)
{
    lwip_stack.ops = ops;
}

/* The loopback interface lwip_init() added: it stays across stop and start. */
static struct netif *loopback_netif;
static uint32_t rand_state;
/* A send waiting for memory wants a look by then even if no timer is due. */
static bool wake_pending;
static uint32_t wake_at;

/* ---- Platform glue lwIP needs ---- */

uint32_t sp_lwip_rand(void)
{
    /* xorshift32: deterministic, seeded at every start, so simulated runs replay. */
    uint32_t x = rand_state != 0 ? rand_state : 0x2545F491u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rand_state = x;
    return x;
}

void sp_lwip_assert_failed(const char *message, const char *file, int line)
{
#if SP_LWIP_HOST
    fprintf(stderr, "lwIP assertion \"%s\" failed at %s:%d\n", message, file, line);
    abort();
#else
    sp_lwip_board_assert(message, file, line); /* no stdio on a board: see lwip.h */
#endif
}

/* ---- Entropy ---- */

static int host_entropy(void *buf, size_t len)
{
#if SP_LWIP_HOST
    FILE *source = fopen("/dev/urandom", "rb");
    if (source == NULL) {
        return SP_EIO;
    }
    size_t got = fread(buf, 1, len, source);
    fclose(source);
    return got == len ? 0 : SP_EIO;
#else
    (void)buf;
    (void)len;
    return SP_EIO; /* a board without config.entropy has none */
#endif
}

int sp_lwip_op_entropy(void *state, void *buf, size_t len)
{
    const struct sp_lwip_state *st = state;
    return st->config.entropy != NULL ? st->config.entropy(buf, len) : host_entropy(buf, len);
}

/* ---- Clock ---- */

static uint32_t host_clock_ms(void)
{
#if SP_LWIP_HOST
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
#else
    return 0;
#endif
}

static uint32_t clock_source_ms(void)
{
    return sp_lwip_state.config.clock_ms != NULL ? sp_lwip_state.config.clock_ms()
                                                 : host_clock_ms();
}

/* The stack's 64-bit millisecond clock; it continues across stop/start and a
 * change between real and simulated time, so lwIP's timers never see it go back. */
static int64_t clock_now(void)
{
    struct sp_lwip_state *st = &sp_lwip_state;
    if (!st->config.simulated_clock) {
        uint32_t source = clock_source_ms();
        st->now_ms += (uint32_t)(source - st->last_source_ms);
        st->last_source_ms = source;
    }
    return st->now_ms;
}

u32_t sys_now(void)
{
    return (u32_t)clock_now();
}

uint32_t sp_lwip_now32(void)
{
    return (uint32_t)clock_now();
}

int64_t sp_lwip_op_now_ms(void *state)
{
    (void)state;
    return clock_now();
}

void sp_lwip_wake_at(uint32_t at_ms)
{
    if (!wake_pending || (int32_t)(at_ms - wake_at) < 0) {
        wake_at = at_ms;
    }
    wake_pending = true;
}

/* ---- The pump ---- */

static void pump_once(void);

void sp_lwip_deliver_loopback(void)
{
    if (sp_lwip_output_waiting()) {
        sp_lwip_flush_output();
    }
#if LWIP_NETIF_LOOPBACK
    /* Called for an open socket: the stack runs, lwip_init() added the loopback. */
    if (loopback_netif->loop_first != NULL) {
        netif_poll(loopback_netif);
    }
#endif
}

static void pump_once(void)
{
    sp_lwip_flush_output();
    const struct sp_lwip_config *config = &sp_lwip_state.config;
    if (config->poll_netifs != NULL) {
        config->poll_netifs(config->netif_ctx);
    }
    netif_poll_all();
    sp_lwip_tcp_stop_idle_persist();
    sys_check_timeouts();
    /* Timers (delayed ACKs, retransmissions) may have queued loopback output. */
    netif_poll_all();
}

static int scan(struct sp_port_pollent *ents, size_t n)
{
    int ready = 0;
    for (size_t i = 0; i < n; i++) {
        struct sp_lwip_sock *sock = sp_lwip_sock_from_ref(ents[i].sock);
        ents[i].revents = sock != NULL ? sp_lwip_sock_revents(sock, ents[i].events) : SP_POLLNVAL;
        ready += ents[i].revents != 0 ? 1 : 0;
    }
    return ready;
}

/* How long nothing can change: until lwIP's next timer or a pending retry,
 * a second at most (lwIP's cyclic timers are no longer; with no timer at all,
 * SYS_TIMEOUTS_SLEEPTIME_INFINITE, the wait still looks now and then). */
static uint32_t quiet_for(uint32_t now)
{
    u32_t wait = sys_timeouts_sleeptime();
    if (wait > 1000) {
        wait = 1000;
    }
    if (wake_pending) {
        int32_t until = (int32_t)(wake_at - now);
        if (until <= 0) {
            wake_pending = false;
            return 0;
        }
        if ((uint32_t)until < wait) {
            wait = (uint32_t)until;
        }
    }
    return wait;
}

static void wait_quietly(uint32_t wait_ms)
{
    struct sp_lwip_state *st = &sp_lwip_state;
    if (st->config.simulated_clock) {
        st->now_ms += wait_ms; /* nothing could happen before then: skip ahead */
        return;
    }
    if (st->config.idle != NULL) {
        st->config.idle(st->config.idle_ctx);
        return;
    }
#if SP_LWIP_HOST
    /* With only the loopback nothing arrives unasked; a driver may, so look often. */
    uint32_t nap = st->config.poll_netifs != NULL && wait_ms > 1 ? 1 : wait_ms;
    struct timespec ts = {(time_t)(nap / 1000), (long)(nap % 1000) * 1000000L};
    nanosleep(&ts, NULL);
#else
    (void)wait_ms;
#endif
}

struct scan_args {
    struct sp_port_pollent *ents;
    size_t n;
};

static int scan_look(void *ctx)
{
    struct scan_args *args = ctx;
    return scan(args->ents, args->n);
}

int sp_lwip_op_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    (void)state;
    struct scan_args args = {ents, n};
    return sp_lwip_run_until(timeout_ms, scan_look, &args);
}

int sp_lwip_run_until(int timeout_ms, int (*look)(void *ctx), void *ctx)
{
    if (!sp_lwip_state.started) {
        return look(ctx);
    }
    /* Milliseconds since the start, in 32 bits: a timeout is an int. */
    uint32_t started = sp_lwip_now32();
    for (;;) {
        pump_once();
        int ready = look(ctx);
        uint32_t now = sp_lwip_now32();
        if (ready > 0 || timeout_ms == 0) {
            /* On the simulated clock time moves only while a call waits; a
             * caller that polls in a loop while something is always ready
             * (POLLOUT on an idle datagram socket) would stop time and starve
             * every timer, where real time would have gone on. So each look
             * at the stack costs 1 ms, as a real call takes time too. */
            if (sp_lwip_state.config.simulated_clock && now == started) {
                sp_lwip_state.now_ms += 1;
            }
            return ready;
        }
        /* A negative timeout has no limit. */
        uint32_t left = UINT32_MAX;
        if (timeout_ms > 0) {
            if (now - started >= (uint32_t)timeout_ms) {
                return 0;
            }
            left = (uint32_t)timeout_ms - (now - started);
        }
        uint32_t wait = quiet_for(now);
        if (left < wait) {
            wait = left;
        }
        if (wait > 0) {
            wait_quietly(wait);
        }
    }
}

/* ---- Start, stop, counters ---- */

static uint32_t pool_errors_now(void)
{
    uint32_t errors = lwip_stats.mem.err;
    for (int i = 0; i < MEMP_MAX; i++) {
        errors += lwip_stats.memp[i]->err;
    }
    return errors;
}

static void remove_board_netifs(void)
{
    struct netif *netif = netif_list;
    while (netif != NULL) {
        struct netif *next = netif->next;
        if (netif != loopback_netif) {
            netif_set_down(netif);
            netif_remove(netif);
        }
        netif = next;
    }
}

/* The end of a stop, once no socket is left: deliver the resets just sent,
 * so that nothing is left in flight, and take the board's interfaces away. */
static void forget_interfaces(void)
{
    netif_poll_all();
    remove_board_netifs();
#if LWIP_DNS
    /* Forget the DNS servers with the interfaces that led to them; a query
     * still in flight ends at its next retry (lwIP then frees its pcb). */
    for (u8_t i = 0; i < DNS_MAX_SERVERS; i++) {
        dns_setserver(i, NULL);
    }
#endif
    sp_lwip_state.started = false;
}

sp_stack *sp_lwip_start(const struct sp_lwip_config *config)
{
    struct sp_lwip_state *st = &sp_lwip_state;
    if (st->started) {
        return NULL;
    }
    bool simulated = config != NULL && config->simulated_clock;
    if (!SP_LWIP_HOST && !simulated && (config == NULL || config->clock_ms == NULL)) {
        return NULL; /* a board has no clock we could guess */
    }
    int64_t now = clock_now(); /* continue from the old clock, whichever it was */
    if (config != NULL) {
        st->config = *config;
    } else {
        memset(&st->config, 0, sizeof st->config);
    }
    st->now_ms = now;
    st->last_source_ms = clock_source_ms();
    rand_state = 0x2545F491u;
    uint32_t seed = 0;
    /* Unpredictable ports and sequence numbers, unless a test wants its run
     * the same every time (the simulated clock). */
    if (!simulated && sp_lwip_op_entropy(st, &seed, sizeof seed) == 0 && seed != 0) {
        rand_state = seed;
    }
    wake_pending = false;
    /* Every socket closed at the last stop, and with it every node. */
    sp_lwip_nodes_init();
    if (!st->initialised) {
        /* lwIP cannot be initialised twice (its timer list and pools would be
         * rebuilt under live pointers), so it is once per process; stop leaves
         * it empty instead. */
        lwip_init();
        loopback_netif = netif_list;
        st->initialised = true;
    }
    st->datagrams_dropped = 0;
    st->pool_errors_base = pool_errors_now();
    st->segments_out_base = lwip_stats.tcp.xmit;
    st->tcp_retransmissions = 0;
    st->started = true;
    if (st->config.add_netifs != NULL && st->config.add_netifs(st->config.netif_ctx) < 0) {
        /* No socket can exist yet (a stopped stack opens none), so the
         * interfaces are all there is to undo: a firmware that never stops
         * its stack links none of sp_lwip_stop()'s closing. */
        forget_interfaces();
        return NULL;
    }
    return &lwip_stack;
}

sp_stack *sp_lwip_stack(void)
{
    return sp_lwip_state.started ? &lwip_stack : NULL;
}

int sp_lwip_stop(sp_stack *stack)
{
    struct sp_lwip_state *st = &sp_lwip_state;
    if (stack != &lwip_stack || !st->started) {
        return SP_EINVAL;
    }
    sp_close_all(stack);
    sp_lwip_tcp_abort_all();
    for (size_t i = 0; i < SP_LWIP_MAX_SOCKETS; i++) {
        struct sp_lwip_sock *sock = &sp_lwip_socks[i];
        if (sp_lwip_in_use(sock) && sock->kind != SP_LWIP_KIND_TCP) {
            sp_lwip_dgram_close(sock);
        }
    }
    forget_interfaces();
    return 0;
}

/* lwIP keeps a pool's name only in debug builds; its own list of pools gives
 * the names in the order of lwip_stats.memp[]. */
static const char *const pool_names[] = {
#define LWIP_MEMPOOL(name, num, size, desc) #name,
#include "lwip/priv/memp_std.h"
};

int sp_lwip_get_pool_stats(sp_stack *stack, unsigned index, struct sp_lwip_pool_stats *out)
{
    if (stack != &lwip_stack || out == NULL || !sp_lwip_state.initialised) {
        return SP_EINVAL;
    }
    if (index > (unsigned)MEMP_MAX) {
        return SP_ENOENT;
    }
    const struct stats_mem *mem =
        index == (unsigned)MEMP_MAX ? &lwip_stats.mem : lwip_stats.memp[index];
    out->name = index == (unsigned)MEMP_MAX ? "HEAP" : pool_names[index];
    out->used = (uint32_t)mem->used;
    out->peak = (uint32_t)mem->max;
    out->size = (uint32_t)mem->avail;
    out->errors = (uint32_t)mem->err;
    return 0;
}

int sp_lwip_get_stats(sp_stack *stack, struct sp_lwip_stats *out)
{
    if (stack != &lwip_stack || out == NULL || !sp_lwip_state.initialised) {
        return SP_EINVAL;
    }
    memset(out, 0, sizeof *out);
    out->tcp_pcbs_used =
        lwip_stats.memp[MEMP_TCP_PCB]->used + lwip_stats.memp[MEMP_TCP_PCB_LISTEN]->used;
    out->udp_pcbs_used = lwip_stats.memp[MEMP_UDP_PCB]->used;
    out->raw_pcbs_used = lwip_stats.memp[MEMP_RAW_PCB]->used;
    out->pbufs_used = lwip_stats.memp[MEMP_PBUF]->used + lwip_stats.memp[MEMP_PBUF_POOL]->used;
    out->heap_used = (uint32_t)lwip_stats.mem.used;
    out->pool_errors = pool_errors_now() - sp_lwip_state.pool_errors_base;
    out->sockets_used = (uint32_t)sp_lwip_sock_count();
    out->datagrams_dropped = sp_lwip_state.datagrams_dropped;
    out->tcp_segments_out = lwip_stats.tcp.xmit - sp_lwip_state.segments_out_base;
    out->tcp_retransmissions = sp_lwip_state.tcp_retransmissions;
    out->queue_nodes_used = (uint32_t)sp_lwip_nodes_used();
    return 0;
}
