/*
 * sp_poll over sockets that may live on different stacks, with no space of
 * its own but a small buffer on the C stack: nothing per slot of the handle
 * table (that would be RAM per socket on a microcontroller, docs/footprint.md)
 * and nothing allocated.
 *
 * The first pass looks each handle up (the one lookup per entry), marks the
 * entries that are not open and finds the stacks. Each stack's sockets then
 * go to its port's poll() in chunks of up to SPC_POLL_CHUNK, taken from the
 * caller's entries in order; a socket listed again within a chunk adds its
 * interest to its port entry. While a chunk waits, each caller's entry in it
 * holds the index of its port entry in its revents, which the result then
 * replaces. Later passes find a socket from its handle's slot index, which
 * a wait cannot change (no user code runs in it).
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
/* Sockets of one stack waited on in one call of its port: the buffer on the C
 * stack (8 bytes an entry on a 32-bit MCU, 16 on a 64-bit host). */
#define SPC_POLL_CHUNK (SP_MAX_SOCKETS < 16 ? SP_MAX_SOCKETS : 16)
/* In revents while its chunk waits, with the index of the entry's port entry:
 * no SP_POLL* bit, so a result never has it. */
#define SPC_POLL_MARK 0x4000

#define SPC_POLL_ALWAYS ((short)(SP_POLLERR | SP_POLLHUP))

#if defined(__GNUC__)
#define SPC_POLL_COLD __attribute__((noinline, cold))
#else
#define SPC_POLL_COLD
#endif

struct spc_poll_call {
    sp_pollfd *fds;
    size_t nfds;
    sp_stack *stacks[SPC_POLL_MAX_STACKS];
    size_t nstacks;
    size_t n;  /* port entries in ents */
    int bound; /* how long the chunk's services let it wait (-1: no limit) */
    struct sp_port_pollent ents[SPC_POLL_CHUNK];
};

/* The shorter of two waits in milliseconds, -1 (no limit) being the longest. */
static int spc_poll_shorter(int a_ms, int b_ms)
{
    return (unsigned)a_ms < (unsigned)b_ms ? a_ms : b_ms;
}

static struct spc_socket *spc_poll_socket(const sp_pollfd *fd)
{
    return &spc_table[(uint32_t)fd->sock & ((1u << SPC_INDEX_BITS) - 1u)];
}

/* A socket with a core service put in the chunk: the service may be ready
 * with nothing new from the port (a record already buffered), and its timers
 * bound the wait. Out of line: rare, and it would make every entry's path
 * keep more registers. */
SPC_POLL_COLD static void spc_poll_service(struct spc_poll_call *c, struct spc_socket *s,
                                           const sp_pollfd *fd)
{
    if (spc_service_of(s)->poll(s, 0) & (fd->events | SPC_POLL_ALWAYS))
        c->bound = 0;
    c->bound = spc_poll_shorter(c->bound, spc_service_of(s)->timer_ms(s));
}

/* Puts @p s, the socket of the caller's @p fd, in the chunk (a socket listed
 * again adds its interest to its entry) and marks @p fd; false if the chunk
 * is full. */
static inline bool spc_poll_add(struct spc_poll_call *c, struct spc_socket *s, sp_pollfd *fd)
{
    short wanted = (short)(fd->events & (SP_POLLIN | SP_POLLOUT));
    if (s->service != 0)
        wanted |= SP_POLLIN; /* a service reads its socket to make progress */
    size_t n = c->n;
    size_t k = 0;
    while (k < n && c->ents[k].sock != s->native)
        k++;
    if (k < n) {
        c->ents[k].events |= wanted;
    } else if (n < SPC_POLL_CHUNK) {
        c->ents[n] = (struct sp_port_pollent){s->native, wanted, 0};
        c->n = n + 1;
    } else {
        return false;
    }
    fd->revents = (short)(SPC_POLL_MARK | k);
    if (s->service != 0)
        spc_poll_service(c, s, fd);
    return true;
}

/* Fills the chunk with the sockets of @p stack from the caller's entry
 * @p from on, until it is full; returns where the chunk ends. */
static size_t spc_poll_fill(struct spc_poll_call *c, const sp_stack *stack, size_t from)
{
    c->n = 0;
    c->bound = -1;
    for (size_t i = from; i < c->nfds; i++) {
        sp_pollfd *fd = &c->fds[i];
        /* An entry that was not open carries SP_POLLNVAL from the first pass;
         * a socket of ours carries 0 or its last result, never that alone
         * (an SP_POLLNVAL result ends the call: it is ready). */
        if (fd->sock < 0 || fd->revents == SP_POLLNVAL)
            continue;
        struct spc_socket *s = spc_poll_socket(fd);
        if (s->stack == stack && !spc_poll_add(c, s, fd))
            return i;
    }
    return c->nfds;
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
        struct spc_socket *s = spc_poll_socket(fd);
        short revents = c->ents[fd->revents & ~SPC_POLL_MARK].revents;
        if (s->service != 0)
            revents = spc_service_of(s)->poll(s, revents);
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
 * as said above, none once @p ready (entries ready already) is not 0. The
 * first chunk is in place up to the entry @p filled_to, or @p filled_to is
 * 0. Returns the entries ready, or a port's error. */
static int spc_poll_turn(struct spc_poll_call *c, int ready, int left_ms, size_t filled_to)
{
    for (size_t g = 0; g < c->nstacks; g++) {
        sp_stack *stack = c->stacks[g];
        size_t from = 0;
        do {
            size_t to = filled_to;
            if (to == 0)
                to = spc_poll_fill(c, stack, from);
            filled_to = 0;
            int wait = spc_poll_shorter(left_ms, c->bound);
            if (ready > 0 || to < c->nfds)
                wait = 0; /* not this stack's last chunk: it only looks */
            else if (c->nstacks > 1 || from > 0)
                wait = spc_poll_shorter(wait, SPC_SHARED_TURN_MS);
            int rc = spc_port_poll(stack, c->ents, c->n, wait);
            if (rc < 0)
                return rc;
            ready += spc_poll_results(c, from, to);
            from = to;
        } while (from < c->nfds);
    }
    return ready;
}

int sp_poll(sp_pollfd *fds, size_t nfds, int timeout_ms)
{
    if ((fds == NULL && nfds > 0) || nfds > SPC_POLL_MAX || timeout_ms < -1)
        return SP_EINVAL;
    struct spc_poll_call c;
    c.fds = fds;
    c.nfds = nfds;
    c.nstacks = 0;
    c.n = 0;
    c.bound = -1;
    /* The one lookup per entry; the first stack's first chunk on the way. */
    size_t filled_to = nfds;
    int invalid = 0;
    for (size_t i = 0; i < nfds; i++) {
        sp_pollfd *fd = &fds[i];
        fd->revents = 0;
        if (fd->sock < 0)
            continue;
        struct spc_socket *s;
        if (spc_lookup(fd->sock, &s) < 0) {
            fd->revents = SP_POLLNVAL;
            invalid++;
            continue;
        }
        size_t g = 0;
        while (g < c.nstacks && c.stacks[g] != s->stack)
            g++;
        if (g == c.nstacks) {
            if (g == SPC_POLL_MAX_STACKS)
                return SP_EINVAL;
            c.stacks[c.nstacks++] = s->stack;
        }
        if (g == 0 && i < filled_to && !spc_poll_add(&c, s, fd))
            filled_to = i;
    }
    if (c.nstacks == 0) {
        sp_stack *stack = sp_default_stack();
        if (invalid == 0 && stack != NULL)
            spc_port_poll(stack, NULL, 0, timeout_ms);
        return invalid;
    }

    int left = invalid > 0 ? 0 : timeout_ms;
    struct spc_deadline deadline;
    if (left > 0) {
        deadline = spc_deadline_in(left);
        left = spc_deadline_left(c.stacks[0], &deadline);
    }
    for (;;) {
        int ready = spc_poll_turn(&c, invalid, left, filled_to);
        if (ready != 0 || left == 0)
            return ready;
        filled_to = 0;
        /* Woken without an event of ours (a service's progress, a signal,
         * a shared turn): wait on, within the deadline. */
        if (left > 0)
            left = spc_deadline_left(c.stacks[0], &deadline);
    }
}
