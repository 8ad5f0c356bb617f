/*
 * Data transfer: the checks, the blocking loop over the port's non-blocking
 * send/recv, and the helpers that loop over partial transfers.
 */
#include "core.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>

/* The general paths stay out of the fast paths' functions, so that those
 * need no registers saved for code they do not run. */
#if defined(__GNUC__) || defined(__clang__)
#define SPC_COLD __attribute__((noinline))
#define SPC_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define SPC_COLD
#define SPC_LIKELY(x) (x)
#endif

/* The largest UDP payload: 65535 minus the IP and UDP headers (IPv6's header
 * is not counted in its payload length); a raw payload likewise, without
 * the UDP header. */
#define SPC_IP_PAYLOAD_MAX 65535u
#define SPC_IPV4_HEADER 20u
#define SPC_UDP_HEADER 8u
#define SPC_UDP4_MAX (SPC_IP_PAYLOAD_MAX - SPC_IPV4_HEADER - SPC_UDP_HEADER)
/* Linux reads an ICMP message's type and code before it sends one, and fills
 * in the checksum at offset 2 of an ICMPv6 message: a shorter raw send is
 * SP_EINVAL there, and lwIP would write the checksum past the payload. */
#define SPC_ICMP_MIN 2u
#define SPC_ICMPV6_MIN 4u

static bool spc_len_ok(const void *buf, size_t len)
{
    return len <= PTRDIFF_MAX && (buf != NULL || len == 0);
}

/* What spc_ready_for_data() says when a connect attempt failed and its
 * error was reported: the connection is over before it began. */
#define SPC_DATA_ENDED 1

/*
 * Settles a pending connect before data moves. Returns 0 when connected,
 * SP_EAGAIN when the attempt is still under way (the caller waits),
 * SPC_DATA_ENDED after a failed attempt whose error was reported, or the
 * error a connection-oriented socket in this state gives (a failed attempt's
 * own error first, once, as Linux reports it).
 */
static int spc_ready_for_data(struct spc_socket *s)
{
    int rc = spc_settle_connect(s);
    if (rc == SP_EALREADY)
        return SP_EAGAIN;
    if (s->state == SPC_FAILED) {
        rc = spc_take_failure(s);
        return rc < 0 ? rc : SPC_DATA_ENDED;
    }
    return s->state == SPC_CONNECTED ? 0 : SP_ENOTCONN;
}

/* The shortest raw ICMP message of each family's ICMP protocol (above). */
struct spc_icmp_limit {
    uint8_t protocol;
    uint8_t min;
};
_Static_assert(SP_SOCK_RAW == SP_SOCK_DGRAM + 1 && SP_AF_INET6 == SP_AF_INET + 1,
               "the checks below index by type and family");
static const struct spc_icmp_limit spc_icmp_limits[2] = {
    {SP_IPPROTO_ICMP, SPC_ICMP_MIN},
    {SP_IPPROTO_ICMPV6, SPC_ICMPV6_MIN},
};

/* The length checks of a UDP or raw IP message: SP_EMSGSIZE over what an IP
 * length field holds, SP_EINVAL for an ICMP message too short. Only those:
 * Linux checks a message against its family's own limit (headers counted)
 * after its destination, so that a broadcast without SP_OPT_BROADCAST is
 * SP_EACCES even then; the port checks that limit (port.h, send). */
static int spc_ip_message_check(const struct spc_socket *s, size_t len)
{
    unsigned raw = (unsigned)s->type - SP_SOCK_DGRAM; /* 0: UDP, 1: raw */
    unsigned ipv6 = (unsigned)s->family - SP_AF_INET; /* 0: IPv4, 1: IPv6 */
    if (raw > 1u || ipv6 > 1u)
        return 0;
    if (len > SPC_IP_PAYLOAD_MAX)
        return SP_EMSGSIZE;
    const struct spc_icmp_limit *icmp = &spc_icmp_limits[ipv6];
    if (raw != 0 && s->protocol == icmp->protocol && len < icmp->min)
        return SP_EINVAL;
    return 0;
}

/* The checks only a send makes, in Linux's order: its destination (@p to:
 * NULL for a connection, whose peer is the only one), its length. */
static int spc_send_checks(const struct spc_socket *s, size_t len, const sp_addr *to)
{
    if (to != NULL) {
        if (to->family != s->family)
            return SP_EAFNOSUPPORT;
    } else if (!spc_is_connection_type(s->type) && s->state != SPC_CONNECTED) {
        return SP_EDESTADDRREQ;
    }
    return spc_ip_message_check(s, len);
}

#if SP_KEEP_PEERS
/** A connection's IP peer as core keeps it: sp_addr less its local path. */
struct spc_peer {
    uint8_t addr[16]; /**< as sp_addr's u.v6 (IPv4: u.v4 in the first 4) */
    uint32_t scope_id;
    uint16_t port;
    uint8_t family; /**< 0: none kept */
};

/* The peers of connections on ports that cannot name one after a reset (no
 * connection_peer operation: the POSIX port, whose kernel forgets it), by
 * slot. Only where SP_KEEP_PEERS builds it (hosts): a board's port answers
 * itself, and its slots stay small. */
static struct spc_peer spc_peers[SP_MAX_SOCKETS];

void spc_peer_forget(const struct spc_socket *s)
{
    spc_peers[s - spc_table].family = 0;
}

void spc_peer_keep(struct spc_socket *s, const sp_addr *addr)
{
    if (spc_port_has_connection_peer(s->stack) ||
        (addr->family != SP_AF_INET && addr->family != SP_AF_INET6))
        return;
    struct spc_peer *kept = &spc_peers[s - spc_table];
    memcpy(kept->addr, addr->u.v6, sizeof kept->addr);
    kept->scope_id = addr->scope_id;
    kept->port = addr->port;
    kept->family = (uint8_t)addr->family;
}
#endif

/* The peer of connection @p s for sp_recvfrom(): the port's answer (port.h,
 * connection_peer), or core's copy for a port without one, or an unnamed
 * address. */
static void spc_peer_of(struct spc_socket *s, sp_addr *out)
{
    spc_addr_unnamed(out, s->family);
#if SP_KEEP_PEERS
    const struct spc_peer *kept = &spc_peers[s - spc_table];
    if (kept->family != 0) {
        out->family = kept->family;
        out->port = kept->port;
        out->scope_id = kept->scope_id;
        memcpy(out->u.v6, kept->addr, sizeof kept->addr);
        return;
    }
#endif
    if (spc_port_connection_peer(s->stack, s->native, out) < 0)
        spc_addr_unnamed(out, s->family);
}

/* The port's or the service's call that moves the data, unless the
 * socket is shut that way or there is nothing to send. Out of line: the
 * compiler would otherwise copy the rest of spc_transfer() for each way. */
SPC_COLD static ptrdiff_t spc_move(struct spc_socket *s, void *buf, size_t len, int flags,
                                   sp_addr *addr, bool recv)
{
    if (recv ? s->shut_rd : s->shut_wr)
        return recv ? 0 : SP_EPIPE;
    if (len == 0 && s->type == SP_SOCK_STREAM)
        return 0; /* a send of nothing; a message type sends an empty message */
    if (s->service != 0)
        return recv ? spc_service_of(s)->recv(s, buf, len, flags, addr)
                    : spc_service_of(s)->send(s, buf, len, addr);
    return recv ? spc_port_recv(s->stack, s->native, buf, len, flags, addr)
                : spc_port_send(s->stack, s->native, buf, len, flags, addr);
}

/*
 * One send or receive (@p recv): checks, then the port, waiting (unless
 * @p flags hold SP_MSG_DONTWAIT) until @p deadline. One body for both ways, whose checks,
 * wait loop and dispatch have the same shape; a send never writes through
 * @p buf or @p addr.
 */
SPC_COLD static ptrdiff_t spc_transfer(struct spc_socket *s, void *buf, size_t len, int flags,
                                       sp_addr *addr, struct spc_deadline *deadline, bool recv)
{
    int allowed = recv ? SP_MSG_PEEK | SP_MSG_DONTWAIT | SP_MSG_TRUNC : SP_MSG_DONTWAIT;
    if (!spc_len_ok(buf, len) || (flags & ~allowed) != 0)
        return SP_EINVAL;
    if (s->state == SPC_LISTENING)
        return SP_ENOTCONN; /* as Linux: a listener has no connection to use */
    bool stream = s->type == SP_SOCK_STREAM;
    /* A connection's peer is its only destination (as Linux, and POSIX) and
     * its sender, which the port names even after a reset (port.h,
     * connection_peer), or core kept for a port that cannot. */
    bool connection = spc_is_connection_type(s->type);
    sp_addr *port_addr = connection ? NULL : addr;
    if (recv) {
        if (len == 0 && stream)
            return SP_EINVAL;
    } else {
        int rc = spc_send_checks(s, len, port_addr);
        if (rc < 0)
            return rc;
    }
    for (;;) {
        ptrdiff_t rc = 0;
        if (connection)
            rc = spc_ready_for_data(s);
        if (rc == SPC_DATA_ENDED) /* as Linux after a failed connect */
            return recv ? 0 : SP_EPIPE;
        if (rc == 0) {
            rc = spc_move(s, buf, len, flags, port_addr, recv);
            if (recv && rc >= 0 && connection && addr != NULL)
                spc_peer_of(s, addr);
            /* Ports report a message's full length; the caller asked for that
             * only with SP_MSG_TRUNC, otherwise it is told what was stored. */
            if (recv && rc > 0 && !stream && (size_t)rc > len && !(flags & SP_MSG_TRUNC))
                rc = (ptrdiff_t)len;
        }
        if (rc != SP_EAGAIN)
            return rc;
        if (flags & SP_MSG_DONTWAIT)
            return SP_EAGAIN;
        int wait_rc = spc_wait(s, recv ? SP_POLLIN : SP_POLLOUT, deadline);
        if (wait_rc < 0)
            return wait_rc;
    }
}

#if SPC_FAST_PATH
uint8_t spc_fast_flags(const struct spc_socket *s)
{
    if (!s->in_use || s->service != 0)
        return 0;
    bool stream = s->type == SP_SOCK_STREAM;
    bool connected = s->state == SPC_CONNECTED;
    if (!(stream && connected) && s->type != SP_SOCK_DGRAM)
        return 0;
    const struct sp_port_ops *ops = s->stack->ops;
    uint8_t fast = 0;
    if (ops->send != NULL && ops->send_direct != NULL && !s->shut_wr)
        fast |= (connected ? SPC_FAST_SEND : 0) | (stream ? 0 : SPC_FAST_SEND_TO);
    if (ops->recv != NULL && ops->recv_direct != NULL && !s->shut_rd)
        fast |= SPC_FAST_RECV | (stream ? 0 : SPC_FAST_RECV_FROM);
    return fast;
}

void spc_fast_update(struct spc_socket *s)
{
    s->fast = spc_fast_flags(s);
}

/* Whether a fast path's port call that failed with @p *tried (made a
 * documented code here: the first thing after that call, while the port's
 * reason is still there) ends the call, as the general path would end after
 * the same port call: unless it is SP_EAGAIN and the call may wait. */
static bool spc_tried_ends(const struct spc_socket *s, ptrdiff_t *tried, int flags, bool receiving)
{
    *tried = spc_port_direct_failure(s->stack, *tried, receiving);
    return *tried != SP_EAGAIN || s->nonblocking || (flags & SP_MSG_DONTWAIT);
}
#define SPC_ASSERT_FAST_BITS(s) assert((s)->fast == spc_fast_flags(s))
#else
#define SPC_ASSERT_FAST_BITS(s) ((void)0)
#endif

/*
 * The rest of a send or receive (@p recv) the fast path did not finish, a
 * function of its own so that the fast path keeps nothing but its arguments
 * across the port's call: the whole general path (@p tried 0), or, after the
 * fast path's port call failed with @p tried, what the general path does
 * after that call (which, when it waits, starts by trying again). Without
 * the fast path, every send and receive (@p tried 0).
 */
SPC_COLD static ptrdiff_t spc_transfer_rest(ptrdiff_t tried, int sock, void *buf, size_t len,
                                            int flags, sp_addr *addr, bool recv)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    SPC_ASSERT_FAST_BITS(s);
#if SPC_FAST_PATH
    if (tried < 0 && spc_tried_ends(s, &tried, flags, recv))
        return tried;
#else
    (void)tried;
#endif
    struct spc_deadline deadline =
        spc_deadline_in(spc_timeout_unpack(recv ? s->rcv_timeout : s->snd_timeout));
    /* A non-blocking socket's call is one with SP_MSG_DONTWAIT (ports ignore the flag). */
    if (s->nonblocking)
        flags |= SP_MSG_DONTWAIT;
    return spc_transfer(s, buf, len, flags, addr, &deadline, recv);
}

/* A send's rest (spc_transfer() writes through neither pointer of a send). */
static inline ptrdiff_t spc_sendto_rest(ptrdiff_t tried, int sock, const void *buf, size_t len,
                                        int flags, const sp_addr *to)
{
    return spc_transfer_rest(tried, sock, (void *)buf, len, flags, (sp_addr *)to, false);
}

/* A receive's rest. */
static inline ptrdiff_t spc_recvfrom_rest(ptrdiff_t tried, int sock, void *buf, size_t len,
                                          int flags, sp_addr *from)
{
    return spc_transfer_rest(tried, sock, buf, len, flags, from, true);
}

#if SPC_FAST_PATH
/*
 * A send without a destination that the fast path's one length compare
 * turned away: a stream's longer than any datagram (bulk transfers write
 * 64 KiB and more at a time) is as common as a short one and takes the
 * port's call at once as well; anything else goes to the general path.
 */
SPC_COLD static ptrdiff_t spc_send_long(int sock, const void *buf, size_t len, int flags)
{
    struct spc_socket *s = spc_lookup_fast(sock, SPC_FAST_SEND);
    if (s == NULL || s->type != SP_SOCK_STREAM || buf == NULL || len - 1 >= PTRDIFF_MAX ||
        (flags & ~SP_MSG_DONTWAIT) != 0)
        return spc_sendto_rest(0, sock, buf, len, flags, NULL);
    assert(s->fast == spc_fast_flags(s));
    ptrdiff_t sent = spc_port_send_direct(s->stack, s->native, buf, len, flags, NULL);
    return SPC_LIKELY(sent >= 0) ? sent : spc_sendto_rest(sent, sock, buf, len, flags, NULL);
}

/*
 * The common case in few instructions: a socket whose fast bits (core.h,
 * enum spc_fast) allow this call, a buffer the port can take at once. Its
 * bits settle the socket's side; the arguments are checked here as the
 * general path checks them. Anything else (another type or state, a first
 * SP_EAGAIN that may wait) goes to the general path, which checks and
 * decides everything again. Inline, so that each public call below is one
 * function with the destination a constant where it is one.
 */
static inline ptrdiff_t spc_sendto(int sock, const void *buf, size_t len, int flags,
                                   const sp_addr *to)
{
    /* A length any datagram may have (IPv4's is the smaller limit) passes
     * in one compare; a longer send without a destination may be a stream's. */
    if (buf == NULL || len - 1 >= SPC_UDP4_MAX || (flags & ~SP_MSG_DONTWAIT) != 0)
        return to == NULL ? spc_send_long(sock, buf, len, flags)
                          : spc_sendto_rest(0, sock, buf, len, flags, to);
    struct spc_socket *s = spc_lookup_fast(sock, to == NULL ? SPC_FAST_SEND : SPC_FAST_SEND_TO);
    if (s == NULL || (to != NULL && to->family != s->family))
        return spc_sendto_rest(0, sock, buf, len, flags, to);
    assert(s->fast == spc_fast_flags(s));
    ptrdiff_t sent = spc_port_send_direct(s->stack, s->native, buf, len, flags, to);
    return SPC_LIKELY(sent >= 0) ? sent : spc_sendto_rest(sent, sock, buf, len, flags, to);
}
#else
#define spc_sendto(sock, buf, len, flags, to) spc_sendto_rest(0, sock, buf, len, flags, to)
#endif

ptrdiff_t sp_send(int sock, const void *buf, size_t len, int flags)
{
    return spc_sendto(sock, buf, len, flags, NULL);
}

/* Without a destination it is sp_send(), so that this copy need not test
 * for one again. */
ptrdiff_t sp_sendto(int sock, const void *buf, size_t len, int flags, const sp_addr *to)
{
    if (SPC_FAST_PATH && to == NULL)
        return sp_send(sock, buf, len, flags);
    return spc_sendto(sock, buf, len, flags, to);
}

ptrdiff_t sp_write(int sock, const void *buf, size_t len)
{
    return spc_sendto(sock, buf, len, 0, NULL);
}

#if SPC_FAST_PATH
/* The fast path, as spc_sendto(). */
static inline ptrdiff_t spc_recvfrom(int sock, void *buf, size_t len, int flags, sp_addr *from)
{
    if (buf == NULL || len - 1 >= PTRDIFF_MAX ||
        (flags & ~(SP_MSG_PEEK | SP_MSG_DONTWAIT | SP_MSG_TRUNC)) != 0)
        return spc_recvfrom_rest(0, sock, buf, len, flags, from);
    struct spc_socket *s = spc_lookup_fast(sock, from == NULL ? SPC_FAST_RECV : SPC_FAST_RECV_FROM);
    if (s == NULL)
        return spc_recvfrom_rest(0, sock, buf, len, flags, from);
    assert(s->fast == spc_fast_flags(s));
    ptrdiff_t got = spc_port_recv_direct(s->stack, s->native, buf, len, flags, from);
    if (!SPC_LIKELY(got >= 0))
        return spc_recvfrom_rest(got, sock, buf, len, flags, from);
    /* Ports report a message's full length; the caller asked for that only
     * with SP_MSG_TRUNC, otherwise it is told what was stored (a stream's
     * count is never over len). */
    return (size_t)got > len && !(flags & SP_MSG_TRUNC) ? (ptrdiff_t)len : got;
}
#else
#define spc_recvfrom(sock, buf, len, flags, from) spc_recvfrom_rest(0, sock, buf, len, flags, from)
#endif

ptrdiff_t sp_recv(int sock, void *buf, size_t len, int flags)
{
    return spc_recvfrom(sock, buf, len, flags, NULL);
}

/* As sp_sendto(): without a sender to name it is sp_recv(). */
ptrdiff_t sp_recvfrom(int sock, void *buf, size_t len, int flags, sp_addr *from)
{
    if (SPC_FAST_PATH && from == NULL)
        return sp_recv(sock, buf, len, flags);
    return spc_recvfrom(sock, buf, len, flags, from);
}

ptrdiff_t sp_read(int sock, void *buf, size_t len)
{
    return spc_recvfrom(sock, buf, len, 0, NULL);
}

/*
 * sp_send_all() (@p recv false) and sp_recv_all() in one body: the count
 * cleared first, so that it is right on every failure; then transfers
 * until all of @p len moved, within one deadline.
 */
static int spc_transfer_all(int sock, void *buf, size_t len, int timeout_ms, size_t *count,
                            bool recv)
{
    if (count != NULL)
        *count = 0;
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (!spc_len_ok(buf, len) || timeout_ms < -1)
        return SP_EINVAL;
    bool message = spc_is_message_type(s->type);
    if (recv && message)
        return SP_EOPNOTSUPP;
    if (recv && len == 0)
        return 0;
    struct spc_deadline deadline = spc_deadline_in(timeout_ms);
    uint8_t *bytes = buf;
    size_t done = 0;
    for (;;) {
        /* No arithmetic on a NULL buffer (len 0): even + 0 is undefined there. */
        uint8_t *rest = done > 0 ? bytes + done : bytes;
        ptrdiff_t n = spc_transfer(s, rest, len - done, 0, NULL, &deadline, recv);
        if (n < 0)
            return (int)n;
        if (recv && n == 0)
            return SP_EEOF;
        done += (size_t)n;
        if (count != NULL)
            *count = done;
        /* A message socket sends all or nothing, so one call is the whole job. */
        if (done >= len || message)
            return 0;
    }
}

int sp_send_all(int sock, const void *buf, size_t len, int timeout_ms, size_t *sent)
{
    /* spc_transfer_all() writes through the buffer of a receive only */
    return spc_transfer_all(sock, (void *)buf, len, timeout_ms, sent, false);
}

int sp_recv_all(int sock, void *buf, size_t len, int timeout_ms, size_t *received)
{
    return spc_transfer_all(sock, buf, len, timeout_ms, received, true);
}
