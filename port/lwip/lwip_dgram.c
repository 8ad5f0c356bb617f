/*
 * UDP and raw IP sockets over lwIP's raw API. Both are message sockets with
 * the same receive side: a bounded ring of (pbuf, sender) per socket, where
 * a datagram arriving at a full ring is dropped and counted, as a full
 * socket buffer drops on a POSIX host (sp_lwip_get_stats: datagrams_dropped).
 * Raw sockets reach lwIP's raw pcb calls only through sp_lwip_raw
 * (lwip_raw.c), so that a firmware without sp_lwip_use_raw() links none of them.
 */
#include <string.h>

#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/raw.h" /* the raw pcb's fields; its calls go through sp_lwip_raw */
#include "lwip/udp.h"

#include "lwip_internal.h"

/* The largest payload one IP datagram carries: the 16-bit IPv4 total length
 * less its headers, and for IPv6 lwIP's 16-bit pbuf length less the headers. */
#define SP_LWIP_UDP4_MAX (0xFFFF - 20 - 8)
#define SP_LWIP_UDP6_MAX (0xFFFF - 40 - 8)
#define SP_LWIP_RAW4_MAX (0xFFFF - 20)
#define SP_LWIP_RAW6_MAX (0xFFFF - 40)

void sp_lwip_dgram_enqueue(struct sp_lwip_sock *sock, struct pbuf *p, const ip_addr_t *from,
                           u16_t port)
{
    if (sock->shut_rd || sock->dgram_count >= SP_LWIP_DGRAM_QUEUE_LEN) {
        sp_lwip_state.datagrams_dropped++;
        pbuf_free(p);
        return;
    }
    size_t slot = (size_t)(sock->dgram_head + sock->dgram_count) % SP_LWIP_DGRAM_QUEUE_LEN;
    sock->dgrams[slot].packet = p;
    ip_addr_copy(sock->dgrams[slot].from, *from);
    sock->dgrams[slot].from_port = port;
    sock->dgram_count++;
    sp_lwip_touch(sock);
}

static void on_udp_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                        u16_t port)
{
    (void)pcb;
    sp_lwip_dgram_enqueue(arg, p, addr, port);
}

int sp_lwip_dgram_open(struct sp_lwip_sock *sock, int protocol)
{
    u8_t type = sock->family == SP_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY;
    if (sock->kind == SP_LWIP_KIND_UDP) {
        struct udp_pcb *pcb = udp_new_ip_type(type);
        if (pcb == NULL) {
            return SP_ENOBUFS;
        }
        udp_recv(pcb, on_udp_recv, sock);
        sock->pcb.udp = pcb;
        return 0;
    }
    return sp_lwip_raw->open(sock, protocol); /* lwip_sock.c checked it is registered */
}

void sp_lwip_dgram_flush(struct sp_lwip_sock *sock)
{
    while (sock->dgram_count > 0) {
        pbuf_free(sock->dgrams[sock->dgram_head].packet);
        sock->dgrams[sock->dgram_head].packet = NULL;
        sock->dgram_head = (uint8_t)((sock->dgram_head + 1u) % SP_LWIP_DGRAM_QUEUE_LEN);
        sock->dgram_count--;
    }
}

void sp_lwip_dgram_close(struct sp_lwip_sock *sock)
{
    if (sock->kind == SP_LWIP_KIND_UDP && sock->pcb.udp != NULL) {
        udp_remove(sock->pcb.udp);
    } else if (sock->kind == SP_LWIP_KIND_RAW && sock->pcb.raw != NULL) {
        sp_lwip_raw->remove(sock->pcb.raw);
    }
    sock->pcb.any = NULL;
    sp_lwip_sock_release(sock);
}

static void set_flag(u8_t *so_options, u8_t flag, bool on)
{
    *so_options = (u8_t)(on ? (*so_options | flag) : (*so_options & ~flag));
}

void sp_lwip_dgram_apply_options(struct sp_lwip_sock *sock)
{
    if (sock->pcb.any == NULL) {
        return;
    }
    u8_t *so_options =
        sock->kind == SP_LWIP_KIND_UDP ? &sock->pcb.udp->so_options : &sock->pcb.raw->so_options;
    set_flag(so_options, SOF_REUSEADDR, sock->opt_reuseaddr);
    set_flag(so_options, SOF_BROADCAST, sock->opt_broadcast);
    ip_addr_t *local =
        sock->kind == SP_LWIP_KIND_UDP ? &sock->pcb.udp->local_ip : &sock->pcb.raw->local_ip;
    if (sock->family == SP_AF_INET6 && sock->kind == SP_LWIP_KIND_UDP && ip_addr_isany(local) &&
        IP_GET_TYPE(local) != IPADDR_TYPE_V4 && sock->pcb.udp->local_port == 0) {
        IP_SET_TYPE_VAL(*local, sock->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
        IP_SET_TYPE_VAL(sock->pcb.udp->remote_ip, sock->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
    }
}

int sp_lwip_dgram_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    sp_lwip_dgram_apply_options(sock);
    err_t err = sock->kind == SP_LWIP_KIND_UDP ? udp_bind(sock->pcb.udp, ip, port)
                                               : sp_lwip_raw->bind(sock->pcb.raw, ip);
    return err == ERR_VAL ? SP_EINVAL : sp_lwip_error(err);
}

/* The limited broadcast, or the directed broadcast of an interface's subnet.
 * lwIP's ip4_addr_isbroadcast() counts only interfaces flagged for broadcast,
 * which its loopback is not; Linux refuses 127.255.255.255 too without
 * SO_BROADCAST. */
static bool is_broadcast(const ip4_addr_t *dest)
{
    u32_t addr = ip4_addr_get_u32(dest);
    if (addr == IPADDR_BROADCAST) {
        return true;
    }
    struct netif *netif;
    NETIF_FOREACH(netif)
    {
        u32_t mask = ip4_addr_get_u32(netif_ip4_netmask(netif));
        u32_t own = ip4_addr_get_u32(netif_ip4_addr(netif));
        if (mask != 0 && mask != IPADDR_BROADCAST && own != 0 && addr == (own | ~mask)) {
            return true;
        }
    }
    return false;
}

int sp_lwip_dgram_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    /* Linux refuses the peer itself (EACCES), not each later send. */
    if (!sock->opt_broadcast && IP_IS_V4(ip) && is_broadcast(ip_2_ip4(ip))) {
        return SP_EACCES;
    }
    sp_lwip_dgram_apply_options(sock);
    err_t err = sock->kind == SP_LWIP_KIND_UDP ? udp_connect(sock->pcb.udp, ip, port)
                                               : sp_lwip_raw->connect(sock->pcb.raw, ip);
    if (err != ERR_OK) {
        return err == ERR_VAL ? SP_ENETUNREACH : sp_lwip_error(err);
    }
    ip_addr_copy(sock->peer, *ip);
    sock->peer_port = port;
    sock->has_peer = true;
    /* As on POSIX: datagrams queued from others before connect() are dropped. */
    for (uint8_t i = 0; i < sock->dgram_count;) {
        size_t slot = (size_t)(sock->dgram_head + i) % SP_LWIP_DGRAM_QUEUE_LEN;
        struct sp_lwip_dgram *d = &sock->dgrams[slot];
        bool from_peer = ip_addr_cmp(&d->from, ip) && (port == 0 || d->from_port == port);
        if (from_peer || sock->kind == SP_LWIP_KIND_RAW) {
            i++;
            continue;
        }
        pbuf_free(d->packet);
        for (uint8_t j = i; j + 1u < sock->dgram_count; j++) {
            size_t to = (size_t)(sock->dgram_head + j) % SP_LWIP_DGRAM_QUEUE_LEN;
            size_t from = (size_t)(sock->dgram_head + j + 1u) % SP_LWIP_DGRAM_QUEUE_LEN;
            sock->dgrams[to] = sock->dgrams[from];
        }
        sock->dgram_count--;
    }
    return 0;
}

ptrdiff_t sp_lwip_dgram_send(struct sp_lwip_sock *sock, const void *buf, size_t len,
                             const ip_addr_t *to, uint16_t to_port)
{
    const ip_addr_t *dest = to != NULL ? to : &sock->peer;
    bool v4 = IP_IS_V4(dest);
    size_t limit = sock->kind == SP_LWIP_KIND_UDP ? (v4 ? SP_LWIP_UDP4_MAX : SP_LWIP_UDP6_MAX)
                                                  : (v4 ? SP_LWIP_RAW4_MAX : SP_LWIP_RAW6_MAX);
    if (len > limit) {
        return SP_EMSGSIZE;
    }
#if LWIP_IPV6
    /* lwIP writes the checksum at its offset without looking at the length
     * (an assertion, or bytes past the payload): Linux says EINVAL. Core
     * refuses short ICMPv6 already; this holds for every offset lwIP uses. */
    if (sock->kind == SP_LWIP_KIND_RAW && sock->pcb.raw->chksum_reqd &&
        len < (size_t)sock->pcb.raw->chksum_offset + 2u) {
        return SP_EINVAL;
    }
#endif
    /* Checked where Linux checks it: for an explicit destination. A connected
     * socket's peer passed at connect time and stays allowed, as Linux's
     * cached route does, even if SP_OPT_BROADCAST is turned off since. */
    if (to != NULL && !sock->opt_broadcast && v4 && is_broadcast(ip_2_ip4(to))) {
        return SP_EACCES;
    }
    pbuf_layer layer = sock->kind == SP_LWIP_KIND_UDP ? PBUF_TRANSPORT : PBUF_IP;
    struct pbuf *p = pbuf_alloc(layer, (u16_t)len, PBUF_RAM);
    if (p == NULL) {
        return SP_ENOBUFS;
    }
    if (len > 0) {
        memcpy(p->payload, buf, len);
    }
    err_t err;
    if (sock->kind == SP_LWIP_KIND_UDP) {
        err = to != NULL ? udp_sendto(sock->pcb.udp, p, to, to_port) : udp_send(sock->pcb.udp, p);
    } else {
        err = to != NULL ? sp_lwip_raw->sendto(sock->pcb.raw, p, to)
                         : sp_lwip_raw->send(sock->pcb.raw, p);
    }
    pbuf_free(p);
    if (err != ERR_OK) {
        /* No route is ENETUNREACH; an address the pcb's IP version cannot
         * reach (v6-only socket, mapped address) likewise. */
        return err == ERR_VAL || err == ERR_RTE ? SP_ENETUNREACH : sp_lwip_error(err);
    }
    return (ptrdiff_t)len;
}

ptrdiff_t sp_lwip_dgram_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek,
                             ip_addr_t *from, uint16_t *from_port)
{
    if (sock->dgram_count == 0) {
        if (sock->pending_error != 0) {
            return sp_lwip_take_error(sock);
        }
        return sock->shut_rd ? 0 : SP_EAGAIN;
    }
    struct sp_lwip_dgram *d = &sock->dgrams[sock->dgram_head];
    size_t full = d->packet->tot_len;
    size_t take = len < full ? len : full;
    if (take > 0) {
        pbuf_copy_partial(d->packet, buf, (u16_t)take, 0);
    }
    if (from != NULL) {
        ip_addr_copy(*from, d->from);
        *from_port = d->from_port;
    }
    if (!peek) {
        pbuf_free(d->packet);
        d->packet = NULL;
        sock->dgram_head = (uint8_t)((sock->dgram_head + 1u) % SP_LWIP_DGRAM_QUEUE_LEN);
        sock->dgram_count--;
    }
    return (ptrdiff_t)full; /* the message's full length: core clamps to the buffer */
}

short sp_lwip_dgram_revents(struct sp_lwip_sock *sock)
{
    short ready = SP_POLLOUT;
    if (sock->dgram_count > 0 || sock->shut_rd) {
        ready |= SP_POLLIN;
    }
    return ready;
}

int sp_lwip_dgram_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port)
{
    if (!local) {
        if (!sock->has_peer) {
            return SP_ENOTCONN;
        }
        ip_addr_copy(*ip, sock->peer);
        *port = sock->peer_port;
        return 0;
    }
    if (sock->kind == SP_LWIP_KIND_UDP) {
        ip_addr_copy(*ip, sock->pcb.udp->local_ip);
        *port = sock->pcb.udp->local_port;
    } else {
        ip_addr_copy(*ip, sock->pcb.raw->local_ip);
        *port = 0;
    }
    return 0;
}

void sp_lwip_dgram_icmp_error(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                              uint16_t remote_port, int error)
{
    for (size_t i = 0; i < SP_LWIP_MAX_SOCKETS; i++) {
        struct sp_lwip_sock *sock = &sp_lwip_socks[i];
        if (!sock->in_use || sock->kind != SP_LWIP_KIND_UDP || !sock->has_peer ||
            sock->pcb.udp == NULL) {
            continue;
        }
        /* Only connected sockets hear of ICMP errors, as on POSIX hosts. */
        struct udp_pcb *pcb = sock->pcb.udp;
        if (pcb->local_port == local_port && sock->peer_port == remote_port &&
            ip_addr_cmp(&sock->peer, remote) &&
            (ip_addr_isany(&pcb->local_ip) || ip_addr_cmp(&pcb->local_ip, local))) {
            sock->pending_error = error;
            sp_lwip_touch(sock);
        }
    }
}
