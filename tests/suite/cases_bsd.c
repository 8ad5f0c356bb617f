/*
 * The BSD socket layer (bsd/, docs/bsd.md) through its classic names only:
 * socket(), connect(), read(), select(), errno ... On a host this file is
 * compiled with <sockport/bsd_hosted.h> force-included (so the names reach
 * the layer, over whichever port the fixture made the default stack); on a
 * board with bsd/newlib/'s headers. Every call's success path, the errno of
 * each documented failure, and the classic patterns (non-blocking connect
 * with select and SO_ERROR, SO_RCVTIMEO) on every port.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sockport/bsd.h>

#include "suite.h"

/* Hosted C libraries have files, pipes and a kernel behind their
 * descriptors; newlib on the board has the console only. */
#if defined(__unix__) || defined(__APPLE__)
#define BSD_T_HOSTED 1
#include <pthread.h>
#else
#define BSD_T_HOSTED 0
#endif

/** Assert that @p call failed with -1 and errno @p expected. */
#define BSD_ASSERT_ERRNO(call, expected)                                                           \
    bsd_t_assert_errno((long long)(call), (expected), #call, __FILE__, __LINE__)

static void bsd_t_assert_errno(long long got, int expected, const char *call, const char *file,
                               int line)
{
    int err = errno;
    if (got != -1 || err != expected) {
        print_error("%s:%d: %s returned %lld, errno %d (%s); expected -1, errno %d (%s)\n", file,
                    line, call, got, err, strerror(err), expected, strerror(expected));
        fail();
    }
}

/** Assert that @p call did not fail (returned >= 0), naming errno if it did. */
#define BSD_ASSERT_OK(call) bsd_t_assert_ok((long long)(call), #call, __FILE__, __LINE__)

static long long bsd_t_assert_ok(long long got, const char *call, const char *file, int line)
{
    if (got < 0) {
        int err = errno;
        print_error("%s:%d: %s failed: errno %d (%s)\n", file, line, call, err, strerror(err));
        fail();
    }
    return got;
}

static struct sockaddr_in loopback4(uint16_t port)
{
    struct sockaddr_in in;
    memset(&in, 0, sizeof in);
    in.sin_family = AF_INET;
    in.sin_port = htons(port);
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return in;
}

static void set_timeout(int fd, int optname, long ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    BSD_ASSERT_OK(setsockopt(fd, SOL_SOCKET, optname, &tv, sizeof tv));
}

/* Both SO_RCVTIMEO and SO_SNDTIMEO, so that a broken port fails, not hangs. */
static void set_safety_timeouts(int fd)
{
    set_timeout(fd, SO_RCVTIMEO, SP_T_SAFETY_MS);
    set_timeout(fd, SO_SNDTIMEO, SP_T_SAFETY_MS);
}

static void set_nonblocking(int fd, int on)
{
    int flags = (int)BSD_ASSERT_OK(fcntl(fd, F_GETFL, 0));
    flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
    BSD_ASSERT_OK(fcntl(fd, F_SETFL, flags));
}

/* A listening socket of @p family on the loopback, any port; its address in @p addr. */
static int bsd_listener(int family, int type, struct sockaddr_storage *addr, socklen_t *len)
{
    int fd = (int)BSD_ASSERT_OK(socket(family, type, 0));
    memset(addr, 0, sizeof *addr);
    if (family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr.s6_addr[15] = 1;
        *len = sizeof *in6;
    } else {
        struct sockaddr_in in = loopback4(0);
        memcpy(addr, &in, sizeof in);
        *len = sizeof in;
    }
    BSD_ASSERT_OK(bind(fd, (struct sockaddr *)addr, *len));
    BSD_ASSERT_OK(listen(fd, 4));
    BSD_ASSERT_OK(getsockname(fd, (struct sockaddr *)addr, len));
    set_safety_timeouts(fd);
    return fd;
}

/* Wait with select() until @p fd is writable (a connect attempt ended); bounded. */
static int wait_writable(int fd)
{
    for (int turn = 0; turn < 100; turn++) {
        fd_set wset;
        FD_ZERO(&wset);
        FD_SET(fd, &wset);
        struct timeval tv = {0, 100000};
        int n = (int)BSD_ASSERT_OK(select(fd + 1, NULL, &wset, NULL, &tv));
        if (n > 0) {
            assert_true(FD_ISSET(fd, &wset));
            return 1;
        }
    }
    return 0;
}

/* The classic non-blocking connect: EINPROGRESS (or at once), select() for
 * writable, SO_ERROR for how it ended. Returns that error (0 = connected). */
static int connect_nonblocking(int fd, const struct sockaddr *addr, socklen_t len)
{
    set_nonblocking(fd, 1);
    if (connect(fd, addr, len) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS) {
        return errno;
    }
    assert_true(wait_writable(fd));
    int err = -1;
    socklen_t err_len = sizeof err;
    BSD_ASSERT_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len));
    assert_int_equal(err_len, sizeof err);
    return err;
}

/* A connected pair of @p family / @p type, both blocking with safety timeouts. */
static void bsd_pair(int family, int type, int *client, int *server)
{
    struct sockaddr_storage addr;
    socklen_t len;
    int listener = bsd_listener(family, type, &addr, &len);
    *client = (int)BSD_ASSERT_OK(socket(family, type, 0));
    assert_int_equal(connect_nonblocking(*client, (struct sockaddr *)&addr, len), 0);
    set_nonblocking(*client, 0);
    *server = (int)BSD_ASSERT_OK(accept(listener, NULL, NULL));
    set_safety_timeouts(*client);
    set_safety_timeouts(*server);
    BSD_ASSERT_OK(close(listener));
}

/* Two connectionless sockets of @p type bound to the loopback, with their addresses. */
static void bsd_bound_pair(int type, int *a, struct sockaddr_in *addr_a, int *b,
                           struct sockaddr_in *addr_b)
{
    int *fds[2] = {a, b};
    struct sockaddr_in *addrs[2] = {addr_a, addr_b};
    for (int i = 0; i < 2; i++) {
        *fds[i] = (int)BSD_ASSERT_OK(socket(AF_INET, type, 0));
        *addrs[i] = loopback4(0);
        BSD_ASSERT_OK(bind(*fds[i], (struct sockaddr *)addrs[i], sizeof *addrs[i]));
        socklen_t len = sizeof *addrs[i];
        BSD_ASSERT_OK(getsockname(*fds[i], (struct sockaddr *)addrs[i], &len));
        set_safety_timeouts(*fds[i]);
    }
}

static void read_exactly(int fd, char *buf, size_t len)
{
    size_t got = 0;
    for (int turn = 0; got < len && turn < 1000; turn++) {
        ssize_t n = read(fd, buf + got, len - got);
        assert_true(BSD_ASSERT_OK(n) > 0);
        got += (size_t)n;
    }
    assert_int_equal(got, len);
}

/* ------------------------------------------------------------------------ */

SP_CASE(bsd_errno_table_covers_every_code)
{
#define BSD_T_ROW(name, value, text) assert_int_not_equal(sp_bsd_errno(SP_E##name), 0);
    SP_ERRNO_MAP(BSD_T_ROW)
#undef BSD_T_ROW
    assert_int_equal(sp_bsd_errno(SP_EAGAIN), EAGAIN);
    assert_int_equal(sp_bsd_errno(SP_EBADF), EBADF);
    assert_int_equal(sp_bsd_errno(SP_ETIMEDOUT), ETIMEDOUT);
    assert_int_equal(sp_bsd_errno(SP_ECONNREFUSED), ECONNREFUSED);
    assert_int_equal(sp_bsd_errno(SP_ECONNRESET), ECONNRESET);
    assert_int_equal(sp_bsd_errno(SP_EINPROGRESS), EINPROGRESS);
    assert_int_equal(sp_bsd_errno(SP_EPIPE), EPIPE);
    assert_int_equal(sp_bsd_errno(SP_EADDRINUSE), EADDRINUSE);
    assert_int_equal(sp_bsd_errno(SP_ENOPROTOOPT), ENOPROTOOPT);
    assert_int_equal(sp_bsd_errno(0), 0);
    assert_int_equal(sp_bsd_errno(-100000), EIO);
}

SP_CASE(bsd_descriptors_are_small_and_never_the_c_librarys)
{
    int fds[8];
    for (int i = 0; i < 8; i++) {
        fds[i] = (int)BSD_ASSERT_OK(socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0));
        assert_true(fds[i] > 2); /* never stdin, stdout, stderr */
        assert_true(fds[i] < FD_SETSIZE);
        for (int j = 0; j < i; j++) {
            assert_int_not_equal(fds[i], fds[j]);
        }
    }
    /* The lowest free number is taken again. */
    int lowest = fds[0];
    BSD_ASSERT_OK(close(lowest));
    int again = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    assert_int_equal(again, lowest);
#if BSD_T_HOSTED
    /* Files and pipes get numbers of their own, and read/write/close on them
     * still reach the C library. */
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    for (int i = 0; i < 8; i++) {
        assert_int_not_equal(pipe_fds[0], fds[i]);
        assert_int_not_equal(pipe_fds[1], fds[i]);
    }
    assert_int_equal(write(pipe_fds[1], "pipe", 4), 4);
    char buf[8];
    assert_int_equal(read(pipe_fds[0], buf, sizeof buf), 4);
    assert_memory_equal(buf, "pipe", 4);
    int flags = fcntl(pipe_fds[0], F_GETFL);
    assert_true(flags >= 0 && (flags & O_NONBLOCK) == 0);
    /* A pipe is not a socket. */
    BSD_ASSERT_ERRNO(send(pipe_fds[1], "x", 1, 0), EBADF);
    assert_int_equal(close(pipe_fds[0]), 0);
    assert_int_equal(close(pipe_fds[1]), 0);
#endif
    for (int i = 1; i < 8; i++) {
        BSD_ASSERT_OK(close(fds[i]));
    }
    BSD_ASSERT_OK(close(again));
}

SP_CASE(bsd_closed_and_unknown_descriptors_are_ebadf)
{
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    BSD_ASSERT_OK(close(fd));
    BSD_ASSERT_ERRNO(close(fd), EBADF);
    char byte = 0;
    BSD_ASSERT_ERRNO(read(fd, &byte, 1), EBADF);
    BSD_ASSERT_ERRNO(write(fd, &byte, 1), EBADF);
    BSD_ASSERT_ERRNO(send(fd, &byte, 1, 0), EBADF);
    BSD_ASSERT_ERRNO(recv(fd, &byte, 1, 0), EBADF);
    BSD_ASSERT_ERRNO(listen(fd, 1), EBADF);
    BSD_ASSERT_ERRNO(fcntl(fd, F_GETFL), EBADF);
    BSD_ASSERT_ERRNO(shutdown(fd, SHUT_RDWR), EBADF);
    int value;
    socklen_t len = sizeof value;
    BSD_ASSERT_ERRNO(getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len), EBADF);
    BSD_ASSERT_ERRNO(send(-1, &byte, 1, 0), EBADF);
    BSD_ASSERT_ERRNO(send(FD_SETSIZE + 5, &byte, 1, 0), EBADF);
    BSD_ASSERT_ERRNO(sp_bsd_handle(fd), EBADF);
    /* select() on a closed descriptor: EBADF; poll(): POLLNVAL. */
    fd_set rset;
    FD_ZERO(&rset);
    FD_SET(fd, &rset);
    struct timeval tv = {0, 0};
    BSD_ASSERT_ERRNO(select(fd + 1, &rset, NULL, NULL, &tv), EBADF);
    struct pollfd pfd = {fd, POLLIN, 0};
    assert_int_equal(poll(&pfd, 1, 0), 1);
    assert_int_equal(pfd.revents, POLLNVAL);
}

SP_CASE(bsd_socket_argument_errors)
{
    BSD_ASSERT_ERRNO(socket(AF_INET, 99, 0), EINVAL);
    BSD_ASSERT_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    BSD_ASSERT_ERRNO(socket(AF_UNSPEC, SOCK_STREAM, 0), EAFNOSUPPORT);
    BSD_ASSERT_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    BSD_ASSERT_ERRNO(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    if ((sp_t_caps() & SP_CAP_LOCAL) == 0) {
        BSD_ASSERT_ERRNO(socket(AF_UNIX, SOCK_STREAM, 0), EAFNOSUPPORT);
    }
    /* SOCK_NONBLOCK and SOCK_CLOEXEC are taken with the type. */
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    assert_true((BSD_ASSERT_OK(fcntl(fd, F_GETFL)) & O_NONBLOCK) != 0);
    int type = 0;
    socklen_t len = sizeof type;
    BSD_ASSERT_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len));
    assert_int_equal(type, SOCK_STREAM);
    BSD_ASSERT_OK(close(fd));
}

SP_CASE(bsd_bind_and_connect_errors)
{
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in in = loopback4(0);
    BSD_ASSERT_ERRNO(bind(fd, NULL, sizeof in), EFAULT);
    BSD_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&in, sizeof in - 1), EINVAL);
    BSD_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&in, 1), EINVAL);
    struct sockaddr_in6 in6;
    memset(&in6, 0, sizeof in6);
    in6.sin6_family = AF_INET6;
    BSD_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&in6, sizeof in6), EAFNOSUPPORT);
    BSD_ASSERT_OK(bind(fd, (struct sockaddr *)&in, sizeof in));
    BSD_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&in, sizeof in), EINVAL); /* bound already */
    BSD_ASSERT_ERRNO(getpeername(fd, (struct sockaddr *)&in, &(socklen_t){sizeof in}), ENOTCONN);
    BSD_ASSERT_ERRNO(shutdown(fd, SHUT_WR), ENOTCONN);
    BSD_ASSERT_ERRNO(shutdown(fd, 7), EINVAL);
    char byte = 0;
    BSD_ASSERT_ERRNO(recv(fd, &byte, 1, 0), ENOTCONN);
    BSD_ASSERT_ERRNO(send(fd, &byte, 1, 0), ENOTCONN);
    BSD_ASSERT_ERRNO(accept(fd, NULL, NULL), EINVAL); /* not listening */
    BSD_ASSERT_ERRNO(connect(fd, NULL, sizeof in), EFAULT);
    BSD_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&in6, sizeof in6), EAFNOSUPPORT);

    /* The same address again: EADDRINUSE while the first holds it (listening). */
    socklen_t len = sizeof in;
    BSD_ASSERT_OK(getsockname(fd, (struct sockaddr *)&in, &len));
    assert_int_equal(len, sizeof in);
    assert_int_equal(in.sin_family, AF_INET);
    assert_int_equal(ntohl(in.sin_addr.s_addr), INADDR_LOOPBACK);
    assert_int_not_equal(in.sin_port, 0);
    BSD_ASSERT_OK(listen(fd, 1));
    int other = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    BSD_ASSERT_ERRNO(bind(other, (struct sockaddr *)&in, sizeof in), EADDRINUSE);
    BSD_ASSERT_OK(close(other));

    /* Datagram sockets do not listen or accept. */
    int udp = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_DGRAM, 0));
    BSD_ASSERT_ERRNO(listen(udp, 1), EOPNOTSUPP);
    BSD_ASSERT_ERRNO(accept(udp, NULL, NULL), EOPNOTSUPP);
    BSD_ASSERT_ERRNO(send(udp, &byte, 1, 0), EDESTADDRREQ);
    BSD_ASSERT_OK(close(udp));
    BSD_ASSERT_OK(close(fd));
}

SP_CASE(bsd_tcp_round_trip_with_read_write_send_recv)
{
    struct sockaddr_storage addr;
    socklen_t addr_len;
    int listener = bsd_listener(AF_INET, SOCK_STREAM, &addr, &addr_len);
    int client = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    assert_int_equal(connect_nonblocking(client, (struct sockaddr *)&addr, addr_len), 0);
    set_nonblocking(client, 0);
    struct sockaddr_in peer;
    socklen_t peer_len = sizeof peer;
    int server = (int)BSD_ASSERT_OK(accept(listener, (struct sockaddr *)&peer, &peer_len));
    assert_int_equal(peer_len, sizeof peer);
    assert_int_equal(peer.sin_family, AF_INET);
    assert_int_equal(ntohl(peer.sin_addr.s_addr), INADDR_LOOPBACK);
    /* accept() takes the listener's timeouts, as on Linux. */
    struct timeval tv;
    socklen_t tv_len = sizeof tv;
    BSD_ASSERT_OK(getsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &tv, &tv_len));
    assert_int_equal(tv.tv_sec, SP_T_SAFETY_MS / 1000);
    set_safety_timeouts(client);

    /* The client's peer is the listener's address; the server's peer the client's name. */
    struct sockaddr_in name;
    socklen_t name_len = sizeof name;
    BSD_ASSERT_OK(getpeername(client, (struct sockaddr *)&name, &name_len));
    assert_memory_equal(&name, &addr, sizeof name);
    name_len = sizeof name;
    BSD_ASSERT_OK(getsockname(client, (struct sockaddr *)&name, &name_len));
    assert_int_equal(name.sin_port, peer.sin_port);

    char buf[64];
    assert_int_equal(BSD_ASSERT_OK(write(client, "hello, ", 7)), 7);
    assert_int_equal(BSD_ASSERT_OK(send(client, "world", 5, MSG_NOSIGNAL)), 5);
    read_exactly(server, buf, 12);
    assert_memory_equal(buf, "hello, world", 12);
    assert_int_equal(BSD_ASSERT_OK(send(server, "reply", 5, 0)), 5);
    /* MSG_PEEK leaves the bytes; MSG_WAITALL waits for all of them. */
    size_t peeked = 0;
    for (int turn = 0; turn < 100 && peeked < 5; turn++) {
        peeked = (size_t)BSD_ASSERT_OK(recv(client, buf, 5, MSG_PEEK));
    }
    assert_int_equal(peeked, 5);
    assert_int_equal(BSD_ASSERT_OK(recv(client, buf, 5, MSG_WAITALL)), 5);
    assert_memory_equal(buf, "reply", 5);
    assert_int_equal(BSD_ASSERT_OK(recv(client, buf, 0, 0)), 0); /* an empty read is 0 */

    /* End of stream: shutdown(SHUT_WR), then read() returns 0 on the other side. */
    BSD_ASSERT_OK(shutdown(client, SHUT_WR));
    assert_int_equal(BSD_ASSERT_OK(read(server, buf, sizeof buf)), 0);
    BSD_ASSERT_ERRNO(send(client, "x", 1, 0), EPIPE);
    BSD_ASSERT_ERRNO(recv(server, buf, 1, MSG_OOB), EOPNOTSUPP);
    BSD_ASSERT_OK(close(server));
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(listener));
}

SP_CASE(bsd_nonblocking_connect_refused_via_select_and_so_error)
{
    /* A port nobody listens on: bound and closed again. */
    struct sockaddr_storage addr;
    socklen_t len;
    int listener = bsd_listener(AF_INET, SOCK_STREAM, &addr, &len);
    BSD_ASSERT_OK(close(listener));
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    assert_int_equal(connect_nonblocking(fd, (struct sockaddr *)&addr, len), ECONNREFUSED);
    int err = -1;
    socklen_t err_len = sizeof err;
    BSD_ASSERT_OK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len));
    assert_int_equal(err, 0); /* SO_ERROR takes the error: it is gone now */
    BSD_ASSERT_OK(close(fd));

    /* And blocking: ECONNREFUSED from connect() itself. */
    fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    set_safety_timeouts(fd);
    BSD_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&addr, len), ECONNREFUSED);
    BSD_ASSERT_OK(close(fd));
}

SP_CASE(bsd_nonblocking_calls_are_eagain)
{
    int client, server;
    bsd_pair(AF_INET, SOCK_STREAM, &client, &server);
    char byte;
    BSD_ASSERT_ERRNO(recv(client, &byte, 1, MSG_DONTWAIT), EAGAIN);
    set_nonblocking(client, 1);
    BSD_ASSERT_ERRNO(read(client, &byte, 1), EWOULDBLOCK);
    /* FIONBIO switches it back. */
    int off = 0;
    BSD_ASSERT_OK(ioctl(client, FIONBIO, &off));
    assert_int_equal(BSD_ASSERT_OK(fcntl(client, F_GETFL)) & O_NONBLOCK, 0);
    int on = 1;
    BSD_ASSERT_OK(ioctl(client, FIONBIO, &on));
    assert_int_not_equal(BSD_ASSERT_OK(fcntl(client, F_GETFL)) & O_NONBLOCK, 0);
    BSD_ASSERT_ERRNO(ioctl(client, 0x7fff, &on), ENOTTY);
    BSD_ASSERT_ERRNO(ioctl(client, FIONBIO, NULL), EFAULT);
    BSD_ASSERT_ERRNO(fcntl(client, 12345, 0), EINVAL);
    /* A non-blocking listener without a queued connection. */
    struct sockaddr_storage addr;
    socklen_t len;
    int listener = bsd_listener(AF_INET, SOCK_STREAM, &addr, &len);
    set_nonblocking(listener, 1);
    BSD_ASSERT_ERRNO(accept(listener, NULL, NULL), EAGAIN);
    BSD_ASSERT_OK(close(listener));
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(server));
}

SP_CASE(bsd_rcvtimeo_gives_eagain)
{
    int client, server;
    bsd_pair(AF_INET, SOCK_STREAM, &client, &server);
    set_timeout(client, SO_RCVTIMEO, 50);
    struct timeval tv;
    socklen_t tv_len = sizeof tv;
    BSD_ASSERT_OK(getsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, &tv_len));
    assert_int_equal(tv_len, sizeof tv);
    assert_int_equal(tv.tv_sec, 0);
    assert_int_equal(tv.tv_usec, 50000);
    char byte;
    BSD_ASSERT_ERRNO(read(client, &byte, 1), EAGAIN);
    BSD_ASSERT_ERRNO(recv(client, &byte, 1, 0), EWOULDBLOCK);

    int udp = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_DGRAM, 0));
    struct sockaddr_in in = loopback4(0);
    BSD_ASSERT_OK(bind(udp, (struct sockaddr *)&in, sizeof in));
    set_timeout(udp, SO_RCVTIMEO, 20);
    BSD_ASSERT_ERRNO(recvfrom(udp, &byte, 1, 0, NULL, NULL), EAGAIN);
    /* {0, 0} waits forever again; a tv_usec out of range is EDOM. */
    struct timeval forever = {0, 0};
    BSD_ASSERT_OK(setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof forever));
    tv_len = sizeof tv;
    BSD_ASSERT_OK(getsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &tv, &tv_len));
    assert_true(tv.tv_sec == 0 && tv.tv_usec == 0);
    struct timeval bad = {0, 1000000};
    BSD_ASSERT_ERRNO(setsockopt(udp, SOL_SOCKET, SO_RCVTIMEO, &bad, sizeof bad), EDOM);
    BSD_ASSERT_ERRNO(setsockopt(udp, SOL_SOCKET, SO_SNDTIMEO, &bad, sizeof bad - 1), EINVAL);
    BSD_ASSERT_OK(close(udp));
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(server));
}

SP_CASE(bsd_select_and_poll_readiness)
{
    int client, server;
    bsd_pair(AF_INET, SOCK_STREAM, &client, &server);
    struct pollfd pfd[3] = {{server, POLLIN, 0}, {-1, POLLIN, 0}, {client, POLLOUT, 0}};
    /* Nothing to read yet; the client can write. */
    assert_int_equal(BSD_ASSERT_OK(poll(pfd, 3, 0)), 1);
    assert_int_equal(pfd[0].revents, 0);
    assert_int_equal(pfd[1].revents, 0); /* a negative fd is ignored */
    assert_int_equal(pfd[2].revents, POLLOUT);
    fd_set rset, wset;
    FD_ZERO(&rset);
    FD_ZERO(&wset);
    FD_SET(server, &rset);
    FD_SET(client, &wset);
    int nfds = (server > client ? server : client) + 1;
    struct timeval zero = {0, 0};
    assert_int_equal(BSD_ASSERT_OK(select(nfds, &rset, &wset, NULL, &zero)), 1);
    assert_false(FD_ISSET(server, &rset));
    assert_true(FD_ISSET(client, &wset));

    /* Data makes the server readable, to poll() and to select(). */
    assert_int_equal(BSD_ASSERT_OK(write(client, "ping", 4)), 4);
    pfd[0].revents = 0;
    assert_int_equal(BSD_ASSERT_OK(poll(pfd, 1, SP_T_SAFETY_MS)), 1);
    assert_int_equal(pfd[0].revents, POLLIN);
    FD_ZERO(&rset);
    FD_SET(server, &rset);
    fd_set eset;
    FD_ZERO(&eset);
    FD_SET(server, &eset);
    struct timeval wait = {SP_T_SAFETY_MS / 1000, 0};
    assert_int_equal(BSD_ASSERT_OK(select(server + 1, &rset, NULL, &eset, &wait)), 1);
    assert_true(FD_ISSET(server, &rset));
    assert_false(FD_ISSET(server, &eset)); /* no urgent data, ever */
    int waiting = -1;
    for (int turn = 0; turn < 100 && waiting < 4; turn++) {
        BSD_ASSERT_OK(ioctl(server, FIONREAD, &waiting));
    }
    assert_int_equal(waiting, 4);
    char buf[8];
    read_exactly(server, buf, 4);

    /* The peer's close makes the server readable, and read() returns 0. */
    BSD_ASSERT_OK(close(client));
    pfd[0].revents = 0;
    assert_int_equal(BSD_ASSERT_OK(poll(pfd, 1, SP_T_SAFETY_MS)), 1);
    assert_true((pfd[0].revents & (POLLIN | POLLHUP)) != 0);
    assert_int_equal(BSD_ASSERT_OK(read(server, buf, sizeof buf)), 0);

    /* poll() with nothing to wait for just sleeps. */
    assert_int_equal(BSD_ASSERT_OK(poll(NULL, 0, 1)), 0);
    BSD_ASSERT_ERRNO(poll(NULL, 1, 0), EFAULT);
    BSD_ASSERT_OK(close(server));
}

SP_CASE(bsd_select_limits)
{
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_DGRAM, 0));
    assert_true(fd < FD_SETSIZE);
    fd_set rset;
    FD_ZERO(&rset);
    FD_SET(fd, &rset);
    struct timeval zero = {0, 0};
    BSD_ASSERT_ERRNO(select(FD_SETSIZE + 1, &rset, NULL, NULL, &zero), EINVAL);
    BSD_ASSERT_ERRNO(select(-1, &rset, NULL, NULL, &zero), EINVAL);
    struct timeval bad = {0, 1000000};
    BSD_ASSERT_ERRNO(select(fd + 1, &rset, NULL, NULL, &bad), EINVAL);
    struct timeval negative = {-1, 0};
    BSD_ASSERT_ERRNO(select(fd + 1, &rset, NULL, NULL, &negative), EINVAL);
    /* FD_SETSIZE itself is allowed; an unbound UDP socket is writable, not readable. */
    fd_set wset;
    FD_ZERO(&wset);
    FD_SET(fd, &wset);
    assert_int_equal(BSD_ASSERT_OK(select(FD_SETSIZE, &rset, &wset, NULL, &zero)), 1);
    assert_false(FD_ISSET(fd, &rset));
    assert_true(FD_ISSET(fd, &wset));
    /* A timeout with nothing ready: 0, and the sets come back empty. */
    FD_ZERO(&rset);
    FD_SET(fd, &rset);
    struct timeval short_wait = {0, 20000};
    assert_int_equal(BSD_ASSERT_OK(select(fd + 1, &rset, NULL, NULL, &short_wait)), 0);
    assert_false(FD_ISSET(fd, &rset));
    BSD_ASSERT_OK(close(fd));
}

SP_CASE(bsd_udp_sendto_recvfrom_peek_trunc)
{
    int a, b;
    struct sockaddr_in addr_a, addr_b;
    bsd_bound_pair(SOCK_DGRAM, &a, &addr_a, &b, &addr_b);

    assert_int_equal(
        BSD_ASSERT_OK(sendto(a, "datagram", 8, 0, (struct sockaddr *)&addr_b, sizeof addr_b)), 8);
    BSD_ASSERT_ERRNO(sendto(a, "x", 1, 0, (struct sockaddr *)&addr_b, 3), EINVAL);
    char buf[16];
    struct sockaddr_in from;
    socklen_t from_len = sizeof from;
    /* Peek, then FIONREAD, then a short read with MSG_TRUNC telling the full length. */
    assert_int_equal(BSD_ASSERT_OK(recvfrom(b, buf, sizeof buf, MSG_PEEK, NULL, NULL)), 8);
    int waiting = 0;
    BSD_ASSERT_OK(ioctl(b, FIONREAD, &waiting));
    assert_int_equal(waiting, 8);
    assert_int_equal(
        BSD_ASSERT_OK(recvfrom(b, buf, 4, MSG_TRUNC, (struct sockaddr *)&from, &from_len)), 8);
    assert_memory_equal(buf, "data", 4);
    assert_int_equal(from_len, sizeof from);
    assert_int_equal(from.sin_port, addr_a.sin_port);
    assert_int_equal(from.sin_addr.s_addr, addr_a.sin_addr.s_addr);
    /* A truncated address: the copy is cut, the length says the full size. */
    assert_int_equal(
        BSD_ASSERT_OK(sendto(a, "two", 3, 0, (struct sockaddr *)&addr_b, sizeof addr_b)), 3);
    struct sockaddr_in small;
    socklen_t small_len = 4;
    assert_int_equal(
        BSD_ASSERT_OK(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&small, &small_len)), 3);
    assert_int_equal(small_len, sizeof(struct sockaddr_in));

    /* connect() on a datagram socket: then send()/recv() without addresses. */
    BSD_ASSERT_OK(connect(a, (struct sockaddr *)&addr_b, sizeof addr_b));
    assert_int_equal(BSD_ASSERT_OK(send(a, "hi", 2, 0)), 2);
    assert_int_equal(BSD_ASSERT_OK(recv(b, buf, sizeof buf, 0)), 2);
    BSD_ASSERT_ERRNO(recvfrom(b, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, NULL),
                     EINVAL);
    BSD_ASSERT_OK(close(a));
    BSD_ASSERT_OK(close(b));
}

/* connect() with AF_UNSPEC dissolves a datagram association, as on Linux;
 * a sockaddr shorter than its family is EINVAL there, as on Linux. */
SP_CASE(bsd_udp_connect_af_unspec_disconnects)
{
    int a, b;
    struct sockaddr_in addr_a, addr_b;
    bsd_bound_pair(SOCK_DGRAM, &a, &addr_a, &b, &addr_b);
    struct sockaddr unspec;
    memset(&unspec, 0, sizeof unspec);
    unspec.sa_family = AF_UNSPEC;
    BSD_ASSERT_ERRNO(connect(a, &unspec, 1), EINVAL);
    BSD_ASSERT_OK(connect(a, (struct sockaddr *)&addr_b, sizeof addr_b));
    BSD_ASSERT_OK(connect(a, &unspec, sizeof(sa_family_t)));
    struct sockaddr_in name;
    socklen_t len = sizeof name;
    BSD_ASSERT_ERRNO(getpeername(a, (struct sockaddr *)&name, &len), ENOTCONN);
    char byte = 0;
    BSD_ASSERT_ERRNO(send(a, &byte, 1, 0), EDESTADDRREQ);
    len = sizeof name;
    BSD_ASSERT_OK(getsockname(a, (struct sockaddr *)&name, &len));
    assert_int_equal(name.sin_addr.s_addr, addr_a.sin_addr.s_addr);
    assert_int_equal(name.sin_port, 0); /* the stack's port given back */
    BSD_ASSERT_OK(connect(a, (struct sockaddr *)&addr_b, sizeof addr_b));
    assert_int_equal(BSD_ASSERT_OK(send(a, "hi", 2, 0)), 2);
    char buf[4];
    assert_int_equal(BSD_ASSERT_OK(recv(b, buf, sizeof buf, 0)), 2);
    BSD_ASSERT_OK(close(a));
    BSD_ASSERT_OK(close(b));

    /* Stream sockets refuse it (sockport.h, sp_connect; Linux would abort). */
    int tcp = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    BSD_ASSERT_ERRNO(connect(tcp, &unspec, sizeof unspec), EAFNOSUPPORT);
    BSD_ASSERT_OK(close(tcp));
}

SP_CASE(bsd_socket_options)
{
    int tcp = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    int udp = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_DGRAM, 0));
    static const int names[][2] = {
        {SOL_SOCKET, SO_REUSEADDR}, {SOL_SOCKET, SO_KEEPALIVE}, {IPPROTO_TCP, TCP_NODELAY}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int on = 5; /* any non-zero value is "on" */
        BSD_ASSERT_OK(setsockopt(tcp, names[i][0], names[i][1], &on, sizeof on));
        int value = 0;
        socklen_t len = sizeof value;
        BSD_ASSERT_OK(getsockopt(tcp, names[i][0], names[i][1], &value, &len));
        assert_int_equal(value, 1);
        assert_int_equal(len, sizeof value);
        int off = 0;
        BSD_ASSERT_OK(setsockopt(tcp, names[i][0], names[i][1], &off, sizeof off));
        BSD_ASSERT_OK(getsockopt(tcp, names[i][0], names[i][1], &value, &len));
        assert_int_equal(value, 0);
    }
    int on = 1, value = 0;
    socklen_t len = sizeof value;
    BSD_ASSERT_OK(setsockopt(udp, SOL_SOCKET, SO_BROADCAST, &on, sizeof on));
    BSD_ASSERT_OK(getsockopt(udp, SOL_SOCKET, SO_BROADCAST, &value, &len));
    assert_int_equal(value, 1);
    BSD_ASSERT_ERRNO(setsockopt(udp, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), ENOPROTOOPT);
    BSD_ASSERT_OK(getsockopt(udp, SOL_SOCKET, SO_TYPE, &value, &len));
    assert_int_equal(value, SOCK_DGRAM);

    int size = 8192;
    BSD_ASSERT_OK(setsockopt(tcp, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
    BSD_ASSERT_OK(setsockopt(tcp, SOL_SOCKET, SO_SNDBUF, &size, sizeof size));
    BSD_ASSERT_OK(getsockopt(tcp, SOL_SOCKET, SO_RCVBUF, &value, &len));
    assert_true(value > 0);
    BSD_ASSERT_OK(getsockopt(tcp, SOL_SOCKET, SO_SNDBUF, &value, &len));
    assert_true(value > 0);
    size = -1;
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, SO_RCVBUF, &size, sizeof size), EINVAL);

    struct linger lg = {1, 0};
    BSD_ASSERT_OK(setsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    struct linger got = {-1, -1};
    socklen_t lg_len = sizeof got;
    BSD_ASSERT_OK(getsockopt(tcp, SOL_SOCKET, SO_LINGER, &got, &lg_len));
    assert_true(got.l_onoff != 0 && got.l_linger == 0);
    lg.l_onoff = 0;
    BSD_ASSERT_OK(setsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    BSD_ASSERT_OK(getsockopt(tcp, SOL_SOCKET, SO_LINGER, &got, &lg_len));
    assert_int_equal(got.l_onoff, 0);

    /* Errors: unknown names and levels, short lengths, NULL values, read-only options. */
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, 0x7777, &on, sizeof on), ENOPROTOOPT);
    BSD_ASSERT_ERRNO(setsockopt(tcp, 0x7777, SO_REUSEADDR, &on, sizeof on), ENOPROTOOPT);
    BSD_ASSERT_ERRNO(getsockopt(tcp, SOL_SOCKET, 0x7777, &value, &len), ENOPROTOOPT);
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &on, 1), EINVAL);
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof on), EFAULT);
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, SO_LINGER, &lg, 1), EINVAL);
    BSD_ASSERT_ERRNO(setsockopt(tcp, SOL_SOCKET, SO_TYPE, &on, sizeof on), ENOPROTOOPT);
    socklen_t short_len = 1;
    BSD_ASSERT_ERRNO(getsockopt(tcp, SOL_SOCKET, SO_TYPE, &value, &short_len), EINVAL);
    BSD_ASSERT_ERRNO(getsockopt(tcp, SOL_SOCKET, SO_TYPE, &value, NULL), EFAULT);
    BSD_ASSERT_ERRNO(setsockopt(tcp, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on), ENOPROTOOPT);
    BSD_ASSERT_OK(close(tcp));
    BSD_ASSERT_OK(close(udp));
}

SP_CASE(bsd_getaddrinfo_and_getnameinfo)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    assert_int_equal(getaddrinfo("127.0.0.1", "80", &hints, &res), 0);
    assert_non_null(res);
    assert_null(res->ai_next);
    assert_int_equal(res->ai_family, AF_INET);
    assert_int_equal(res->ai_socktype, SOCK_STREAM);
    assert_int_equal(res->ai_protocol, IPPROTO_TCP);
    assert_int_equal(res->ai_addrlen, sizeof(struct sockaddr_in));
    struct sockaddr_in in;
    memcpy(&in, res->ai_addr, sizeof in);
    assert_int_equal(ntohs(in.sin_port), 80);
    assert_int_equal(ntohl(in.sin_addr.s_addr), INADDR_LOOPBACK);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    assert_int_equal(getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, serv,
                                 sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV),
                     0);
    assert_string_equal(host, "127.0.0.1");
    assert_string_equal(serv, "80");
    assert_int_equal(getnameinfo(res->ai_addr, res->ai_addrlen, host, 5, NULL, 0, 0), EAI_OVERFLOW);
    assert_int_equal(
        getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof host, NULL, 0, NI_NAMEREQD),
        EAI_NONAME);
    assert_int_equal(getnameinfo(res->ai_addr, 3, host, sizeof host, NULL, 0, 0), EAI_FAMILY);
    freeaddrinfo(res);

    /* No node: the wildcard for AI_PASSIVE, else the loopback; socket type 0: both types. */
    hints.ai_flags = AI_PASSIVE;
    hints.ai_family = AF_INET;
    hints.ai_socktype = 0;
    assert_int_equal(getaddrinfo(NULL, "7", &hints, &res), 0);
    assert_non_null(res);
    assert_non_null(res->ai_next);
    assert_int_equal(res->ai_socktype, SOCK_STREAM);
    assert_int_equal(res->ai_next->ai_socktype, SOCK_DGRAM);
    assert_int_equal(res->ai_next->ai_protocol, IPPROTO_UDP);
    memcpy(&in, res->ai_addr, sizeof in);
    assert_int_equal(in.sin_addr.s_addr, htonl(INADDR_ANY));
    assert_int_equal(ntohs(in.sin_port), 7);
    freeaddrinfo(res);
    hints.ai_flags = 0;
    hints.ai_socktype = SOCK_DGRAM;
    assert_int_equal(getaddrinfo(NULL, "http", &hints, &res), 0);
    memcpy(&in, res->ai_addr, sizeof in);
    assert_int_equal(ntohl(in.sin_addr.s_addr), INADDR_LOOPBACK);
    assert_int_equal(ntohs(in.sin_port), 80);
    freeaddrinfo(res);
    freeaddrinfo(NULL);

    /* Each EAI_* error. */
    res = (struct addrinfo *)&hints; /* must come back NULL on failure */
    assert_int_equal(getaddrinfo(NULL, NULL, NULL, &res), EAI_NONAME);
    assert_null(res);
    assert_int_equal(getaddrinfo("", "80", NULL, &res), EAI_NONAME);
    hints.ai_family = 12345;
    assert_int_equal(getaddrinfo("127.0.0.1", NULL, &hints, &res), EAI_FAMILY);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = 12345;
    assert_int_equal(getaddrinfo("127.0.0.1", NULL, &hints, &res), EAI_SOCKTYPE);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = 0x40000000;
    assert_int_equal(getaddrinfo("127.0.0.1", NULL, &hints, &res), EAI_BADFLAGS);
    hints.ai_flags = AI_NUMERICHOST;
    assert_int_equal(getaddrinfo("localhost", NULL, &hints, &res), EAI_NONAME);
    hints.ai_flags = AI_NUMERICSERV;
    assert_int_equal(getaddrinfo("127.0.0.1", "http", &hints, &res), EAI_NONAME);
    hints.ai_flags = 0;
    assert_int_equal(getaddrinfo("127.0.0.1", "no-such-service", &hints, &res), EAI_SERVICE);
    assert_non_null(gai_strerror(EAI_NONAME));
    assert_non_null(gai_strerror(12345));

    if ((sp_t_caps() & SP_CAP_RESOLVER) != 0) {
        hints.ai_family = AF_INET;
        hints.ai_flags = AI_CANONNAME;
        assert_int_equal(getaddrinfo("localhost", "80", &hints, &res), 0);
        memcpy(&in, res->ai_addr, sizeof in);
        assert_int_equal(ntohl(in.sin_addr.s_addr), INADDR_LOOPBACK);
        assert_non_null(res->ai_canonname);
        freeaddrinfo(res);
    }
}

SP_CASE(bsd_inet_conversions)
{
    struct in_addr in;
    assert_int_equal(inet_pton(AF_INET, "192.0.2.33", &in), 1);
    assert_int_equal(ntohl(in.s_addr), 0xc0000221u);
    static const char *const bad4[] = {"",         "1.2.3",    "1.2.3.4.5", "256.1.1.1",
                                       "01.2.3.4", "1.2.3.4 ", "a.b.c.d",   "1..2.3"};
    for (size_t i = 0; i < sizeof bad4 / sizeof bad4[0]; i++) {
        assert_int_equal(inet_pton(AF_INET, bad4[i], &in), 0);
    }
    char text[INET6_ADDRSTRLEN];
    in.s_addr = htonl(0x7f000001);
    assert_string_equal(inet_ntop(AF_INET, &in, text, sizeof text), "127.0.0.1");
    assert_null(inet_ntop(AF_INET, &in, text, 9));
    assert_int_equal(errno, ENOSPC);

    struct in6_addr in6;
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &in6), 1);
    assert_int_equal(in6.s6_addr[0], 0x20);
    assert_int_equal(in6.s6_addr[15], 1);
    assert_string_equal(inet_ntop(AF_INET6, &in6, text, sizeof text), "2001:db8::1");
    assert_int_equal(inet_pton(AF_INET6, "::1", &in6), 1);
    assert_string_equal(inet_ntop(AF_INET6, &in6, text, sizeof text), "::1");
    static const char *const bad6[] = {"",        "[::1]",   "::1%1", "1:2:3:4:5:6:7:8:9",
                                       "12345::", "1.2.3.4", "/tmp/x"};
    for (size_t i = 0; i < sizeof bad6 / sizeof bad6[0]; i++) {
        assert_int_equal(inet_pton(AF_INET6, bad6[i], &in6), 0);
    }
    BSD_ASSERT_ERRNO(inet_pton(12345, "1.2.3.4", &in), EAFNOSUPPORT);
    assert_null(inet_ntop(12345, &in, text, sizeof text));
    assert_int_equal(errno, EAFNOSUPPORT);

    /* The classic forms of inet_aton / inet_addr. */
    assert_int_equal(inet_addr("1.2.3.4"), htonl(0x01020304));
    assert_int_equal(inet_addr("0x7f.1"), htonl(0x7f000001));
    assert_int_equal(inet_addr("127.1"), htonl(0x7f000001));
    assert_int_equal(inet_addr("010.0.0.1"), htonl(0x08000001));
    assert_int_equal(inet_addr("4294967295"), htonl(0xffffffffu));
    assert_int_equal(inet_addr("1.2.3.256"), INADDR_NONE);
    assert_int_equal(inet_addr("nonsense"), INADDR_NONE);
    assert_int_equal(inet_aton("10.1.2.3", &in), 1);
    assert_string_equal(inet_ntoa(in), "10.1.2.3");
    assert_int_equal(inet_aton("10.1.2.3x", &in), 0);
    assert_int_equal(ntohs(htons(0x1234)), 0x1234);
    assert_int_equal(ntohl(htonl(0x12345678u)), 0x12345678u);
    unsigned char first;
    uint16_t net = htons(0x0102);
    memcpy(&first, &net, 1);
    assert_int_equal(first, 1); /* network order is big-endian */
}

SP_CASE(bsd_ipv6_round_trip)
{
    SP_REQUIRE_CAPS(SP_CAP_IPV6, "no IPv6 loopback on this port");
    int client, server;
    bsd_pair(AF_INET6, SOCK_STREAM, &client, &server);
    struct sockaddr_in6 peer;
    socklen_t len = sizeof peer;
    BSD_ASSERT_OK(getpeername(server, (struct sockaddr *)&peer, &len));
    assert_int_equal(len, sizeof peer);
    assert_int_equal(peer.sin6_family, AF_INET6);
    char text[INET6_ADDRSTRLEN];
    assert_string_equal(inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof text), "::1");
    /* IPV6_V6ONLY on a fresh socket (Linux refuses it once bound). */
    int fresh = (int)BSD_ASSERT_OK(socket(AF_INET6, SOCK_DGRAM, 0));
    int on = 1;
    BSD_ASSERT_OK(setsockopt(fresh, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on));
    int value = 0;
    socklen_t value_len = sizeof value;
    BSD_ASSERT_OK(getsockopt(fresh, IPPROTO_IPV6, IPV6_V6ONLY, &value, &value_len));
    assert_int_equal(value, 1);
    BSD_ASSERT_OK(close(fresh));
    assert_int_equal(BSD_ASSERT_OK(write(client, "six", 3)), 3);
    char buf[4];
    read_exactly(server, buf, 3);
    assert_memory_equal(buf, "six", 3);
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(server));
}

SP_CASE(bsd_local_stream_round_trip)
{
    SP_REQUIRE_CAPS(SP_CAP_LOCAL, "no local (UNIX-domain) sockets on this port");
    sp_addr path;
    sp_t_local_addr(&path, "bsd");
    struct sockaddr_un un;
    memset(&un, 0, sizeof un);
    un.sun_family = AF_UNIX;
    memcpy(un.sun_path, path.u.path, strlen(path.u.path) + 1);
    int listener = (int)BSD_ASSERT_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    BSD_ASSERT_OK(bind(listener, (struct sockaddr *)&un, sizeof un));
    BSD_ASSERT_OK(listen(listener, 1));
    int client = (int)BSD_ASSERT_OK(socket(AF_UNIX, SOCK_STREAM, 0));
    assert_int_equal(connect_nonblocking(client, (struct sockaddr *)&un, sizeof un), 0);
    set_nonblocking(client, 0);
    set_safety_timeouts(listener);
    int server = (int)BSD_ASSERT_OK(accept(listener, NULL, NULL));
    set_safety_timeouts(server);
    assert_int_equal(BSD_ASSERT_OK(write(client, "local", 5)), 5);
    char buf[8];
    read_exactly(server, buf, 5);
    assert_memory_equal(buf, "local", 5);
    struct sockaddr_un name;
    socklen_t len = sizeof name;
    BSD_ASSERT_OK(getsockname(listener, (struct sockaddr *)&name, &len));
    assert_int_equal(name.sun_family, AF_UNIX);
    assert_string_equal(name.sun_path, path.u.path);
    BSD_ASSERT_OK(close(server));
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(listener));
    sp_t_local_cleanup(&path);
}

SP_CASE(bsd_seqpacket_keeps_records)
{
    int client, server;
    bsd_pair(AF_INET, SOCK_SEQPACKET, &client, &server);
    assert_int_equal(BSD_ASSERT_OK(send(client, "one", 3, 0)), 3);
    assert_int_equal(BSD_ASSERT_OK(send(client, "second", 6, 0)), 6);
    char buf[16];
    assert_int_equal(BSD_ASSERT_OK(recv(server, buf, sizeof buf, 0)), 3);
    assert_memory_equal(buf, "one", 3);
    assert_int_equal(BSD_ASSERT_OK(recv(server, buf, 2, MSG_TRUNC)), 6);
    assert_memory_equal(buf, "se", 2);
    int type = 0;
    socklen_t len = sizeof type;
    BSD_ASSERT_OK(getsockopt(server, SOL_SOCKET, SO_TYPE, &type, &len));
    assert_int_equal(type, SOCK_SEQPACKET);
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(server));
}

SP_CASE(bsd_rdm_acknowledged_datagrams)
{
    int a, b;
    struct sockaddr_in addr_a, addr_b;
    bsd_bound_pair(SOCK_RDM, &a, &addr_a, &b, &addr_b);
    assert_int_equal(
        BSD_ASSERT_OK(sendto(a, "reliable", 8, 0, (struct sockaddr *)&addr_b, sizeof addr_b)), 8);
    char buf[16];
    assert_int_equal(BSD_ASSERT_OK(recvfrom(b, buf, sizeof buf, 0, NULL, NULL)), 8);
    assert_memory_equal(buf, "reliable", 8);
    int type = 0;
    socklen_t type_len = sizeof type;
    BSD_ASSERT_OK(getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &type_len));
    assert_int_equal(type, SOCK_RDM);
    /* The sender learns of the acknowledgement through sockport's own call. */
    sp_rdm_report report;
    int got = 0;
    for (int turn = 0; turn < 200 && got == 0; turn++) {
        got = SP_ASSERT_OK(sp_rdm_report_take(sp_bsd_handle(a), &report));
        if (got == 0) {
            struct pollfd pfd = {a, POLLIN, 0};
            BSD_ASSERT_OK(poll(&pfd, 1, 10));
        }
    }
    assert_int_equal(got, 1);
    assert_int_equal(report.result, 0);
    BSD_ASSERT_OK(close(a));
    BSD_ASSERT_OK(close(b));
}

/* Connections a backlog-1 listener may complete before it stalls. */
#define BSD_T_BACKLOG_FILL_MAX 16

SP_CASE(bsd_connect_cut_short_by_sndtimeo_is_einprogress)
{
    static int queued[BSD_T_BACKLOG_FILL_MAX];
    struct sockaddr_storage addr;
    socklen_t len;
    int listener = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    struct sockaddr_in in = loopback4(0);
    BSD_ASSERT_OK(bind(listener, (struct sockaddr *)&in, sizeof in));
    BSD_ASSERT_OK(listen(listener, 1));
    len = sizeof addr;
    BSD_ASSERT_OK(getsockname(listener, (struct sockaddr *)&addr, &len));
    int stalled = -1;
    int count = 0;
    while (count < BSD_T_BACKLOG_FILL_MAX) {
        int client = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
        if (connect(client, (struct sockaddr *)&addr, len) < 0) {
            assert_int_equal(errno, EINPROGRESS);
            struct pollfd pfd = {client, POLLOUT, 0};
            if (BSD_ASSERT_OK(poll(&pfd, 1, 1000)) == 0) {
                stalled = client;
                break;
            }
            int err = -1;
            socklen_t err_len = sizeof err;
            BSD_ASSERT_OK(getsockopt(client, SOL_SOCKET, SO_ERROR, &err, &err_len));
            assert_int_equal(err, 0);
        }
        queued[count++] = client;
    }
    if (stalled < 0) {
        for (int i = 0; i < count; i++) {
            BSD_ASSERT_OK(close(queued[i]));
        }
        BSD_ASSERT_OK(close(listener));
        SP_SKIP("the stack never drops SYNs at a full backlog: no portable connect timeout");
    }
    BSD_ASSERT_ERRNO(connect(stalled, (struct sockaddr *)&addr, len), EALREADY);
    /* Blocking, but SO_SNDTIMEO cuts it short: EINPROGRESS, as on Linux. */
    int late = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_STREAM, 0));
    set_timeout(late, SO_SNDTIMEO, 200);
    BSD_ASSERT_ERRNO(connect(late, (struct sockaddr *)&addr, len), EINPROGRESS);
    BSD_ASSERT_OK(close(late));
    BSD_ASSERT_OK(close(stalled));
    for (int i = 0; i < count; i++) {
        BSD_ASSERT_OK(close(queued[i]));
    }
    BSD_ASSERT_OK(close(listener));
}

SP_CASE(bsd_connected_socket_errors_and_reset)
{
    int client, server;
    bsd_pair(AF_INET, SOCK_STREAM, &client, &server);
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    BSD_ASSERT_OK(getpeername(client, (struct sockaddr *)&peer, &len));
    /* Connected: a further connect() is EISCONN (the first may still report
     * the finished non-blocking attempt with 0, as on Linux). */
    int rc = connect(client, (struct sockaddr *)&peer, len);
    if (rc == 0) {
        rc = connect(client, (struct sockaddr *)&peer, len);
    }
    BSD_ASSERT_ERRNO(rc, EISCONN);
    BSD_ASSERT_ERRNO(getsockname(client, NULL, &len), EFAULT);
    BSD_ASSERT_ERRNO(getpeername(client, (struct sockaddr *)&peer, NULL), EFAULT);
    BSD_ASSERT_ERRNO(listen(client, 1), EINVAL); /* connected */
    /* SO_LINGER {1, 0}: close() resets, and the peer reads ECONNRESET. */
    struct linger lg = {1, 0};
    BSD_ASSERT_OK(setsockopt(server, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    BSD_ASSERT_OK(close(server));
    char buf[4];
    BSD_ASSERT_ERRNO(read(client, buf, sizeof buf), ECONNRESET);
    BSD_ASSERT_OK(close(client));

    struct sockaddr_storage addr;
    socklen_t addr_len;
    int listener = bsd_listener(AF_INET, SOCK_STREAM, &addr, &addr_len);
    BSD_ASSERT_ERRNO(accept(listener, (struct sockaddr *)&addr, NULL), EINVAL);
    BSD_ASSERT_OK(close(listener));
}

SP_CASE(bsd_raw_socket_or_eacces)
{
    if ((sp_t_caps() & SP_CAP_RAW) == 0) {
        /* Without the privilege: EACCES, sockport's one code for it. */
        BSD_ASSERT_ERRNO(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), EACCES);
        SP_SKIP("raw sockets need a privilege this process lacks (EACCES checked)");
    }
    int fd = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    int type = 0;
    socklen_t len = sizeof type;
    BSD_ASSERT_OK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len));
    assert_int_equal(type, SOCK_RAW);
    BSD_ASSERT_ERRNO(listen(fd, 1), EOPNOTSUPP);
    BSD_ASSERT_ERRNO(socket(AF_INET, SOCK_RAW, IPPROTO_TCP + 1000), EPROTONOSUPPORT);
    BSD_ASSERT_OK(close(fd));
}

SP_CASE(bsd_full_table_is_emfile)
{
    static int fds[SP_MAX_SOCKETS + 8];
    int opened = 0;
    int fd = 0;
    while (opened < SP_MAX_SOCKETS + 8 && (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0) {
        fds[opened++] = fd;
    }
    int err = errno;
    if (fd >= 0 || err == ENOBUFS) {
        for (int i = 0; i < opened; i++) {
            BSD_ASSERT_OK(close(fds[i]));
        }
        SP_SKIP("the stack has fewer sockets than descriptors; the table cannot fill");
    }
    assert_int_equal(err, EMFILE);
    assert_true(opened > 0);
    /* A freed descriptor is the next one given out. */
    int freed = fds[opened / 2];
    BSD_ASSERT_OK(close(freed));
    fds[opened / 2] = (int)BSD_ASSERT_OK(socket(AF_INET, SOCK_DGRAM, 0));
    assert_int_equal(fds[opened / 2], freed);
    BSD_ASSERT_ERRNO(socket(AF_INET, SOCK_STREAM, 0), EMFILE);
    for (int i = 0; i < opened; i++) {
        BSD_ASSERT_OK(close(fds[i]));
    }
}

/* More sockets than the layer waits on at once (it makes its entries in
 * chunks of 16 so that its stack use does not follow SP_MAX_SOCKETS): 34 span
 * three chunks. Fewer open only on a stack with fewer sockets to give. */
#define BSD_T_MANY 34

struct bsd_many_wait {
    int fds[BSD_T_MANY];
    int n;
    struct pollfd pfd[BSD_T_MANY];
    int polled;     /* poll()'s return */
    int poll_errno; /* its errno when it failed */
    fd_set rset;
    fd_set wset;
    int selected;
    int select_errno;
};

/* poll() and select() over every socket, reading once the last is readable. */
static void *bsd_many_wait_run(void *arg)
{
    struct bsd_many_wait *w = arg;
    int maxfd = -1;
    FD_ZERO(&w->rset);
    FD_ZERO(&w->wset);
    for (int i = 0; i < w->n; i++) {
        w->pfd[i] = (struct pollfd){w->fds[i], POLLIN, 0};
        FD_SET(w->fds[i], &w->rset);
        FD_SET(w->fds[i], &w->wset);
        maxfd = w->fds[i] > maxfd ? w->fds[i] : maxfd;
    }
    w->polled = poll(w->pfd, (nfds_t)w->n, SP_T_SAFETY_MS);
    w->poll_errno = errno;
    struct timeval wait = {SP_T_SAFETY_MS / 1000, 0};
    w->selected = select(maxfd + 1, &w->rset, &w->wset, NULL, &wait);
    w->select_errno = errno;
    return NULL;
}

SP_CASE(bsd_poll_and_select_many_descriptors)
{
    static struct bsd_many_wait w;
    memset(&w, 0, sizeof w);
    struct sockaddr_in last_addr = loopback4(0);
    for (w.n = 0; w.n < BSD_T_MANY; w.n++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) {
            assert_true(errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM);
            break;
        }
        w.fds[w.n] = fd;
        struct sockaddr_in in = loopback4(0);
        BSD_ASSERT_OK(bind(fd, (struct sockaddr *)&in, sizeof in));
    }
    if (w.n < 2 * 16 + 1) {
        for (int i = 0; i < w.n; i++) {
            BSD_ASSERT_OK(close(w.fds[i]));
        }
        SP_SKIP("the stack gives fewer than 33 datagram sockets: not more than two of the BSD "
                "layer's chunks to wait on");
        return;
    }
    int last = w.fds[w.n - 1];
    socklen_t len = sizeof last_addr;
    BSD_ASSERT_OK(getsockname(last, (struct sockaddr *)&last_addr, &len));

    /* Nothing to read: a look and a short wait both find nothing. */
    for (int i = 0; i < w.n; i++) {
        w.pfd[i] = (struct pollfd){w.fds[i], POLLIN, 0};
    }
    assert_int_equal(BSD_ASSERT_OK(poll(w.pfd, (nfds_t)w.n, 0)), 0);
    assert_int_equal(BSD_ASSERT_OK(poll(w.pfd, (nfds_t)w.n, 30)), 0);
    for (int i = 0; i < w.n; i++) {
        assert_int_equal(w.pfd[i].revents, 0);
    }

    /* A datagram for the last socket, which is in the last chunk. */
    assert_int_equal(
        BSD_ASSERT_OK(sendto(w.fds[0], "m", 1, 0, (struct sockaddr *)&last_addr, sizeof last_addr)),
        1);
#if BSD_T_HOSTED
    /* On a thread with a small stack, as many programs have: the calls must
     * not need stack in proportion to the socket table (a 65 536-slot build
     * took a megabyte). */
    pthread_attr_t attr;
    pthread_t thread;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, 128 * 1024), 0);
    assert_int_equal(pthread_create(&thread, &attr, bsd_many_wait_run, &w), 0);
    assert_int_equal(pthread_join(thread, NULL), 0);
    assert_int_equal(pthread_attr_destroy(&attr), 0);
#else
    bsd_many_wait_run(&w);
#endif
    assert_int_equal(w.polled, 1);
    for (int i = 0; i < w.n - 1; i++) {
        assert_int_equal(w.pfd[i].revents, 0);
    }
    assert_int_equal(w.pfd[w.n - 1].revents, POLLIN);
    /* select(): every socket writable, and only the last readable. */
    assert_int_equal(w.selected, w.n + 1);
    for (int i = 0; i < w.n; i++) {
        assert_int_equal(FD_ISSET(w.fds[i], &w.rset) != 0, i == w.n - 1);
        assert_true(FD_ISSET(w.fds[i], &w.wset));
    }
    for (int i = 0; i < w.n; i++) {
        BSD_ASSERT_OK(close(w.fds[i]));
    }
}

SP_CASE(bsd_poll_and_select_mix_sockets_and_files)
{
#if BSD_T_HOSTED
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    int client, server;
    bsd_pair(AF_INET, SOCK_STREAM, &client, &server);
    /* Nothing ready: a short wait over both kinds times out. */
    struct pollfd pfd[2] = {{pipe_fds[0], POLLIN, 0}, {server, POLLIN, 0}};
    assert_int_equal(BSD_ASSERT_OK(poll(pfd, 2, 30)), 0);
    /* The pipe becomes readable: poll() sees it while it also watches the socket. */
    assert_int_equal(write(pipe_fds[1], "p", 1), 1);
    assert_int_equal(BSD_ASSERT_OK(poll(pfd, 2, SP_T_SAFETY_MS)), 1);
    assert_int_equal(pfd[0].revents, POLLIN);
    assert_int_equal(pfd[1].revents, 0);
    assert_int_equal(pfd[0].fd, pipe_fds[0]); /* the caller's array is as it was */
    assert_int_equal(pfd[1].fd, server);
    char byte;
    assert_int_equal(read(pipe_fds[0], &byte, 1), 1);
    /* Then the socket, through select() with the pipe in the same set. */
    assert_int_equal(BSD_ASSERT_OK(write(client, "s", 1)), 1);
    fd_set rset;
    FD_ZERO(&rset);
    FD_SET(pipe_fds[0], &rset);
    FD_SET(server, &rset);
    int nfds = (pipe_fds[0] > server ? pipe_fds[0] : server) + 1;
    struct timeval wait = {SP_T_SAFETY_MS / 1000, 0};
    assert_int_equal(BSD_ASSERT_OK(select(nfds, &rset, NULL, NULL, &wait)), 1);
    assert_true(FD_ISSET(server, &rset));
    assert_false(FD_ISSET(pipe_fds[0], &rset));
    assert_int_equal(close(pipe_fds[0]), 0);
    assert_int_equal(close(pipe_fds[1]), 0);
    BSD_ASSERT_OK(close(client));
    BSD_ASSERT_OK(close(server));
#else
    SP_SKIP("no files or pipes on this C library: nothing to mix with sockets");
#endif
}

int sp_suite_group_bsd(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(bsd_errno_table_covers_every_code),
        SP_TEST(bsd_descriptors_are_small_and_never_the_c_librarys),
        SP_TEST(bsd_closed_and_unknown_descriptors_are_ebadf),
        SP_TEST(bsd_socket_argument_errors),
        SP_TEST(bsd_bind_and_connect_errors),
        SP_TEST(bsd_tcp_round_trip_with_read_write_send_recv),
        SP_TEST(bsd_nonblocking_connect_refused_via_select_and_so_error),
        SP_TEST(bsd_nonblocking_calls_are_eagain),
        SP_TEST(bsd_rcvtimeo_gives_eagain),
        SP_TEST(bsd_select_and_poll_readiness),
        SP_TEST(bsd_select_limits),
        SP_TEST(bsd_udp_sendto_recvfrom_peek_trunc),
        SP_TEST(bsd_udp_connect_af_unspec_disconnects),
        SP_TEST(bsd_socket_options),
        SP_TEST(bsd_getaddrinfo_and_getnameinfo),
        SP_TEST(bsd_inet_conversions),
        SP_TEST(bsd_ipv6_round_trip),
        SP_TEST(bsd_local_stream_round_trip),
        SP_TEST(bsd_seqpacket_keeps_records),
        SP_TEST(bsd_rdm_acknowledged_datagrams),
        SP_TEST(bsd_connect_cut_short_by_sndtimeo_is_einprogress),
        SP_TEST(bsd_connected_socket_errors_and_reset),
        SP_TEST(bsd_raw_socket_or_eacces),
        SP_TEST(bsd_full_table_is_emfile),
        SP_TEST(bsd_poll_and_select_mix_sockets_and_files),
        SP_TEST(bsd_poll_and_select_many_descriptors),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("bsd"), tests, NULL, NULL);
}
