/*
 * The shared suite's fixture for the lwIP port on the mps2-an385 board in
 * QEMU: lwIP's loopback inside the firmware, timed by the board's clock
 * (CMSDK TIMER0), idling in WFI.
 * The LAN9118 is left out: the cases talk to themselves over 127.0.0.1 and ::1,
 * and the board's network is tested by the echo and demo firmware.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <sockport/lwip.h>

#include "board_sockport.h"
#include "fixture.h"

/* 4 MiB: at ~10 MB/s through loopback under emulation a few seconds, and far
 * more than lwIP's windows and the board's 4 MB of RAM could hold at once. */
#define QEMU_BIG_TRANSFER_BYTES (4u * 1024u * 1024u)

/* Long enough for the resets and FINs of closed sockets to cross loopback. */
#define QEMU_TEARDOWN_SETTLE_MS 20
/* At most this long for what lwIP frees on a timer of its own: its DNS client
 * keeps the pcb of a query that sp_resolve() stopped waiting for until the
 * query's next retry (up to 3 s; lwIP has no way to cancel one). */
#define QEMU_TEARDOWN_DRAIN_MS 5000

static sp_stack *qemu_setup(void)
{
    sp_stack *running = sp_lwip_stack();
    if (running != NULL) {
        sp_lwip_stop(running); /* an earlier case's tear-down did not run */
    }
    /* The suite covers every socket type, the port's poller and native
     * options: the firmware registers them all. */
    sp_use_seqpacket();
    sp_use_rdm();
    sp_lwip_use_raw();
    sp_lwip_use_poller();
    sp_lwip_use_native_options();
    return board_start_lwip(0);
}

/* Sockets the case left open count as leaks; so do UDP and raw pcbs and port
 * socket records that outlive their sockets. TCP pcbs are not checked: on the
 * real clock a closed connection lingers in TIME_WAIT for 2 * MSL (120 s),
 * far longer than a case; the host's lwIP fixture checks them on its
 * simulated clock. */
static int qemu_teardown(sp_stack *stack)
{
    int leaked = sp_close_all(stack);
    struct sp_lwip_stats stats;
    int64_t started = sp_stack_now_ms(stack);
    for (int turn = 0; turn < 1000; turn++) {
        sp_stack_pump(stack, 10);
        int64_t waited = sp_stack_now_ms(stack) - started;
        bool idle = sp_lwip_get_stats(stack, &stats) == 0 && stats.udp_pcbs_used == 0 &&
                    stats.raw_pcbs_used == 0 && stats.sockets_used == 0;
        if ((idle && waited >= QEMU_TEARDOWN_SETTLE_MS) || waited >= QEMU_TEARDOWN_DRAIN_MS) {
            break;
        }
    }
    if (sp_lwip_get_stats(stack, &stats) == 0 &&
        (stats.udp_pcbs_used != 0 || stats.raw_pcbs_used != 0 || stats.sockets_used != 0)) {
        printf("lwip-qemu fixture: still allocated after closing everything: "
               "%u UDP pcbs, %u raw pcbs, %u port sockets\n",
               (unsigned)stats.udp_pcbs_used, (unsigned)stats.raw_pcbs_used,
               (unsigned)stats.sockets_used);
        leaked++;
    }
    int stopped = sp_lwip_stop(stack);
    sp_set_default_stack(NULL);
    return stopped < 0 ? stopped : leaked;
}

static int lwip_fixture_set_dns_server(sp_stack *stack, const sp_addr *server)
{
    return sp_lwip_set_dns_server(stack, 0, server);
}

const struct sp_test_fixture sp_test_fixture = {
    .port_name = "lwip-qemu",
    .setup = qemu_setup,
    .teardown = qemu_teardown,
    /* The same capabilities as the host's lwIP fixture: the board runs the same port. */
    .caps = SP_CAP_IPV6 | SP_CAP_RAW | SP_CAP_RESOLVER | SP_CAP_NATIVE_OPTIONS,
    .local_dir = NULL,
    .big_transfer_bytes = QEMU_BIG_TRANSFER_BYTES,
    .native_bool_level = SP_LWIP_LEVEL_TCP,
    .native_bool_name = SP_LWIP_TCP_NODELAY,
    .set_dns_server = lwip_fixture_set_dns_server,
    /* 12 connections, 24 of the 64 handles and 128 TCP pcbs: a few seconds
     * of the board's time for the load cases. */
    .load_connections = 12,
};
