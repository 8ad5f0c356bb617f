/*
 * select() and poll() of the BSD layer, over sp_poll(). Socket descriptors
 * become sp_pollfd entries; on a host the other descriptors (files, pipes,
 * a terminal) are asked with the C library's poll() in the same wait, in
 * slices, since neither wait can see the other's descriptors.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "bsd_internal.h"

/** How long one turn of a wait on both sockets and kernel descriptors lasts. */
#define SPB_MIXED_SLICE_MS 10

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

#if SP_BSD_HOSTED
static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sockets and kernel descriptors together: alternate a look at the kernel's
 * with a slice of sp_poll() (which runs the stack) until either has news. */
static int wait_mixed(sp_pollfd *socks, size_t nsocks, struct pollfd *kernel, nfds_t nkernel,
                      int timeout_ms)
{
    long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        int ready_kernel = poll(kernel, nkernel, 0);
        if (ready_kernel < 0) {
            return -1;
        }
        long long slice = SPB_MIXED_SLICE_MS;
        if (deadline >= 0 && deadline - now_ms() < slice) {
            slice = deadline - now_ms() > 0 ? deadline - now_ms() : 0;
        }
        int ready_socks = sp_poll(socks, nsocks, ready_kernel > 0 ? 0 : (int)slice);
        if (ready_socks < 0) {
            return spb_fail(ready_socks);
        }
        if (ready_kernel > 0 || ready_socks > 0 || (deadline >= 0 && now_ms() >= deadline)) {
            return ready_kernel + ready_socks;
        }
    }
}
#endif

/* Wait for the sockets (and on a host the kernel descriptors). */
static int wait_ready(sp_pollfd *socks, size_t nsocks, struct pollfd *kernel, nfds_t nkernel,
                      int timeout_ms)
{
#if SP_BSD_HOSTED
    if (nkernel > 0) {
        return nsocks == 0 ? poll(kernel, nkernel, timeout_ms)
                           : wait_mixed(socks, nsocks, kernel, nkernel, timeout_ms);
    }
#else
    (void)kernel;
    (void)nkernel;
#endif
    int ready = sp_poll(socks, nsocks, timeout_ms);
    return ready < 0 ? spb_fail(ready) : ready;
}

int sp_bsd_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    if (fds == NULL && nfds > 0) {
        return spb_fail_errno(EFAULT);
    }
    sp_pollfd socks[SP_MAX_SOCKETS];
    nfds_t where[SP_MAX_SOCKETS];
    size_t nsocks = 0;
    nfds_t nkernel = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0) {
            continue;
        }
        int handle = spb_fd_handle(fds[i].fd);
        if (handle >= 0) {
            if (nsocks == SP_MAX_SOCKETS) {
                return spb_fail_errno(EINVAL);
            }
            socks[nsocks].sock = handle;
            socks[nsocks].events = sp_events_of(fds[i].events);
            socks[nsocks].revents = 0;
            where[nsocks++] = i;
        } else {
#if SP_BSD_HOSTED
            nkernel++;
#else
            fds[i].revents = POLLNVAL; /* ready at once, as a closed descriptor is on Linux */
            timeout = 0;
#endif
        }
    }
    /* The kernel polls the caller's array with the sockets hidden (a negative
     * fd is skipped): no copy of it is needed. */
    for (size_t j = 0; nkernel > 0 && j < nsocks; j++) {
        fds[where[j]].fd = ~fds[where[j]].fd;
    }
    int ready = wait_ready(socks, nsocks, fds, nkernel > 0 ? nfds : 0, timeout);
    int saved_errno = errno;
    for (size_t j = 0; nkernel > 0 && j < nsocks; j++) {
        fds[where[j]].fd = ~fds[where[j]].fd;
    }
    if (ready < 0) {
        return spb_fail_errno(saved_errno);
    }
    for (size_t j = 0; j < nsocks; j++) {
        fds[where[j]].revents = revents_of(socks[j].revents, fds[where[j]].events);
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

static int in_set(int fd, fd_set *set)
{
    return set != NULL && FD_ISSET(fd, set);
}

/* Set @p fd in @p set if it was asked there and @p ready; count it. */
static int report(int fd, fd_set *set, int asked, int ready)
{
    if (asked && ready) {
        FD_SET(fd, set);
        return 1;
    }
    return 0;
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
    sp_pollfd socks[SP_MAX_SOCKETS];
    int sock_fd[SP_MAX_SOCKETS];
    size_t nsocks = 0;
#if SP_BSD_HOSTED
    struct pollfd kernel[FD_SETSIZE];
#else
    struct pollfd *kernel = NULL;
#endif
    nfds_t nkernel = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events =
            (short)((in_set(fd, readfds) ? POLLIN : 0) | (in_set(fd, writefds) ? POLLOUT : 0));
        if (events == 0 && !in_set(fd, exceptfds)) {
            continue;
        }
        int handle = spb_fd_handle(fd);
        if (handle >= 0 && nsocks < SP_MAX_SOCKETS) {
            socks[nsocks].sock = handle;
            socks[nsocks].events = sp_events_of(events);
            socks[nsocks].revents = 0;
            sock_fd[nsocks++] = fd;
        } else if (handle >= 0) {
            return spb_fail_errno(EINVAL); /* cannot happen: one handle per socket */
        } else {
#if SP_BSD_HOSTED
            kernel[nkernel].fd = fd;
            kernel[nkernel].events = (short)(events | (in_set(fd, exceptfds) ? POLLPRI : 0));
            kernel[nkernel++].revents = 0;
#else
            return spb_fail_errno(EBADF);
#endif
        }
    }
    int ready = wait_ready(socks, nsocks, kernel, nkernel, timeout_ms);
    if (ready < 0) {
        return -1;
    }
    for (size_t j = 0; j < nsocks; j++) {
        if ((socks[j].revents & SP_POLLNVAL) != 0) {
            return spb_fail_errno(EBADF);
        }
    }
    for (nfds_t k = 0; k < nkernel; k++) {
        if ((kernel[k].revents & POLLNVAL) != 0) {
            return spb_fail_errno(EBADF);
        }
    }
    /* The sets now carry the answer; what was asked is in socks[] and kernel[]. */
    for (int fd = 0; fd < nfds; fd++) {
        if (readfds != NULL) {
            FD_CLR(fd, readfds);
        }
        if (writefds != NULL) {
            FD_CLR(fd, writefds);
        }
        if (exceptfds != NULL) {
            FD_CLR(fd, exceptfds);
        }
    }
    int count = 0;
    for (size_t j = 0; j < nsocks; j++) {
        short re = socks[j].revents;
        count += report(sock_fd[j], readfds, (socks[j].events & SP_POLLIN) != 0,
                        (re & (SP_POLLIN | SP_POLLHUP | SP_POLLERR)) != 0);
        count += report(sock_fd[j], writefds, (socks[j].events & SP_POLLOUT) != 0,
                        (re & (SP_POLLOUT | SP_POLLERR)) != 0);
    }
    for (nfds_t k = 0; k < nkernel; k++) {
        short re = kernel[k].revents;
        count += report(kernel[k].fd, readfds, (kernel[k].events & POLLIN) != 0,
                        (re & (POLLIN | POLLHUP | POLLERR)) != 0);
        count += report(kernel[k].fd, writefds, (kernel[k].events & POLLOUT) != 0,
                        (re & (POLLOUT | POLLERR)) != 0);
        count +=
            report(kernel[k].fd, exceptfds, (kernel[k].events & POLLPRI) != 0, (re & POLLPRI) != 0);
    }
    return count;
}
