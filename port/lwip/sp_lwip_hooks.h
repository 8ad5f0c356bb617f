/*
 * Hooks lwIP calls from its own sources (named by LWIP_HOOK_FILENAME in
 * lwipopts.h). Implemented in port/lwip/lwip_input_hooks.c.
 */
#ifndef SOCKPORT_LWIP_HOOKS_H
#define SOCKPORT_LWIP_HOOKS_H

#include <stdint.h>

struct pbuf;
struct netif;
struct tcp_hdr;
struct tcp_pcb;

/* See each IP packet before lwIP does; never eat it (always return 0). */
int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif);
int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif);

/* See each TCP segment lwIP has found its pcb for (@p pcb, maybe a listen
 * pcb), its header in host order, @p data its payload: 0 goes on, not 0 makes
 * lwIP drop it (an ACK of a zero-window storm). */
int sp_lwip_hook_tcp_in(struct tcp_pcb *pcb, const struct tcp_hdr *header, const struct pbuf *data);

/* See each TCP segment lwIP sends (to count retransmissions); adds no options. */
uint32_t *sp_lwip_hook_tcp_out(struct pbuf *packet, struct tcp_hdr *header,
                               const struct tcp_pcb *pcb, uint32_t *options);

#endif /* SOCKPORT_LWIP_HOOKS_H */
