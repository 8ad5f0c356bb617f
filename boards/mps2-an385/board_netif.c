/*
 * The board's network: the LAN9118 as lwIP's default interface, addressed
 * for QEMU's user-mode network (slirp), where 10.0.2.2 is the host.
 */
#include "board.h"

#include <sockport/errors.h>

#include "lan9118_netif.h"
#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "netif/ethernet.h"

/* Overridable for a tap or bridge set-up; 10.0.2.3 (slirp's DNS forwarder)
 * is deliberately never used. */
#ifndef BOARD_IPV4_ADDRESS
#define BOARD_IPV4_ADDRESS 10, 0, 2, 15
#endif
#ifndef BOARD_IPV4_NETMASK
#define BOARD_IPV4_NETMASK 255, 255, 255, 0
#endif
#ifndef BOARD_IPV4_GATEWAY
#define BOARD_IPV4_GATEWAY 10, 0, 2, 2
#endif

static struct netif board_netif;

static void set_ip4(ip4_addr_t *addr, u8_t a, u8_t b, u8_t c, u8_t d)
{
    IP4_ADDR(addr, a, b, c, d);
}

int board_netif_add(void *ctx)
{
    (void)ctx;
    ip4_addr_t address, netmask, gateway;
    set_ip4(&address, BOARD_IPV4_ADDRESS);
    set_ip4(&netmask, BOARD_IPV4_NETMASK);
    set_ip4(&gateway, BOARD_IPV4_GATEWAY);
    if (netif_add(&board_netif, &address, &netmask, &gateway, NULL, lan9118_netif_init,
                  ethernet_input) == NULL) {
        return SP_EIO;
    }
    netif_set_default(&board_netif);
    /* With the link up this also sends a gratuitous ARP. */
    netif_set_up(&board_netif);
    /* slirp learns the board's MAC from this request; until then it cannot
     * deliver a forwarded connection's first frame. */
    (void)etharp_request(&board_netif, &gateway);
    return 0;
}

void board_netif_poll(void *ctx)
{
    (void)ctx;
    (void)lan9118_netif_poll(&board_netif);
}
