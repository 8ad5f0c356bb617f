/*
 * sp_poll over sockets that may live on different stacks, with no space of
 * its own but a buffer on the C stack: nothing per slot of the handle table
 * (that would be RAM per socket on a microcontroller, docs/footprint.md) and
 * nothing allocated.
 *
 * Each stack's sockets go to its port's poll() in chunks of up to
 * SP_POLL_BATCH entries, taken from the caller's entries in order (a socket
 * listed twice is two entries: port.h allows it, and each answers for its
 * own events, as poll(2)). While a chunk waits, each caller's entry in it
 * holds the index of its port entry in its revents, which the result then
 * replaces. The first stack's chunks of the first turn look each handle up
 * as they take it (the one lookup per entry), and so find the other stacks
 * and the entries that are not open before anything waits; later passes
 * find a socket from its handle's slot index, which a wait cannot change (no
 * user code runs in it).
 *
 * Sockets of one stack that fit one chunk (the usual case) wait the whole
 * timeout in one call of the port. Otherwise each turn looks at every chunk,
 * and each stack's last one waits a short turn: so that every stack keeps
 * running (lwIP needs its pump turned), and a socket that becomes ready in
 * another chunk is seen at the next turn. A poller (sp_poller_open()) waits
 * on any number of sockets in one wait.
 *
 * The clock is read only for a positive timeout: once to fix the deadline
 * before the first wait, and again each time a turn ends with nothing
 * (tests/core counts the reads).
 */
#include "core.h"

#define SPC_POLL_MAX (SP_MAX_SOCKETS * 4)
/* How long a stack's last chunk waits per turn when there are several. */
#define SPC_SHARED_TURN_MS 2
/* Stacks one sp_poll() call may mix; more is not a real program. */
#define SPC_POLL_MAX_STACKS 8
/* In revents while its chunk waits, with the index of the entry's port entry:
 * no SP_POLL* bit, so a result never has it. */
#define SPC_POLL_MARK 0x4000
#if SP_POLL_BATCH < 1 || SP_POLL_BATCH > SP_MAX_SOCKETS || SP_POLL_BATCH >= SPC_POLL_MARK
#error "SP_POLL_BATCH must be between 1 and SP_MAX_SOCKETS (port.h promises ports no more)"
#endif

#define SPC_POLL_ALWAYS ((short)(SP_POLLERR | SP_POLLHUP))

#if defined(__GNUC__)
#define SPC_POLL_COLD __attribute__((noinline, cold))
#else
#define SPC_POLL_COLD
#endif

struct spc_poll_call {
    sp_pollfd *fds;
    size_t nfds;
    size_t looked_up; /* entries before this one have been looked up */
    int invalid;      /* of those, how many are not open (SP_POLLNVAL) */
    int error;        /* SP_EINVAL: sockets of too many stacks */
    sp_stack *stacks[SPC_POLL_MAX_STACKS];
    size_t nstacks;
    size_t n;  /* port entries in ents */
    int bound; /* how long the chunk's services let it wait (-1: no limit) */
    struct sp_port_pollent ents[SP_POLL_BATCH];
};

/* The shorter of two waits in milliseconds, -1 (no limit) being the longest. */
static int spc_poll_shorter(int a_ms, int b_ms)
{
    return (unsigned)a_ms < (unsigned)b_ms ? a_ms : b_ms;
}

/* A socket with a core service put in the chunk: the service may be ready
 * with nothing new from the port (a record already buffered), and its timers
 * bound the wait. Out of line: rare, and it would make every entry's path
 * keep more registers. */
SPC_POLL_COLD static void spc_poll_service(struct spc_poll_call *c, struct spc_socket *s,
                                           const sp_pollfd *fd)
{
    const struct spc_service *service = spc_service_of(s);
    if (service->poll(s, 0) & (fd->events | SPC_POLL_ALWAYS))
        c->bound = 0;
    c->bound = spc_poll_shorter(c->bound, service->timer_ms(s));
}

/* The socket @p handle names, or NULL: inline in a build for speed (once
 * per entry of every call), the one shared copy in a build for size (where
 * core leaves out its fast paths: SPC_FAST_PATH 0). */
static inline struct spc_socket *spc_poll_lookup(int handle)
{
#if SPC_FAST_PATH
    struct spc_socket *s;
    spc_lookup(handle, &s);
    return s;
#else
    return spc_find(handle);
#endif
}

/* Adds @p stack to the call's stacks if it is new; false if there is no
 * room (SP_EINVAL). */
static bool spc_poll_join(struct spc_poll_call *c, sp_stack *stack)
{
    size_t g = 0;
    while (g < c->nstacks && c->stacks[g] != stack)
        g++;
    if (g == c->nstacks) {
        if (g == SPC_POLL_MAX_STACKS) {
            c->error = SP_EINVAL;
            return false;
        }
        c->stacks[c->nstacks++] = stack;
    }
    return true;
}

/* Fills the chunk with the entries of stack @p g from the caller's entry
 * @p from on, until it is full; returns where the chunk ends. An entry is
 * looked up the first time it is seen (one that is not open gets
 * SP_POLLNVAL and counts in c->invalid; a stack not seen before joins
 * c->stacks, the first open entry's as stack 0); after that its slot index
 * is enough. */
static inline size_t spc_poll_fill(struct spc_poll_call *c, size_t g, size_t from)
{
    sp_pollfd *fds = c->fds;
    size_t nfds = c->nfds;
    size_t looked_up = c->looked_up;
    sp_stack *stack = c->stacks[g];
    size_t n = 0;
    c->bound = -1;
    size_t i = from;
    for (; i < nfds; i++) {
        sp_pollfd *fd = &fds[i];
        struct spc_socket *s;
        if (i < looked_up) {
            /* SP_POLLNVAL alone is never a result of a socket of ours (one
             * would have ended the call: it is ready). */
            if (fd->sock < 0 || fd->revents == SP_POLLNVAL)
                continue;
            s = &spc_table[(uint32_t)fd->sock & ((1u << SPC_INDEX_BITS) - 1u)];
            if (s->stack != stack)
                continue;
        } else {
            looked_up = i + 1;
            fd->revents = 0;
            if (fd->sock < 0)
                continue;
            s = spc_poll_lookup(fd->sock);
            if (s == NULL) {
                fd->revents = SP_POLLNVAL;
                c->invalid++;
                continue;
            }
            if (s->stack != stack) {
                if (!spc_poll_join(c, s->stack))
                    break;
                if (stack != NULL)
                    continue;
                stack = s->stack;
            }
        }
        if (n == SP_POLL_BATCH)
            break;
        short wanted = (short)(fd->events & (SP_POLLIN | SP_POLLOUT));
        if (s->service != 0) {
            wanted |= SP_POLLIN; /* a service reads its socket to make progress */
            spc_poll_service(c, s, fd);
        }
        c->ents[n] = (struct sp_port_pollent){s->native, wanted, 0};
        fd->revents = (short)(SPC_POLL_MARK | n);
        n++;
    }
    c->looked_up = looked_up;
    c->n = n;
    return i;
}

/* The chunk's entries in [from, to) from the port's answers; returns how
 * many are ready. */
static int spc_poll_results(struct spc_poll_call *c, size_t from, size_t to)
{
    int ready = 0;
    for (size_t i = from; i < to; i++) {
        sp_pollfd *fd = &c->fds[i];
        if (!(fd->revents & SPC_POLL_MARK))
            continue;
        struct spc_socket *s = &spc_table[(uint32_t)fd->sock & ((1u << SPC_INDEX_BITS) - 1u)];
        short revents = c->ents[fd->revents & ~SPC_POLL_MARK].revents;
        const struct spc_service *service = spc_service_of(s);
        if (service != NULL)
            revents = service->poll(s, revents);
        /* A stream never connected, or whose failed attempt sp_connect()
         * reported, is new again and has nothing to read (as on Linux), even
         * where the port still holds the failed attempt's end. */
        if (s->state == SPC_IDLE && spc_is_connection_type(s->type))
            revents &= (short)~SP_POLLIN;
        fd->revents = (short)(revents & (fd->events | SPC_POLL_ALWAYS));
        ready += fd->revents != 0;
    }
    return ready;
}

/* One turn over every chunk of every stack, each waiting up to @p left_ms
 * as said above, none once an entry is ready. The first chunk is in place up
 * to the entry @p filled_to, or @p filled_to is 0. Returns the entries
 * ready, or an error. */
static int spc_poll_turn(struct spc_poll_call *c, int left_ms, size_t filled_to)
{
    int ready = 0;
    for (size_t g = 0; g < c->nstacks; g++) {
        size_t from = 0;
        do {
            size_t to = filled_to;
            if (to == 0)
                to = spc_poll_fill(c, g, from);
            filled_to = 0;
            if (c->error != 0)
                return c->error;
            int wait = spc_poll_shorter(left_ms, c->bound);
            if (ready > 0 || c->invalid > 0 || to < c->nfds)
                wait = 0; /* or not this stack's last chunk: it only looks */
            else if (c->nstacks > 1 || from > 0)
                wait = spc_poll_shorter(wait, SPC_SHARED_TURN_MS);
            int rc = spc_port_poll(c->stacks[g], c->ents, c->n, wait);
            if (rc < 0)
                return rc;
            ready += spc_poll_results(c, from, to);
            from = to;
        } while (from < c->nfds);
    }
    return ready + c->invalid;
}

/* A call with no socket to watch: as poll(2), it waits out @p timeout_ms
 * (or for ever), running a stack meanwhile: the default one, or, where the
 * default port failed to start, that of any open socket. With no stack at all
 * there is no clock to wait by (sockport.h says so). */
SPC_POLL_COLD static void spc_poll_sleep(int timeout_ms)
{
    sp_stack *stack = sp_default_stack();
    for (int i = 0; stack == NULL && i < SP_MAX_SOCKETS; i++)
        if (spc_table[i].in_use)
            stack = spc_table[i].stack;
    if (stack != NULL)
        spc_port_poll(stack, NULL, 0, timeout_ms);
}

int sp_poll(sp_pollfd *fds, size_t nfds, int timeout_ms)
{
    if ((fds == NULL && nfds > 0) || nfds > SPC_POLL_MAX || timeout_ms < -1)
        return SP_EINVAL;
    struct spc_poll_call c;
    c.fds = fds;
    c.nfds = nfds;
    c.looked_up = 0;
    c.invalid = 0;
    c.error = 0;
    c.nstacks = 0;
    /* The first stack is the first open entry's (it joins c.stacks as it
     * is looked up): its first chunk, filled here, is in place for the first
     * turn; without one, every entry has been looked at. */
    c.stacks[0] = NULL;
    size_t filled_to = spc_poll_fill(&c, 0, 0);
    if (c.nstacks == 0) {
        if (c.invalid == 0)
            spc_poll_sleep(timeout_ms);
        return c.invalid;
    }

    int left = c.invalid > 0 ? 0 : timeout_ms;
    struct spc_deadline deadline;
    if (left > 0) {
        deadline = spc_deadline_in(left);
        left = spc_deadline_left(c.stacks[0], &deadline);
    }
    for (;;) {
        int ready = spc_poll_turn(&c, left, filled_to);
        if (ready < 0) {
            /* Too many stacks (the first turn finds them before it waits),
             * or a port's failure: the entries of the chunk it ended in
             * hold marks and port entry indices, which no caller may see. */
            for (size_t i = 0; i < c.looked_up; i++)
                fds[i].revents = 0;
        }
        if (ready != 0 || left == 0)
            return ready;
        filled_to = 0;
        /* Woken without an event of ours (a service's progress, a signal,
         * a shared turn): wait on, within the deadline. */
        if (left > 0)
            left = spc_deadline_left(c.stacks[0], &deadline);
    }
}
