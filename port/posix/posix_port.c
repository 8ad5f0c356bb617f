/*
 * The POSIX port: sockport's operations over the host kernel's BSD sockets.
 *
 * To write a new port, copy this file set and replace what each operation
 * does; port.h says what core has already checked for each one.
 *
 * Every socket is non-blocking (the operations never wait: core does, through
 * poll()), close-on-exec, and never raises SIGPIPE. A system call interrupted
 * by a signal is repeated, except a send or receive: that gives SP_EAGAIN
 * (see the data calls). Linux-only facilities sit behind #ifdef so the port
 * also builds on macOS and the BSDs.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#if defined(__linux__)
#include <sys/random.h>
#endif
#include <time.h>
#include <unistd.h>

#include <sockport/port.h>
#include <sockport/posix.h>

#include "posix_addr.h"
#include "posix_errors.h"
#include "posix_poller.h"

/* Repeat a system call that a signal interrupted. */
#define POSIX_RETRY(result, call)                                                                  \
    do {                                                                                           \
        (result) = (call);                                                                         \
    } while ((result) < 0 && errno == EINTR)

/* Flags that keep a send from raising SIGPIPE where the host has them;
 * elsewhere SO_NOSIGPIPE, set when the socket is made, does it. */
#ifdef MSG_NOSIGNAL
#define POSIX_SEND_FLAGS MSG_NOSIGNAL
#else
#define POSIX_SEND_FLAGS 0
#endif

/* What sp_port_sock points to: the descriptor and what the port must remember. */
struct posix_socket {
    int fd;
    int family; /* enum sp_family */
    int type;   /* enum sp_type */
    /* A datagram or raw socket of an IP family: a receive names its sender
     * in place (receive_with_sender()). */
    bool ip_messages;
    /* The local path this port bound, removed again at close (see forget_path()). */
    bool owns_path;
    pid_t path_owner;
    dev_t path_dev;
    ino_t path_ino;
    char path[SP_LOCAL_PATH_MAX];
};

static struct posix_socket *from_port_sock(sp_port_sock sock)
{
    return (struct posix_socket *)sock;
}

int sp_posix_fd_of(sp_port_sock sock)
{
    return from_port_sock(sock)->fd;
}

static int fail(enum sp_posix_call call)
{
    return sp_posix_error(call, errno);
}

static bool is_message_type(int type)
{
    return type != SP_SOCK_STREAM;
}

static int64_t posix_now_ms(void *state)
{
    (void)state;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* Non-blocking, close-on-exec and no SIGPIPE, for hosts that cannot ask for
 * the first two when the descriptor is made (socket() or accept4() flags). */
static int configure_fd(int fd)
{
    (void)fd; /* unused where socket() did it all (Linux) */
#ifndef SOCK_NONBLOCK
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return fail(SP_POSIX_CALL_ANY);
    int fd_flags = fcntl(fd, F_GETFD);
    if (fd_flags < 0 || fcntl(fd, F_SETFD, fd_flags | FD_CLOEXEC) < 0)
        return fail(SP_POSIX_CALL_ANY);
#endif
#ifdef SO_NOSIGPIPE
    int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) < 0)
        return fail(SP_POSIX_CALL_ANY);
#endif
    return 0;
}

/* Wrap a new descriptor; closes it if that fails. */
static int adopt_fd(int fd, int family, int type, sp_port_sock *out)
{
    int rc = configure_fd(fd);
    struct posix_socket *s = rc == 0 ? calloc(1, sizeof *s) : NULL;
    if (s == NULL) {
        close(fd);
        return rc < 0 ? rc : SP_ENOBUFS;
    }
    s->fd = fd;
    s->family = family;
    s->type = type;
    s->ip_messages = is_message_type(type) && family != SP_AF_LOCAL;
    *out = (sp_port_sock)s;
    return 0;
}

static int native_type(int family, int type)
{
    switch (type) {
    case SP_SOCK_STREAM:
        return SOCK_STREAM;
    case SP_SOCK_DGRAM:
        return SOCK_DGRAM;
    case SP_SOCK_RAW:
        /* Linux would quietly turn a local raw socket into a datagram one. */
        return family == SP_AF_LOCAL ? -1 : SOCK_RAW;
    case SP_SOCK_SEQPACKET:
        /* Native on local sockets; over IP (SCTP) not: core emulates it. */
        return family == SP_AF_LOCAL ? SOCK_SEQPACKET : -1;
    default: /* SP_SOCK_RDM: core builds it over datagrams */
        return -1;
    }
}

static int posix_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    (void)state;
    int native_family = sp_posix_native_family(family);
    if (native_family < 0)
        return SP_EAFNOSUPPORT;
    int socktype = native_type(family, type);
    if (socktype < 0)
        return SP_EPROTONOSUPPORT;
#ifdef SOCK_NONBLOCK
    socktype |= SOCK_NONBLOCK | SOCK_CLOEXEC;
#endif
    /* sockport's protocol numbers are IANA's, as IPPROTO_* are. */
    int fd = socket(native_family, socktype, protocol);
    if (fd < 0)
        return fail(SP_POSIX_CALL_OPEN);
    return adopt_fd(fd, family, type, out);
}

/*
 * Removes the path of a local socket this port bound. The kernel leaves the
 * socket file behind after close, and the next bind to that path would fail
 * with SP_EADDRINUSE; removing it here saves every application (and test)
 * from cleaning up. Only the process that bound it removes it (not a forked
 * child closing its copy), and only if the file is still the one bound (the
 * same device and inode), never a socket someone else put there since.
 */
static void forget_path(struct posix_socket *s)
{
    struct stat st;
    if (!s->owns_path || s->path_owner != getpid())
        return;
    if (lstat(s->path, &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == s->path_dev &&
        st.st_ino == s->path_ino)
        unlink(s->path);
}

/*
 * With SO_LINGER on and a time above 0, Linux's close() waits for the data
 * to go out, non-blocking socket or not. A close op must not block, so such a
 * linger is switched off first and the data goes out in the background (which
 * port.h allows). Linger 0 stays: close() then resets at once.
 */
static void keep_close_from_waiting(int fd)
{
    struct linger lg;
    socklen_t len = sizeof lg;
    if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) == 0 && lg.l_onoff && lg.l_linger > 0) {
        lg.l_onoff = 0;
        lg.l_linger = 0;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
}

static int posix_close(void *state, sp_port_sock sock)
{
    (void)state;
    struct posix_socket *s = from_port_sock(sock);
    keep_close_from_waiting(s->fd);
    /* Not repeated on EINTR: the descriptor is gone either way (and may
     * already be another thread's), so closing again would be wrong. */
    int rc = close(s->fd) == 0 || errno == EINTR ? 0 : fail(SP_POSIX_CALL_ANY);
    forget_path(s);
    free(s);
    return rc;
}

/* bind() or connect() @p sock to @p addr. */
static int with_address(sp_port_sock sock, const sp_addr *addr, enum sp_posix_call call)
{
    int fd = from_port_sock(sock)->fd;
    union sp_posix_sockaddr native;
    socklen_t len;
    int rc = sp_posix_addr_to_native(addr, &native, &len);
    if (rc < 0)
        return rc;
    rc = call == SP_POSIX_CALL_CONNECT ? connect(fd, &native.sa, len) : bind(fd, &native.sa, len);
    return rc < 0 ? fail(call) : 0;
}

static int posix_bind(void *state, sp_port_sock sock, const sp_addr *addr)
{
    (void)state;
    struct posix_socket *s = from_port_sock(sock);
    int rc = with_address(sock, addr, SP_POSIX_CALL_BIND);
    struct stat st;
    if (rc == 0 && addr->family == SP_AF_LOCAL && lstat(addr->u.path, &st) == 0) {
        memcpy(s->path, addr->u.path, sizeof s->path);
        s->path_owner = getpid();
        s->path_dev = st.st_dev;
        s->path_ino = st.st_ino;
        s->owns_path = true;
    }
    return rc;
}

static int posix_listen(void *state, sp_port_sock sock, int backlog)
{
    (void)state;
    /* An unbound socket: the kernel binds it to an ephemeral port itself. */
    return listen(from_port_sock(sock)->fd, backlog) == 0 ? 0 : fail(SP_POSIX_CALL_ANY);
}

static int posix_accept(void *state, sp_port_sock sock, sp_port_sock *out, sp_addr *peer)
{
    (void)state;
    struct posix_socket *listener = from_port_sock(sock);
    union sp_posix_sockaddr native;
    socklen_t len = sizeof native;
    int fd;
    /* Every host with SOCK_NONBLOCK (Linux, the BSDs) also has accept4(). */
#ifdef SOCK_NONBLOCK
    POSIX_RETRY(fd, accept4(listener->fd, &native.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC));
#else
    POSIX_RETRY(fd, accept(listener->fd, &native.sa, &len));
#endif
    if (fd < 0)
        return fail(SP_POSIX_CALL_ACCEPT);
    int rc = adopt_fd(fd, listener->family, listener->type, out);
    if (rc == 0 && peer != NULL && sp_posix_addr_from_native(&native, len, peer) < 0)
        memset(peer, 0, sizeof *peer);
    return rc;
}

/* EINPROGRESS, and EINTR (the attempt then goes on in the background, POSIX
 * says), come back as SP_EINPROGRESS from the error table. */
static int posix_connect(void *state, sp_port_sock sock, const sp_addr *addr)
{
    (void)state;
    return with_address(sock, addr, SP_POSIX_CALL_CONNECT);
}

/* The kernel gives back the port itself unless the user chose it. */
static int posix_disconnect(void *state, sp_port_sock sock, bool keep_port)
{
    (void)state;
    (void)keep_port;
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    return connect(from_port_sock(sock)->fd, &unspec, sizeof unspec) < 0
               ? fail(SP_POSIX_CALL_CONNECT)
               : 0;
}

/* The kernel's socket is still connecting (its attempt ended, SO_ERROR took
 * the error), as after a non-blocking connect() that failed: a connect()
 * with AF_UNSPEC disconnects it as Linux's own next connect() would, without
 * starting an attempt. Nothing to report if it fails: the kernel's next
 * connect() would then end the attempt (ECONNABORTED). */
static void posix_end_attempt(void *state, sp_port_sock sock)
{
    (void)posix_disconnect(state, sock, false);
}

static int posix_take_error(void *state, sp_port_sock sock)
{
    (void)state;
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(from_port_sock(sock)->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return fail(SP_POSIX_CALL_ANY);
    return err == 0 ? 0 : sp_posix_error(SP_POSIX_CALL_CONNECT, err);
}

/*
 * The data calls. Their common paths are kept short: one system call, the
 * socket address built or read in place for IPv4 and IPv6, and the
 * arguments in the order core's send_direct/recv_direct pass them (port.h),
 * which is the order of send() and recv() too. The direct forms return what
 * the system call returned, -1 and errno on a failure, which core turns into
 * a code through posix_direct_failure() right after: so a send or receive
 * without an address ends in a tail call to libc, and nothing in this port
 * runs after the system call (the return skipped is one a kernel entry
 * leaves the CPU to mispredict: bench/README.md). A signal that interrupts
 * a send or receive gives SP_EAGAIN (posix_errors.c), so that nothing has
 * to keep the arguments for a repeat: core waits and calls again when the
 * call may wait. Every socket here is non-blocking, and the hosts this port
 * builds on do not interrupt such a call anyway: it fails with EAGAIN rather
 * than sleep.
 */

/* Paths kept out of the data calls' own functions, so that those save no
 * registers for code they do not run. */
#if defined(__clang__)
#define POSIX_APART __attribute__((noinline))
#define POSIX_COLD __attribute__((noinline, cold))
#elif defined(__GNUC__) /* noclone: a copy with other arguments would need them moved */
#define POSIX_APART __attribute__((noinline, noclone))
#define POSIX_COLD __attribute__((noinline, cold))
#else
#define POSIX_APART
#define POSIX_COLD
#endif

/* What a failed send or receive of a direct form reports, errno still as
 * its system call left it (port.h, direct_failure). */
POSIX_COLD static int posix_direct_failure(void *state, bool receiving)
{
    (void)state;
    return fail(receiving ? SP_POSIX_CALL_RECV : SP_POSIX_CALL_SEND);
}

/* A send to a local path (through the union: the path is long). An address
 * that cannot be converted fails as its system call would, with the errno
 * that gives the same code (posix_errors.c: EINVAL, EAFNOSUPPORT). */
POSIX_COLD static ptrdiff_t send_to_other(int fd, const void *buf, size_t len, const sp_addr *to)
{
    union sp_posix_sockaddr native;
    socklen_t native_len = 0;
    int rc = sp_posix_addr_to_native(to, &native, &native_len);
    if (rc < 0) {
        errno = rc == SP_EINVAL ? EINVAL : EAFNOSUPPORT;
        return -1;
    }
    return sendto(fd, buf, len, POSIX_SEND_FLAGS, &native.sa, native_len);
}

/* posix_send_direct() with a destination: its own function, with the same
 * arguments, so that a send without one saves and moves nothing for it. */
POSIX_APART static ptrdiff_t send_to_address(sp_port_sock sock, const void *buf, size_t len,
                                             int flags, const sp_addr *to, void *state)
{
    (void)flags;
    (void)state;
    int fd = from_port_sock(sock)->fd;
    union sp_posix_ip_sockaddr native;
    if (to->family == SP_AF_INET) {
        sp_posix_in_from_addr(to, &native.in);
        return sendto(fd, buf, len, POSIX_SEND_FLAGS, &native.sa, sizeof native.in);
    }
    if (to->family == SP_AF_INET6) {
        sp_posix_in6_from_addr(to, &native.in6);
        return sendto(fd, buf, len, POSIX_SEND_FLAGS, &native.sa, sizeof native.in6);
    }
    return send_to_other(fd, buf, len, to);
}

static ptrdiff_t posix_send_direct(sp_port_sock sock, const void *buf, size_t len, int flags,
                                   const sp_addr *to, void *state)
{
    if (to != NULL)
        return send_to_address(sock, buf, len, flags, to, state);
    /* flags: only SP_MSG_DONTWAIT, and this port never waits anyway */
    return send(from_port_sock(sock)->fd, buf, len, POSIX_SEND_FLAGS);
}

static ptrdiff_t posix_send(void *state, sp_port_sock sock, const void *buf, size_t len, int flags,
                            const sp_addr *to)
{
    ptrdiff_t n = posix_send_direct(sock, buf, len, flags, to, state);
    return n >= 0 ? n : posix_direct_failure(state, false);
}

/*
 * One recvfrom() that reports a message's full length even when it is
 * longer than @p len. Linux does this when asked with MSG_TRUNC (for UDP,
 * raw and local datagram/seqpacket sockets). Other hosts only flag the
 * truncation; then "at least len + 1" is the best this port can say, and
 * that is what it returns (core stores len bytes either way, and a caller
 * asking SP_MSG_TRUNC learns the message did not fit, not by how much).
 */
static ptrdiff_t receive_message(int fd, void *buf, size_t len, int native_flags,
                                 union sp_posix_sockaddr *from, socklen_t *from_len)
{
    ssize_t n;
#ifdef __linux__
    n = recvfrom(fd, buf, len, native_flags | MSG_TRUNC, from != NULL ? &from->sa : NULL, from_len);
#else
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = from;
    msg.msg_namelen = from != NULL ? *from_len : 0;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    n = recvmsg(fd, &msg, native_flags);
    if (from_len != NULL)
        *from_len = msg.msg_namelen;
    if (n >= 0 && (msg.msg_flags & MSG_TRUNC) && (size_t)n == len && len < PTRDIFF_MAX)
        n = (ssize_t)len + 1;
#endif
    return n;
}

static int native_recv_flags(int flags)
{
    return (flags & SP_MSG_PEEK) ? MSG_PEEK : 0;
}

/* A sender no IP address of the common form names (a local path, a
 * connected stream's peer), through the union. */
POSIX_COLD static ptrdiff_t receive_from_other(const struct posix_socket *s, void *buf, size_t len,
                                               int native_flags, sp_addr *from)
{
    union sp_posix_sockaddr native;
    socklen_t native_len = sizeof native;
    ptrdiff_t n;
    if (is_message_type(s->type))
        n = receive_message(s->fd, buf, len, native_flags, &native, &native_len);
    else
        n = recvfrom(s->fd, buf, len, native_flags, &native.sa, &native_len);
    if (n < 0)
        return n; /* errno kept for posix_direct_failure() */
    /* A connected stream names no sender (Linux leaves the length 0): the peer is it. */
    if (native_len == 0 && !is_message_type(s->type)) {
        native_len = sizeof native;
        if (getpeername(s->fd, &native.sa, &native_len) < 0)
            native_len = 0;
    }
    if (native_len == 0 || sp_posix_addr_from_native(&native, native_len, from) < 0) {
        memset(from, 0, sizeof *from);
        from->family = (uint8_t)s->family;
    }
    return n;
}

/*
 * posix_recv_direct() with a sender to name: its own function, with the
 * same arguments, so that a receive without one saves nothing for it. A
 * datagram of an IP socket is read with its sender into storage of the IP
 * families' size and converted in place (Linux, where recvfrom() reports the
 * full length: receive_message()); anything else goes through the union.
 */
POSIX_APART static ptrdiff_t receive_with_sender(sp_port_sock sock, void *buf, size_t len,
                                                 int flags, sp_addr *from, void *state)
{
    (void)state;
    const struct posix_socket *s = from_port_sock(sock);
    int native_flags = native_recv_flags(flags);
#ifdef __linux__
    if (s->ip_messages) {
        union sp_posix_ip_sockaddr native;
        socklen_t native_len = sizeof native;
        ssize_t n = recvfrom(s->fd, buf, len, native_flags | MSG_TRUNC, &native.sa, &native_len);
        if (n < 0)
            return n; /* errno kept for posix_direct_failure() */
        if (native_len >= sizeof native.in && native.sa.sa_family == AF_INET) {
            sp_posix_addr_from_in(&native.in, from);
        } else if (native_len >= sizeof native.in6 && native.sa.sa_family == AF_INET6) {
            sp_posix_addr_from_in6(&native.in6, from);
        } else {
            memset(from, 0, sizeof *from);
            from->family = (uint8_t)s->family;
        }
        return n;
    }
#endif
    return receive_from_other(s, buf, len, native_flags, from);
}

static ptrdiff_t posix_recv_direct(sp_port_sock sock, void *buf, size_t len, int flags,
                                   sp_addr *from, void *state)
{
    if (from != NULL)
        return receive_with_sender(sock, buf, len, flags, from, state);
    const struct posix_socket *s = from_port_sock(sock);
    int native_flags = native_recv_flags(flags);
    if (is_message_type(s->type))
        return receive_message(s->fd, buf, len, native_flags, NULL, NULL);
    return recv(s->fd, buf, len, native_flags);
}

static ptrdiff_t posix_recv(void *state, sp_port_sock sock, void *buf, size_t len, int flags,
                            sp_addr *from)
{
    ptrdiff_t n = posix_recv_direct(sock, buf, len, flags, from, state);
    return n >= 0 ? n : posix_direct_failure(state, true);
}

static int posix_shutdown(void *state, sp_port_sock sock, int how)
{
    (void)state;
    int native_how = how == SP_SHUT_RD ? SHUT_RD : how == SP_SHUT_WR ? SHUT_WR : SHUT_RDWR;
    return shutdown(from_port_sock(sock)->fd, native_how) < 0 ? fail(SP_POSIX_CALL_ANY) : 0;
}

/* getsockname() or getpeername(). */
static int socket_name(sp_port_sock sock, bool peer, sp_addr *out)
{
    int fd = from_port_sock(sock)->fd;
    union sp_posix_sockaddr native;
    socklen_t len = sizeof native;
    int rc = peer ? getpeername(fd, &native.sa, &len) : getsockname(fd, &native.sa, &len);
    if (rc < 0)
        return fail(SP_POSIX_CALL_ANY);
    return sp_posix_addr_from_native(&native, len, out);
}

static int posix_local_addr(void *state, sp_port_sock sock, sp_addr *out)
{
    (void)state;
    return socket_name(sock, false, out);
}

static int posix_peer_addr(void *state, sp_port_sock sock, sp_addr *out)
{
    (void)state;
    return socket_name(sock, true, out);
}

/* A portable option that is one int-valued setsockopt(). Which socket types
 * an option applies to is core's check (socket.c); the kernel decides the rest. */
struct int_option {
    int option; /* enum sp_option */
    int level;
    int name;
    bool boolean; /* BSDs read a flag back as its bit value: report 0/1 */
};

/*
 * SP_OPT_RCVBUF/SNDBUF: Linux doubles the size given (room for its own
 * bookkeeping) and reports the doubled value back; this port passes both
 * through unchanged, so reading one back gives what the kernel reports.
 */
static const struct int_option int_options[] = {
    {SP_OPT_REUSEADDR, SOL_SOCKET, SO_REUSEADDR, true},
    {SP_OPT_NODELAY, IPPROTO_TCP, TCP_NODELAY, true},
    {SP_OPT_KEEPALIVE, SOL_SOCKET, SO_KEEPALIVE, true},
    {SP_OPT_BROADCAST, SOL_SOCKET, SO_BROADCAST, true},
    {SP_OPT_RCVBUF, SOL_SOCKET, SO_RCVBUF, false},
    {SP_OPT_SNDBUF, SOL_SOCKET, SO_SNDBUF, false},
    {SP_OPT_V6ONLY, IPPROTO_IPV6, IPV6_V6ONLY, true},
};

static const struct int_option *find_int_option(int option)
{
    for (size_t i = 0; i < sizeof int_options / sizeof int_options[0]; i++) {
        if (int_options[i].option == option)
            return &int_options[i];
    }
    return NULL;
}

/* SP_OPT_LINGER: -1 off; n >= 0 on for n seconds (close never waits, see
 * keep_close_from_waiting()). */
static int set_linger(int fd, int value)
{
    struct linger lg;
    lg.l_onoff = value >= 0;
    lg.l_linger = value >= 0 ? value : 0;
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) < 0 ? fail(SP_POSIX_CALL_OPTION)
                                                                     : 0;
}

static int get_linger(int fd, int *value)
{
    struct linger lg;
    socklen_t len = sizeof lg;
    if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len) < 0)
        return fail(SP_POSIX_CALL_OPTION);
    *value = lg.l_onoff ? lg.l_linger : -1;
    return 0;
}

static int posix_set_option(void *state, sp_port_sock sock, int option, int value)
{
    (void)state;
    int fd = from_port_sock(sock)->fd;
    if (option == SP_OPT_LINGER)
        return set_linger(fd, value);
    const struct int_option *opt = find_int_option(option);
    if (opt == NULL)
        return SP_ENOPROTOOPT;
    if (setsockopt(fd, opt->level, opt->name, &value, sizeof value) < 0)
        return fail(SP_POSIX_CALL_OPTION);
    return 0;
}

static int posix_get_option(void *state, sp_port_sock sock, int option, int *value)
{
    (void)state;
    int fd = from_port_sock(sock)->fd;
    if (option == SP_OPT_LINGER)
        return get_linger(fd, value);
    const struct int_option *opt = find_int_option(option);
    if (opt == NULL)
        return SP_ENOPROTOOPT;
    int native = 0;
    socklen_t len = sizeof native;
    if (getsockopt(fd, opt->level, opt->name, &native, &len) < 0)
        return fail(SP_POSIX_CALL_OPTION);
    *value = opt->boolean ? native != 0 : native;
    return 0;
}

static int posix_set_native_option(void *state, sp_port_sock sock, int level, int name,
                                   const void *value, size_t len)
{
    (void)state;
    if (len > INT32_MAX)
        return SP_EINVAL;
    if (setsockopt(from_port_sock(sock)->fd, level, name, value, (socklen_t)len) < 0)
        return fail(SP_POSIX_CALL_OPTION);
    return 0;
}

static int posix_get_native_option(void *state, sp_port_sock sock, int level, int name, void *value,
                                   size_t *len)
{
    (void)state;
    socklen_t native_len = *len > INT32_MAX ? INT32_MAX : (socklen_t)*len;
    if (getsockopt(from_port_sock(sock)->fd, level, name, value, &native_len) < 0)
        return fail(SP_POSIX_CALL_OPTION);
    *len = native_len;
    return 0;
}

/* Linux says "the peer shut its sending side" only when asked (POLLRDHUP);
 * sockport reports that as SP_POLLHUP, as port.h asks. */
#ifdef POLLRDHUP
#define POSIX_POLL_ALWAYS POLLRDHUP
#else
#define POSIX_POLL_ALWAYS 0
#endif

/* Where poll()'s bits are the usual ones (Linux, the BSDs, macOS: IN 1,
 * PRI 2, OUT 4, ERR 8, HUP 16, NVAL 32) sockport's are the same shifted, so
 * each answer costs a few instructions instead of a test per bit. */
#if POLLIN == 1 && POLLPRI == 2 && POLLOUT == 4 && POLLERR == 8 && POLLHUP == 16 &&                \
    POLLNVAL == 32 && SP_POLLIN == 1 && SP_POLLOUT == 2 && SP_POLLERR == 4 && SP_POLLHUP == 8 &&   \
    SP_POLLNVAL == 16
#define POSIX_POLL_BITS_USUAL 1
#else
#define POSIX_POLL_BITS_USUAL 0
#endif

short sp_posix_revents(short native)
{
#if POSIX_POLL_BITS_USUAL
    short revents = (short)((native & POLLIN) |
                            ((native >> 1) & (SP_POLLOUT | SP_POLLERR | SP_POLLHUP | SP_POLLNVAL)));
    if (native & POSIX_POLL_ALWAYS)
        revents |= SP_POLLHUP;
    return revents;
#else
    short revents = 0;
    if (native & POLLIN)
        revents |= SP_POLLIN;
    if (native & POLLOUT)
        revents |= SP_POLLOUT;
    if (native & POLLERR)
        revents |= SP_POLLERR;
    if (native & (POLLHUP | POSIX_POLL_ALWAYS))
        revents |= SP_POLLHUP;
    if (native & POLLNVAL)
        revents |= SP_POLLNVAL;
    return revents;
#endif
}

/* SP_POLLIN and SP_POLLOUT as poll()'s bits, with what is always asked. */
static short posix_events(short events)
{
    return (short)(POSIX_POLL_ALWAYS | ((events & SP_POLLIN) ? POLLIN : 0) |
                   ((events & SP_POLLOUT) ? POLLOUT : 0));
}

/* poll() until something is ready or @p timeout_ms passes, across signals. */
static int poll_native(struct pollfd *fds, nfds_t n, int timeout_ms)
{
    int rc = poll(fds, n, timeout_ms);
    if (rc >= 0 || errno != EINTR)
        return rc < 0 ? fail(SP_POSIX_CALL_ANY) : rc;
    /* Only a signal makes this read the clock: the rest of the wait. */
    int64_t deadline = posix_now_ms(NULL) + timeout_ms;
    for (;;) {
        rc = poll(fds, n, timeout_ms);
        if (rc >= 0 || errno != EINTR)
            return rc < 0 ? fail(SP_POSIX_CALL_ANY) : rc;
        if (timeout_ms > 0) {
            int64_t left = deadline - posix_now_ms(NULL);
            timeout_ms = left > 0 ? (int)left : 0;
        }
    }
}

static int posix_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    (void)state;
    /* Core passes at most SP_MAX_SOCKETS entries (port.h) and is not
     * re-entrant: one static array, no allocation per call. */
    static struct pollfd fds[SP_MAX_SOCKETS];
    if (n > sizeof fds / sizeof fds[0])
        return SP_EINVAL;
    for (size_t i = 0; i < n; i++)
        fds[i] = (struct pollfd){from_port_sock(ents[i].sock)->fd, posix_events(ents[i].events), 0};
    int rc = poll_native(n > 0 ? fds : NULL, (nfds_t)n, timeout_ms);
    if (rc < 0)
        return rc;
    /* The kernel wrote every entry's revents, 0 where nothing happened. */
    rc = 0;
    for (size_t i = 0; i < n; i++) {
        ents[i].revents = sp_posix_revents(fds[i].revents);
        rc += ents[i].revents != 0;
    }
    return rc;
}

/*
 * The kernel's generator: getrandom() on Linux, arc4random_buf() on the BSDs
 * and macOS (which never fails), /dev/urandom elsewhere.
 */
static int posix_entropy(void *state, void *buf, size_t len)
{
    (void)state;
#if defined(__linux__)
    uint8_t *at = buf;
    while (len > 0) {
        ssize_t n;
        POSIX_RETRY(n, getrandom(at, len, 0));
        if (n <= 0)
            return SP_EIO;
        at += n;
        len -= (size_t)n;
    }
    return 0;
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
    arc4random_buf(buf, len);
    return 0;
#else
    int fd;
    POSIX_RETRY(fd, open("/dev/urandom", O_RDONLY | O_CLOEXEC));
    if (fd < 0)
        return SP_EIO;
    uint8_t *at = buf;
    while (len > 0) {
        ssize_t n;
        POSIX_RETRY(n, read(fd, at, len));
        if (n <= 0)
            break;
        at += n;
        len -= (size_t)n;
    }
    close(fd);
    return len == 0 ? 0 : SP_EIO;
#endif
}

static const struct sp_port_ops posix_ops = {
    .name = "posix",
    .now_ms = posix_now_ms,
    .open = posix_open,
    .close = posix_close,
    .bind = posix_bind,
    .listen = posix_listen,
    .accept = posix_accept,
    .connect = posix_connect,
    .disconnect = posix_disconnect,
    .take_error = posix_take_error,
    .end_attempt = posix_end_attempt,
    .send = posix_send,
    .recv = posix_recv,
    .shutdown = posix_shutdown,
    .local_addr = posix_local_addr,
    .peer_addr = posix_peer_addr,
    .set_option = posix_set_option,
    .get_option = posix_get_option,
    .set_native_option = posix_set_native_option,
    .get_native_option = posix_get_native_option,
    .poll = posix_poll,
    .resolve = sp_posix_resolve,
    .entropy = posix_entropy,
    .send_direct = posix_send_direct,
    .recv_direct = posix_recv_direct,
    .direct_failure = posix_direct_failure,
#if SP_POSIX_HAS_POLLER
    .poller_open = sp_posix_poller_open,
    .poller_close = sp_posix_poller_close,
    .poller_ctl = sp_posix_poller_ctl,
    .poller_wait = sp_posix_poller_wait,
#endif
};

/* The kernel keeps all socket state, so one stateless instance serves the process. */
static sp_stack posix_stack = {&posix_ops, NULL};

sp_stack *sp_posix_stack(void)
{
    return &posix_stack;
}
