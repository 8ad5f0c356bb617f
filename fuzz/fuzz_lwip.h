/*
 * The lwIP stack of the lwIP harnesses: a fresh one for every input, on the
 * simulated clock (waits take no wall time) with entropy that starts over
 * each time (the same ports, sequence numbers and RDM sessions), so that an
 * input replays as it ran; and after every input checked to hold nothing any
 * more: no socket, pcb, pbuf or heap byte may outlive the sockets it opened.
 */
#ifndef SOCKPORT_FUZZ_LWIP_H
#define SOCKPORT_FUZZ_LWIP_H

#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "../tests/lwip/lwip_lists.h"
#include "fuzz_input.h"

static sp_stack *fuzz_stack;
static uint32_t fuzz_entropy_state;

/* Not random at all, on purpose: every input sees the same numbers. */
static inline int fuzz_entropy(void *buf, size_t len)
{
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++) {
        fuzz_entropy_state = fuzz_entropy_state * 1103515245u + 12345u;
        out[i] = (uint8_t)(fuzz_entropy_state >> 16);
    }
    return 0;
}

static inline sp_stack *fuzz_lwip_stack(void)
{
    struct sp_lwip_config config = {0};

    if (fuzz_stack != NULL) {
        sp_lwip_stop(fuzz_stack);
    }
    fuzz_entropy_state = 1;
    config.simulated_clock = 1;
    config.entropy = fuzz_entropy;
    fuzz_stack = sp_lwip_start(&config);
    FUZZ_CHECK(fuzz_stack != NULL, "lwIP did not start");
    sp_set_default_stack(fuzz_stack);
    return fuzz_stack;
}

/* Close whatever the input left open, let every connection finish (TIME_WAIT
 * is 2 * 60 s of simulated time: no wall time), and require lwIP to be empty. */
static inline void fuzz_lwip_expect_nothing_left(void)
{
    struct sp_lwip_stats stats = {0};
    sp_table_stats table = {0};

    sp_close_all(fuzz_stack);
    for (int turn = 0; turn < 300; turn++) {
        sp_stack_pump(fuzz_stack, turn == 0 ? 0 : 1000);
        FUZZ_CHECK(sp_lwip_get_stats(fuzz_stack, &stats) == 0, "no lwIP stats");
        if (stats.tcp_pcbs_used == 0 && stats.udp_pcbs_used == 0 && stats.raw_pcbs_used == 0 &&
            stats.pbufs_used == 0 && stats.sockets_used == 0 && stats.heap_used == 0) {
            break;
        }
    }
    if (stats.tcp_pcbs_used != 0) {
        lwip_lists_describe(stderr);
    }
    FUZZ_CHECK(stats.tcp_pcbs_used == 0 && stats.udp_pcbs_used == 0 && stats.raw_pcbs_used == 0,
               "pcbs left after closing everything: tcp %u udp %u raw %u", stats.tcp_pcbs_used,
               stats.udp_pcbs_used, stats.raw_pcbs_used);
    FUZZ_CHECK(stats.pbufs_used == 0 && stats.heap_used == 0,
               "memory left after closing everything: %u pbufs, %u heap bytes", stats.pbufs_used,
               stats.heap_used);
    FUZZ_CHECK(stats.sockets_used == 0, "%u port sockets left", stats.sockets_used);
    FUZZ_CHECK(lwip_lists_count() == 0, "lwIP still lists pcbs (%d; -1: a list loops)",
               lwip_lists_count());
    FUZZ_CHECK(sp_get_table_stats(&table) == 0 && table.in_use == 0, "%u handles left",
               table.in_use);
}

#endif /* SOCKPORT_FUZZ_LWIP_H */
