/*
 * UDP and raw IP sockets over lwIP's raw API. Both are message sockets with
 * the same receive side: received datagrams wait in nodes of one pool shared
 * by every socket, each node holding the pbuf and its sender, linked from the
 * socket's record (oldest first). So a socket costs no per-datagram array:
 * RAM for queued datagrams is sized once, for all sockets together
 * (SP_LWIP_QUEUE_NODES). A datagram that would take a socket over
 * SP_LWIP_DGRAM_QUEUE_LEN datagrams or its receive buffer (SP_OPT_RCVBUF),
 * or that finds the pool empty, is dropped and counted, as a full socket
 * buffer drops on a POSIX host (sp_lwip_get_stats: datagrams_dropped).
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
#define SP_LWIP_IP4_HEADER 20
#define SP_LWIP_IP6_HEADER 40
#define SP_LWIP_UDP_HEADER 8

/* One queued datagram (or a pending connection's peer, packet NULL). The
 * sender is kept as its bytes, type and zone, not as an ip_addr_t (whose
 * padding would make the node 32 bytes); on lwIP without IPv6, one word. */
struct sp_lwip_node {
    struct pbuf *packet;
    uint16_t next; /* the socket's next datagram, or the next free node */
    uint16_t port;
#if LWIP_IPV6
    uint8_t type; /* IPADDR_TYPE_V4 or IPADDR_TYPE_V6 */
    uint8_t zone;
    uint32_t addr[4]; /* IPv4: addr[0]; IPv6: all four, network order */
#else
    uint32_t addr[1];
#endif
};

static struct sp_lwip_node nodes[SP_LWIP_QUEUE_NODES];
static uint16_t free_head = SP_LWIP_NONE; /* until sp_lwip_nodes_init() */

size_t sp_lwip_nodes_used(void)
{
    /* Counted when asked (stats are rare), not at every datagram. */
    size_t free_count = 0;
    for (uint16_t i = free_head; i != SP_LWIP_NONE; i = nodes[i].next) {
        free_count++;
    }
    return SP_LWIP_QUEUE_NODES - free_count;
}

void sp_lwip_nodes_init(void)
{
    for (uint16_t i = 0; i < SP_LWIP_QUEUE_NODES; i++) {
        nodes[i].packet = NULL;
        nodes[i].next = (uint16_t)(i + 1u < SP_LWIP_QUEUE_NODES ? i + 1u : SP_LWIP_NONE);
    }
    free_head = 0;
}

static uint16_t node_take(void)
{
    uint16_t node = free_head;
    if (node != SP_LWIP_NONE) {
        free_head = nodes[node].next;
    }
    return node;
}

void sp_lwip_node_free(uint16_t node)
{
    nodes[node].next = free_head;
    free_head = node;
}

#if LWIP_IPV6
/* An address's four words, one by one: memcpy() of 16 bytes is a loop at -Os. */
static void copy_words(uint32_t *to, const uint32_t *from)
{
    to[0] = from[0];
    to[1] = from[1];
    to[2] = from[2];
    to[3] = from[3];
}
#endif

/* Both IP versions copied alike: an IPv4 address is the first word of
 * ip_addr_t's union, and the node keeps the three after it as they were
 * (unused), instead of a branch on the type here and in sp_lwip_node_peer(). */
static void node_set_addr(struct sp_lwip_node *n, const ip_addr_t *ip, uint16_t port)
{
    n->port = port;
#if LWIP_IPV6
    n->type = IP_GET_TYPE(ip);
    copy_words(n->addr, ip_2_ip6(ip)->addr);
    n->zone = (uint8_t)ip6_addr_zone(ip_2_ip6(ip));
#else
    n->addr[0] = ip4_addr_get_u32(ip);
#endif
}

void sp_lwip_node_peer(uint16_t node, ip_addr_t *ip, uint16_t *port)
{
    const struct sp_lwip_node *n = &nodes[node];
    *port = n->port;
#if LWIP_IPV6
    copy_words(ip_2_ip6(ip)->addr, n->addr);
    ip6_addr_set_zone(ip_2_ip6(ip), n->zone);
    IP_SET_TYPE_VAL(*ip, n->type);
#else
    ip4_addr_set_u32(ip, n->addr[0]);
#endif
}

/* Whether @p node holds a datagram from @p ip and @p port (0: any port). */
static bool node_from(uint16_t node, const ip_addr_t *ip, uint16_t port)
{
    ip_addr_t from;
    uint16_t from_port;
    sp_lwip_node_peer(node, &from, &from_port);
    return sp_lwip_ip_equal(&from, ip) && (port == 0 || from_port == port);
}

uint16_t sp_lwip_node_hold_peer(const ip_addr_t *ip, uint16_t port)
{
    uint16_t node = node_take();
    if (node != SP_LWIP_NONE) {
        nodes[node].packet = NULL;
        node_set_addr(&nodes[node], ip, port);
    }
    return node;
}

/* A receive buffer of 2^shift bytes, or the default: what the socket holds at most. */
static size_t rcvbuf_bytes(const struct sp_lwip_sock *sock)
{
    return sock->rcvbuf_shift != 0 ? (size_t)1u << sock->rcvbuf_shift
                                   : (size_t)SP_LWIP_DGRAM_QUEUE_LEN * 0xFFFFu;
}

/* As Linux: a datagram is refused once what is queued already exceeds the
 * receive buffer (so one datagram always fits, however large). */
static bool buffer_full(const struct sp_lwip_sock *sock)
{
    size_t queued = 0;
    uint16_t node = sock->u.dgram.head;
    for (uint8_t i = 0; i < sock->u.dgram.count; i++) {
        queued += nodes[node].packet->tot_len;
        node = nodes[node].next;
    }
    return queued > rcvbuf_bytes(sock);
}

/* Out of line: the queue helpers below are called from several places, and
 * their inlined copies cost more than the calls (-Os would inline them). */
#define SP_LWIP_APART __attribute__((noinline))

/* Append @p node (its packet and sender set) to @p sock's queue. */
SP_LWIP_APART static void queue_append(struct sp_lwip_sock *sock, uint16_t node)
{
    nodes[node].next = SP_LWIP_NONE;
    if (sock->u.dgram.count == 0) {
        sock->u.dgram.head = node;
    } else {
        nodes[sock->u.dgram.tail].next = node;
    }
    sock->u.dgram.tail = node;
    sock->u.dgram.count++;
}

/* Take the oldest datagram's node off @p sock's queue. */
SP_LWIP_APART static uint16_t queue_take(struct sp_lwip_sock *sock)
{
    uint16_t node = sock->u.dgram.head;
    sock->u.dgram.head = nodes[node].next;
    sock->u.dgram.count--;
    return node;
}

/* Free a node that held a datagram, and the datagram. */
static void node_drop(uint16_t node)
{
    pbuf_free(nodes[node].packet);
    sp_lwip_node_free(node);
}

void sp_lwip_dgram_enqueue(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from,
                           u16_t port)
{
    (void)pcb;
    struct sp_lwip_sock *sock = arg;
    uint16_t node = SP_LWIP_NONE;
    /* Without SP_OPT_RCVBUF the queue's length is the only limit: the default
     * buffer holds SP_LWIP_DGRAM_QUEUE_LEN datagrams of the largest size. */
    if (!sock->shut_rd && sock->u.dgram.count < SP_LWIP_DGRAM_QUEUE_LEN &&
        (sock->rcvbuf_shift == 0 || !buffer_full(sock))) {
        node = sp_lwip_node_hold_peer(from, port);
    }
    if (node == SP_LWIP_NONE) {
        sp_lwip_state.datagrams_dropped++;
        pbuf_free(p);
        return;
    }
    nodes[node].packet = p;
    queue_append(sock, node);
    sp_lwip_touch(sock);
}

/* Take the oldest datagram off @p sock's queue and free it. */
static void dequeue(struct sp_lwip_sock *sock)
{
    node_drop(queue_take(sock));
}

int sp_lwip_dgram_open(struct sp_lwip_sock *sock, int protocol)
{
    u8_t type = sock->family == SP_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY;
    if (sock->kind == SP_LWIP_KIND_UDP) {
        struct udp_pcb *pcb = udp_new_ip_type(type);
        if (pcb == NULL) {
            return SP_ENOBUFS;
        }
        /* What udp_recv() does, without a call. */
        pcb->recv = sp_lwip_dgram_enqueue;
        pcb->recv_arg = sock;
        sock->pcb.udp = pcb;
        return 0;
    }
    return sp_lwip_raw->open(sock, protocol); /* lwip_sock.c checked it is registered */
}

void sp_lwip_dgram_flush(struct sp_lwip_sock *sock)
{
    while (sock->u.dgram.count > 0) {
        dequeue(sock);
    }
}

void sp_lwip_dgram_close(struct sp_lwip_sock *sock)
{
    /* A datagram socket has its pcb from open to close (lwIP never frees it). */
    if (sock->kind == SP_LWIP_KIND_UDP) {
        udp_remove(sock->pcb.udp);
    } else {
        sp_lwip_raw->remove(sock->pcb.raw);
    }
    sp_lwip_sock_release(sock);
}

void sp_lwip_dgram_apply_options(struct sp_lwip_sock *sock)
{
    if (sock->kind == SP_LWIP_KIND_UDP) {
        struct udp_pcb *pcb = sock->pcb.udp;
        sp_lwip_set_so_options(sock, &pcb->so_options, SOF_REUSEADDR | SOF_BROADCAST);
        sp_lwip_apply_v6only(sock, &pcb->local_ip, &pcb->remote_ip, pcb->local_port);
    } else {
        sp_lwip_set_so_options(sock, &sock->pcb.raw->so_options, SOF_REUSEADDR | SOF_BROADCAST);
    }
}

int sp_lwip_dgram_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    sp_lwip_dgram_apply_options(sock);
    err_t err = sock->kind == SP_LWIP_KIND_UDP ? udp_bind(sock->pcb.udp, ip, port)
                                               : sp_lwip_raw->bind(sock->pcb.raw, ip);
    return sp_lwip_error(err);
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

/* A broadcast destination without SP_OPT_BROADCAST. */
static bool broadcast_refused(const struct sp_lwip_sock *sock, const ip_addr_t *dest)
{
    return (sock->options & SP_LWIP_OPT_BROADCAST) == 0 && IP_IS_V4_VAL(*dest) &&
           is_broadcast(ip_2_ip4(dest));
}

int sp_lwip_dgram_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    /* Linux refuses the peer itself (EACCES), not each later send. */
    if (broadcast_refused(sock, ip)) {
        return SP_EACCES;
    }
    sp_lwip_dgram_apply_options(sock);
    err_t err = sock->kind == SP_LWIP_KIND_UDP ? udp_connect(sock->pcb.udp, ip, port)
                                               : sp_lwip_raw->connect(sock->pcb.raw, ip);
    if (err != ERR_OK) {
        return sp_lwip_route_error(err);
    }
    sock->has_peer = true;
    /* As on POSIX: datagrams queued from others before connect() are dropped. */
    if (sock->kind == SP_LWIP_KIND_RAW) {
        return 0;
    }
    /* Once round the queue: the peer's datagrams go to the back again, in order. */
    for (uint8_t left = sock->u.dgram.count; left > 0; left--) {
        uint16_t node = queue_take(sock);
        if (node_from(node, ip, port)) {
            queue_append(sock, node);
        } else {
            node_drop(node);
        }
    }
    return 0;
}

void sp_lwip_dgram_disconnect(struct sp_lwip_sock *sock, bool keep_port)
{
    /* Queued datagrams and a pending ICMP error stay, as on Linux. */
    sock->has_peer = false;
    if (sock->kind == SP_LWIP_KIND_RAW) {
        sp_lwip_raw->disconnect(sock->pcb.raw);
        return;
    }
    struct udp_pcb *pcb = sock->pcb.udp;
    udp_disconnect(pcb);
    if (!keep_port) {
        /* Linux unhashes the socket. lwIP has no unbind, but a pcb at port 0
         * stays listed (udp_bind() then rebinds it in place) and takes a new
         * port at its next send, connect or bind, as Linux's then does. */
        pcb->local_port = 0;
        sp_lwip_dgram_apply_options(sock);
    }
}

ptrdiff_t sp_lwip_dgram_send(struct sp_lwip_sock *sock, const void *buf, size_t len,
                             const sp_addr *to_addr)
{
    /* Core sends nothing on a socket shut for writing, and without a
     * destination only on a connected one. */
    ip_addr_t to_ip;
    uint16_t to_port;
    const ip_addr_t *to = NULL;
    if (to_addr != NULL) {
        int rc = sp_lwip_target(sock, to_addr, &to_ip, &to_port);
        if (rc < 0) {
            return rc;
        }
        to = &to_ip;
    }
    const ip_addr_t *dest = to != NULL                       ? to
                            : sock->kind == SP_LWIP_KIND_UDP ? &sock->pcb.udp->remote_ip
                                                             : &sock->pcb.raw->remote_ip;
    bool udp = sock->kind == SP_LWIP_KIND_UDP;
    /* Checked where Linux checks it: for an explicit destination. A connected
     * socket's peer passed at connect time and stays allowed, as Linux's
     * cached route does, even if SP_OPT_BROADCAST is turned off since. */
    if (to != NULL && broadcast_refused(sock, to)) {
        return SP_EACCES;
    }
    /* Core checked only what an IP length field holds: the limit of the
     * destination's IP version, headers counted, comes after the broadcast
     * check, as on Linux. */
    size_t headers = udp ? SP_LWIP_UDP_HEADER : 0;
#if LWIP_IPV6
    headers += IP_IS_V4_VAL(*dest) ? SP_LWIP_IP4_HEADER : SP_LWIP_IP6_HEADER;
#else
    (void)dest;
    headers += SP_LWIP_IP4_HEADER;
#endif
    if (len > 0xFFFFu - headers) {
        return SP_EMSGSIZE;
    }
    /* lwIP writes a raw socket's checksum at its offset without looking at
     * the length: the port asks for one only on ICMPv6 sockets, at offset 2
     * (lwip_raw.c), and core refuses an ICMPv6 message shorter than 4 bytes
     * (SP_EINVAL, as Linux). */
    struct pbuf *p = pbuf_alloc(udp ? PBUF_TRANSPORT : PBUF_IP, (u16_t)len, PBUF_RAM);
    if (p == NULL) {
        return SP_ENOBUFS;
    }
    if (len > 0) {
        memcpy(p->payload, buf, len);
    }
    err_t err;
    if (!udp) {
        err = sp_lwip_raw->send(sock->pcb.raw, p, to);
    } else if (to != NULL) {
        err = udp_sendto(sock->pcb.udp, p, to, to_port);
    } else {
        err = udp_send(sock->pcb.udp, p);
    }
    pbuf_free(p);
    if (err != ERR_OK) {
        /* No route is ENETUNREACH; an address the pcb's IP version cannot
         * reach (v6-only socket, mapped address) likewise. */
        return sp_lwip_route_error(err);
    }
    return (ptrdiff_t)len;
}

ptrdiff_t sp_lwip_dgram_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek,
                             sp_addr *from)
{
    /* Core receives nothing on a socket shut for reading. */
    if (sock->u.dgram.count == 0) {
        return sock->pending_error != 0 ? sp_lwip_take_error(sock) : SP_EAGAIN;
    }
    const struct sp_lwip_node *n = &nodes[sock->u.dgram.head];
    size_t full = n->packet->tot_len;
    size_t take = len < full ? len : full;
    if (take > 0) {
        pbuf_copy_partial(n->packet, buf, (u16_t)take, 0);
    }
    if (from != NULL) {
        ip_addr_t ip;
        uint16_t port;
        sp_lwip_node_peer(sock->u.dgram.head, &ip, &port);
        sp_lwip_addr_from_ip(sock->family, &ip, port, from);
    }
    if (!peek) {
        dequeue(sock);
    }
    return (ptrdiff_t)full; /* the message's full length: core clamps to the buffer */
}

short sp_lwip_dgram_revents(struct sp_lwip_sock *sock)
{
    short ready = SP_POLLOUT;
    if (sock->u.dgram.count > 0 || sock->shut_rd) {
        ready |= SP_POLLIN;
    }
    return ready;
}

int sp_lwip_dgram_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port)
{
    if (!local && !sock->has_peer) {
        return SP_ENOTCONN;
    }
    /* A raw socket has no ports. One whole ip_addr_t copy: smaller than
     * ip_addr_copy()'s, and the same address. */
    const ip_addr_t *addr;
    uint16_t at = 0;
    if (sock->kind == SP_LWIP_KIND_UDP) {
        struct udp_pcb *pcb = sock->pcb.udp;
        addr = local ? &pcb->local_ip : &pcb->remote_ip;
        at = local ? pcb->local_port : pcb->remote_port;
    } else {
        addr = local ? &sock->pcb.raw->local_ip : &sock->pcb.raw->remote_ip;
    }
    *ip = *addr;
    *port = at;
    return 0;
}

void sp_lwip_dgram_icmp_error(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                              uint16_t remote_port, int error)
{
    for (struct sp_lwip_sock *sock = sp_lwip_socks; sock != sp_lwip_socks + SP_LWIP_MAX_SOCKETS;
         sock++) {
        /* Only connected sockets hear of ICMP errors, as on POSIX hosts (a
         * free record's kind is 0). */
        if (sock->kind != SP_LWIP_KIND_UDP || !sock->has_peer) {
            continue;
        }
        struct udp_pcb *pcb = sock->pcb.udp;
        if (pcb->local_port == local_port && pcb->remote_port == remote_port &&
            sp_lwip_ip_equal(&pcb->remote_ip, remote) &&
            (ip_addr_isany_val(pcb->local_ip) || sp_lwip_ip_equal(&pcb->local_ip, local))) {
            sock->pending_error = (int8_t)error;
            sp_lwip_touch(sock);
        }
    }
}
