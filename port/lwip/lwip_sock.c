/*
 * The lwIP port's socket records and the operations that only dispatch to
 * TCP (lwip_tcp.c) or UDP/raw (lwip_dgram.c). Records live in a fixed pool;
 * a port reference carries the record's index and generation, so a reference
 * kept after its record was reused is refused.
 */
#include <string.h>

#include "lwip/ip.h"
#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "lwip_internal.h"

struct sp_lwip_sock sp_lwip_socks[SP_LWIP_MAX_SOCKETS];

struct sp_lwip_sock *sp_lwip_sock_alloc(int family, int kind)
{
    for (size_t i = 0; i < SP_LWIP_MAX_SOCKETS; i++) {
        struct sp_lwip_sock *sock = &sp_lwip_socks[i];
        if (!sp_lwip_in_use(sock)) {
            /* A free record is all zero but its generation: the pool starts
             * so, and sp_lwip_sock_release() leaves it so. */
            sock->family = (unsigned)family & 3u;
            sock->kind = (uint8_t)kind;
            sock->linger = -1;
            if (kind == SP_LWIP_KIND_TCP) {
                sock->u.tcp.q.pending.next = SP_LWIP_NONE;
                sock->u.tcp.q.pending.peer_node = SP_LWIP_NONE;
            }
            return sock;
        }
    }
    return NULL;
}

void sp_lwip_sock_release(struct sp_lwip_sock *sock)
{
    if (sock->poller != 0) {
        sp_lwip_poller_calls->unlink(sock);
    }
    sp_lwip_forget_output(sock);
    if (sock->kind == SP_LWIP_KIND_TCP) {
        if (sock->u.tcp.rx != NULL) {
            pbuf_free(sock->u.tcp.rx);
        }
        if (sock->state != SP_LWIP_LISTENING && sock->u.tcp.q.pending.peer_node != SP_LWIP_NONE) {
            sp_lwip_node_free(sock->u.tcp.q.pending.peer_node);
        }
    } else {
        sp_lwip_dgram_flush(sock);
    }
    uint16_t generation = (uint16_t)(sock->generation + 1u);
    memset(sock, 0, sizeof *sock);
    sock->generation = generation;
}

sp_port_sock sp_lwip_sock_ref(const struct sp_lwip_sock *sock)
{
    /* Unsigned: a generation of 0x8000 or more shifted into a 32-bit
     * intptr_t would overflow it. */
    uintptr_t index = (uintptr_t)(sock - sp_lwip_socks);
    return (sp_port_sock)(((uintptr_t)sock->generation << 16) | index);
}

struct sp_lwip_sock *sp_lwip_sock_from_ref(sp_port_sock ref)
{
    uintptr_t bits = (uintptr_t)ref;
    size_t index = bits & 0xFFFFu;
    if (index >= SP_LWIP_MAX_SOCKETS) {
        return NULL;
    }
    /* The whole reference compared: its generation, and no other bits set. */
    struct sp_lwip_sock *sock = &sp_lwip_socks[index];
    if (bits >> 16 != sock->generation || !sp_lwip_in_use(sock) || sock->state == SP_LWIP_PENDING ||
        sock->state == SP_LWIP_CLOSING) {
        return NULL;
    }
    return sock;
}

size_t sp_lwip_sock_count(void)
{
    size_t count = 0;
    for (size_t i = 0; i < SP_LWIP_MAX_SOCKETS; i++) {
        count += sp_lwip_in_use(&sp_lwip_socks[i]) ? 1u : 0u;
    }
    return count;
}

int sp_lwip_take_error(struct sp_lwip_sock *sock)
{
    int error = sock->pending_error;
    sock->pending_error = 0;
    return error;
}

short sp_lwip_sock_revents(struct sp_lwip_sock *sock, short events)
{
    short ready =
        sock->kind == SP_LWIP_KIND_TCP ? sp_lwip_tcp_revents(sock) : sp_lwip_dgram_revents(sock);
    if (sock->pending_error != 0) {
        ready |= SP_POLLERR;
    }
    return (short)(ready & (events | SP_POLLERR | SP_POLLHUP));
}

void sp_lwip_touch(struct sp_lwip_sock *sock)
{
    if (sock->poller != 0 && !sock->on_ready) {
        sp_lwip_poller_calls->mark(sock);
    }
}

/* The record an operation acts on, marked for its poller: whatever the
 * operation changes, the socket's poller sees at its next wait. One call
 * instead of the same lines in every operation. */
static struct sp_lwip_sock *lwip_use(sp_port_sock ref)
{
    struct sp_lwip_sock *sock = sp_lwip_sock_from_ref(ref);
    if (sock != NULL) {
        sp_lwip_touch(sock);
    }
    return sock;
}

#define SP_LWIP_LOOKUP(sock, ref)                                                                  \
    struct sp_lwip_sock *sock = lwip_use(ref);                                                     \
    if ((sock) == NULL) {                                                                          \
        return SP_EBADF;                                                                           \
    }

#if defined(SP_ALL_SERVICES) && SP_ALL_SERVICES
const struct sp_lwip_raw_calls *sp_lwip_raw = &sp_lwip_raw_calls;
const struct sp_lwip_poller_calls *sp_lwip_poller_calls = &sp_lwip_poller_ready_lists;
const struct sp_lwip_native_calls *sp_lwip_native_calls = &sp_lwip_native_options;
#else
const struct sp_lwip_raw_calls *sp_lwip_raw = NULL;
const struct sp_lwip_poller_calls *sp_lwip_poller_calls = NULL;
const struct sp_lwip_native_calls *sp_lwip_native_calls = NULL;
#endif

_Static_assert(SP_LWIP_OPT_REUSEADDR == SOF_REUSEADDR && SP_LWIP_OPT_KEEPALIVE == SOF_KEEPALIVE &&
                   SP_LWIP_OPT_BROADCAST == SOF_BROADCAST,
               "the options a pcb keeps have lwIP's SOF_* bits");

void sp_lwip_set_so_options(const struct sp_lwip_sock *sock, u8_t *so_options, u8_t which)
{
    *so_options = (u8_t)((*so_options & ~which) | (sock->options & which));
}

void sp_lwip_apply_v6only(const struct sp_lwip_sock *sock, ip_addr_t *local, ip_addr_t *remote,
                          u16_t local_port)
{
#if LWIP_IPV6
    if (sock->family == SP_AF_INET6 && local_port == 0 && IP_GET_TYPE(local) != IPADDR_TYPE_V4 &&
        ip_addr_isany(local)) {
        u8_t type = (sock->options & SP_LWIP_OPT_V6ONLY) != 0 ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
        IP_SET_TYPE_VAL(*local, type);
        IP_SET_TYPE_VAL(*remote, type);
    }
#else
    (void)sock, (void)local, (void)remote, (void)local_port; /* IPv4 sockets only */
#endif
}

static int lwip_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    if (!((const struct sp_lwip_state *)state)->started) {
        return SP_EIO; /* sp_lwip_stop() ran: this stack has no lwIP behind it now */
    }
    /* Core checked the family, the type and that the protocol fits the type
     * (port.h): what is left is what lwIP lacks. */
    if (family == SP_AF_LOCAL || (!LWIP_IPV6 && family == SP_AF_INET6)) {
        return SP_EAFNOSUPPORT; /* as Linux says with IPv6 off */
    }
    int kind = type;
    if (type == SP_SOCK_RAW) {
        /* Not registered (sp_lwip_use_raw()), or, as on Linux, TCP and UDP:
         * those stay lwIP's. */
        if (sp_lwip_raw == NULL || protocol == SP_IPPROTO_TCP || protocol == SP_IPPROTO_UDP) {
            return SP_EPROTONOSUPPORT;
        }
    } else if (type != SP_SOCK_STREAM && type != SP_SOCK_DGRAM) {
        /* Sequenced packets: core builds them over a stream. */
        return SP_EPROTONOSUPPORT;
    }
    struct sp_lwip_sock *sock = sp_lwip_sock_alloc(family, kind);
    if (sock == NULL) {
        return SP_ENOBUFS;
    }
    int rc = kind == SP_LWIP_KIND_TCP ? sp_lwip_tcp_open(sock) : sp_lwip_dgram_open(sock, protocol);
    if (rc < 0) {
        sp_lwip_sock_release(sock);
        return rc;
    }
    *out = sp_lwip_sock_ref(sock);
    return 0;
}

static int lwip_close(void *state, sp_port_sock ref)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    if (sock->kind == SP_LWIP_KIND_TCP) {
        return sp_lwip_tcp_close(sock);
    }
    sp_lwip_dgram_close(sock);
    return 0;
}

int sp_lwip_target(const struct sp_lwip_sock *sock, const sp_addr *addr, ip_addr_t *ip,
                   uint16_t *port)
{
    sp_lwip_addr_to_ip(addr, ip, port); /* core: the socket's own family */
    /* Only an IPv6 socket can be v6-only. */
    if ((sock->options & SP_LWIP_OPT_V6ONLY) != 0 && IP_IS_V4_VAL(*ip)) {
        return SP_ENETUNREACH;
    }
    return 0;
}

static int lwip_bind(void *state, sp_port_sock ref, const sp_addr *addr)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    ip_addr_t ip;
    uint16_t port;
    if (sp_lwip_target(sock, addr, &ip, &port) < 0) {
        return SP_EADDRNOTAVAIL; /* an IPv4 address on a v6-only socket */
    }
#if LWIP_IPV6
    /* The IPv6 wildcard of a dual-stack socket takes IPv4 too: lwIP's
     * wildcard of any type (IP_ANY_TYPE, all zero). */
    if (sock->family == SP_AF_INET6 && (sock->options & SP_LWIP_OPT_V6ONLY) == 0 &&
        IP_IS_V6_VAL(ip) && ip6_addr_isany_val(*ip_2_ip6(&ip))) {
        ip6_addr_set_zone(ip_2_ip6(&ip), IP6_NO_ZONE);
        IP_SET_TYPE_VAL(ip, IPADDR_TYPE_ANY);
    }
#endif
    struct sp_lwip_local local;
    if (!sp_lwip_local_from_ip(&ip, port, &local)) {
        return SP_EADDRNOTAVAIL; /* no interface of lwIP's has it */
    }
    if (sock->kind == SP_LWIP_KIND_TCP) {
        return sp_lwip_tcp_bind(sock, &ip, port);
    }
    return sp_lwip_dgram_bind(sock, &ip, port);
}

static int lwip_listen(void *state, sp_port_sock ref, int backlog)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    return sp_lwip_tcp_listen(sock, backlog); /* core: a stream socket */
}

static int lwip_accept(void *state, sp_port_sock ref, sp_port_sock *out, sp_addr *peer)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    struct sp_lwip_sock *conn; /* core: a listening stream socket */
    ip_addr_t ip;
    uint16_t port;
    int rc = sp_lwip_tcp_accept(sock, &conn, &ip, &port);
    if (rc < 0) {
        return rc;
    }
    if (peer != NULL) {
        sp_lwip_addr_from_ip(conn->family, &ip, port, peer);
    }
    *out = sp_lwip_sock_ref(conn);
    return 0;
}

static int lwip_connect(void *state, sp_port_sock ref, const sp_addr *addr)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    ip_addr_t ip;
    uint16_t port;
    int rc = sp_lwip_target(sock, addr, &ip, &port);
    if (rc < 0) {
        return rc;
    }
    if (sock->kind == SP_LWIP_KIND_TCP) {
        return sp_lwip_tcp_connect(sock, &ip, port);
    }
    return sp_lwip_dgram_connect(sock, &ip, port);
}

static int lwip_disconnect(void *state, sp_port_sock ref, bool keep_port)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    sp_lwip_dgram_disconnect(sock, keep_port); /* core asks only datagram and raw sockets */
    return 0;
}

static int lwip_take_error(void *state, sp_port_sock ref)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    return sp_lwip_take_error(sock);
}

/* Core ends only a TCP socket's attempt, whose pcb lwIP freed with the
 * failure: Linux's connect() that reports it resets an address the user did
 * not bind to the wildcard, and the port stays named (lwip_tcp.c keeps both
 * in u.tcp.local from the attempt on). */
static void lwip_end_attempt(void *state, sp_port_sock ref)
{
    (void)state;
    struct sp_lwip_sock *sock = lwip_use(ref);
    if (sock != NULL && !sock->user_bound) {
        sock->u.tcp.local.netif = 0;
        sock->u.tcp.local.slot = sock->family == SP_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY;
    }
}

static ptrdiff_t lwip_send(void *state, sp_port_sock ref, const void *buf, size_t len, int flags,
                           const sp_addr *to)
{
    (void)state;
    (void)flags;
    SP_LWIP_LOOKUP(sock, ref);
    if (sock->kind == SP_LWIP_KIND_TCP) {
        return sp_lwip_tcp_send(sock, buf, len);
    }
    return sp_lwip_dgram_send(sock, buf, len, to);
}

static ptrdiff_t lwip_recv(void *state, sp_port_sock ref, void *buf, size_t len, int flags,
                           sp_addr *from)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    bool peek = (flags & SP_MSG_PEEK) != 0;
    /* Nothing runs lwIP but the calls: what was sent over the loopback
     * arrives only when the pump turns. Delivering it before a receive that
     * finds nothing queued lets it succeed at the first try, instead of
     * failing, making core poll, and trying again. */
    bool tcp = sock->kind == SP_LWIP_KIND_TCP;
    if (tcp ? sock->u.tcp.rx == NULL : !sp_lwip_dgram_waiting(sock)) {
        sp_lwip_deliver_loopback();
    }
    if (tcp) {
        return sp_lwip_tcp_recv(sock, buf, len, peek); /* core names a connection's peer */
    }
    return sp_lwip_dgram_recv(sock, buf, len, peek, from);
}

/* The direct forms (port.h): the same calls, with the arguments in the
 * order of the public calls, which core's common path hands on as they came.
 * Only that path calls them, and core built for size leaves it out
 * (SPC_FAST_PATH, core/core.h): so does the port then. */
#ifndef SP_LWIP_DIRECT_OPS
#ifdef __OPTIMIZE_SIZE__
#define SP_LWIP_DIRECT_OPS 0
#else
#define SP_LWIP_DIRECT_OPS 1
#endif
#endif

#if SP_LWIP_DIRECT_OPS
static ptrdiff_t lwip_send_direct(sp_port_sock ref, const void *buf, size_t len, int flags,
                                  const sp_addr *to, void *state)
{
    return lwip_send(state, ref, buf, len, flags, to);
}

static ptrdiff_t lwip_recv_direct(sp_port_sock ref, void *buf, size_t len, int flags, sp_addr *from,
                                  void *state)
{
    return lwip_recv(state, ref, buf, len, flags, from);
}
#endif

static int lwip_shutdown(void *state, sp_port_sock ref, int how)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    if (sock->kind == SP_LWIP_KIND_TCP) {
        return sp_lwip_tcp_shutdown(sock, how);
    }
    if (how != SP_SHUT_WR) { /* core checked @p how */
        sock->shut_rd = true;
        sp_lwip_dgram_flush(sock);
    }
    if (how != SP_SHUT_RD) {
        sock->shut_wr = true;
    }
    return 0;
}

/* The socket's own address or its peer's, as lwIP has it. */
static int lwip_ip_of(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port)
{
    return sock->kind == SP_LWIP_KIND_TCP ? sp_lwip_tcp_addr(sock, local, ip, port)
                                          : sp_lwip_dgram_addr(sock, local, ip, port);
}

/* Which address lwip_addr_of() names. */
enum lwip_which_addr {
    LWIP_LOCAL,           /* the socket's own */
    LWIP_PEER,            /* the peer while connected (getpeername) */
    LWIP_CONNECTION_PEER, /* a connection's peer, also once lwIP let go of it */
};

static int lwip_addr_of(sp_port_sock ref, int which, sp_addr *out)
{
    SP_LWIP_LOOKUP(sock, ref);
    ip_addr_t ip;
    uint16_t port;
    int rc = which == LWIP_CONNECTION_PEER && sock->kind == SP_LWIP_KIND_TCP
                 ? sp_lwip_tcp_connection_peer(sock, &ip, &port)
                 : lwip_ip_of(sock, which == LWIP_LOCAL, &ip, &port);
    if (rc < 0) {
        if (which != LWIP_LOCAL) {
            return rc;
        }
        /* A socket whose connection lwIP already freed: unbound, as after close. */
        return sp_addr_any(out, sock->family, 0);
    }
    sp_lwip_addr_from_ip(sock->family, &ip, port, out);
    return 0;
}

static int lwip_local_addr(void *state, sp_port_sock ref, sp_addr *out)
{
    (void)state;
    return lwip_addr_of(ref, LWIP_LOCAL, out);
}

static int lwip_peer_addr(void *state, sp_port_sock ref, sp_addr *out)
{
    (void)state;
    return lwip_addr_of(ref, LWIP_PEER, out);
}

static int lwip_connection_peer(void *state, sp_port_sock ref, sp_addr *out)
{
    (void)state;
    return lwip_addr_of(ref, LWIP_CONNECTION_PEER, out);
}

/* A buffer size as the record keeps it: the power of two at or above @p value
 * (the stack rounds, as Linux doubles), 2^1 at least, so 0 can mean "not set". */
static uint8_t buffer_shift(int value)
{
    /* 2^shift >= value while value - 1 has no bit at or above shift: count
     * the bits of (value - 1) >> 1 (value >= 1: core checked; at most 31). */
    uint32_t above = ((uint32_t)value - 1u) >> 1;
    uint8_t shift = 1;
    while (above != 0) {
        above >>= 1;
        shift++;
    }
    return shift;
}

/* The bit of each boolean option in sp_lwip_sock.options, by SP_OPT_* - SP_OPT_REUSEADDR;
 * 0: not a boolean. */
static const uint8_t option_bits[SP_OPT_V6ONLY - SP_OPT_REUSEADDR + 1] = {
    [SP_OPT_REUSEADDR - SP_OPT_REUSEADDR] = SP_LWIP_OPT_REUSEADDR,
    [SP_OPT_NODELAY - SP_OPT_REUSEADDR] = SP_LWIP_OPT_NODELAY,
    [SP_OPT_KEEPALIVE - SP_OPT_REUSEADDR] = SP_LWIP_OPT_KEEPALIVE,
    [SP_OPT_BROADCAST - SP_OPT_REUSEADDR] = SP_LWIP_OPT_BROADCAST,
    [SP_OPT_V6ONLY - SP_OPT_REUSEADDR] = SP_LWIP_OPT_V6ONLY,
};

/* Core passes only the options below, each to a socket it applies to, with a
 * value in range (port.h): NODELAY reaches TCP sockets only, V6ONLY IPv6
 * sockets only, booleans are 0 or 1, sizes >= 1, LINGER >= -1. */
static int lwip_set_option(void *state, sp_port_sock ref, int option, int value)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    switch (option) {
    case SP_OPT_RCVBUF:
    case SP_OPT_SNDBUF: {
        uint8_t shift = buffer_shift(value);
        if (option == SP_OPT_RCVBUF) {
            sock->rcvbuf_shift = shift;
        } else {
            sock->sndbuf_shift = shift;
        }
        return 0;
    }
    case SP_OPT_LINGER:
        sock->linger = (int16_t)(value > INT16_MAX ? INT16_MAX : value);
        return 0;
    case SP_OPT_V6ONLY: {
        ip_addr_t ip;
        uint16_t port = 0;
        if (lwip_ip_of(sock, true, &ip, &port) == 0 && port != 0) {
            return SP_EINVAL; /* as Linux: the bound port already took its families */
        }
        break;
    }
    case SP_OPT_REUSEADDR:
    case SP_OPT_NODELAY:
    case SP_OPT_KEEPALIVE: /* kept, without effect, off TCP (as Linux) */
    case SP_OPT_BROADCAST:
        break;
    default:
        return SP_ENOPROTOOPT;
    }
    unsigned bit = option_bits[option - SP_OPT_REUSEADDR];
    sock->options = value != 0 ? sock->options | bit : sock->options & ~bit;
    if (sock->kind == SP_LWIP_KIND_TCP) {
        sp_lwip_tcp_apply_options(sock);
    } else {
        sp_lwip_dgram_apply_options(sock);
    }
    return 0;
}

static int lwip_get_option(void *state, sp_port_sock ref, int option, int *value)
{
    (void)state;
    SP_LWIP_LOOKUP(sock, ref);
    bool tcp = sock->kind == SP_LWIP_KIND_TCP;
    int shift;
    switch (option) {
    case SP_OPT_LINGER:
        *value = sock->linger;
        return 0;
    case SP_OPT_RCVBUF:
        shift = sock->rcvbuf_shift;
        /* Not set: what lwIP was built with. */
        *value = tcp ? (int)TCP_WND : (int)(SP_LWIP_DGRAM_QUEUE_LEN * 0xFFFFu);
        break;
    case SP_OPT_SNDBUF:
        shift = sock->sndbuf_shift;
        *value = tcp ? (int)TCP_SND_BUF : 0xFFFF;
        break;
    case SP_OPT_REUSEADDR:
    case SP_OPT_NODELAY:
    case SP_OPT_KEEPALIVE:
    case SP_OPT_BROADCAST:
    case SP_OPT_V6ONLY:
        *value = (sock->options & option_bits[option - SP_OPT_REUSEADDR]) != 0;
        return 0;
    default:
        return SP_ENOPROTOOPT;
    }
    if (shift != 0) {
        *value = shift >= 31 ? INT32_MAX : (int)((uint32_t)1u << shift);
    }
    return 0;
}

/* Native options are reached only through sp_lwip_native_calls
 * (lwip_native.c), so that a firmware without sp_lwip_use_native_options()
 * links none of them. */
static int lwip_set_native_option(void *state, sp_port_sock ref, int level, int name,
                                  const void *value, size_t len)
{
    if (sp_lwip_native_calls == NULL) {
        return SP_ENOPROTOOPT;
    }
    return sp_lwip_native_calls->set(state, ref, level, name, value, len);
}

static int lwip_get_native_option(void *state, sp_port_sock ref, int level, int name, void *value,
                                  size_t *len)
{
    if (sp_lwip_native_calls == NULL) {
        return SP_ENOPROTOOPT;
    }
    return sp_lwip_native_calls->get(state, ref, level, name, value, len);
}

#if SP_LWIP_DIRECT_OPS
#define SP_LWIP_DIRECT_OPS_INIT .send_direct = lwip_send_direct, .recv_direct = lwip_recv_direct
#else
#define SP_LWIP_DIRECT_OPS_INIT .send_direct = NULL
#endif

/* Every operation but the poller's: both tables below. */
#define SP_LWIP_COMMON_OPS                                                                         \
    .name = "lwip", .now_ms = sp_lwip_op_now_ms, .open = lwip_open, .close = lwip_close,           \
    .bind = lwip_bind, .listen = lwip_listen, .accept = lwip_accept, .connect = lwip_connect,      \
    .disconnect = lwip_disconnect, .take_error = lwip_take_error, .end_attempt = lwip_end_attempt, \
    .send = lwip_send, .recv = lwip_recv, .shutdown = lwip_shutdown,                               \
    .local_addr = lwip_local_addr, .peer_addr = lwip_peer_addr, .set_option = lwip_set_option,     \
    .get_option = lwip_get_option, .set_native_option = lwip_set_native_option,                    \
    .get_native_option = lwip_get_native_option, .poll = sp_lwip_op_poll,                          \
    .resolve = sp_lwip_op_resolve, .entropy = sp_lwip_op_entropy,                                  \
    .connection_peer = lwip_connection_peer, SP_LWIP_DIRECT_OPS_INIT

const struct sp_port_ops sp_lwip_ops = {SP_LWIP_COMMON_OPS};

const struct sp_port_ops sp_lwip_ops_with_poller = {
    SP_LWIP_COMMON_OPS,
    .poller_open = sp_lwip_op_poller_open,
    .poller_close = sp_lwip_op_poller_close,
    .poller_ctl = sp_lwip_op_poller_ctl,
    .poller_wait = sp_lwip_op_poller_wait,
};
