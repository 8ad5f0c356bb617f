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
#include <sys/event.h>
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

int sp_posix_poller_open(void *state, sp_port_poller *out)
{
    (void)state;
    int fd = kqueue();
    if (fd < 0)
        return poller_fail(errno);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    *out = fd;
    return 0;
}

void sp_posix_poller_close(void *state, sp_port_poller poller)
{
    (void)state;
    close((int)poller);
}

/* kqueue keeps one filter per direction: both exist from the add on, and
 * the interest enables or disables each. */
static int ctl_fd(sp_port_poller poller, int op, int fd, uint64_t key, short events)
{
    struct kevent changes[2];
    void *udata = (void *)(uintptr_t)key;
    if (op == SP_PORT_POLLER_REMOVE) {
        EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, udata);
        EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, udata);
    } else {
        unsigned short add = op == SP_PORT_POLLER_ADD ? EV_ADD : 0;
        EV_SET(&changes[0], fd, EVFILT_READ, add | ((events & SP_POLLIN) ? EV_ENABLE : EV_DISABLE),
               0, 0, udata);
        EV_SET(&changes[1], fd, EVFILT_WRITE,
               add | ((events & SP_POLLOUT) ? EV_ENABLE : EV_DISABLE), 0, 0, udata);
    }
    if (kevent((int)poller, changes, 2, NULL, 0, NULL) < 0)
        return poller_fail(errno);
    return 0;
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
        n = kevent((int)poller, NULL, 0, evs, room, timeout_ms < 0 ? NULL : &ts);
    } while (n < 0 && errno == EINTR && timeout_ms < 0);
    if (n < 0)
        return errno == EINTR ? 0 : poller_fail(errno);
    /* A socket ready both ways comes as two events: one entry for both. */
    int stored = 0;
    for (int i = 0; i < n; i++) {
        uint64_t key = (uint64_t)(uintptr_t)evs[i].udata;
        short revents = evs[i].filter == EVFILT_READ ? SP_POLLIN : SP_POLLOUT;
        if (evs[i].flags & EV_EOF)
            revents |= evs[i].fflags != 0 ? SP_POLLERR : SP_POLLHUP;
        if (evs[i].flags & EV_ERROR)
            revents |= SP_POLLERR;
        sp_poller_event ev;
        set_event(&ev, key, revents);
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
