/*
 * How many pcbs lwIP still lists, for the end-of-test checks of the lwIP
 * tests, the shared suite's lwIP fixture and the lwIP fuzzers. lwIP's pool
 * counters say what is allocated; a pcb freed while still in a list (or
 * listed twice, which makes the list a loop) leaves the counters right and
 * hangs the next stack to walk that list, so the lists are checked too.
 * Reads lwIP's private list heads: test code only.
 */
#ifndef SOCKPORT_TESTS_LWIP_LISTS_H
#define SOCKPORT_TESTS_LWIP_LISTS_H

#include "lwip/opt.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/udp.h"

/* More than every pool together can hold: a list this long loops. */
#define LWIP_LISTS_LOOP (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN + MEMP_NUM_UDP_PCB + 1)

/* The pcbs on lwIP's TCP and UDP lists, or -1 if a list loops. */
static inline int lwip_lists_count(void)
{
    struct tcp_pcb *const *tcp_lists[] = {&tcp_bound_pcbs, &tcp_listen_pcbs.pcbs,
                                          &tcp_active_pcbs, &tcp_tw_pcbs};
    int count = 0;
    for (size_t i = 0; i < sizeof tcp_lists / sizeof tcp_lists[0]; i++) {
        for (const struct tcp_pcb *pcb = *tcp_lists[i]; pcb != NULL; pcb = pcb->next) {
            if (++count >= LWIP_LISTS_LOOP) {
                return -1;
            }
        }
    }
    for (const struct udp_pcb *pcb = udp_pcbs; pcb != NULL; pcb = pcb->next) {
        if (++count >= LWIP_LISTS_LOOP) {
            return -1;
        }
    }
    return count;
}

#endif /* SOCKPORT_TESTS_LWIP_LISTS_H */
