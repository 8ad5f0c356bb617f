/*
 * The fault-injecting shim: a port whose operations forward to another
 * stack's, except that datagram sends pass a seeded die first. Written as a
 * port, so it works over every port, and whatever core builds on datagrams
 * (RDM) is tested under loss without knowing about it.
 */
#include <sockport/faulty.h>

#include <limits.h>
#include <string.h>

static struct sp_faulty *sp_faulty_of(void *state)
{
    return state;
}

/* xorshift32: small, fast and, seeded, the same sequence on every platform. */
static uint32_t sp_faulty_next(struct sp_faulty *f)
{
    uint32_t x = f->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f->rng = x;
    return x;
}

static bool sp_faulty_roll(struct sp_faulty *f, uint16_t permille)
{
    return permille > 0 && sp_faulty_next(f) % 1000u < permille;
}

static bool sp_faulty_is_message(int type)
{
    return type == SP_SOCK_DGRAM || type == SP_SOCK_RAW;
}

#define SP_FAULTY_INNER(f) (f)->inner->ops
#define SP_FAULTY_IS(f, sock)                                                                      \
    ((sock) >= 0 && (sock) < SP_MAX_SOCKETS && (f)->socket_type[sock] != 0)

static int64_t sp_faulty_now(void *state)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->now_ms(f->inner->state);
}

static ptrdiff_t sp_faulty_send_now(struct sp_faulty *f, sp_port_sock sock, const void *buf,
                                    size_t len, const sp_addr *to)
{
    return SP_FAULTY_INNER(f)->send(f->inner->state, f->inner_sock[sock], buf, len, 0, to);
}

/* Sends every held datagram that is due; @p after_send_on releases the ones
 * reordered behind a datagram of that socket (-1: none). */
static void sp_faulty_release(struct sp_faulty *f, sp_port_sock after_send_on)
{
    int64_t now = sp_faulty_now(f);
    for (int i = 0; i < SP_FAULTY_MAX_HELD; i++) {
        struct sp_faulty_held *h = &f->held[i];
        if (!h->in_use)
            continue;
        bool due =
            h->after_next ? (h->sock == after_send_on || now >= h->due_ms) : now >= h->due_ms;
        if (!due)
            continue;
        h->in_use = false;
        if (SP_FAULTY_IS(f, h->sock))
            sp_faulty_send_now(f, h->sock, h->data, h->len, h->has_to ? &h->to : NULL);
    }
}

/* Milliseconds until the next held datagram is due; -1 if none is held. */
static int sp_faulty_next_due(struct sp_faulty *f)
{
    int64_t now = sp_faulty_now(f), soonest = -1;
    for (int i = 0; i < SP_FAULTY_MAX_HELD; i++) {
        if (f->held[i].in_use && (soonest < 0 || f->held[i].due_ms < soonest))
            soonest = f->held[i].due_ms;
    }
    if (soonest < 0)
        return -1;
    if (soonest <= now)
        return 0;
    /* A delay may exceed what an int of milliseconds holds: wake by then and look again. */
    return soonest - now > INT_MAX ? INT_MAX : (int)(soonest - now);
}

/* A delay in delay_min_ms..delay_max_ms. The span is counted in 64 bits: the
 * whole 32-bit range (0..UINT32_MAX) has 2^32 values, which 32 bits wrap to 0. */
static int64_t sp_faulty_delay(struct sp_faulty *f)
{
    uint64_t span = (uint64_t)f->config.delay_max_ms - f->config.delay_min_ms + 1u;
    return (int64_t)(f->config.delay_min_ms + (uint64_t)sp_faulty_next(f) % span);
}

static bool sp_faulty_hold(struct sp_faulty *f, sp_port_sock sock, const void *buf, size_t len,
                           const sp_addr *to, bool after_next, int64_t delay_ms)
{
    if (len > SP_FAULTY_MAX_HELD_BYTES)
        return false;
    for (int i = 0; i < SP_FAULTY_MAX_HELD; i++) {
        struct sp_faulty_held *h = &f->held[i];
        if (h->in_use)
            continue;
        h->in_use = true;
        h->after_next = after_next;
        h->sock = sock;
        h->due_ms = sp_faulty_now(f) + delay_ms;
        h->has_to = to != NULL;
        if (to != NULL)
            h->to = *to;
        h->len = (uint16_t)len;
        if (len > 0)
            memcpy(h->data, buf, len);
        return true;
    }
    f->stats.held_full++;
    return false;
}

static ptrdiff_t sp_faulty_send(void *state, sp_port_sock sock, const void *buf, size_t len,
                                int flags, const sp_addr *to)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (!sp_faulty_is_message(f->socket_type[sock]))
        return SP_FAULTY_INNER(f)->send(f->inner->state, f->inner_sock[sock], buf, len, flags, to);

    f->stats.datagrams++;
    const struct sp_faulty_config *c = &f->config;
    ptrdiff_t rc = (ptrdiff_t)len;
    if (sp_faulty_roll(f, c->drop_permille)) {
        f->stats.dropped++;
    } else if (sp_faulty_roll(f, c->reorder_permille) &&
               sp_faulty_hold(f, sock, buf, len, to, true, (int64_t)c->delay_max_ms + 1)) {
        f->stats.reordered++;
        return rc; /* goes out behind this socket's next datagram */
    } else if (sp_faulty_roll(f, c->delay_permille) &&
               sp_faulty_hold(f, sock, buf, len, to, false, sp_faulty_delay(f))) {
        f->stats.delayed++;
    } else {
        rc = sp_faulty_send_now(f, sock, buf, len, to);
        if (rc >= 0 && sp_faulty_roll(f, c->duplicate_permille)) {
            f->stats.duplicated++;
            sp_faulty_send_now(f, sock, buf, len, to);
        }
    }
    sp_faulty_release(f, sock);
    return rc;
}

static int sp_faulty_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    struct sp_faulty *f = sp_faulty_of(state);
    for (int i = 0; i < SP_MAX_SOCKETS; i++) {
        if (f->socket_type[i] != 0)
            continue;
        int rc =
            SP_FAULTY_INNER(f)->open(f->inner->state, family, type, protocol, &f->inner_sock[i]);
        if (rc < 0)
            return rc;
        f->socket_type[i] = (uint8_t)type;
        *out = i;
        return 0;
    }
    return SP_EMFILE;
}

static int sp_faulty_close(void *state, sp_port_sock sock)
{
    struct sp_faulty *f = sp_faulty_of(state);
    f->socket_type[sock] = 0;
    for (int i = 0; i < SP_FAULTY_MAX_HELD; i++)
        if (f->held[i].in_use && f->held[i].sock == sock)
            f->held[i].in_use = false; /* lost with the socket, as in flight */
    return SP_FAULTY_INNER(f)->close(f->inner->state, f->inner_sock[sock]);
}

static int sp_faulty_bind(void *state, sp_port_sock sock, const sp_addr *addr)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->bind(f->inner->state, f->inner_sock[sock], addr);
}

static int sp_faulty_listen(void *state, sp_port_sock sock, int backlog)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->listen(f->inner->state, f->inner_sock[sock], backlog);
}

static int sp_faulty_accept(void *state, sp_port_sock sock, sp_port_sock *out, sp_addr *peer)
{
    struct sp_faulty *f = sp_faulty_of(state);
    for (int i = 0; i < SP_MAX_SOCKETS; i++) {
        if (f->socket_type[i] != 0)
            continue;
        int rc = SP_FAULTY_INNER(f)->accept(f->inner->state, f->inner_sock[sock], &f->inner_sock[i],
                                            peer);
        if (rc < 0)
            return rc;
        f->socket_type[i] = f->socket_type[sock];
        *out = i;
        return 0;
    }
    return SP_EMFILE;
}

static int sp_faulty_connect(void *state, sp_port_sock sock, const sp_addr *addr)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->connect(f->inner->state, f->inner_sock[sock], addr);
}

static int sp_faulty_disconnect(void *state, sp_port_sock sock, bool keep_port)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->disconnect == NULL)
        return SP_EAFNOSUPPORT; /* what core says for a port without it */
    return SP_FAULTY_INNER(f)->disconnect(f->inner->state, f->inner_sock[sock], keep_port);
}

static int sp_faulty_take_error(void *state, sp_port_sock sock)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->take_error(f->inner->state, f->inner_sock[sock]);
}

static void sp_faulty_end_attempt(void *state, sp_port_sock sock)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->end_attempt != NULL)
        SP_FAULTY_INNER(f)->end_attempt(f->inner->state, f->inner_sock[sock]);
}

static ptrdiff_t sp_faulty_recv(void *state, sp_port_sock sock, void *buf, size_t len, int flags,
                                sp_addr *from)
{
    struct sp_faulty *f = sp_faulty_of(state);
    sp_faulty_release(f, -1);
    return SP_FAULTY_INNER(f)->recv(f->inner->state, f->inner_sock[sock], buf, len, flags, from);
}

static int sp_faulty_shutdown(void *state, sp_port_sock sock, int how)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->shutdown(f->inner->state, f->inner_sock[sock], how);
}

static int sp_faulty_local_addr(void *state, sp_port_sock sock, sp_addr *out)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->local_addr(f->inner->state, f->inner_sock[sock], out);
}

static int sp_faulty_peer_addr(void *state, sp_port_sock sock, sp_addr *out)
{
    struct sp_faulty *f = sp_faulty_of(state);
    return SP_FAULTY_INNER(f)->peer_addr(f->inner->state, f->inner_sock[sock], out);
}

static int sp_faulty_set_option(void *state, sp_port_sock sock, int option, int value)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->set_option == NULL)
        return SP_ENOPROTOOPT;
    return SP_FAULTY_INNER(f)->set_option(f->inner->state, f->inner_sock[sock], option, value);
}

static int sp_faulty_get_option(void *state, sp_port_sock sock, int option, int *value)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->get_option == NULL)
        return SP_ENOPROTOOPT;
    return SP_FAULTY_INNER(f)->get_option(f->inner->state, f->inner_sock[sock], option, value);
}

static int sp_faulty_set_native_option(void *state, sp_port_sock sock, int level, int name,
                                       const void *value, size_t len)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->set_native_option == NULL)
        return SP_ENOPROTOOPT;
    return SP_FAULTY_INNER(f)->set_native_option(f->inner->state, f->inner_sock[sock], level, name,
                                                 value, len);
}

static int sp_faulty_get_native_option(void *state, sp_port_sock sock, int level, int name,
                                       void *value, size_t *len)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->get_native_option == NULL)
        return SP_ENOPROTOOPT;
    return SP_FAULTY_INNER(f)->get_native_option(f->inner->state, f->inner_sock[sock], level, name,
                                                 value, len);
}

/* Waits on the inner stack, but no longer than until the next held datagram
 * is due, so that delayed datagrams leave on time even while the caller waits. */
static int sp_faulty_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    struct sp_faulty *f = sp_faulty_of(state);
    /* Scratch in the shim's state, not on the stack: a 65 536-slot build
     * would need half a megabyte of stack here. */
    sp_port_sock *outer = f->poll_outer;
    if (n > SP_MAX_SOCKETS)
        return SP_ENOBUFS; /* more than port.h lets core pass */
    for (size_t i = 0; i < n; i++) {
        outer[i] = ents[i].sock;
        ents[i].sock = f->inner_sock[outer[i]];
    }
    int64_t deadline = timeout_ms < 0 ? -1 : sp_faulty_now(f) + timeout_ms;
    int rc;
    for (;;) {
        sp_faulty_release(f, -1);
        int wait = timeout_ms;
        if (deadline >= 0) {
            int64_t left = deadline - sp_faulty_now(f);
            wait = left > 0 ? (int)left : 0;
        }
        int due = sp_faulty_next_due(f);
        bool capped = due >= 0 && (wait < 0 || due < wait);
        rc = SP_FAULTY_INNER(f)->poll(f->inner->state, ents, n, capped ? due : wait);
        if (rc != 0 || !capped)
            break;
    }
    for (size_t i = 0; i < n; i++)
        ents[i].sock = outer[i];
    return rc;
}

static int sp_faulty_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                             int timeout_ms)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->resolve == NULL)
        return SP_ENONAME;
    return SP_FAULTY_INNER(f)->resolve(f->inner->state, host, family, out, max, timeout_ms);
}

static int sp_faulty_entropy(void *state, void *buf, size_t len)
{
    struct sp_faulty *f = sp_faulty_of(state);
    if (SP_FAULTY_INNER(f)->entropy == NULL)
        return SP_EIO;
    return SP_FAULTY_INNER(f)->entropy(f->inner->state, buf, len);
}

static const struct sp_port_ops sp_faulty_ops = {
    .name = "faulty",
    .now_ms = sp_faulty_now,
    .open = sp_faulty_open,
    .close = sp_faulty_close,
    .bind = sp_faulty_bind,
    .listen = sp_faulty_listen,
    .accept = sp_faulty_accept,
    .connect = sp_faulty_connect,
    .disconnect = sp_faulty_disconnect,
    .take_error = sp_faulty_take_error,
    .end_attempt = sp_faulty_end_attempt,
    .send = sp_faulty_send,
    .recv = sp_faulty_recv,
    .shutdown = sp_faulty_shutdown,
    .local_addr = sp_faulty_local_addr,
    .peer_addr = sp_faulty_peer_addr,
    .set_option = sp_faulty_set_option,
    .get_option = sp_faulty_get_option,
    .set_native_option = sp_faulty_set_native_option,
    .get_native_option = sp_faulty_get_native_option,
    .poll = sp_faulty_poll,
    .resolve = sp_faulty_resolve,
    .entropy = sp_faulty_entropy,
};

sp_stack *sp_faulty_wrap(struct sp_faulty *faulty, sp_stack *inner,
                         const struct sp_faulty_config *config)
{
    if (faulty == NULL || inner == NULL || config == NULL)
        return NULL;
    if (config->drop_permille > 1000 || config->duplicate_permille > 1000 ||
        config->reorder_permille > 1000 || config->delay_permille > 1000 ||
        config->delay_min_ms > config->delay_max_ms)
        return NULL;
    memset(faulty, 0, sizeof(*faulty));
    faulty->inner = inner;
    faulty->config = *config;
    faulty->rng = config->seed != 0 ? config->seed : 1;
    faulty->stack.ops = &sp_faulty_ops;
    faulty->stack.state = faulty;
    return &faulty->stack;
}

int sp_faulty_get_stats(const struct sp_faulty *faulty, struct sp_faulty_stats *out)
{
    if (faulty == NULL || out == NULL)
        return SP_EINVAL;
    *out = faulty->stats;
    return 0;
}
