/*
 * Hooks lwIP calls from its own sources (named by LWIP_HOOK_FILENAME in
 * lwipopts.h). Implemented in port/lwip/lwip_input_hooks.c.
 */
#ifndef SOCKPORT_LWIP_HOOKS_H
#define SOCKPORT_LWIP_HOOKS_H

struct pbuf;
struct netif;

/* See each IP packet before lwIP does; never eat it (always return 0). */
int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif);
int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif);

#endif /* SOCKPORT_LWIP_HOOKS_H */
