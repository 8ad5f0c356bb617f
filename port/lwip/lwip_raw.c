/*
 * Raw IP sockets on lwIP: creating the raw pcb and taking its packets. The
 * rest of a raw socket's life is lwip_dgram.c's, which reaches lwIP's raw pcb
 * calls only through sp_lwip_raw: until sp_lwip_use_raw() sets it (or a build
 * with SP_ALL_SERVICES, lwip_sock.c), a firmware links none of this or of
 * lwIP's raw_* calls, and sp_socket(..., SP_SOCK_RAW, ...) gives
 * SP_EPROTONOSUPPORT.
 */
#include "lwip/ip.h"
#include "lwip/raw.h"

#include "lwip_internal.h"

static u8_t on_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct sp_lwip_sock *sock = arg;
    (void)pcb;
    /* A raw socket gets a copy: lwIP goes on to handle the packet itself (an
     * echo request is still answered), as the kernel does next to raw sockets. */
    struct pbuf *copy = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (copy == NULL) {
        sp_lwip_state.datagrams_dropped++;
        return 0;
    }
    if (IP_IS_V6(addr)) {
        /* POSIX hands IPv6 raw sockets the payload only; IPv4 ones get the header too. */
        pbuf_remove_header(copy, ip_current_header_tot_len());
    }
    sp_lwip_dgram_enqueue(sock, NULL, copy, addr, 0);
    return 0;
}

static int raw_open(struct sp_lwip_sock *sock, int protocol)
{
    /* Raw IPv6 sockets see IPv6 only: no mapped ICMP. */
    u8_t type = sock->family == SP_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_V6;
    struct raw_pcb *pcb = raw_new_ip_type(type, (u8_t)protocol);
    if (pcb == NULL) {
        return SP_ENOBUFS;
    }
#if LWIP_IPV6
    if (sock->family == SP_AF_INET6 && protocol == SP_IPPROTO_ICMPV6) {
        /* The kernel fills in the ICMPv6 checksum for raw sockets (RFC 3542). */
        pcb->chksum_reqd = 1;
        pcb->chksum_offset = 2;
    }
#endif
    raw_recv(pcb, on_raw_recv, sock);
    sock->pcb.raw = pcb;
    return 0;
}

static err_t raw_send_to(struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *ip)
{
    return ip != NULL ? raw_sendto(pcb, p, ip) : raw_send(pcb, p);
}

const struct sp_lwip_raw_calls sp_lwip_raw_calls = {
    .open = raw_open,
    .remove = raw_remove,
    .bind = raw_bind,
    .connect = raw_connect,
    .disconnect = raw_disconnect,
    .send = raw_send_to,
};

void sp_lwip_use_raw(void)
{
    sp_lwip_raw = &sp_lwip_raw_calls;
}
