/*
 * The socket calls of the BSD layer: each finds the handle behind the
 * descriptor, converts flags, options and addresses, calls the sp_* function
 * and turns its code into errno (bsd_errno.c). Timeouts, blocking and
 * non-blocking behaviour are sockport's own; only the classic spellings of
 * them are made here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <sockport/bsd_syscalls.h>

#include "bsd_internal.h"

/* ------------------------------------------------------------------------ */
/* Descriptors and errors                                                   */
/* ------------------------------------------------------------------------ */

int spb_fail_errno(int err)
{
    errno = err;
    return -1;
}

int spb_fail(int sp_code)
{
    return spb_fail_errno(sp_bsd_errno(sp_code));
}

/* The handle of @p fd, or -1 with errno EBADF. */
static int handle_of(int fd)
{
    int handle = spb_fd_handle(fd);
    if (handle < 0) {
        errno = EBADF;
    }
    return handle;
}

int sp_bsd_handle(int fd)
{
    return handle_of(fd);
}

int sp_bsd_is_socket(int fd)
{
    return spb_fd_handle(fd) >= 0;
}

/* A timeout that passed is EAGAIN for the classic calls, as SO_RCVTIMEO and
 * SO_SNDTIMEO are on Linux; a stack that gave up on its own (no timeout set)
 * still says ETIMEDOUT. */
static int fail_timed(int handle, int sp_code, int timeout_option)
{
    int timeout = SP_FOREVER;
    if (sp_code == SP_ETIMEDOUT && sp_getsockopt(handle, timeout_option, &timeout) == 0 &&
        timeout != SP_FOREVER) {
        return spb_fail_errno(EAGAIN);
    }
    return spb_fail(sp_code);
}

/* ------------------------------------------------------------------------ */
/* Opening and connecting                                                   */
/* ------------------------------------------------------------------------ */

static int family_of_domain(int domain)
{
    switch (domain) {
    case AF_INET:
        return SP_AF_INET;
    case AF_INET6:
        return SP_AF_INET6;
    case AF_UNIX:
        return SP_AF_LOCAL;
    default:
        return -1;
    }
}

static int sp_type_of(int type)
{
    switch (type) {
    case SOCK_STREAM:
        return SP_SOCK_STREAM;
    case SOCK_DGRAM:
        return SP_SOCK_DGRAM;
    case SOCK_RAW:
        return SP_SOCK_RAW;
    case SOCK_SEQPACKET:
        return SP_SOCK_SEQPACKET;
    case SOCK_RDM:
        return SP_SOCK_RDM;
    default:
        return -1;
    }
}

static int sock_type_of(int sp_type)
{
    switch (sp_type) {
    case SP_SOCK_STREAM:
        return SOCK_STREAM;
    case SP_SOCK_DGRAM:
        return SOCK_DGRAM;
    case SP_SOCK_RAW:
        return SOCK_RAW;
    case SP_SOCK_SEQPACKET:
        return SOCK_SEQPACKET;
    default:
        return SOCK_RDM;
    }
}

/* Give a fresh handle a descriptor, or close it again. */
static int adopt(int handle)
{
    int fd = spb_fd_open(handle);
    if (fd < 0) {
        int err = errno;
        sp_close(handle);
        return spb_fail_errno(err);
    }
    return fd;
}

int sp_bsd_socket(int domain, int type, int protocol)
{
    int family = family_of_domain(domain);
    if (family < 0) {
        return spb_fail_errno(EAFNOSUPPORT);
    }
    int nonblock = (type & SOCK_NONBLOCK) != 0;
    /* Descriptors are never inherited by a child: SOCK_CLOEXEC is always true. */
    int sp_type = sp_type_of(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (sp_type < 0) {
        return spb_fail_errno(EINVAL);
    }
    sp_stack *stack = sp_default_stack();
    if (stack == NULL) {
        return spb_fail_errno(ENETDOWN); /* the default port did not start */
    }
    int handle = sp_socket_on(stack, family, sp_type, protocol);
    if (handle < 0) {
        return spb_fail(handle);
    }
    if (nonblock) {
        sp_setsockopt(handle, SP_OPT_NONBLOCK, 1);
    }
    return adopt(handle);
}

int sp_bsd_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    sp_addr local;
    int err = spb_addr_from_sockaddr(addr, addrlen, &local);
    if (err != 0) {
        return spb_fail_errno(err);
    }
    int rc = sp_bind(handle, &local);
    return rc < 0 ? spb_fail(rc) : 0;
}

int sp_bsd_listen(int fd, int backlog)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    int rc = sp_listen(handle, backlog);
    return rc < 0 ? spb_fail(rc) : 0;
}

/* Linux copies these from the listener to the accepted socket; sockport
 * starts every accepted socket fresh. */
static void inherit_options(int listener, int accepted)
{
    static const int inherited[] = {SP_OPT_RCVTIMEO, SP_OPT_SNDTIMEO, SP_OPT_KEEPALIVE,
                                    SP_OPT_NODELAY};
    for (size_t i = 0; i < sizeof inherited / sizeof inherited[0]; i++) {
        int value;
        if (sp_getsockopt(listener, inherited[i], &value) == 0) {
            sp_setsockopt(accepted, inherited[i], value);
        }
    }
}

int sp_bsd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    if (addr != NULL && addrlen == NULL) {
        return spb_fail_errno(EINVAL);
    }
    sp_addr peer;
    int accepted = sp_accept(handle, &peer);
    if (accepted < 0) {
        return fail_timed(handle, accepted, SP_OPT_RCVTIMEO);
    }
    inherit_options(handle, accepted);
    int new_fd = adopt(accepted);
    if (new_fd >= 0 && addr != NULL) {
        spb_addr_to_sockaddr(&peer, addr, addrlen);
    }
    return new_fd;
}

int sp_bsd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    sp_addr peer;
    int err = spb_addr_from_sockaddr(addr, addrlen, &peer);
    if (err != 0) {
        return spb_fail_errno(err);
    }
    int rc = sp_connect(handle, &peer);
    if (rc == 0) {
        return 0;
    }
    /* Linux: a connect cut short by SO_SNDTIMEO is still in progress. */
    int timeout = SP_FOREVER;
    if (rc == SP_ETIMEDOUT && sp_getsockopt(handle, SP_OPT_SNDTIMEO, &timeout) == 0 &&
        timeout != SP_FOREVER) {
        return spb_fail_errno(EINPROGRESS);
    }
    return spb_fail(rc);
}

/* ------------------------------------------------------------------------ */
/* Data                                                                     */
/* ------------------------------------------------------------------------ */

/* MSG_* to SP_MSG_*; -1 for a flag sockport cannot honour. */
static int sp_flags_of(int flags, int allowed)
{
    if ((flags & ~allowed) != 0) {
        return -1;
    }
    int sp_flags = 0;
    sp_flags |= (flags & MSG_PEEK) != 0 ? SP_MSG_PEEK : 0;
    sp_flags |= (flags & MSG_DONTWAIT) != 0 ? SP_MSG_DONTWAIT : 0;
    sp_flags |= (flags & MSG_TRUNC) != 0 ? SP_MSG_TRUNC : 0;
    return sp_flags;
}

ssize_t sp_bsd_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
                      socklen_t destlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    int sp_flags = sp_flags_of(flags, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sp_flags < 0) {
        return spb_fail_errno(EOPNOTSUPP);
    }
    if (buf == NULL && len > 0) {
        return spb_fail_errno(EFAULT);
    }
    ptrdiff_t rc;
    if (dest == NULL) {
        rc = sp_send(handle, buf, len, sp_flags);
    } else {
        sp_addr to;
        int err = spb_addr_from_sockaddr(dest, destlen, &to);
        if (err != 0) {
            return spb_fail_errno(err);
        }
        rc = sp_sendto(handle, buf, len, sp_flags, &to);
    }
    return rc < 0 ? fail_timed(handle, (int)rc, SP_OPT_SNDTIMEO) : rc;
}

ssize_t sp_bsd_send(int fd, const void *buf, size_t len, int flags)
{
    return sp_bsd_sendto(fd, buf, len, flags, NULL, 0);
}

/* MSG_WAITALL on a stream: keep receiving until @p len bytes, the end of the
 * stream, an error or a timeout; bytes already received win over the error. */
static ptrdiff_t recv_all(int handle, unsigned char *buf, size_t len, int sp_flags)
{
    size_t got = 0;
    while (got < len) {
        ptrdiff_t rc = sp_recv(handle, buf + got, len - got, sp_flags);
        if (rc <= 0) {
            return got > 0 ? (ptrdiff_t)got : rc;
        }
        got += (size_t)rc;
    }
    return (ptrdiff_t)got;
}

ssize_t sp_bsd_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
                        socklen_t *addrlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    int sp_flags = sp_flags_of(flags, MSG_PEEK | MSG_DONTWAIT | MSG_TRUNC | MSG_WAITALL);
    if (sp_flags < 0) {
        return spb_fail_errno(EOPNOTSUPP);
    }
    if (buf == NULL && len > 0) {
        return spb_fail_errno(EFAULT);
    }
    if (addr != NULL && addrlen == NULL) {
        return spb_fail_errno(EINVAL);
    }
    int type = SP_SOCK_STREAM;
    sp_getsockopt(handle, SP_OPT_TYPE, &type);
    int stream = type == SP_SOCK_STREAM;
    if (stream && len == 0) {
        return 0; /* sockport calls an empty stream read invalid; read(2) returns 0 */
    }
    ptrdiff_t rc;
    sp_addr from;
    if (stream && (flags & MSG_WAITALL) != 0 && (sp_flags & SP_MSG_PEEK) == 0) {
        rc = recv_all(handle, buf, len, sp_flags);
    } else {
        rc = sp_recvfrom(handle, buf, len, sp_flags, addr != NULL ? &from : NULL);
    }
    if (rc < 0) {
        return fail_timed(handle, (int)rc, SP_OPT_RCVTIMEO);
    }
    if (addr != NULL) {
        if (stream) {
            *addrlen = 0; /* Linux tells no address on a stream */
        } else {
            spb_addr_to_sockaddr(&from, addr, addrlen);
        }
    }
    return rc;
}

ssize_t sp_bsd_recv(int fd, void *buf, size_t len, int flags)
{
    return sp_bsd_recvfrom(fd, buf, len, flags, NULL, NULL);
}

int sp_bsd_shutdown(int fd, int how)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    int sp_how;
    switch (how) {
    case SHUT_RD:
        sp_how = SP_SHUT_RD;
        break;
    case SHUT_WR:
        sp_how = SP_SHUT_WR;
        break;
    case SHUT_RDWR:
        sp_how = SP_SHUT_RDWR;
        break;
    default:
        return spb_fail_errno(EINVAL);
    }
    int rc = sp_shutdown(handle, sp_how);
    return rc < 0 ? spb_fail(rc) : 0;
}

static int socket_name(int fd, struct sockaddr *addr, socklen_t *addrlen,
                       int (*get)(int, sp_addr *))
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    if (addr == NULL || addrlen == NULL) {
        return spb_fail_errno(EFAULT);
    }
    sp_addr name;
    int rc = get(handle, &name);
    if (rc < 0) {
        return spb_fail(rc);
    }
    spb_addr_to_sockaddr(&name, addr, addrlen);
    return 0;
}

int sp_bsd_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return socket_name(fd, addr, addrlen, sp_getsockname);
}

int sp_bsd_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return socket_name(fd, addr, addrlen, sp_getpeername);
}

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/* The sp option for an int-valued (level, name); 0 if it is not one. */
static int int_option(int level, int optname)
{
    if (level == SOL_SOCKET) {
        switch (optname) {
        case SO_REUSEADDR:
            return SP_OPT_REUSEADDR;
        case SO_KEEPALIVE:
            return SP_OPT_KEEPALIVE;
        case SO_BROADCAST:
            return SP_OPT_BROADCAST;
        case SO_RCVBUF:
            return SP_OPT_RCVBUF;
        case SO_SNDBUF:
            return SP_OPT_SNDBUF;
        case SO_ERROR:
            return SP_OPT_ERROR;
        case SO_TYPE:
            return SP_OPT_TYPE;
        default:
            return 0;
        }
    }
    if (level == IPPROTO_TCP && optname == TCP_NODELAY) {
        return SP_OPT_NODELAY;
    }
    if (level == IPPROTO_IPV6 && optname == IPV6_V6ONLY) {
        return SP_OPT_V6ONLY;
    }
    return 0;
}

static int is_boolean(int option)
{
    return option == SP_OPT_REUSEADDR || option == SP_OPT_KEEPALIVE || option == SP_OPT_BROADCAST ||
           option == SP_OPT_NODELAY || option == SP_OPT_V6ONLY;
}

static int timeout_option(int level, int optname)
{
    if (level != SOL_SOCKET) {
        return 0;
    }
    return optname == SO_RCVTIMEO ? SP_OPT_RCVTIMEO : optname == SO_SNDTIMEO ? SP_OPT_SNDTIMEO : 0;
}

/* struct timeval to sockport milliseconds, or -1 with errno. {0, 0} is
 * "forever"; a negative time does not wait at all, as on Linux. */
static int timeval_to_ms(const struct timeval *tv, int *ms)
{
    if (tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
        return spb_fail_errno(EDOM);
    }
    if (tv->tv_sec == 0 && tv->tv_usec == 0) {
        *ms = SP_FOREVER;
    } else if (tv->tv_sec < 0) {
        *ms = 0;
    } else if (tv->tv_sec >= INT_MAX / 1000 - 1) {
        *ms = INT_MAX;
    } else {
        *ms = (int)tv->tv_sec * 1000 + (int)((tv->tv_usec + 999) / 1000);
    }
    return 0;
}

int sp_bsd_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    if (optval == NULL) {
        return spb_fail_errno(EFAULT);
    }
    int option = int_option(level, optname);
    int value;
    if (option != 0 && option != SP_OPT_ERROR && option != SP_OPT_TYPE) {
        if (optlen < (socklen_t)sizeof(int)) {
            return spb_fail_errno(EINVAL);
        }
        memcpy(&value, optval, sizeof value);
        if (is_boolean(option)) {
            value = value != 0;
        } else if (value < 0) {
            return spb_fail_errno(EINVAL);
        }
    } else if ((option = timeout_option(level, optname)) != 0) {
        struct timeval tv;
        if (optlen < (socklen_t)sizeof tv) {
            return spb_fail_errno(EINVAL);
        }
        memcpy(&tv, optval, sizeof tv);
        if (timeval_to_ms(&tv, &value) < 0) {
            return -1;
        }
    } else if (level == SOL_SOCKET && optname == SO_LINGER) {
        struct linger lg;
        if (optlen < (socklen_t)sizeof lg) {
            return spb_fail_errno(EINVAL);
        }
        memcpy(&lg, optval, sizeof lg);
        option = SP_OPT_LINGER;
        value = lg.l_onoff == 0 ? -1 : lg.l_linger < 0 ? 0 : lg.l_linger;
    } else {
        return spb_fail_errno(ENOPROTOOPT);
    }
    int rc = sp_setsockopt(handle, option, value);
    return rc < 0 ? spb_fail(rc) : 0;
}

/* Copy an option's value out, truncated to the caller's room like Linux. */
static int give_option(void *optval, socklen_t *optlen, const void *value, socklen_t size)
{
    if (*optlen < size) {
        return spb_fail_errno(EINVAL);
    }
    memcpy(optval, value, size);
    *optlen = size;
    return 0;
}

int sp_bsd_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    if (optval == NULL || optlen == NULL) {
        return spb_fail_errno(EFAULT);
    }
    int option = int_option(level, optname);
    int is_timeout = 0;
    if (option == 0) {
        option = timeout_option(level, optname);
        is_timeout = option != 0;
    }
    if (option == 0 && level == SOL_SOCKET && optname == SO_LINGER) {
        option = SP_OPT_LINGER;
    }
    if (option == 0) {
        return spb_fail_errno(ENOPROTOOPT);
    }
    int value;
    int rc = sp_getsockopt(handle, option, &value);
    if (rc < 0) {
        return spb_fail(rc);
    }
    if (is_timeout) {
        struct timeval tv = {0, 0};
        if (value != SP_FOREVER) {
            tv.tv_sec = value / 1000;
            tv.tv_usec = (value % 1000) * 1000;
        }
        return give_option(optval, optlen, &tv, sizeof tv);
    }
    if (option == SP_OPT_LINGER) {
        struct linger lg = {value >= 0, value >= 0 ? value : 0};
        return give_option(optval, optlen, &lg, sizeof lg);
    }
    if (option == SP_OPT_ERROR) {
        value = value < 0 ? sp_bsd_errno(value) : 0;
    } else if (option == SP_OPT_TYPE) {
        value = sock_type_of(value);
    }
    return give_option(optval, optlen, &value, sizeof value);
}

/* ------------------------------------------------------------------------ */
/* fcntl and ioctl on sockets                                               */
/* ------------------------------------------------------------------------ */

static int socket_fcntl(int handle, int cmd, int arg)
{
    int nonblock = 0;
    switch (cmd) {
    case F_GETFL:
        sp_getsockopt(handle, SP_OPT_NONBLOCK, &nonblock);
        return O_RDWR | (nonblock ? O_NONBLOCK : 0);
    case F_SETFL: {
        int rc = sp_setsockopt(handle, SP_OPT_NONBLOCK, (arg & O_NONBLOCK) != 0);
        return rc < 0 ? spb_fail(rc) : 0;
    }
    case F_GETFD:
        return 0;
    case F_SETFD:
        return 0;
    default:
        return spb_fail_errno(EINVAL);
    }
}

/* FIONREAD: the next message's length, or what a stream has waiting (peeked,
 * at most SP_BSD_FIONREAD_MAX). */
static int bytes_waiting(int handle)
{
    static unsigned char peek[SP_BSD_FIONREAD_MAX];
    int type = SP_SOCK_STREAM;
    sp_getsockopt(handle, SP_OPT_TYPE, &type);
    int stream = type == SP_SOCK_STREAM;
    ptrdiff_t rc = sp_recv(handle, peek, stream ? sizeof peek : 0,
                           SP_MSG_PEEK | SP_MSG_DONTWAIT | (stream ? 0 : SP_MSG_TRUNC));
    if (rc == SP_EAGAIN || rc == SP_ENOTCONN || rc == SP_EINVAL) {
        return 0;
    }
    return rc < 0 ? spb_fail(rc) : (int)rc;
}

static int socket_ioctl(int handle, unsigned long request, int *arg)
{
    if (request != (unsigned long)FIONBIO && request != (unsigned long)FIONREAD) {
        return spb_fail_errno(ENOTTY);
    }
    if (arg == NULL) {
        return spb_fail_errno(EFAULT);
    }
    if (request == (unsigned long)FIONBIO) {
        int rc = sp_setsockopt(handle, SP_OPT_NONBLOCK, *arg != 0);
        return rc < 0 ? spb_fail(rc) : 0;
    }
    int waiting = bytes_waiting(handle);
    if (waiting < 0) {
        return -1;
    }
    *arg = waiting;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* read, write, close, fcntl, ioctl: the C library's own on other descriptors */
/* ------------------------------------------------------------------------ */

#if SP_BSD_HOSTED

ssize_t sp_bsd_read(int fd, void *buf, size_t len)
{
    return spb_fd_handle(fd) >= 0 ? sp_bsd_recv(fd, buf, len, 0) : read(fd, buf, len);
}

ssize_t sp_bsd_write(int fd, const void *buf, size_t len)
{
    return spb_fd_handle(fd) >= 0 ? sp_bsd_send(fd, buf, len, 0) : write(fd, buf, len);
}

/* fcntl()'s third argument is an int, a pointer or absent depending on the
 * command: pass on exactly what the caller passed. */
static int kernel_fcntl(int fd, int cmd, va_list ap)
{
    switch (cmd) {
    case F_GETFD:
    case F_GETFL:
    case F_GETOWN:
        return fcntl(fd, cmd);
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
        return fcntl(fd, cmd, va_arg(ap, void *));
    default:
        return fcntl(fd, cmd, va_arg(ap, int));
    }
}

int sp_bsd_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int handle = spb_fd_handle(fd);
    int rc;
    if (handle < 0) {
        rc = kernel_fcntl(fd, cmd, ap);
    } else {
        rc = socket_fcntl(handle, cmd, cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0);
    }
    va_end(ap);
    return rc;
}

int sp_bsd_ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int handle = spb_fd_handle(fd);
    return handle < 0 ? ioctl(fd, request, arg) : socket_ioctl(handle, request, arg);
}

#else /* bare metal: the C library knows no other descriptors than the console */

ssize_t sp_bsd_read(int fd, void *buf, size_t len)
{
    return sp_bsd_recv(fd, buf, len, 0);
}

ssize_t sp_bsd_write(int fd, const void *buf, size_t len)
{
    return sp_bsd_send(fd, buf, len, 0);
}

int sp_bsd_fcntl(int fd, int cmd, ...)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    va_list ap;
    va_start(ap, cmd);
    int arg = cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0;
    va_end(ap);
    return socket_fcntl(handle, cmd, arg);
}

int sp_bsd_ioctl(int fd, unsigned long request, ...)
{
    int handle = handle_of(fd);
    if (handle < 0) {
        return -1;
    }
    va_list ap;
    va_start(ap, request);
    int *arg = va_arg(ap, int *);
    va_end(ap);
    return socket_ioctl(handle, request, arg);
}

#endif

int sp_bsd_close(int fd)
{
    int handle = spb_fd_handle(fd);
    if (handle < 0) {
#if SP_BSD_HOSTED
        return close(fd);
#else
        return spb_fail_errno(EBADF);
#endif
    }
    /* A handle that died with its stack (SP_EBADF) still frees the descriptor. */
    sp_close(handle);
    spb_fd_release(fd);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* The board's system calls (<sockport/bsd_syscalls.h>)                     */
/* ------------------------------------------------------------------------ */

static int clamp_int(ptrdiff_t n)
{
    return n > INT_MAX ? INT_MAX : (int)n;
}

int sp_bsd_sys_read(int fd, void *buf, int len)
{
    if (len < 0) {
        return spb_fail_errno(EINVAL);
    }
    return clamp_int(sp_bsd_recv(fd, buf, (size_t)len, 0));
}

int sp_bsd_sys_write(int fd, const void *buf, int len)
{
    if (len < 0) {
        return spb_fail_errno(EINVAL);
    }
    return clamp_int(sp_bsd_send(fd, buf, (size_t)len, 0));
}

int sp_bsd_sys_close(int fd)
{
    return sp_bsd_close(fd);
}

int sp_bsd_sys_fcntl(int fd, int cmd, int arg)
{
    int handle = handle_of(fd);
    return handle < 0 ? -1 : socket_fcntl(handle, cmd, arg);
}
