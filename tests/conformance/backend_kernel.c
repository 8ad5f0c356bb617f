/*
 * The reference backend: the same steps as plain BSD calls on the Linux
 * kernel, with nothing of sockport's ports in between. Arguments go from
 * sockport's terms to the kernel's; a failure comes back as the sockport code
 * of the same name (ECONNREFUSED is SP_ECONNREFUSED), with the kernel's own
 * name kept for the docs. The few kernel codes without a namesake are read
 * by meaning in cf_kernel_synonyms.
 */
#define _GNU_SOURCE /* strerrorname_np */

#include "conformance.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend_kernel.h"

/* Kernel codes whose sockport namesake does not exist, by meaning. */
static const struct {
    int native;
    int code;
} cf_kernel_synonyms[] = {
    {EPERM, SP_EACCES},               /* raw socket without CAP_NET_RAW */
    {ENOTSOCK, SP_EBADF},             /* a descriptor that is no socket: not a socket handle */
    {EFAULT, SP_EINVAL},              /* a NULL pointer */
    {EPROTOTYPE, SP_EPROTONOSUPPORT}, /* protocol that does not fit the type */
    {ESOCKTNOSUPPORT, SP_EPROTONOSUPPORT},
    {ENOMEM, SP_ENOBUFS},
};

/* What the kernel backend remembers per descriptor: whether a timeout is set,
 * which turns the kernel's EAGAIN of a blocking call into "timed out". */
#define CF_KERNEL_FDS 1024
static signed char cf_rcv_timeout[CF_KERNEL_FDS], cf_snd_timeout[CF_KERNEL_FDS];
static char cf_native[32];

static int cf_code_of_name(const char *name)
{
    char wanted[40];
    snprintf(wanted, sizeof wanted, "SP_%s", name);
    for (int code = -1; code >= -64; code--) {
        if (strcmp(sp_err_name(code), wanted) == 0)
            return code;
    }
    return 0;
}

/* The sockport code of errno @p err; remembers the kernel's name. */
static long cf_fail(int err)
{
    const char *name = strerrorname_np(err);
    snprintf(cf_native, sizeof cf_native, "%s", name != NULL ? name : "E?");
    for (size_t i = 0; i < sizeof cf_kernel_synonyms / sizeof cf_kernel_synonyms[0]; i++) {
        if (cf_kernel_synonyms[i].native == err)
            return cf_kernel_synonyms[i].code;
    }
    int code = name != NULL ? cf_code_of_name(name) : 0;
    return code != 0 ? code : SP_EIO;
}

static long cf_result(long rc)
{
    return rc < 0 ? cf_fail(errno) : rc;
}

static bool cf_fd_ok(int h)
{
    return h >= 0 && h < CF_KERNEL_FDS;
}

/* A blocking call that ran into its SO_RCVTIMEO / SO_SNDTIMEO: the kernel
 * says EAGAIN (EINPROGRESS for connect), sockport's name for it is
 * SP_ETIMEDOUT. */
static long cf_timed(int h, long rc, bool receiving, int flags, int would_block)
{
    if (rc >= 0 || errno != would_block || !cf_fd_ok(h) || (flags & MSG_DONTWAIT))
        return cf_result(rc);
    bool timeout = receiving ? cf_rcv_timeout[h] : cf_snd_timeout[h];
    int fl = fcntl(h, F_GETFL);
    if (!timeout || fl < 0 || (fl & O_NONBLOCK))
        return cf_result(rc);
    long code = cf_fail(errno);
    snprintf(cf_native, sizeof cf_native, "%s (timeout)", strerrorname_np(would_block));
    (void)code;
    return SP_ETIMEDOUT;
}

static int cf_native_family(int family)
{
    switch (family) {
    case SP_AF_UNSPEC:
        return AF_UNSPEC;
    case SP_AF_INET:
        return AF_INET;
    case SP_AF_INET6:
        return AF_INET6;
    case SP_AF_LOCAL:
        return AF_UNIX;
    default:
        return 200 + family; /* no family of the kernel's */
    }
}

static int cf_sp_family(int native)
{
    return native == AF_INET    ? SP_AF_INET
           : native == AF_INET6 ? SP_AF_INET6
           : native == AF_UNIX  ? SP_AF_LOCAL
                                : -1;
}

static bool cf_as_carriers;

void cf_kernel_services_as_carriers(bool on)
{
    cf_as_carriers = on;
}

static int cf_native_type(int type)
{
    switch (type) {
    case SP_SOCK_STREAM:
        return SOCK_STREAM;
    case SP_SOCK_DGRAM:
        return SOCK_DGRAM;
    case SP_SOCK_RAW:
        return SOCK_RAW;
    case SP_SOCK_SEQPACKET:
        return cf_as_carriers ? SOCK_STREAM : SOCK_SEQPACKET;
    case SP_SOCK_RDM:
        return cf_as_carriers ? SOCK_DGRAM : SOCK_RDM;
    default:
        return type;
    }
}

static int cf_sp_type(int native)
{
    switch (native) {
    case SOCK_STREAM:
        return SP_SOCK_STREAM;
    case SOCK_DGRAM:
        return SP_SOCK_DGRAM;
    case SOCK_RAW:
        return SP_SOCK_RAW;
    case SOCK_SEQPACKET:
        return SP_SOCK_SEQPACKET;
    default:
        return -1;
    }
}

static int cf_native_flags(int flags)
{
    return ((flags & SP_MSG_PEEK) ? MSG_PEEK : 0) | ((flags & SP_MSG_DONTWAIT) ? MSG_DONTWAIT : 0) |
           ((flags & SP_MSG_TRUNC) ? MSG_TRUNC : 0);
}

/* The reference side converts addresses itself, not with the BSD layer's
 * spb_addr_* or the POSIX port's sp_posix_* (both under test): a flaw there
 * must show as a disagreement with Linux, not appear on both sides. */

/* sp_addr -> sockaddr; the length is the family's own. */
static socklen_t cf_to_native(const sp_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == SP_AF_UNSPEC) {
        ss->ss_family = AF_UNSPEC;
        return sizeof(struct sockaddr);
    }
    if (a->family == SP_AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)ss;
        in->sin_family = AF_INET;
        in->sin_port = htons(a->port);
        memcpy(&in->sin_addr, a->u.v4, 4);
        /* sockaddr_in6's length, as a program with a sockaddr_storage passes:
         * then an IPv6 socket judges the family, not the length. */
        return sizeof(struct sockaddr_in6);
    }
    if (a->family == SP_AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(a->port);
        in6->sin6_scope_id = a->scope_id;
        memcpy(&in6->sin6_addr, a->u.v6, 16);
        return sizeof *in6;
    }
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    un->sun_family = AF_UNIX;
    snprintf(un->sun_path, sizeof un->sun_path, "%s", a->u.path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un->sun_path) + 1);
}

static void cf_from_native(const struct sockaddr_storage *ss, socklen_t len, sp_addr *out)
{
    memset(out, 0, sizeof *out);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        out->family = SP_AF_INET;
        out->port = ntohs(in->sin_port);
        memcpy(out->u.v4, &in->sin_addr, 4);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
        out->family = SP_AF_INET6;
        out->port = ntohs(in6->sin6_port);
        out->scope_id = in6->sin6_scope_id;
        memcpy(out->u.v6, &in6->sin6_addr, 16);
    } else if (ss->ss_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)ss;
        out->family = SP_AF_LOCAL;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? len - offsetof(struct sockaddr_un, sun_path)
                       : 0;
        if (n >= sizeof out->u.path)
            n = sizeof out->u.path - 1;
        memcpy(out->u.path, un->sun_path, n);
        out->u.path[n] = '\0';
    } else {
        out->family = 0xEF;
    }
}

/* The row's epoll instance, made before any socket: made later, it could
 * take the number of a socket a step closed, which a later step still uses. */
static int cf_epoll = -1;

static int k_begin(void *ctx)
{
    (void)ctx;
    cf_epoll = epoll_create1(EPOLL_CLOEXEC);
    return cf_epoll < 0 ? (int)cf_fail(errno) : 0;
}

static void k_end(void *ctx)
{
    (void)ctx;
    if (cf_epoll >= 0)
        close(cf_epoll);
    cf_epoll = -1;
}

static long k_socket(void *ctx, int family, int type, int protocol)
{
    (void)ctx;
    int fd = socket(cf_native_family(family), cf_native_type(type), protocol);
    if (fd >= 0 && cf_fd_ok(fd))
        cf_rcv_timeout[fd] = cf_snd_timeout[fd] = 0;
    return cf_result(fd);
}

static long k_close(void *ctx, int h)
{
    (void)ctx;
    return cf_result(close(h));
}

static long k_bind(void *ctx, int h, const sp_addr *addr)
{
    (void)ctx;
    struct sockaddr_storage ss;
    if (addr == NULL)
        return cf_result(bind(h, NULL, sizeof(struct sockaddr_in6)));
    socklen_t len = cf_to_native(addr, &ss);
    return cf_result(bind(h, (struct sockaddr *)&ss, len));
}

static long k_listen(void *ctx, int h, int backlog)
{
    (void)ctx;
    return cf_result(listen(h, backlog));
}

static long k_accept(void *ctx, int h, sp_addr *peer)
{
    (void)ctx;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept(h, (struct sockaddr *)&ss, &len);
    if (fd < 0)
        return cf_timed(h, fd, true, 0, EAGAIN);
    if (cf_fd_ok(fd))
        cf_rcv_timeout[fd] = cf_snd_timeout[fd] = 0;
    if (peer != NULL)
        cf_from_native(&ss, len, peer);
    return fd;
}

static long k_connect(void *ctx, int h, const sp_addr *addr)
{
    (void)ctx;
    struct sockaddr_storage ss;
    if (addr == NULL)
        return cf_result(connect(h, NULL, sizeof(struct sockaddr_in6)));
    socklen_t len = cf_to_native(addr, &ss);
    return cf_timed(h, connect(h, (struct sockaddr *)&ss, len), false, 0, EINPROGRESS);
}

static long k_sendto(void *ctx, int h, const void *buf, size_t len, int flags, const sp_addr *to)
{
    (void)ctx;
    int native = cf_native_flags(flags) | MSG_NOSIGNAL;
    if (to == NULL)
        return cf_timed(h, send(h, buf, len, native), false, native, EAGAIN);
    struct sockaddr_storage ss;
    socklen_t sl = cf_to_native(to, &ss);
    return cf_timed(h, sendto(h, buf, len, native, (struct sockaddr *)&ss, sl), false, native,
                    EAGAIN);
}

static long k_recvfrom(void *ctx, int h, void *buf, size_t len, int flags, sp_addr *from)
{
    (void)ctx;
    int native = cf_native_flags(flags);
    if (from == NULL)
        return cf_timed(h, recv(h, buf, len, native), true, native, EAGAIN);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl = sizeof ss;
    long rc = recvfrom(h, buf, len, native, (struct sockaddr *)&ss, &sl);
    if (rc >= 0 && sl > 0)
        cf_from_native(&ss, sl, from);
    return cf_timed(h, rc, true, native, EAGAIN);
}

static long k_shutdown(void *ctx, int h, int how)
{
    (void)ctx;
    int native = how == SP_SHUT_RD     ? SHUT_RD
                 : how == SP_SHUT_WR   ? SHUT_WR
                 : how == SP_SHUT_RDWR ? SHUT_RDWR
                                       : how + 100;
    return cf_result(shutdown(h, native));
}

static long k_name(int h, sp_addr *out, bool peer)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int rc = peer ? getpeername(h, (struct sockaddr *)&ss, &sl)
                  : getsockname(h, (struct sockaddr *)&ss, &sl);
    if (rc < 0)
        return cf_fail(errno);
    if (out == NULL)
        return SP_EINVAL;
    cf_from_native(&ss, sl, out);
    return 0;
}

static long k_getsockname(void *ctx, int h, sp_addr *out)
{
    (void)ctx;
    return k_name(h, out, false);
}

static long k_getpeername(void *ctx, int h, sp_addr *out)
{
    (void)ctx;
    return k_name(h, out, true);
}

/* Where each portable option lives in the kernel. */
struct cf_kernel_opt {
    int option, level, name;
};

static const struct cf_kernel_opt cf_kernel_opts[] = {
    {SP_OPT_REUSEADDR, SOL_SOCKET, SO_REUSEADDR}, {SP_OPT_NODELAY, IPPROTO_TCP, TCP_NODELAY},
    {SP_OPT_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE}, {SP_OPT_BROADCAST, SOL_SOCKET, SO_BROADCAST},
    {SP_OPT_RCVBUF, SOL_SOCKET, SO_RCVBUF},       {SP_OPT_SNDBUF, SOL_SOCKET, SO_SNDBUF},
    {SP_OPT_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY},
};

static long k_set_timeout(int h, int option, int ms)
{
    /* sockport's 0 ("do not wait") is the kernel's shortest wait; -1 is none. */
    struct timeval tv = {0, 0};
    if (ms == 0)
        tv.tv_usec = 1;
    else if (ms > 0) {
        tv.tv_sec = ms / 1000;
        tv.tv_usec = (ms % 1000) * 1000;
    }
    bool rcv = option == SP_OPT_RCVTIMEO;
    if (setsockopt(h, SOL_SOCKET, rcv ? SO_RCVTIMEO : SO_SNDTIMEO, &tv, sizeof tv) < 0)
        return cf_fail(errno);
    if (cf_fd_ok(h))
        (rcv ? cf_rcv_timeout : cf_snd_timeout)[h] = ms >= 0;
    return 0;
}

static long k_setopt(void *ctx, int h, int option, int value)
{
    (void)ctx;
    if (option == SP_OPT_NONBLOCK) {
        int fl = fcntl(h, F_GETFL);
        if (fl < 0)
            return cf_fail(errno);
        return cf_result(fcntl(h, F_SETFL, value ? fl | O_NONBLOCK : fl & ~O_NONBLOCK));
    }
    if (option == SP_OPT_RCVTIMEO || option == SP_OPT_SNDTIMEO)
        return k_set_timeout(h, option, value);
    if (option == SP_OPT_LINGER) {
        struct linger lg = {value >= 0, value >= 0 ? value : 0};
        return cf_result(setsockopt(h, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    }
    for (size_t i = 0; i < sizeof cf_kernel_opts / sizeof cf_kernel_opts[0]; i++) {
        if (cf_kernel_opts[i].option == option)
            return cf_result(setsockopt(h, cf_kernel_opts[i].level, cf_kernel_opts[i].name, &value,
                                        sizeof value));
    }
    snprintf(cf_native, sizeof cf_native, "(no such option)");
    return SP_EINVAL;
}

static long k_getint(int h, int level, int name, int *value)
{
    socklen_t len = sizeof *value;
    return cf_result(getsockopt(h, level, name, value, &len));
}

static long k_getopt(void *ctx, int h, int option, int *value)
{
    (void)ctx;
    int native = 0;
    long rc;
    switch (option) {
    case SP_OPT_NONBLOCK:
        rc = fcntl(h, F_GETFL);
        if (rc < 0)
            return cf_fail(errno);
        *value = (rc & O_NONBLOCK) != 0;
        return 0;
    case SP_OPT_LINGER: {
        struct linger lg;
        socklen_t len = sizeof lg;
        if (getsockopt(h, SOL_SOCKET, SO_LINGER, &lg, &len) < 0)
            return cf_fail(errno);
        *value = lg.l_onoff ? lg.l_linger : -1;
        return 0;
    }
    case SP_OPT_ERROR:
        rc = k_getint(h, SOL_SOCKET, SO_ERROR, &native);
        if (rc == 0)
            *value = native == 0 ? 0 : (int)cf_fail(native);
        return rc;
    case SP_OPT_TYPE:
        rc = k_getint(h, SOL_SOCKET, SO_TYPE, &native);
        if (rc == 0)
            *value = cf_sp_type(native);
        return rc;
    case SP_OPT_FAMILY:
        rc = k_getint(h, SOL_SOCKET, SO_DOMAIN, &native);
        if (rc == 0)
            *value = cf_sp_family(native);
        return rc;
    default:
        break;
    }
    for (size_t i = 0; i < sizeof cf_kernel_opts / sizeof cf_kernel_opts[0]; i++) {
        if (cf_kernel_opts[i].option == option) {
            rc = k_getint(h, cf_kernel_opts[i].level, cf_kernel_opts[i].name, &native);
            if (rc == 0)
                *value = option == SP_OPT_RCVBUF || option == SP_OPT_SNDBUF ? native : native != 0;
            return rc;
        }
    }
    snprintf(cf_native, sizeof cf_native, "(no such option)");
    return SP_EINVAL;
}

/* poll()'s (and epoll's, which has the same values) bits in sockport's terms:
 * written here again rather than taken from the POSIX port, so that a slip in
 * the port's translation shows as a difference instead of hiding in both. */
static long k_revents(unsigned native)
{
    long revents = 0;
    if (native & POLLIN)
        revents |= SP_POLLIN;
    if (native & POLLOUT)
        revents |= SP_POLLOUT;
    if (native & POLLERR)
        revents |= SP_POLLERR;
    /* "The peer closed its side" is POLLRDHUP, asked for by the callers;
     * sockport reports it as SP_POLLHUP (docs/porting.md). */
    if (native & (POLLHUP | POLLRDHUP))
        revents |= SP_POLLHUP;
    if (native & POLLNVAL)
        revents |= SP_POLLNVAL;
    return revents;
}

static long k_poll(void *ctx, int h, int events)
{
    (void)ctx;
    struct pollfd pfd = {h,
                         (short)(((events & SP_POLLIN) ? POLLIN : 0) |
                                 ((events & SP_POLLOUT) ? POLLOUT : 0) | POLLRDHUP),
                         0};
    int rc = poll(&pfd, 1, 0);
    if (rc < 0)
        return cf_fail(errno);
    return k_revents((unsigned short)pfd.revents);
}

static long k_poller(void *ctx, int op, int h, int events)
{
    (void)ctx;
    if (op == CF_POLLER_WAIT) {
        struct epoll_event evs[CF_SLOTS];
        int n = epoll_wait(cf_epoll, evs, CF_SLOTS, 0);
        if (n < 0)
            return cf_fail(errno);
        for (int i = 0; i < n; i++)
            if (evs[i].data.fd == h)
                return k_revents(evs[i].events);
        return 0;
    }
    struct epoll_event ev = {.events = EPOLLRDHUP, .data.fd = h};
    if (events & SP_POLLIN)
        ev.events |= EPOLLIN;
    if (events & SP_POLLOUT)
        ev.events |= EPOLLOUT;
    int native_op = op == CF_POLLER_ADD      ? EPOLL_CTL_ADD
                    : op == CF_POLLER_MODIFY ? EPOLL_CTL_MOD
                                             : EPOLL_CTL_DEL;
    return cf_result(epoll_ctl(cf_epoll, native_op, h, &ev));
}

/* Loopback delivers inside the sending call; a millisecond covers the rest. */
static void k_settle(void *ctx)
{
    (void)ctx;
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

static const char *k_native_name(void *ctx)
{
    (void)ctx;
    return cf_native[0] != '\0' ? cf_native : NULL;
}

struct cf_backend cf_kernel_backend(void)
{
    struct cf_backend be = {
        .name = "kernel",
        .begin = k_begin,
        .end = k_end,
        .socket = k_socket,
        .close = k_close,
        .bind = k_bind,
        .listen = k_listen,
        .accept = k_accept,
        .connect = k_connect,
        .sendto = k_sendto,
        .recvfrom = k_recvfrom,
        .shutdown = k_shutdown,
        .getsockname = k_getsockname,
        .getpeername = k_getpeername,
        .setopt = k_setopt,
        .getopt = k_getopt,
        .poll = k_poll,
        .poller = k_poller,
        .settle = k_settle,
        .native_name = k_native_name,
        .ctx = NULL,
    };
    return be;
}
