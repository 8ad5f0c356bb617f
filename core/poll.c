/*
 * sp_poll over sockets that may live on different stacks. With one stack (the
 * usual case) the port's own poll does the whole wait; with several, each
 * stack gets short turns so that none of them stops running (lwIP needs its
 * pump turned) and none starves the others.
 *
 * Each handle is looked up once per call: the first pass turns the caller's
 * entries into the port's (grouped by stack), and after a wait the socket
 * behind an entry is found from its slot index, which a wait cannot change
 * (no user code runs in it). The clock is read only for a positive timeout:
 * once to fix the deadline before the first wait, and again each time a wait
 * ends with nothing (tests/core counts the reads).
 */
#include "core.h"

#define SPC_POLL_MAX (SP_MAX_SOCKETS * 4)
/* How long one stack waits per turn when several stacks share a poll. */
#define SPC_SHARED_TURN_MS 2
/* Stacks one sp_poll() call may mix; more is not a real program. */
#define SPC_POLL_MAX_STACKS 8

/* sp_poll is not re-entrant (core keeps no locks), so static scratch space is
 * enough, and keeps a bare-metal stack small. */
static struct sp_port_pollent spc_poll_ents[SPC_POLL_MAX];
static uint32_t spc_poll_owner[SPC_POLL_MAX]; /* index into the caller's fds */

struct spc_poll_group {
    sp_stack *stack;
    size_t begin; /* its entries in spc_poll_ents: [begin, end) */
    size_t end;
    bool services; /* one of them has a core service */
};

static struct spc_socket *spc_poll_socket(const sp_pollfd *fd)
{
    return spc_slot((int)((uint32_t)fd->sock & ((1u << SPC_INDEX_BITS) - 1u)));
}

/* Before a wait: what the services of @p g's sockets say without the port,
 * and how long their timers let the wait last. Returns @p timeout_ms, bounded. */
static int spc_poll_services(const struct spc_poll_group *g, sp_pollfd *fds, int timeout_ms)
{
    const short always = SP_POLLERR | SP_POLLHUP;
    for (size_t k = g->begin; k < g->end; k++) {
        sp_pollfd *fd = &fds[spc_poll_owner[k]];
        struct spc_socket *s = spc_poll_socket(fd);
        if (s->service == NULL)
            continue;
        /* A service may be ready with nothing new from the port (a record
         * already buffered), and its timers bound the wait. */
        if (s->service->poll(s, 0) & (fd->events | always))
            timeout_ms = 0;
        int timer = s->service->timer_ms(s);
        if (timer >= 0 && (timeout_ms < 0 || timer < timeout_ms))
            timeout_ms = timer;
    }
    return timeout_ms;
}

/* Waits on @p g's entries; returns how many of the caller's are ready. */
static int spc_poll_group_wait(const struct spc_poll_group *g, sp_pollfd *fds, int timeout_ms)
{
    const short always = SP_POLLERR | SP_POLLHUP;
    if (g->services)
        timeout_ms = spc_poll_services(g, fds, timeout_ms);
    int rc = spc_port_poll(g->stack, spc_poll_ents + g->begin, g->end - g->begin, timeout_ms);
    if (rc < 0)
        return rc;
    int ready = 0;
    for (size_t k = g->begin; k < g->end; k++) {
        sp_pollfd *fd = &fds[spc_poll_owner[k]];
        short revents = spc_poll_ents[k].revents;
        struct spc_socket *s = spc_poll_socket(fd);
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

/* The one lookup per entry: fills the port's entries, grouped by stack.
 * Returns the number of groups, or SP_EINVAL beyond SPC_POLL_MAX_STACKS. */
static int spc_poll_prepare(sp_pollfd *fds, size_t nfds, struct spc_poll_group *groups,
                            int *invalid)
{
    size_t ngroups = 0;
    size_t n = 0;
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
            groups[ngroups++] = (struct spc_poll_group){s->stack, 0, 0, false};
        }
        short wanted = (short)(fds[i].events & (SP_POLLIN | SP_POLLOUT));
        if (s->service != NULL) {
            wanted |= SP_POLLIN; /* a service reads its socket to make progress */
            groups[g].services = true;
        }
        spc_poll_ents[n] = (struct sp_port_pollent){s->native, wanted, 0};
        spc_poll_owner[n] = (uint32_t)i;
        groups[g].end++; /* a count until the grouping below */
        n++;
    }
    if (ngroups > 1) {
        /* Entries of one stack together: each port gets one array. */
        size_t begin = 0;
        for (size_t g = 0; g < ngroups; g++) {
            size_t start = begin;
            size_t target = begin + groups[g].end;
            for (size_t k = begin; k < n && begin < target; k++) {
                struct spc_socket *s = spc_poll_socket(&fds[spc_poll_owner[k]]);
                if (s->stack != groups[g].stack)
                    continue;
                struct sp_port_pollent ent = spc_poll_ents[k];
                uint32_t owner = spc_poll_owner[k];
                spc_poll_ents[k] = spc_poll_ents[begin];
                spc_poll_owner[k] = spc_poll_owner[begin];
                spc_poll_ents[begin] = ent;
                spc_poll_owner[begin] = owner;
                begin++;
            }
            groups[g].begin = start;
            groups[g].end = begin;
        }
    } else if (ngroups == 1) {
        groups[0].begin = 0;
        groups[0].end = n;
    }
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
            int rc = spc_poll_group_wait(&groups[g], fds, ready > 0 ? 0 : turn);
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
