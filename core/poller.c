/*
 * Pollers: persistent readiness sets. Where the port has a facility of its
 * own (epoll, kqueue, lwIP's ready list) core only keeps the membership and
 * turns the port's keys (slot indices) back into handles, so that a wait costs
 * what the ready sockets cost. Otherwise core's generic poller hands every
 * member to the port's poll() on each wait.
 *
 * Sockets with a core service (RDM, framed sequenced packets) are ready when
 * the service says so, not when the stack does, and their timers must run:
 * each wait looks at those members itself before it asks the port.
 */
#include "core.h"

#include <limits.h>

#define SPC_POLLER_INDEX_BITS 8
#define SPC_POLLER_GENERATION_MAX ((1u << (31 - SPC_POLLER_INDEX_BITS)) - 1u)
#define SPC_KEY_MASK ((1u << SPC_INDEX_BITS) - 1u)

struct spc_poller {
    sp_stack *stack;
    sp_port_poller native; /**< the port's poller, when the port has them */
    uint32_t generation;   /**< of the id that names this poller now; never 0 */
    uint32_t members;      /**< sockets held (core's generic poller scans while > 0) */
    uint32_t services;     /**< members with a core service */
    bool in_use;
    bool port_backed; /**< the port's own poller operations do the waiting */
};

static struct spc_poller spc_pollers[SP_MAX_POLLERS];

static int spc_poller_lookup(int id, struct spc_poller **out)
{
    if (id < 0)
        return SP_EBADF;
    uint32_t index = (uint32_t)id & ((1u << SPC_POLLER_INDEX_BITS) - 1u);
    uint32_t generation = (uint32_t)id >> SPC_POLLER_INDEX_BITS;
    if (index >= SP_MAX_POLLERS || !spc_pollers[index].in_use ||
        spc_pollers[index].generation != generation)
        return SP_EBADF;
    *out = &spc_pollers[index];
    return 0;
}

static uint8_t spc_poller_tag(const struct spc_poller *p)
{
    return (uint8_t)(p - spc_pollers + 1);
}

static void spc_poller_forget_member(struct spc_socket *s);

int sp_poller_open(sp_stack *stack)
{
    if (stack == NULL)
        stack = sp_default_stack();
    if (stack == NULL)
        return SP_EINVAL;
    spc_poller_forget = spc_poller_forget_member;
    for (int i = 0; i < SP_MAX_POLLERS; i++) {
        struct spc_poller *p = &spc_pollers[i];
        /* A slot that issued its last generation retires: ids never repeat. */
        if (p->in_use || p->generation > SPC_POLLER_GENERATION_MAX)
            continue;
        sp_port_poller native = 0;
        bool port_backed = spc_port_has_poller(stack);
        if (port_backed) {
            int rc = spc_port_poller_open(stack, &native);
            if (rc < 0)
                return rc;
        }
        uint32_t generation = p->generation == 0 ? 1 : p->generation;
        *p = (struct spc_poller){.stack = stack,
                                 .native = native,
                                 .generation = generation,
                                 .in_use = true,
                                 .port_backed = port_backed};
        return (int)((generation << SPC_POLLER_INDEX_BITS) | (uint32_t)i);
    }
    return SP_EMFILE;
}

static void spc_poller_drop(struct spc_poller *p, struct spc_socket *s)
{
    if (p->port_backed)
        spc_port_poller_ctl(p->stack, p->native, SP_PORT_POLLER_REMOVE, s->native,
                            (uint32_t)spc_handle_of(s) & SPC_KEY_MASK, 0);
    if (s->service != 0)
        p->services--;
    p->members--;
    s->poller = 0;
    s->poll_events = 0;
}

static void spc_poller_forget_member(struct spc_socket *s)
{
    spc_poller_drop(&spc_pollers[s->poller - 1], s);
}

int sp_poller_close(int poller)
{
    struct spc_poller *p;
    int rc = spc_poller_lookup(poller, &p);
    if (rc < 0)
        return rc;
    uint8_t tag = spc_poller_tag(p);
    for (int i = 0; i < SP_MAX_SOCKETS && p->members > 0; i++) {
        struct spc_socket *s = spc_slot(i);
        if (s->in_use && s->poller == tag)
            spc_poller_drop(p, s);
    }
    if (p->port_backed)
        spc_port_poller_close(p->stack, p->native);
    p->in_use = false;
    p->stack = NULL;
    p->generation++;
    return 0;
}

/* The poller and socket of a call, checked alike by add, modify and remove. */
static int spc_poller_member(int poller, int sock, struct spc_poller **p, struct spc_socket **s)
{
    int rc = spc_poller_lookup(poller, p);
    if (rc == 0)
        rc = spc_lookup(sock, s);
    return rc;
}

int sp_poller_add(int poller, int sock, short events)
{
    struct spc_poller *p;
    struct spc_socket *s;
    int rc = spc_poller_member(poller, sock, &p, &s);
    if (rc < 0)
        return rc;
    if ((events & ~(SP_POLLIN | SP_POLLOUT)) != 0 || s->stack != p->stack)
        return SP_EINVAL;
    if (s->poller != 0)
        return SP_EEXIST;
    if (p->port_backed) {
        /* A service reads its socket to make progress, so it always listens. */
        short native = s->service != 0 ? (short)(events | SP_POLLIN) : events;
        rc = spc_port_poller_ctl(p->stack, p->native, SP_PORT_POLLER_ADD, s->native,
                                 (uint32_t)sock & SPC_KEY_MASK, native);
        if (rc < 0)
            return rc;
    }
    s->poller = spc_poller_tag(p);
    s->poll_events = (unsigned)events & 3u; /* SP_POLLIN | SP_POLLOUT, checked */
    p->members++;
    if (s->service != 0)
        p->services++;
    return 0;
}

int sp_poller_modify(int poller, int sock, short events)
{
    struct spc_poller *p;
    struct spc_socket *s;
    int rc = spc_poller_member(poller, sock, &p, &s);
    if (rc < 0)
        return rc;
    if ((events & ~(SP_POLLIN | SP_POLLOUT)) != 0)
        return SP_EINVAL;
    if (s->poller != spc_poller_tag(p))
        return SP_ENOENT;
    if (p->port_backed) {
        short native = s->service != 0 ? (short)(events | SP_POLLIN) : events;
        rc = spc_port_poller_ctl(p->stack, p->native, SP_PORT_POLLER_MODIFY, s->native,
                                 (uint32_t)sock & SPC_KEY_MASK, native);
        if (rc < 0)
            return rc;
    }
    s->poll_events = (unsigned)events & 3u;
    return 0;
}

int sp_poller_remove(int poller, int sock)
{
    struct spc_poller *p;
    struct spc_socket *s;
    int rc = spc_poller_member(poller, sock, &p, &s);
    if (rc < 0)
        return rc;
    if (s->poller != spc_poller_tag(p))
        return SP_ENOENT;
    spc_poller_drop(p, s);
    return 0;
}

/* What the caller sees of @p revents (the port's, or a service's) on @p s. */
static short spc_poller_filter(const struct spc_socket *s, short revents)
{
    /* As sp_poll(): a stream never connected has nothing to read. */
    if (s->state == SPC_IDLE && spc_is_connection_type(s->type))
        revents &= (short)~SP_POLLIN;
    return (short)(revents & (s->poll_events | SP_POLLERR | SP_POLLHUP));
}

/* Members with a service: store the ready ones, and bound @p timeout_ms by
 * their timers. Returns how many were stored. */
static size_t spc_poller_services(struct spc_poller *p, sp_poller_event *out, size_t max,
                                  int *timeout_ms)
{
    uint8_t tag = spc_poller_tag(p);
    size_t n = 0;
    uint32_t seen = 0;
    for (int i = 0; i < SP_MAX_SOCKETS && seen < p->services; i++) {
        struct spc_socket *s = spc_slot(i);
        if (!s->in_use || s->poller != tag || s->service == 0)
            continue;
        seen++;
        short revents = spc_poller_filter(s, spc_service_of(s)->poll(s, 0));
        if (revents != 0 && n < max) {
            out[n++] = (sp_poller_event){spc_handle_of(s), -1, revents};
            *timeout_ms = 0;
        }
        int timer = spc_service_of(s)->timer_ms(s);
        if (timer >= 0 && (*timeout_ms < 0 || timer < *timeout_ms))
            *timeout_ms = timer;
    }
    return n;
}

static bool spc_poller_reported(const sp_poller_event *out, size_t n, int handle)
{
    for (size_t i = 0; i < n; i++)
        if (out[i].sock == handle)
            return true;
    return false;
}

/* The port's poller: its keys become handles, in place; @p first entries
 * (from the services) are there already. Returns the entries kept. */
static int spc_poller_wait_port(struct spc_poller *p, sp_poller_event *out, size_t max,
                                size_t first, int timeout_ms)
{
    int rc = spc_port_poller_wait(p->stack, p->native, out + first, max - first, timeout_ms);
    if (rc < 0)
        return rc;
    size_t kept = first;
    for (size_t i = first; i < first + (size_t)rc; i++) {
        sp_poller_event ev = out[i];
        if (ev.sock >= 0) {
            struct spc_socket *s = spc_slot(ev.sock);
            if (!s->in_use || s->poller != spc_poller_tag(p))
                continue;
            ev.sock = spc_handle_of(s);
            if (s->service != 0) {
                if (spc_poller_reported(out, first, ev.sock))
                    continue;
                ev.revents = spc_service_of(s)->poll(s, ev.revents);
            }
            ev.revents = spc_poller_filter(s, ev.revents);
            if (ev.revents == 0)
                continue;
        }
        out[kept++] = ev;
    }
    return (int)kept;
}

/* Core's generic poller: every member goes to the port's poll(), in batches
 * of what fits the scratch space. */
static int spc_poller_wait_generic(struct spc_poller *p, sp_poller_event *out, size_t max,
                                   size_t first, int timeout_ms)
{
    enum { BATCH = 64 };
    struct sp_port_pollent ents[BATCH];
    int slots[BATCH];
    uint8_t tag = spc_poller_tag(p);
    size_t kept = first;
    int i = 0;
    do {
        size_t n = 0;
        for (; i < SP_MAX_SOCKETS && n < BATCH; i++) {
            struct spc_socket *s = spc_slot(i);
            if (!s->in_use || s->poller != tag)
                continue;
            short events = s->service != 0 ? (short)(s->poll_events | SP_POLLIN) : s->poll_events;
            ents[n] = (struct sp_port_pollent){s->native, events, 0};
            slots[n++] = i;
        }
        /* Only the last batch may wait: the earlier ones just look. */
        int rc =
            spc_port_poll(p->stack, ents, n, i >= SP_MAX_SOCKETS && kept == first ? timeout_ms : 0);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < n && kept < max; k++) {
            struct spc_socket *s = spc_slot(slots[k]);
            int handle = spc_handle_of(s);
            short revents = ents[k].revents;
            if (s->service != 0) {
                if (spc_poller_reported(out, first, handle))
                    continue;
                revents = spc_service_of(s)->poll(s, revents);
            }
            revents = spc_poller_filter(s, revents);
            if (revents != 0)
                out[kept++] = (sp_poller_event){handle, -1, revents};
        }
    } while (i < SP_MAX_SOCKETS && kept < max);
    return (int)kept;
}

int sp_poller_wait(int poller, sp_poller_event *out, size_t max, int timeout_ms)
{
    struct spc_poller *p;
    int rc = spc_poller_lookup(poller, &p);
    if (rc < 0)
        return rc;
    if (out == NULL || max == 0 || max > INT_MAX || timeout_ms < -1)
        return SP_EINVAL;
    /* No clock is read for a timeout of 0 or SP_FOREVER: only a wait with a
     * limit needs to know when it started, in case the port comes back with
     * nothing to report (a service made progress) and it must go on. */
    struct spc_deadline deadline = spc_deadline_in(timeout_ms);
    int left = timeout_ms > 0 ? spc_deadline_left(p->stack, &deadline) : timeout_ms;
    for (;;) {
        int turn = left;
        size_t first = p->services > 0 ? spc_poller_services(p, out, max, &turn) : 0;
        if (first == max)
            return (int)first;
        rc = p->port_backed ? spc_poller_wait_port(p, out, max, first, turn)
                            : spc_poller_wait_generic(p, out, max, first, turn);
        if (rc != 0 || left == 0)
            return rc;
        left = spc_deadline_left(p->stack, &deadline);
        if (left == 0)
            return 0;
    }
}

int sp_port_poller_of(int poller, sp_stack **stack, sp_port_poller *native)
{
    struct spc_poller *p;
    int rc = spc_poller_lookup(poller, &p);
    if (rc < 0)
        return rc;
    if (!p->port_backed)
        return SP_EOPNOTSUPP;
    *stack = p->stack;
    *native = p->native;
    return 0;
}

int sp_port_socket_of(int sock, sp_stack **stack, sp_port_sock *native)
{
    struct spc_socket *s;
    int rc = spc_lookup(sock, &s);
    if (rc < 0)
        return rc;
    if (s->service != 0)
        return SP_EOPNOTSUPP;
    *stack = s->stack;
    *native = s->native;
    return 0;
}
