/*
 * The POSIX port's pollers: the kernel's own readiness sets, epoll on Linux
 * and kqueue on the BSDs and macOS, so that a wait costs the ready sockets
 * only. A host with neither leaves the operations out and core's generic
 * poller takes over (then sp_posix_poller_add_fd() says SP_EOPNOTSUPP).
 *
 * The key core gives for a socket is kept in the kernel's user data and
 * comes back with the event; keys with SP_PORT_KEY_NATIVE are descriptors a
 * program added itself.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <sockport/port.h>
#include <sockport/posix.h>

#include "posix_errors.h"
#include "posix_poller.h"

#if SP_POSIX_EPOLL
#include <sys/epoll.h>
#elif SP_POSIX_KQUEUE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/stat.h>
#include <sys/time.h>
#endif

/* Events taken from the kernel per wait: one look at a stack buffer, as
 * epoll_wait itself caps what it returns at its caller's room. */
#define POSIX_POLLER_BATCH 128

/* errno of a poller call: running out of anything is SP_ENOBUFS, as the
 * public header documents; the rest as every other call. */
static int poller_fail(int native)
{
    switch (native) {
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case ENOSPC:
        return SP_ENOBUFS;
    case EEXIST:
        return SP_EEXIST;
    case ENOENT:
        return SP_ENOENT;
    case EBADF:
        return SP_EBADF;
    case EPERM: /* a regular file or directory: it is never "not ready" */
        return SP_EINVAL;
    default:
        return sp_posix_error(SP_POSIX_CALL_ANY, native);
    }
}

static void set_event(sp_poller_event *out, uint64_t key, short revents)
{
    if (key & SP_PORT_KEY_NATIVE) {
        out->sock = -1;
        out->fd = (int)(key & ~(uint64_t)SP_PORT_KEY_NATIVE);
    } else {
        out->sock = (int)key;
        out->fd = -1;
    }
    out->revents = revents;
}

#if SP_POSIX_EPOLL

static uint32_t epoll_interest(short events)
{
    /* EPOLLRDHUP: the peer's FIN is SP_POLLHUP, as port.h asks of poll(). */
    uint32_t native = EPOLLRDHUP;
    if (events & SP_POLLIN)
        native |= EPOLLIN;
    if (events & SP_POLLOUT)
        native |= EPOLLOUT;
    return native;
}

int sp_posix_poller_open(void *state, sp_port_poller *out)
{
    (void)state;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0)
        return poller_fail(errno);
    *out = fd;
    return 0;
}

void sp_posix_poller_close(void *state, sp_port_poller poller)
{
    (void)state;
    close((int)poller);
}

static int ctl_fd(sp_port_poller poller, int op, int fd, uint64_t key, short events)
{
    static const int native_op[] = {
        [SP_PORT_POLLER_ADD] = EPOLL_CTL_ADD,
        [SP_PORT_POLLER_MODIFY] = EPOLL_CTL_MOD,
        [SP_PORT_POLLER_REMOVE] = EPOLL_CTL_DEL,
    };
    struct epoll_event ev;
    ev.events = epoll_interest(events);
    ev.data.u64 = key;
    if (epoll_ctl((int)poller, native_op[op], fd, &ev) < 0)
        return poller_fail(errno);
    return 0;
}

int sp_posix_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                         int timeout_ms)
{
    (void)state;
    struct epoll_event evs[POSIX_POLLER_BATCH];
    int room = max < POSIX_POLLER_BATCH ? (int)max : POSIX_POLLER_BATCH;
    int n;
    do {
        /* Interrupted by a signal: core's deadline decides whether to go on. */
        n = epoll_wait((int)poller, evs, room, timeout_ms);
    } while (n < 0 && errno == EINTR && timeout_ms < 0);
    if (n < 0)
        return errno == EINTR ? 0 : poller_fail(errno);
    for (int i = 0; i < n; i++) {
        /* EPOLLIN/OUT/ERR/HUP/RDHUP have poll()'s values on Linux. */
        set_event(&out[i], evs[i].data.u64, sp_posix_revents((short)evs[i].events));
    }
    return n;
}

#elif SP_POSIX_KQUEUE

/*
 * kqueue keeps one knote per (descriptor, filter): a member has a read and a
 * write filter from its add on. Differences from epoll that this code absorbs:
 * - EV_ADD of a knote that exists changes it without error, so the program's
 *   own descriptors are remembered here (one bit each) to say SP_EEXIST and
 *   SP_ENOENT as epoll does; core does the same for sockets.
 * - Hang-up and error come on a filter, not beside the interest: the read
 *   filter stays enabled for every member. Without SP_POLLIN it is EV_CLEAR,
 *   so that unread input the program did not ask about does not wake every
 *   wait: hang-up and error are then reported once, when they happen, not
 *   at every wait as epoll does. A socket's gets a low-water mark no buffer
 *   reaches (NOTE_LOWAT) as well, so that arriving data does not wake a wait
 *   either; other descriptors ignore the mark (FreeBSD's pipes do).
 * - A change that fails stops kevent() at it, leaving the earlier ones done:
 *   EV_RECEIPT makes it report each change and go on, so a failed add is
 *   undone whole.
 * - udata comes back with each event: it carries the key and whether input
 *   was asked, packed to fit a 32-bit pointer.
 */
struct kq_poller {
    int kq;
    unsigned char *native_fds; /* one bit per descriptor added by the program */
    size_t native_bytes;
};

static struct kq_poller *kq_of(sp_port_poller poller)
{
    return (struct kq_poller *)poller;
}

int sp_posix_poller_open(void *state, sp_port_poller *out)
{
    (void)state;
    struct kq_poller *p = calloc(1, sizeof *p);
    if (p == NULL)
        return SP_ENOBUFS;
    p->kq = kqueue();
    if (p->kq < 0) {
        int native = errno;
        free(p);
        return poller_fail(native);
    }
    (void)fcntl(p->kq, F_SETFD, FD_CLOEXEC);
    *out = (sp_port_poller)p;
    return 0;
}

void sp_posix_poller_close(void *state, sp_port_poller poller)
{
    (void)state;
    struct kq_poller *p = kq_of(poller);
    close(p->kq);
    free(p->native_fds);
    free(p);
}

#define KQ_UDATA_IN 1u
#define KQ_UDATA_NATIVE 2u
#define KQ_UDATA_SHIFT 2

static void *kq_udata(uint64_t key, short events)
{
    uintptr_t packed = (uintptr_t)(key & ~(uint64_t)SP_PORT_KEY_NATIVE) << KQ_UDATA_SHIFT;
    if (key & SP_PORT_KEY_NATIVE)
        packed |= KQ_UDATA_NATIVE;
    if (events & SP_POLLIN)
        packed |= KQ_UDATA_IN;
    return (void *)packed;
}

static uint64_t kq_key(uintptr_t packed)
{
    uint64_t key = (uint64_t)(packed >> KQ_UDATA_SHIFT);
    return (packed & KQ_UDATA_NATIVE) ? key | SP_PORT_KEY_NATIVE : key;
}

/* The interest of a descriptor the program added, plus KQ_NATIVE_MEMBER;
 * 0 if it is not in the poller. */
#define KQ_NATIVE_MEMBER 0x80u

static unsigned kq_native_get(const struct kq_poller *p, int fd)
{
    return (size_t)fd < p->native_bytes ? p->native_fds[fd] : 0u;
}

static int kq_native_set(struct kq_poller *p, int fd, unsigned value)
{
    if ((size_t)fd >= p->native_bytes) {
        if (value == 0)
            return 0;
        size_t bytes = (size_t)fd + 1 > 2 * p->native_bytes ? (size_t)fd + 1 : 2 * p->native_bytes;
        unsigned char *grown = realloc(p->native_fds, bytes);
        if (grown == NULL)
            return SP_ENOBUFS;
        memset(grown + p->native_bytes, 0, bytes - p->native_bytes);
        p->native_fds = grown;
        p->native_bytes = bytes;
    }
    p->native_fds[fd] = (unsigned char)value;
    return 0;
}

/* Applies both changes, each reported back: 0, or the errno of the first that
 * failed, with @p took saying which applied. */
#if !defined(EV_RECEIPT)
/* A kqueue without EV_RECEIPT: one change per call says as much. */
static int kq_apply(int kq, struct kevent changes[2], bool took[2])
{
    int failure = 0;
    for (int i = 0; i < 2; i++) {
        took[i] = kevent(kq, &changes[i], 1, NULL, 0, NULL) == 0;
        if (!took[i] && failure == 0)
            failure = errno;
    }
    return failure;
}
#else
static int kq_apply(int kq, struct kevent changes[2], bool took[2])
{
    struct kevent results[2];
    struct timespec now = {0, 0};
    changes[0].flags |= EV_RECEIPT;
    changes[1].flags |= EV_RECEIPT;
    took[0] = took[1] = false;
    int n = kevent(kq, changes, 2, results, 2, &now);
    if (n < 0)
        return errno;
    int failure = 0;
    for (int i = 0; i < n; i++) {
        int which = results[i].filter == changes[0].filter ? 0 : 1;
        if (!(results[i].flags & EV_ERROR) || results[i].data == 0)
            took[which] = true;
        else if (failure == 0)
            failure = (int)results[i].data;
    }
    return failure;
}
#endif

static int kq_remove(int kq, int fd)
{
    struct kevent changes[2];
    bool took[2];
    EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    int failure = kq_apply(kq, changes, took);
    return took[0] || took[1] ? 0 : failure;
}

static int kq_add(int kq, int fd, uint64_t key, short events)
{
    struct kevent changes[2];
    bool took[2];
    void *udata = kq_udata(key, events);
    if (events & SP_POLLIN)
        EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | EV_ENABLE, 0, 0, udata);
    else if (!(key & SP_PORT_KEY_NATIVE))
        EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | EV_ENABLE | EV_CLEAR, NOTE_LOWAT, INTPTR_MAX,
               udata);
    else
        EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | EV_ENABLE | EV_CLEAR, 0, 0, udata);
    EV_SET(&changes[1], fd, EVFILT_WRITE, EV_ADD | ((events & SP_POLLOUT) ? EV_ENABLE : EV_DISABLE),
           0, 0, udata);
    int failure = kq_apply(kq, changes, took);
    if (failure != 0) {
        struct kevent undo;
        for (int i = 0; i < 2; i++) {
            if (!took[i])
                continue;
            EV_SET(&undo, fd, changes[i].filter, EV_DELETE, 0, 0, NULL);
            (void)kevent(kq, &undo, 1, NULL, 0, NULL);
        }
    }
    return failure;
}

/* A program's descriptor: the checks epoll makes by itself (kqueue's EV_ADD
 * changes a knote that exists, and takes a regular file). */
static int kq_native_check(struct kq_poller *p, int op, int fd)
{
    unsigned known = kq_native_get(p, fd);
    if (op != SP_PORT_POLLER_ADD)
        return known != 0 ? 0 : SP_ENOENT;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return SP_EBADF;
    if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
        return SP_EINVAL; /* always ready: epoll refuses it, so do we */
    if (known == 0)
        return 0;
    /* Known, unless it was closed since (closing took its knotes): only the
     * kernel can tell, and a knote found is put back as it was. */
    if (kq_remove(p->kq, fd) != 0)
        return 0;
    (void)kq_add(p->kq, fd, SP_PORT_KEY_NATIVE | (uint64_t)fd, (short)(known & ~KQ_NATIVE_MEMBER));
    return SP_EEXIST;
}

static int ctl_fd(sp_port_poller poller, int op, int fd, uint64_t key, short events)
{
    struct kq_poller *p = kq_of(poller);
    bool native = (key & SP_PORT_KEY_NATIVE) != 0;
    if (native) {
        int rc = kq_native_check(p, op, fd);
        /* Room for its record before the kernel has it, so that both agree. */
        if (rc == 0 && op != SP_PORT_POLLER_REMOVE)
            rc = kq_native_set(p, fd, KQ_NATIVE_MEMBER | (unsigned)events);
        if (rc < 0)
            return rc;
    }
    int failure = 0;
    /* A change of interest is a new pair of filters: the read filter's kind
     * (plain, low-water mark, EV_CLEAR) follows the interest, and EV_ADD
     * need not change every property of a knote that exists. */
    if (op != SP_PORT_POLLER_ADD)
        failure = kq_remove(p->kq, fd);
    if (failure == 0 && op != SP_PORT_POLLER_REMOVE)
        failure = kq_add(p->kq, fd, key, events);
    if (native && (failure != 0 || op == SP_PORT_POLLER_REMOVE))
        (void)kq_native_set(p, fd, 0);
    return failure != 0 ? poller_fail(failure) : 0;
}

/* What one kqueue event says, as SP_POLL* bits; 0: nothing to report. */
static short kq_revents(const struct kevent *ev)
{
    uintptr_t packed = (uintptr_t)ev->udata;
    if (ev->flags & EV_ERROR)
        return SP_POLLERR;
    if (ev->filter == EVFILT_WRITE)
        return (short)(SP_POLLOUT | ((ev->flags & EV_EOF) && ev->fflags != 0 ? SP_POLLERR : 0));
    bool asked = (packed & KQ_UDATA_IN) != 0;
    if (ev->flags & EV_EOF) {
        /* The end of input, with or without data still to read (data holds
         * what is left): readable, and hung up; fflags is the socket's error. */
        short revents = (short)(SP_POLLHUP | (ev->fflags != 0 ? SP_POLLERR : 0));
        return asked ? (short)(revents | SP_POLLIN) : revents;
    }
    if (asked)
        return SP_POLLIN;
    /* Not asked: a socket's unmet low-water mark fires for an error, with
     * nothing to read; with bytes to read it is macOS capping the mark at the
     * buffer's size (a full buffer), not an error. A descriptor's filter says
     * only that its input changed. */
    return (packed & KQ_UDATA_NATIVE) || ev->data > 0 ? 0 : SP_POLLERR;
}

int sp_posix_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                         int timeout_ms)
{
    (void)state;
    struct kevent evs[POSIX_POLLER_BATCH];
    int room = max < POSIX_POLLER_BATCH ? (int)max : POSIX_POLLER_BATCH;
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    int n;
    do {
        n = kevent(kq_of(poller)->kq, NULL, 0, evs, room, timeout_ms < 0 ? NULL : &ts);
    } while (n < 0 && errno == EINTR && timeout_ms < 0);
    if (n < 0)
        return errno == EINTR ? 0 : poller_fail(errno);
    /* One event per filter: a descriptor ready both ways is one entry. */
    int stored = 0;
    for (int i = 0; i < n; i++) {
        short revents = kq_revents(&evs[i]);
        if (revents == 0)
            continue;
        sp_poller_event ev;
        set_event(&ev, kq_key((uintptr_t)evs[i].udata), revents);
        int k = 0;
        while (k < stored && (out[k].sock != ev.sock || out[k].fd != ev.fd))
            k++;
        if (k == stored)
            out[stored++] = ev;
        else
            out[k].revents |= revents;
    }
    return stored;
}

#endif

#if SP_POSIX_HAS_POLLER

int sp_posix_poller_ctl(void *state, sp_port_poller poller, int op, sp_port_sock sock, uint32_t key,
                        short events)
{
    (void)state;
    return ctl_fd(poller, op, sp_posix_fd_of(sock), key, events);
}

/* The kernel poller behind @p poller if it is one of this port's. */
static int native_poller(int poller, sp_port_poller *out)
{
    sp_stack *stack;
    int rc = sp_port_poller_of(poller, &stack, out);
    if (rc < 0)
        return rc;
    return stack == sp_posix_stack() ? 0 : SP_EINVAL;
}

static int fd_ctl(int poller, int op, int fd, short events)
{
    if (fd < 0)
        return SP_EBADF;
    if ((events & ~(SP_POLLIN | SP_POLLOUT)) != 0)
        return SP_EINVAL;
    sp_port_poller native;
    int rc = native_poller(poller, &native);
    if (rc < 0)
        return rc;
    return ctl_fd(native, op, fd, SP_PORT_KEY_NATIVE | (uint64_t)fd, events);
}

#else

static int fd_ctl(int poller, int op, int fd, short events)
{
    (void)op;
    if (fd < 0)
        return SP_EBADF;
    if ((events & ~(SP_POLLIN | SP_POLLOUT)) != 0)
        return SP_EINVAL;
    sp_stack *stack;
    sp_port_poller native;
    int rc = sp_port_poller_of(poller, &stack, &native);
    return rc == SP_EBADF ? rc : SP_EOPNOTSUPP;
}

#endif

int sp_posix_poller_add_fd(int poller, int fd, short events)
{
    return fd_ctl(poller, SP_PORT_POLLER_ADD, fd, events);
}

int sp_posix_poller_modify_fd(int poller, int fd, short events)
{
    return fd_ctl(poller, SP_PORT_POLLER_MODIFY, fd, events);
}

int sp_posix_poller_remove_fd(int poller, int fd)
{
    return fd_ctl(poller, SP_PORT_POLLER_REMOVE, fd, 0);
}

int sp_posix_native_fd(int sock)
{
    sp_stack *stack;
    sp_port_sock native;
    int rc = sp_port_socket_of(sock, &stack, &native);
    if (rc < 0)
        return rc;
    if (stack != sp_posix_stack())
        return SP_EINVAL;
    return sp_posix_fd_of(native);
}
