/*
 * sp_poll over sockets that may live on different stacks. With one stack (the
 * usual case) the port's own poll does the whole wait; with several, each
 * stack gets short turns so that none of them stops running (lwIP needs its
 * pump turned) and none starves the others.
 */
#include "core.h"

#define SPC_POLL_MAX (SP_MAX_SOCKETS * 4)
/* How long one stack waits per turn when several stacks share a poll. */
#define SPC_SHARED_TURN_MS 2

/* sp_poll is not re-entrant (core keeps no locks), so static scratch space is
 * enough, and keeps a bare-metal stack small. */
static struct sp_port_pollent spc_poll_ents[SPC_POLL_MAX];
static size_t spc_poll_owner[SPC_POLL_MAX];

/* Polls the entries of @p fds that live on @p stack; returns how many are ready. */
static int spc_poll_stack(sp_stack *stack, sp_pollfd *fds, size_t nfds, int timeout_ms)
{
    const short always = SP_POLLERR | SP_POLLHUP;
    size_t n = 0;
    for (size_t i = 0; i < nfds; i++) {
        struct spc_socket *s;
        if (fds[i].sock < 0 || spc_lookup(fds[i].sock, &s) < 0 || s->stack != stack)
            continue;
        short wanted = (short)(fds[i].events & (SP_POLLIN | SP_POLLOUT));
        if (s->service != NULL) {
            /* A service may be ready with nothing new from the port (a record
             * already buffered), and its timers bound the wait. */
            if (s->service->poll(s, 0) & (wanted | always))
                timeout_ms = 0;
            int timer = s->service->timer_ms(s);
            if (timer >= 0 && (timeout_ms < 0 || timer < timeout_ms))
                timeout_ms = timer;
            wanted |= s->service->wants(s);
        }
        spc_poll_ents[n].sock = s->native;
        spc_poll_ents[n].events = wanted;
        spc_poll_ents[n].revents = 0;
        spc_poll_owner[n] = i;
        n++;
    }
    int rc = spc_port_poll(stack, spc_poll_ents, n, timeout_ms);
    if (rc < 0)
        return rc;
    int ready = 0;
    for (size_t k = 0; k < n; k++) {
        sp_pollfd *fd = &fds[spc_poll_owner[k]];
        short revents = spc_poll_ents[k].revents;
        struct spc_socket *s;
        spc_lookup(fd->sock, &s);
        if (s->service != NULL)
            revents = s->service->poll(s, revents);
        /* A stream never connected, or whose failed attempt sp_connect()
         * reported, is new again and has nothing to read (as on Linux), even
         * where the port still holds the failed attempt's end. */
        if (s->state == SPC_IDLE && spc_is_connection_type(s->type))
            revents &= (short)~SP_POLLIN;
        fd->revents = (short)(revents & (fd->events | always));
        if (fd->revents != 0)
            ready++;
    }
    return ready;
}

/* Collects the distinct stacks of @p fds into @p stacks; marks bad handles. */
static size_t spc_poll_prepare(sp_pollfd *fds, size_t nfds, sp_stack **stacks, int *invalid)
{
    size_t nstacks = 0;
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
        size_t k = 0;
        while (k < nstacks && stacks[k] != s->stack)
            k++;
        if (k == nstacks)
            stacks[nstacks++] = s->stack;
    }
    return nstacks;
}

int sp_poll(sp_pollfd *fds, size_t nfds, int timeout_ms)
{
    if ((fds == NULL && nfds > 0) || nfds > SPC_POLL_MAX || timeout_ms < -1)
        return SP_EINVAL;
    static sp_stack *stacks[SPC_POLL_MAX];
    int invalid;
    size_t nstacks = spc_poll_prepare(fds, nfds, stacks, &invalid);
    if (nstacks == 0) {
        sp_stack *stack = sp_default_stack();
        if (invalid == 0 && stack != NULL)
            spc_port_poll(stack, NULL, 0, timeout_ms);
        return invalid;
    }

    struct spc_deadline deadline = spc_deadline_in(timeout_ms);
    for (;;) {
        int left = invalid > 0 ? 0 : spc_deadline_left(stacks[0], &deadline);
        int ready = invalid;
        for (size_t k = 0; k < nstacks; k++) {
            int turn = left;
            if (nstacks > 1 && (turn < 0 || turn > SPC_SHARED_TURN_MS))
                turn = SPC_SHARED_TURN_MS;
            int rc = spc_poll_stack(stacks[k], fds, nfds, ready > 0 ? 0 : turn);
            if (rc < 0)
                return rc;
            ready += rc;
        }
        if (ready > 0 || left == 0)
            return ready;
        if (nstacks == 1 && left < 0)
            continue; /* woken without an event of ours: wait again */
    }
}
