/*
 * sp_poll over sockets that may live on different stacks. With one stack (the
 * usual case) the port's own poll does the whole wait; with several, each
 * stack gets short turns so that none of them stops running (lwIP needs its
 * pump turned) and none starves the others.
 *
 * Each handle is looked up once per call, by the first pass, which also finds
 * the stacks. Before each wait the port's entries of one stack are filled from
 * the caller's, finding each socket from its slot index, which a wait cannot
 * change (no user code runs in it); a socket listed twice gets one entry, so
 * the scratch space is one entry per slot of the handle table, whatever
 * @p nfds. The clock is read only for a positive timeout: once to fix the
 * deadline before the first wait, and again each time a wait ends with
 * nothing (tests/core counts the reads).
 */
#include "core.h"

#define SPC_POLL_MAX (SP_MAX_SOCKETS * 4)
/* How long one stack waits per turn when several stacks share a poll. */
#define SPC_SHARED_TURN_MS 2
/* Stacks one sp_poll() call may mix; more is not a real program. */
#define SPC_POLL_MAX_STACKS 8

/* sp_poll is not re-entrant (core keeps no locks), so static scratch space is
 * enough, and keeps a bare-metal stack small. It is RAM per slot of the handle
 * table (docs/footprint.md), so it holds one entry per socket, not per entry
 * of the caller's: the port's entries of the stack waited on now, and by slot
 * the entry a socket has in them (a stale value is told apart by the entry's
 * socket). SP_MAX_SOCKETS <= 65536: 16 bits hold every entry index. */
static struct sp_port_pollent spc_poll_ents[SP_MAX_SOCKETS];
static uint16_t spc_poll_entry[SP_MAX_SOCKETS];

struct spc_poll_group {
    sp_stack *stack;
    bool services; /* one of its sockets has a core service */
    bool filled;   /* spc_poll_ents holds its n entries (one stack: from the first pass) */
    size_t n;
};

static uint32_t spc_poll_slot(const sp_pollfd *fd)
{
    return (uint32_t)fd->sock & ((1u << SPC_INDEX_BITS) - 1u);
}

/* The socket of a caller's entry of @p stack that the first pass found open;
 * NULL for any other entry (negative, not open, another stack's). */
static struct spc_socket *spc_poll_member(const sp_pollfd *fd, const sp_stack *stack)
{
    /* An entry that was not open carries SP_POLLNVAL from the first pass; a
     * result never does (only SP_POLLERR and SP_POLLHUP are always reported). */
    if (fd->sock < 0 || fd->revents == SP_POLLNVAL)
        return NULL;
    struct spc_socket *s = spc_slot((int)spc_poll_slot(fd));
    return s->stack == stack ? s : NULL;
}

/* Add the port's entry for @p s, found from the caller's @p fd, to the @p *n
 * entries; a socket listed again adds its interest to its entry. */
static void spc_poll_add(const struct spc_socket *s, const sp_pollfd *fd, size_t *n)
{
    short wanted = (short)(fd->events & (SP_POLLIN | SP_POLLOUT));
    if (s->service != NULL)
        wanted |= SP_POLLIN; /* a service reads its socket to make progress */
    uint32_t slot = spc_poll_slot(fd);
    size_t k = spc_poll_entry[slot];
    if (k < *n && spc_poll_ents[k].sock == s->native) {
        spc_poll_ents[k].events |= wanted;
        return;
    }
    spc_poll_entry[slot] = (uint16_t)*n;
    spc_poll_ents[(*n)++] = (struct sp_port_pollent){s->native, wanted, 0};
}

/* The port's entries for @p g's sockets, one per socket (several stacks: before
 * each of its turns, since the others' turns reuse the space). */
static size_t spc_poll_fill(const struct spc_poll_group *g, const sp_pollfd *fds, size_t nfds)
{
    if (g->filled)
        return g->n;
    size_t n = 0;
    for (size_t i = 0; i < nfds; i++) {
        struct spc_socket *s = spc_poll_member(&fds[i], g->stack);
        if (s != NULL)
            spc_poll_add(s, &fds[i], &n);
    }
    return n;
}

/* Before a wait: what the services of @p g's sockets say without the port,
 * and how long their timers let the wait last. Returns @p timeout_ms, bounded. */
static int spc_poll_services(const struct spc_poll_group *g, sp_pollfd *fds, size_t nfds,
                             int timeout_ms)
{
    const short always = SP_POLLERR | SP_POLLHUP;
    for (size_t i = 0; i < nfds; i++) {
        struct spc_socket *s = spc_poll_member(&fds[i], g->stack);
        if (s == NULL || s->service == NULL)
            continue;
        /* A service may be ready with nothing new from the port (a record
         * already buffered), and its timers bound the wait. */
        if (s->service->poll(s, 0) & (fds[i].events | always))
            timeout_ms = 0;
        int timer = s->service->timer_ms(s);
        if (timer >= 0 && (timeout_ms < 0 || timer < timeout_ms))
            timeout_ms = timer;
    }
    return timeout_ms;
}

/* Waits on @p g's sockets; returns how many of the caller's entries are ready. */
static int spc_poll_group_wait(const struct spc_poll_group *g, sp_pollfd *fds, size_t nfds,
                               int timeout_ms)
{
    const short always = SP_POLLERR | SP_POLLHUP;
    if (g->services)
        timeout_ms = spc_poll_services(g, fds, nfds, timeout_ms);
    size_t n = spc_poll_fill(g, fds, nfds);
    int rc = spc_port_poll(g->stack, spc_poll_ents, n, timeout_ms);
    if (rc < 0)
        return rc;
    int ready = 0;
    for (size_t i = 0; i < nfds; i++) {
        sp_pollfd *fd = &fds[i];
        struct spc_socket *s = spc_poll_member(fd, g->stack);
        if (s == NULL)
            continue;
        short revents = spc_poll_ents[spc_poll_entry[spc_poll_slot(fd)]].revents;
        if (s->service != NULL)
            revents = s->service->poll(s, revents);
        /* A stream never connected, or whose failed attempt sp_connect()
         * reported, is new again and has nothing to read (as on Linux), even
         * where the port still holds the failed attempt's end. */
        if (s->state == SPC_IDLE && spc_is_connection_type(s->type))
            revents &= (short)~SP_POLLIN;
        fd->revents = (short)(revents & (fd->events | always));
        ready += fd->revents != 0;
    }
    return ready;
}

/* The one lookup per entry: marks the entries that are not open, finds the
 * stacks, and fills the port's entries of the first. Returns the number of stacks, or SP_EINVAL
 * beyond SPC_POLL_MAX_STACKS. */
static int spc_poll_prepare(sp_pollfd *fds, size_t nfds, struct spc_poll_group *groups,
                            int *invalid)
{
    size_t ngroups = 0;
    *invalid = 0;
    for (size_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].sock < 0)
            continue;
        struct spc_socket *s;
        if (spc_lookup(fds[i].sock, &s) < 0) {
            fds[i].revents = SP_POLLNVAL;
            (*invalid)++;
            continue;
        }
        size_t g = 0;
        while (g < ngroups && groups[g].stack != s->stack)
            g++;
        if (g == ngroups) {
            if (ngroups == SPC_POLL_MAX_STACKS)
                return SP_EINVAL;
            groups[ngroups++] = (struct spc_poll_group){s->stack, false, false, 0};
        }
        if (s->service != NULL)
            groups[g].services = true;
        if (g == 0)
            spc_poll_add(s, &fds[i], &groups[0].n); /* the one stack, as a rule */
    }
    groups[0].filled = ngroups == 1;
    return (int)ngroups;
}

int sp_poll(sp_pollfd *fds, size_t nfds, int timeout_ms)
{
    if ((fds == NULL && nfds > 0) || nfds > SPC_POLL_MAX || timeout_ms < -1)
        return SP_EINVAL;
    struct spc_poll_group groups[SPC_POLL_MAX_STACKS];
    int invalid;
    int ngroups = spc_poll_prepare(fds, nfds, groups, &invalid);
    if (ngroups < 0)
        return ngroups;
    if (ngroups == 0) {
        sp_stack *stack = sp_default_stack();
        if (invalid == 0 && stack != NULL)
            spc_port_poll(stack, NULL, 0, timeout_ms);
        return invalid;
    }

    struct spc_deadline deadline = spc_deadline_in(timeout_ms);
    int left = invalid > 0 ? 0 : timeout_ms;
    if (left > 0)
        left = spc_deadline_left(groups[0].stack, &deadline);
    for (;;) {
        int ready = invalid;
        for (int g = 0; g < ngroups; g++) {
            int turn = left;
            if (ngroups > 1 && (turn < 0 || turn > SPC_SHARED_TURN_MS))
                turn = SPC_SHARED_TURN_MS;
            int rc = spc_poll_group_wait(&groups[g], fds, nfds, ready > 0 ? 0 : turn);
            if (rc < 0)
                return rc;
            ready += rc;
        }
        if (ready > 0 || left == 0)
            return ready;
        /* Woken without an event of ours (a service's progress, a signal,
         * a shared turn): wait on, within the deadline. */
        if (left > 0)
            left = spc_deadline_left(groups[0].stack, &deadline);
    }
}
