/*
 * select() and poll() of the BSD layer, over sp_poll(). Socket descriptors
 * become sp_pollfd entries; on a host the other descriptors (files, pipes,
 * a terminal) are asked with the C library's poll() in the same wait, in
 * slices, since neither wait can see the other's descriptors.
 *
 * The entries are made in chunks of SPB_POLL_CHUNK, so that a call's stack
 * use does not grow with SP_MAX_SOCKETS (65 536 slots would be a megabyte)
 * or with nfds, and a board needs no heap. When every descriptor fits one
 * chunk of one kind (the usual case) one wait does the whole call; otherwise
 * each turn looks at every chunk and then waits a slice on the last one.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "bsd_internal.h"

/** Descriptors of one kind waited on together; sets the stack use of a call. */
#define SPB_POLL_CHUNK 16
/** How long one turn of a wait on several chunks lasts. */
#define SPB_POLL_SLICE_MS 10

static short sp_events_of(short events)
{
    short sp_events = 0;
    if ((events & (POLLIN | POLLRDNORM)) != 0) {
        sp_events |= SP_POLLIN;
    }
    if ((events & (POLLOUT | POLLWRNORM)) != 0) {
        sp_events |= SP_POLLOUT;
    }
    return sp_events;
}

static short revents_of(short sp_revents, short events)
{
    short revents = 0;
    if ((sp_revents & SP_POLLIN) != 0) {
        revents |= (short)(events & (POLLIN | POLLRDNORM));
    }
    if ((sp_revents & SP_POLLOUT) != 0) {
        revents |= (short)(events & (POLLOUT | POLLWRNORM));
    }
    revents |= (sp_revents & SP_POLLERR) != 0 ? POLLERR : 0;
    revents |= (sp_revents & SP_POLLHUP) != 0 ? POLLHUP : 0;
    revents |= (sp_revents & SP_POLLNVAL) != 0 ? POLLNVAL : 0;
    return revents;
}

static long long now_ms(void)
{
#if SP_BSD_HOSTED
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#else
    return (long long)sp_stack_now_ms(sp_default_stack());
#endif
}

/* The descriptors of one call, as a pollfd array or as fd_sets. */
struct spb_asked {
    size_t count;
    /* The @p i th descriptor and its poll() events; -1 when it is not asked. */
    int (*get)(void *ctx, size_t i, short *events);
    /* Its answer in poll()'s revents; returns 1 if that makes it ready. */
    int (*put)(void *ctx, size_t i, short revents);
    void *ctx;
};

/* One chunk of each kind being filled: the entries and whose they are. */
struct spb_chunk {
    sp_pollfd socks[SPB_POLL_CHUNK];
    short sock_events[SPB_POLL_CHUNK]; /* as the caller asked, for revents_of() */
    size_t sock_of[SPB_POLL_CHUNK];
    size_t nsocks;
#if SP_BSD_HOSTED
    struct pollfd kernel[SPB_POLL_CHUNK];
    size_t kernel_of[SPB_POLL_CHUNK];
    size_t nkernel;
#endif
};

/* Waits up to @p timeout_ms on the chunk's sockets (0: looks) and answers
 * them; returns how many are ready, or -1 with errno. */
static int flush_socks(const struct spb_asked *a, struct spb_chunk *c, int timeout_ms)
{
    int rc = sp_poll(c->socks, c->nsocks, timeout_ms);
    if (rc < 0) {
        return spb_fail(rc);
    }
    int ready = 0;
    for (size_t j = 0; j < c->nsocks; j++) {
        ready += a->put(a->ctx, c->sock_of[j], revents_of(c->socks[j].revents, c->sock_events[j]));
    }
    c->nsocks = 0;
    return ready;
}

#if SP_BSD_HOSTED
static int flush_kernel(const struct spb_asked *a, struct spb_chunk *c, int timeout_ms)
{
    if (poll(c->kernel, (nfds_t)c->nkernel, timeout_ms) < 0) {
        return -1;
    }
    int ready = 0;
    for (size_t j = 0; j < c->nkernel; j++) {
        ready += a->put(a->ctx, c->kernel_of[j], c->kernel[j].revents);
    }
    c->nkernel = 0;
    return ready;
}
#endif

/* How many sockets and kernel descriptors are asked; a board's descriptor
 * that is no socket is answered POLLNVAL here (ready at once, as a closed
 * descriptor is on Linux) and counted in @p invalid. */
static void count_asked(const struct spb_asked *a, size_t *nsocks, size_t *nkernel, int *invalid)
{
    *nsocks = *nkernel = 0;
    *invalid = 0;
    for (size_t i = 0; i < a->count; i++) {
        short events;
        int fd = a->get(a->ctx, i, &events);
        if (fd < 0) {
            continue;
        }
        if (spb_fd_handle(fd) >= 0) {
            ++*nsocks;
        } else if (SP_BSD_HOSTED) {
            ++*nkernel;
        } else {
            *invalid += a->put(a->ctx, i, POLLNVAL);
        }
    }
}

/* One turn over every descriptor asked: each full chunk is looked at, and the
 * last one waits up to @p wait_ms unless something is ready already. Returns
 * how many are ready, or -1 with errno. */
static int turn(const struct spb_asked *a, int wait_ms)
{
    struct spb_chunk c;
    c.nsocks = 0;
#if SP_BSD_HOSTED
    c.nkernel = 0;
#endif
    int ready = 0;
    int rc = 0;
    for (size_t i = 0; i < a->count && rc >= 0; i++) {
        short events;
        int fd = a->get(a->ctx, i, &events);
        int handle = fd < 0 ? -1 : spb_fd_handle(fd);
        /* A full chunk is looked at only when another entry needs its room,
         * so that the last chunk of each kind is never empty. */
        if (handle >= 0) {
            rc = c.nsocks == SPB_POLL_CHUNK ? flush_socks(a, &c, 0) : 0;
            c.socks[c.nsocks] = (sp_pollfd){handle, sp_events_of(events), 0};
            c.sock_events[c.nsocks] = events;
            c.sock_of[c.nsocks++] = i;
        }
#if SP_BSD_HOSTED
        else if (fd >= 0) {
            rc = c.nkernel == SPB_POLL_CHUNK ? flush_kernel(a, &c, 0) : 0;
            c.kernel[c.nkernel] = (struct pollfd){fd, events, 0};
            c.kernel_of[c.nkernel++] = i;
        }
#endif
        ready += rc > 0 ? rc : 0;
    }
    if (rc < 0) {
        return -1;
    }
#if SP_BSD_HOSTED
    /* The sockets' wait comes last, so that their stack runs while it waits. */
    if (c.nkernel > 0) {
        bool last = c.nsocks == 0;
        rc = flush_kernel(a, &c, last && ready == 0 ? wait_ms : 0);
        if (rc < 0) {
            return -1;
        }
        ready += rc;
        if (last) {
            return ready;
        }
    }
#endif
    rc = flush_socks(a, &c, ready == 0 ? wait_ms : 0);
    return rc < 0 ? -1 : ready + rc;
}

/* Waits until a descriptor asked is ready or @p timeout_ms passes; returns
 * how many are ready, or -1 with errno. */
static int wait_ready(const struct spb_asked *a, int timeout_ms)
{
    size_t nsocks, nkernel;
    int invalid;
    count_asked(a, &nsocks, &nkernel, &invalid);
    if (invalid > 0) {
        timeout_ms = 0;
    }
    bool one_chunk = nsocks + nkernel <= SPB_POLL_CHUNK && (nsocks == 0 || nkernel == 0);
    if (one_chunk || timeout_ms == 0) {
        int ready = turn(a, timeout_ms);
        return ready < 0 ? -1 : ready + invalid;
    }
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        long long slice = SPB_POLL_SLICE_MS;
        if (deadline >= 0) {
            /* One reading: with three, the clock could pass the deadline
             * between them and make the slice negative (sp_poll: SP_EINVAL). */
            long long left = deadline - now_ms();
            if (left < slice) {
                slice = left > 0 ? left : 0;
            }
        }
        int ready = turn(a, (int)slice);
        if (ready != 0 || (deadline >= 0 && now_ms() >= deadline)) {
            return ready < 0 ? -1 : ready + invalid;
        }
    }
}

static int pollfd_get(void *ctx, size_t i, short *events)
{
    const struct pollfd *fds = ctx;
    *events = fds[i].events;
    return fds[i].fd;
}

static int pollfd_put(void *ctx, size_t i, short revents)
{
    struct pollfd *fds = ctx;
    fds[i].revents = revents;
    return revents != 0;
}

int sp_bsd_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    if (fds == NULL && nfds > 0) {
        return spb_fail_errno(EFAULT);
    }
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
    }
    const struct spb_asked asked = {(size_t)nfds, pollfd_get, pollfd_put, fds};
    if (wait_ready(&asked, timeout) < 0) {
        return -1;
    }
    int count = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        count += fds[i].revents != 0;
    }
    return count;
}

/* struct timeval to milliseconds for select(); -1 for NULL (forever). */
static int select_timeout_ms(const struct timeval *tv, int *ms)
{
    if (tv == NULL) {
        *ms = -1;
        return 0;
    }
    if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        return spb_fail_errno(EINVAL);
    }
    *ms = tv->tv_sec >= INT_MAX / 1000 - 1
              ? INT_MAX
              : (int)tv->tv_sec * 1000 + (int)((tv->tv_usec + 999) / 1000);
    return 0;
}

/* select()'s sets: what was asked (copies), and the caller's, which carry the answer. */
struct spb_select {
    fd_set asked[3];
    fd_set *answer[3]; /* read, write, except; NULL when not given */
    bool invalid;      /* a descriptor was not open: the call fails with EBADF */
};

static const short spb_select_events[3] = {POLLIN, POLLOUT, POLLPRI};

static int select_get(void *ctx, size_t i, short *events)
{
    const struct spb_select *s = ctx;
    bool any = false;
    *events = 0;
    for (int k = 0; k < 3; k++) {
        if (s->answer[k] != NULL && FD_ISSET((int)i, &s->asked[k])) {
            *events |= spb_select_events[k];
            any = true;
        }
    }
    return any ? (int)i : -1;
}

static int select_put(void *ctx, size_t i, short revents)
{
    struct spb_select *s = ctx;
    /* What makes each set report the descriptor, as Linux's select does. */
    const short when[3] = {POLLIN | POLLHUP | POLLERR, POLLOUT | POLLERR, POLLPRI};
    if ((revents & POLLNVAL) != 0) {
        s->invalid = true;
        return 1;
    }
    int ready = 0;
    for (int k = 0; k < 3; k++) {
        if (s->answer[k] != NULL && FD_ISSET((int)i, &s->asked[k]) && (revents & when[k]) != 0) {
            FD_SET((int)i, s->answer[k]);
            ready = 1;
        } else if (s->answer[k] != NULL) {
            FD_CLR((int)i, s->answer[k]);
        }
    }
    return ready;
}

int sp_bsd_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                  struct timeval *timeout)
{
    int timeout_ms = -1;
    if (nfds < 0 || nfds > FD_SETSIZE) {
        return spb_fail_errno(EINVAL);
    }
    if (select_timeout_ms(timeout, &timeout_ms) < 0) {
        return -1;
    }
    struct spb_select s = {.answer = {readfds, writefds, exceptfds}, .invalid = false};
    for (int k = 0; k < 3; k++) {
        if (s.answer[k] != NULL) {
            s.asked[k] = *s.answer[k];
        }
    }
    /* The sets now carry the answer; what was asked is in s.asked. */
    for (int fd = 0; fd < nfds; fd++) {
        for (int k = 0; k < 3; k++) {
            if (s.answer[k] != NULL) {
                FD_CLR(fd, s.answer[k]);
            }
        }
    }
    const struct spb_asked asked = {(size_t)nfds, select_get, select_put, &s};
    int ready = wait_ready(&asked, timeout_ms);
    if (ready < 0 || s.invalid) {
        int err = ready < 0 ? errno : EBADF;
        for (int k = 0; k < 3; k++) {
            if (s.answer[k] != NULL) {
                *s.answer[k] = s.asked[k]; /* a failed select() leaves the sets alone */
            }
        }
        return spb_fail_errno(err);
    }
    int count = 0;
    for (int fd = 0; fd < nfds; fd++) {
        for (int k = 0; k < 3; k++) {
            count += s.answer[k] != NULL && FD_ISSET(fd, s.answer[k]);
        }
    }
    return count;
}
