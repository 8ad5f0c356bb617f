/*
 * The shared suite's fixture for the lwIP port in-process: every case gets a
 * fresh lwIP (loopback 127.0.0.1 and ::1) on the simulated clock, so timeouts
 * and retransmissions take no wall time and run the same every time.
 */
#include <stdbool.h>
#include <stdio.h>

#include <sockport/lwip.h>

#include "fixture.h"
#include "lwip_lists.h"

/* 2 * MSL (lwIP's TCP_MSL is 60 s) plus slack: longer than any TIME_WAIT. */
#define LWIP_FIXTURE_DRAIN_MS (130 * 1000)

static sp_stack *lwip_setup(void)
{
    sp_stack *running = sp_lwip_stack();
    if (running != NULL) {
        sp_lwip_stop(running); /* an earlier case's tear-down did not run */
    }
    struct sp_lwip_config config = {0};
    config.simulated_clock = 1;
    sp_stack *stack = sp_lwip_start(&config);
    if (stack != NULL) {
        sp_set_default_stack(stack);
    }
    return stack;
}

/* Sockets the case left open count as leaks; so do lwIP pcbs or buffers that
 * outlive their sockets once every connection had time to finish closing. */
static int lwip_teardown(sp_stack *stack)
{
    int leaked = sp_close_all(stack);
    struct sp_lwip_stats stats;
    int64_t until = sp_stack_now_ms(stack) + LWIP_FIXTURE_DRAIN_MS;
    for (int turn = 0; turn < 1000; turn++) {
        sp_stack_pump(stack, 0); /* deliver what the closes just queued */
        if (sp_lwip_get_stats(stack, &stats) < 0) {
            break;
        }
        bool idle = stats.tcp_pcbs_used == 0 && stats.udp_pcbs_used == 0 &&
                    stats.raw_pcbs_used == 0 && stats.sockets_used == 0 && stats.pbufs_used == 0;
        if (idle || sp_stack_now_ms(stack) >= until) {
            break;
        }
        sp_stack_pump(stack, 1000);
    }
    if (sp_lwip_get_stats(stack, &stats) == 0 &&
        (stats.tcp_pcbs_used != 0 || stats.udp_pcbs_used != 0 || stats.raw_pcbs_used != 0 ||
         stats.sockets_used != 0 || stats.pbufs_used != 0)) {
        printf("lwip fixture: still allocated after closing everything and 130 s: "
               "%u TCP pcbs, %u UDP pcbs, %u raw pcbs, %u port sockets, %u pbufs\n",
               (unsigned)stats.tcp_pcbs_used, (unsigned)stats.udp_pcbs_used,
               (unsigned)stats.raw_pcbs_used, (unsigned)stats.sockets_used,
               (unsigned)stats.pbufs_used);
        leaked++;
    } else if (lwip_lists_count() != 0) {
        printf("lwip fixture: lwIP still lists %d pcbs that its pools freed (-1: a list loops)\n",
               lwip_lists_count());
        leaked++;
    }
    sp_lwip_stop(stack);
    return leaked;
}

static int lwip_fixture_set_dns_server(sp_stack *stack, const sp_addr *server)
{
    return sp_lwip_set_dns_server(stack, 0, server);
}

/* SP_LWIP_IPV4_ONLY: the same fixture on an lwIP built without IPv6. */
#ifdef SP_LWIP_IPV4_ONLY
#define LWIP_FIXTURE_NAME "lwip-ipv4"
#define LWIP_FIXTURE_IP_CAPS SP_CAP_NO_IPV6_STACK
#else
#define LWIP_FIXTURE_NAME "lwip"
#define LWIP_FIXTURE_IP_CAPS SP_CAP_IPV6
#endif

const struct sp_test_fixture sp_test_fixture = {
    .port_name = LWIP_FIXTURE_NAME,
    .setup = lwip_setup,
    .teardown = lwip_teardown,
    /* No local sockets in lwIP; the resolver knows "localhost" only (LWIP_DNS 0). */
    .caps = LWIP_FIXTURE_IP_CAPS | SP_CAP_RAW | SP_CAP_RESOLVER | SP_CAP_NATIVE_OPTIONS,
    .local_dir = NULL,
    /* The whole transfer runs through lwIP's loopback in this one process. */
    .big_transfer_bytes = 64u * 1024u * 1024u,
    .native_bool_level = SP_LWIP_LEVEL_TCP,
    .native_bool_name = SP_LWIP_TCP_NODELAY,
    .set_dns_server = lwip_fixture_set_dns_server,
};
