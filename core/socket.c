/*
 * Socket lifecycle and options: every argument and state check happens here,
 * once, before a port is called, so that the same misuse gives the same error
 * code on every port.
 */
#include "core.h"

#include <stddef.h>

/* A few steps that several calls take, kept out of line: one copy of their
 * bit-field writes in a firmware image instead of one per call. */
#if defined(__GNUC__) || defined(__clang__)
#define SPC_ONE_COPY __attribute__((noinline))
#else
#define SPC_ONE_COPY
#endif

/* Whether @p protocol fits @p type in @p family (0 always picks the default). */
static bool spc_protocol_fits(int family, int type, int protocol)
{
    if (type == SP_SOCK_RAW)
        return family != SP_AF_LOCAL && protocol > 0 && protocol < 256;
    if (protocol == 0)
        return true;
    if (family == SP_AF_LOCAL)
        return false;
    if (type == SP_SOCK_STREAM)
        return protocol == SP_IPPROTO_TCP;
    if (type == SP_SOCK_DGRAM)
        return protocol == SP_IPPROTO_UDP;
    return false;
}

int sp_socket(int family, int type, int protocol)
{
    return sp_socket_on(sp_default_stack(), family, type, protocol);
}

int sp_socket_on(sp_stack *stack, int family, int type, int protocol)
{
    if (stack == NULL)
        return SP_EINVAL;
    if (family != SP_AF_INET && family != SP_AF_INET6 && family != SP_AF_LOCAL)
        return SP_EAFNOSUPPORT; /* as Linux, for SP_AF_UNSPEC and unknown values alike */
    if (type < SP_SOCK_STREAM || type > SP_SOCK_RDM)
        return SP_EINVAL;
    if (!spc_protocol_fits(family, type, protocol))
        return SP_EPROTONOSUPPORT;
    if (!spc_has_free_slot())
        return SP_EMFILE;

    /* RDM is always core's protocol over datagrams; sequenced packets are the
     * port's own where it has them, else core's framing over a stream. */
    int native_type = type;
    if (type == SP_SOCK_RDM) {
        if (family == SP_AF_LOCAL || spc_registry.rdm == NULL)
            return SP_EPROTONOSUPPORT;
        native_type = SP_SOCK_DGRAM;
    }
    sp_port_sock native = 0;
    bool framed = false;
    int rc;
    /* Sequenced packets the port refuses are core's framing over its stream. */
    for (;;) {
        rc = spc_port_open(stack, family, native_type, protocol, &native);
        if (rc != SP_EPROTONOSUPPORT || native_type != SP_SOCK_SEQPACKET || family == SP_AF_LOCAL ||
            spc_registry.seqpacket == NULL)
            break;
        framed = true;
        native_type = SP_SOCK_STREAM;
    }
    if (rc < 0)
        return rc;

    struct spc_socket *s = spc_claim(stack, native, family, type, protocol);
    if (type == SP_SOCK_RDM) {
        rc = spc_registry.rdm->attach(s);
    } else if (framed) {
        s->framed = true;
        rc = spc_registry.seqpacket->attach(s);
    }
    if (rc < 0) {
        spc_port_close(stack, native);
        spc_release(s);
        return rc;
    }
    spc_fast_update(s);
    return spc_handle_of(s);
}

void (*spc_poller_forget)(struct spc_socket *s);

int sp_close(int sock)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (s->poller != 0)
        spc_poller_forget(s);
    const struct spc_service *service = spc_service_of(s); /* NULL for the port's own type */
    if (service != NULL)
        service->close(s);
    int rc = spc_port_close(s->stack, s->native);
    spc_release(s);
    return rc < 0 ? rc : 0;
}

int sp_close_all(sp_stack *stack)
{
    if (stack == NULL)
        return SP_EINVAL;
    int closed = 0;
    for (int i = 0; i < SP_MAX_SOCKETS; i++) {
        struct spc_socket *s = spc_slot(i);
        if (s->in_use && s->stack == stack) {
            sp_close(spc_handle_of(s));
            closed++;
        }
    }
    return closed;
}

sp_stack *sp_socket_stack(int sock)
{
    struct spc_socket *s = spc_find(sock);
    return s == NULL ? NULL : s->stack;
}

/* Looks up @p sock and checks that @p addr is a usable address for it. */
static int spc_lookup_with_addr(int sock, const sp_addr *addr, struct spc_socket **out)
{
    *out = spc_find(sock);
    if (*out == NULL)
        return SP_EBADF;
    if (addr == NULL)
        return SP_EINVAL;
    if (addr->family != (*out)->family)
        return SP_EAFNOSUPPORT;
    return 0;
}

int sp_bind(int sock, const sp_addr *addr)
{
    struct spc_socket *s;
    int rc = spc_lookup_with_addr(sock, addr, &s);
    if (rc < 0)
        return rc;
    /* As Linux: a failed attempt, even one not reported yet, left the socket
     * free to bind (its port given back unless the caller chose it). */
    if (s->bound || (s->state != SPC_IDLE && s->state != SPC_FAILED))
        return SP_EINVAL;
    rc = spc_port_bind(s->stack, s->native, addr);
    if (rc < 0)
        return rc;
    s->bound = true;
    s->port_chosen = addr->port != 0;
    return 0;
}

/* Puts @p s in @p state: listening, connecting and connected sockets are all bound. */
SPC_ONE_COPY static void spc_enter(struct spc_socket *s, enum spc_state state)
{
    s->state = state;
    s->bound = true;
    spc_fast_update(s);
}

int sp_listen(int sock, int backlog)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (!spc_is_connection_type(s->type))
        return SP_EOPNOTSUPP;
    _Static_assert(SPC_CONNECTING > SPC_LISTENING && SPC_CONNECTED > SPC_CONNECTING &&
                       SPC_FAILED > SPC_CONNECTED,
                   "the states after an attempt began are the last ones");
    if (s->state >= SPC_CONNECTING) /* connecting, connected or failed */
        return SP_EINVAL;
    int rc = spc_port_listen(s->stack, s->native, backlog < 1 ? 1 : backlog);
    if (rc < 0)
        return rc;
    /* A listener carries no records: its framing state goes to the connections. */
    const struct spc_service *service = spc_service_of(s);
    if (service != NULL)
        service->close(s);
    spc_enter(s, SPC_LISTENING);
    return 0;
}

int sp_accept(int sock, sp_addr *peer)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (!spc_is_connection_type(s->type))
        return SP_EOPNOTSUPP;
    if (s->state != SPC_LISTENING)
        return SP_EINVAL;
    struct spc_deadline deadline = spc_deadline_in(spc_timeout_unpack(s->rcv_timeout));
    for (;;) {
        /* Checked before each try so that a full table leaves the connection queued. */
        if (!spc_has_free_slot())
            return SP_EMFILE;
        if (s->framed && !spc_registry.seqpacket->has_room())
            return SP_ENOBUFS;
        sp_port_sock native = 0;
        sp_addr from;
        spc_addr_unnamed(&from, s->family);
        int rc = spc_port_accept(s->stack, s->native, &native, &from);
        if (rc >= 0) {
            struct spc_socket *child = spc_claim(s->stack, native, s->family, s->type, s->protocol);
            spc_peer_keep(child, &from);
            /* As Linux's accept, which clones the listener's socket: the
             * timeouts carry over, non-blocking mode (a file flag) does not. */
            child->rcv_timeout = s->rcv_timeout;
            child->snd_timeout = s->snd_timeout;
            if (s->framed) {
                child->framed = true;
                spc_registry.seqpacket->attach(child); /* room checked above */
            }
            spc_enter(child, SPC_CONNECTED);
            if (peer != NULL)
                *peer = from;
            return spc_handle_of(child);
        }
        if (rc != SP_EAGAIN)
            return rc;
        if (s->nonblocking)
            return SP_EAGAIN;
        rc = spc_wait(s, SP_POLLIN, &deadline);
        if (rc < 0)
            return rc;
    }
}

/* Marks @p s connected and, for a port that cannot name the peer after a
 * reset (port.h, connection_peer), notes it while the port still knows it. */
static void spc_set_connected(struct spc_socket *s)
{
#if SP_KEEP_PEERS
    sp_addr peer;
    if (spc_is_connection_type(s->type) && !spc_port_has_connection_peer(s->stack) &&
        spc_port_peer_addr(s->stack, s->native, &peer) == 0)
        spc_peer_keep(s, &peer);
#endif
    spc_enter(s, SPC_CONNECTED);
}

int spc_settle_connect(struct spc_socket *s)
{
    if (s->state != SPC_CONNECTING)
        return 0;
    struct sp_port_pollent ent = {s->native, SP_POLLOUT, 0};
    int rc = spc_port_poll(s->stack, &ent, 1, 0);
    if (rc < 0)
        return rc;
    if (ent.revents == 0)
        return SP_EALREADY;
    rc = spc_port_take_error(s->stack, s->native);
    if (rc < 0) {
        s->state = SPC_FAILED;
        s->bound = s->port_chosen;        /* the port the attempt took is free again */
        s->failure = (unsigned)-rc & 63u; /* every SP_E* fits (core.h) */
        spc_fast_update(s);
        return rc;
    }
    spc_set_connected(s);
    return 0;
}

int spc_take_failure(struct spc_socket *s)
{
    int rc = s->state == SPC_FAILED ? -(int)s->failure : 0;
    s->failure = 0;
    return rc;
}

/* sp_connect() after a failed attempt: Linux reports the attempt's error if
 * nothing did yet, else SP_ECONNABORTED, and makes the socket new again. */
static int spc_restart_after_failure(struct spc_socket *s)
{
    int rc = spc_take_failure(s);
    s->state = SPC_IDLE;
    spc_port_end_attempt(s->stack, s->native);
    spc_fast_update(s);
    return rc < 0 ? rc : SP_ECONNABORTED;
}

/* Settles the connect attempt of @p s (or reports its failure): waits until it
 * ends or its send timeout passes, or, non-blocking, says SP_EALREADY while it
 * is under way (and that the next sp_connect() reports its end). A call that
 * found the attempt under way (not @p started it) and waited in vain says
 * SP_EALREADY too, as Linux's connect() then. */
static int spc_finish_connect(struct spc_socket *s, bool started)
{
    /* Built here, not by sp_connect(): a deadline starts only at its first wait. */
    struct spc_deadline deadline = spc_deadline_in(spc_timeout_unpack(s->snd_timeout));
    for (;;) {
        int rc = spc_settle_connect(s);
        if (s->state == SPC_FAILED)
            return spc_restart_after_failure(s); /* this call reports it */
        if (rc != SP_EALREADY)
            return rc;
        if (s->nonblocking) {
            s->connect_unreported = true;
            return SP_EALREADY;
        }
        rc = spc_wait(s, SP_POLLOUT, &deadline);
        if (rc < 0)
            return rc == SP_ETIMEDOUT && !started ? SP_EALREADY : rc;
    }
}

/* As Linux's connect() with AF_UNSPEC on a datagram socket: no peer any more,
 * and the port is given back unless the user chose it. Connection-oriented
 * sockets keep SP_EAFNOSUPPORT (Linux would abort or stop listening). */
static int spc_disconnect(struct spc_socket *s)
{
    if (s->type != SP_SOCK_DGRAM && s->type != SP_SOCK_RAW)
        return SP_EAFNOSUPPORT;
    int rc = spc_port_disconnect(s->stack, s->native, s->port_chosen);
    if (rc < 0)
        return rc;
    s->state = SPC_IDLE;
    s->bound = s->port_chosen;
    spc_fast_update(s);
    return 0;
}

int sp_connect(int sock, const sp_addr *addr)
{
    struct spc_socket *s;
    int rc = spc_lookup_with_addr(sock, addr, &s);
    if (rc == SP_EAFNOSUPPORT && addr->family == SP_AF_UNSPEC)
        return spc_disconnect(s);
    if (rc < 0)
        return rc;
    if (s->state == SPC_LISTENING)
        return SP_EISCONN; /* as Linux: a listener is not free to connect */

    /* A connection is made once; a datagram socket's connect only names its
     * peer, at once, as often as the caller likes. */
    bool connection = spc_is_connection_type(s->type);
    if (connection) {
        bool unreported = s->connect_unreported;
        s->connect_unreported = false;
        if (s->state == SPC_CONNECTED)
            return unreported ? 0 : SP_EISCONN;
        if (s->state == SPC_CONNECTING || s->state == SPC_FAILED)
            return spc_finish_connect(s, false);
    }

    rc = spc_port_connect(s->stack, s->native, addr);
    if (rc == 0) {
        spc_set_connected(s);
        return 0;
    }
    if (rc != SP_EINPROGRESS || !connection)
        return rc;
    spc_enter(s, SPC_CONNECTING);
    if (s->nonblocking) {
        s->connect_unreported = true;
        return SP_EINPROGRESS;
    }
    return spc_finish_connect(s, true);
}

int sp_shutdown(int sock, int how)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (how != SP_SHUT_RD && how != SP_SHUT_WR && how != SP_SHUT_RDWR)
        return SP_EINVAL;
    spc_settle_connect(s); /* a failed attempt is not connected; its error stays pending */
    if (s->state != SPC_CONNECTED)
        return SP_ENOTCONN;
    const struct spc_service *service = spc_service_of(s);
    if (how != SP_SHUT_RD && service != NULL && service->drain != NULL)
        service->drain(s); /* the stream's end must come after the last record */
    int rc = spc_port_shutdown(s->stack, s->native, how);
    if (rc < 0)
        return rc;
    if (how != SP_SHUT_WR)
        s->shut_rd = true;
    if (how != SP_SHUT_RD)
        s->shut_wr = true;
    spc_fast_update(s);
    return 0;
}

int sp_getsockname(int sock, sp_addr *out)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (out == NULL)
        return SP_EINVAL;
    return spc_port_local_addr(s->stack, s->native, out);
}

int sp_getpeername(int sock, sp_addr *out)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (out == NULL)
        return SP_EINVAL;
    spc_settle_connect(s); /* a failed attempt is not connected; its error stays pending */
    if (s->state != SPC_CONNECTED)
        return SP_ENOTCONN;
    return spc_port_peer_addr(s->stack, s->native, out);
}

/* ------------------------------------------------------------------------ */
/* Options: what each one accepts, where it applies, then who answers it.  */
/* ------------------------------------------------------------------------ */

/* Numbered so that a value must be at least the kind - 1, and at most 1 for
 * an odd kind (spc_opt_value_ok()): read-only takes no value. */
enum spc_opt_kind {
    SPC_OPT_TIMEOUT = 0,   /* >= -1 */
    SPC_OPT_BOOL = 1,      /* 0 or 1 */
    SPC_OPT_SIZE = 2,      /* >= 1 */
    SPC_OPT_READ_ONLY = 3, /* set gives SP_EINVAL */
};

/* The values each option takes, two bits per option from bit 2 * (option - 1)
 * (the options are numbered 1 .. SP_OPT_RDM_RTO): one constant instead of a
 * table. Where one applies is spc_opt_applies()'s. */
#define SPC_OPT_KIND_OF(option, kind) ((uint32_t)(kind) << 2 * ((option)-1))
#define SPC_OPT_KINDS                                                                              \
    (SPC_OPT_KIND_OF(SP_OPT_NONBLOCK, SPC_OPT_BOOL) |                                              \
     SPC_OPT_KIND_OF(SP_OPT_RCVTIMEO, SPC_OPT_TIMEOUT) |                                           \
     SPC_OPT_KIND_OF(SP_OPT_SNDTIMEO, SPC_OPT_TIMEOUT) |                                           \
     SPC_OPT_KIND_OF(SP_OPT_REUSEADDR, SPC_OPT_BOOL) |                                             \
     SPC_OPT_KIND_OF(SP_OPT_NODELAY, SPC_OPT_BOOL) |                                               \
     SPC_OPT_KIND_OF(SP_OPT_KEEPALIVE, SPC_OPT_BOOL) |                                             \
     SPC_OPT_KIND_OF(SP_OPT_BROADCAST, SPC_OPT_BOOL) |                                             \
     SPC_OPT_KIND_OF(SP_OPT_RCVBUF, SPC_OPT_SIZE) | SPC_OPT_KIND_OF(SP_OPT_SNDBUF, SPC_OPT_SIZE) | \
     SPC_OPT_KIND_OF(SP_OPT_LINGER, SPC_OPT_TIMEOUT) |                                             \
     SPC_OPT_KIND_OF(SP_OPT_ERROR, SPC_OPT_READ_ONLY) |                                            \
     SPC_OPT_KIND_OF(SP_OPT_TYPE, SPC_OPT_READ_ONLY) |                                             \
     SPC_OPT_KIND_OF(SP_OPT_FAMILY, SPC_OPT_READ_ONLY) |                                           \
     SPC_OPT_KIND_OF(SP_OPT_V6ONLY, SPC_OPT_BOOL) |                                                \
     SPC_OPT_KIND_OF(SP_OPT_RDM_TIMEOUT, SPC_OPT_SIZE) |                                           \
     SPC_OPT_KIND_OF(SP_OPT_RDM_RTO, SPC_OPT_SIZE))
_Static_assert(SP_OPT_RDM_RTO == 16, "two bits for each option fill 32");

/* Whether @p option applies to @p s. The others are socket-level on Linux:
 * any socket takes them (KEEPALIVE and BROADCAST act on TCP / datagrams). */
static bool spc_opt_applies(int option, const struct spc_socket *s)
{
    switch (option) {
    case SP_OPT_NODELAY: /* TCP: stream (and sequenced packets over TCP) on IPv4/IPv6 */
        return s->family != SP_AF_LOCAL && spc_is_connection_type(s->type);
    case SP_OPT_V6ONLY:
        return s->family == SP_AF_INET6;
    case SP_OPT_RDM_TIMEOUT:
    case SP_OPT_RDM_RTO:
        return s->type == SP_SOCK_RDM;
    default:
        return true;
    }
}

static bool spc_opt_value_ok(unsigned kind_of_option, int value)
{
    int kind = (int)kind_of_option;
    return value >= kind - 1 && (value <= 1 || (kind & 1) == 0);
}

/*
 * Both option calls, in Linux's order of checks: the socket (SP_EBADF), the
 * option and its value (SP_EINVAL: a value its kind refuses when @p set, or
 * no @p value), whether it applies to this socket (SP_ENOPROTOOPT). Then
 * stores *value if @p set, else reads the option into *value.
 */
static int spc_option(int sock, int option, bool set, int *value)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    unsigned index = (unsigned)option - 1u;
    if (index >= SP_OPT_RDM_RTO || value == NULL ||
        (set && !spc_opt_value_ok(SPC_OPT_KINDS >> 2 * index & 3u, *value)))
        return SP_EINVAL;
    if (!spc_opt_applies(option, s))
        return SP_ENOPROTOOPT;
    /* A read-only option never gets here with @p set: its rule takes no value. */
    switch (option) {
    case SP_OPT_NONBLOCK:
        if (set)
            s->nonblocking = *value & 1; /* 0 or 1: checked */
        else
            *value = s->nonblocking;
        return 0;
    case SP_OPT_RCVTIMEO:
    case SP_OPT_SNDTIMEO: {
        uint16_t *timeout = option == SP_OPT_RCVTIMEO ? &s->rcv_timeout : &s->snd_timeout;
        if (set)
            *timeout = spc_timeout_pack(*value);
        else
            *value = spc_timeout_unpack(*timeout);
        return 0;
    }
    case SP_OPT_TYPE:
        *value = s->type;
        return 0;
    case SP_OPT_FAMILY:
        *value = s->family;
        return 0;
    case SP_OPT_RDM_TIMEOUT:
    case SP_OPT_RDM_RTO: /* an RDM socket: the service is registered */
        return set ? spc_registry.rdm->set_option(s, option, *value)
                   : spc_registry.rdm->get_option(s, option, value);
    case SP_OPT_ERROR:
        spc_settle_connect(s); /* which looks only at an attempt under way */
        if (s->state == SPC_CONNECTING || s->state == SPC_FAILED) {
            *value = spc_take_failure(s);
            return 0;
        }
        const struct spc_service *service = spc_service_of(s);
        *value = service != NULL && service->take_error != NULL ? service->take_error(s) : 0;
        if (*value == 0)
            *value = spc_port_take_error(s->stack, s->native);
        return 0;
    default:
        return set ? spc_port_set_option(s->stack, s->native, option, *value)
                   : spc_port_get_option(s->stack, s->native, option, value);
    }
}

int sp_setsockopt(int sock, int option, int value)
{
    return spc_option(sock, option, true, &value);
}

int sp_getsockopt(int sock, int option, int *value)
{
    return spc_option(sock, option, false, value);
}

int sp_setsockopt_native(int sock, int level, int name, const void *value, size_t len)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (value == NULL && len > 0)
        return SP_EINVAL;
    return spc_port_set_native_option(s->stack, s->native, level, name, value, len);
}

int sp_getsockopt_native(int sock, int level, int name, void *value, size_t *len)
{
    struct spc_socket *s = spc_find(sock);
    if (s == NULL)
        return SP_EBADF;
    if (len == NULL || (value == NULL && *len > 0))
        return SP_EINVAL;
    return spc_port_get_native_option(s->stack, s->native, level, name, value, len);
}
