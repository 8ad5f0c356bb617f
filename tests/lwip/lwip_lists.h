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

#include <stdio.h>

#include "lwip/opt.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/udp.h"

/* More than every pool together can hold: a list this long loops. */
#define LWIP_LISTS_LOOP (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN + MEMP_NUM_UDP_PCB + 1)
#define LWIP_LISTS_TCP 4

/* lwIP's TCP lists: bound, listening, active, TIME_WAIT. */
static inline struct tcp_pcb *lwip_lists_tcp_head(int list)
{
    struct tcp_pcb *heads[LWIP_LISTS_TCP] = {tcp_bound_pcbs, tcp_listen_pcbs.pcbs, tcp_active_pcbs,
                                             tcp_tw_pcbs};
    return heads[list];
}

/* The pcbs on lwIP's TCP and UDP lists, or -1 if a list loops. */
static inline int lwip_lists_count(void)
{
    int count = 0;
    for (int list = 0; list < LWIP_LISTS_TCP; list++) {
        for (const struct tcp_pcb *pcb = lwip_lists_tcp_head(list); pcb != NULL; pcb = pcb->next) {
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

/* Prints every TCP pcb lwIP lists, with what keeps it alive, so that a
 * failed end-of-test check says which connections outlived their sockets. */
static inline void lwip_lists_describe(FILE *out)
{
    static const char *const names[LWIP_LISTS_TCP] = {"bound", "listen", "active", "time-wait"};
    for (int list = 0; list < LWIP_LISTS_TCP; list++) {
        int count = 0;
        for (const struct tcp_pcb *pcb = lwip_lists_tcp_head(list);
             pcb != NULL && count < LWIP_LISTS_LOOP; pcb = pcb->next, count++) {
            if (pcb->state == LISTEN) {
                fprintf(out, "  %s pcb: port %u\n", names[list], (unsigned)pcb->local_port);
                continue;
            }
            fprintf(out,
                    "  %s pcb: %s %u -> %u, flags 0x%x, snd_wnd %u, rcv_wnd %u, unsent %s, "
                    "unacked %s, refused %s, persist %u/%u, nrtx %u, rtime %d, callback_arg %s\n",
                    names[list], tcp_debug_state_str(pcb->state), (unsigned)pcb->local_port,
                    (unsigned)pcb->remote_port, (unsigned)pcb->flags, (unsigned)pcb->snd_wnd,
                    (unsigned)pcb->rcv_wnd, pcb->unsent != NULL ? "yes" : "no",
                    pcb->unacked != NULL ? "yes" : "no", pcb->refused_data != NULL ? "yes" : "no",
                    (unsigned)pcb->persist_backoff, (unsigned)pcb->persist_probe,
                    (unsigned)pcb->nrtx, (int)pcb->rtime,
                    pcb->callback_arg != NULL ? "set" : "none");
        }
    }
}

#endif /* SOCKPORT_TESTS_LWIP_LISTS_H */
