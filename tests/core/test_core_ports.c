/*
 * Core over mock ports, no stack at all.
 *
 * The dispatch point: a port may leave out any operation (port.h: NULL means
 * "not supported"). For a port that has every operation, for one that lacks
 * each one in turn, and for one that has none, every public call on every
 * family and socket type returns a code its header lists for it, and nothing
 * crashes or hangs.
 *
 * The data calls' two ways to a port: the direct operations carry exactly the
 * calls whose socket state core has settled, everything else takes the
 * general operations after core's checks, and a port lacking either kind
 * still gets the documented codes.
 *
 * The handle table: a slot that has issued its last generation retires, so a
 * stale handle never names a newer socket, and free slots are reused oldest
 * first (core's test hook fast-forwards a slot's generation). Built twice: with
 * the host's table and with 65 536 slots (core_ports_65536).
 *
 * The clock: sp_poll() and sp_poller_wait() read it only for a positive timeout.
 */
/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

/* ---- The mock port: every operation succeeds at once. ---- */

static sp_port_sock mock_next;
static int64_t mock_clock;

static int64_t mock_now_ms(void *state)
{
    (void)state;
    return ++mock_clock; /* each look advances time: every timed wait ends */
}

static int mock_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    (void)state;
    (void)protocol;
    if (type == SP_SOCK_SEQPACKET && family != SP_AF_LOCAL)
        return SP_EPROTONOSUPPORT; /* core frames it over a stream */
    *out = ++mock_next;
    return 0;
}

static int mock_close(void *state, sp_port_sock sock)
{
    (void)state;
    (void)sock;
    return 0;
}

static int mock_addr_op(void *state, sp_port_sock sock, const sp_addr *addr)
{
    (void)state;
    (void)sock;
    (void)addr;
    return 0;
}

static int mock_listen(void *state, sp_port_sock sock, int backlog)
{
    (void)state;
    (void)sock;
    (void)backlog;
    return 0;
}

static int mock_accept(void *state, sp_port_sock sock, sp_port_sock *out, sp_addr *peer)
{
    (void)state;
    (void)sock;
    *out = ++mock_next;
    return sp_addr_loopback(peer, SP_AF_INET, 1);
}

static int mock_take_error(void *state, sp_port_sock sock)
{
    (void)state;
    (void)sock;
    return 0;
}

/* The session of the last RDM DATA datagram sent (docs/rdm.md). */
static uint32_t mock_last_session;

/* Each data call counted by the way it came (the general operation or the
 * direct one), so that a test sees which way core took. A direct send
 * returns mock_direct_result instead when that is set, once. */
static int mock_direct_sends, mock_direct_recvs, mock_general_sends, mock_general_recvs;
static ptrdiff_t mock_direct_result;

static ptrdiff_t mock_sent(const void *buf, size_t len)
{
    const uint8_t *d = buf;
    if (len >= 16 && d[0] == 1 && d[1] == 1)
        mock_last_session =
            (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
    return (ptrdiff_t)len;
}

static ptrdiff_t mock_send(void *state, sp_port_sock sock, const void *buf, size_t len, int flags,
                           const sp_addr *to)
{
    (void)state;
    (void)sock;
    (void)flags;
    (void)to;
    mock_general_sends++;
    return mock_sent(buf, len);
}

static ptrdiff_t mock_send_direct(sp_port_sock sock, const void *buf, size_t len, int flags,
                                  const sp_addr *to, void *state)
{
    (void)state;
    (void)sock;
    (void)flags;
    (void)to;
    mock_direct_sends++;
    ptrdiff_t result = mock_direct_result;
    mock_direct_result = 0;
    return result != 0 ? result : mock_sent(buf, len);
}

/* End of stream on a stream, an empty message on a message socket. */
static ptrdiff_t mock_received(sp_addr *from)
{
    if (from != NULL)
        sp_addr_loopback(from, SP_AF_INET, 1);
    return 0;
}

static ptrdiff_t mock_recv(void *state, sp_port_sock sock, void *buf, size_t len, int flags,
                           sp_addr *from)
{
    (void)state;
    (void)sock;
    (void)buf;
    (void)len;
    (void)flags;
    mock_general_recvs++;
    return mock_received(from);
}

static ptrdiff_t mock_recv_direct(sp_port_sock sock, void *buf, size_t len, int flags,
                                  sp_addr *from, void *state)
{
    (void)state;
    (void)sock;
    (void)buf;
    (void)len;
    (void)flags;
    mock_direct_recvs++;
    ptrdiff_t result = mock_direct_result;
    mock_direct_result = 0;
    return result != 0 ? result : mock_received(from);
}

/* A port's direct_failure (port.h): the code it is asked for next, and how
 * it was asked. */
static int mock_failure_code, mock_failure_calls;
static bool mock_failure_receiving;

static int mock_direct_failure(void *state, bool receiving)
{
    (void)state;
    mock_failure_calls++;
    mock_failure_receiving = receiving;
    return mock_failure_code;
}

static int mock_shutdown(void *state, sp_port_sock sock, int how)
{
    (void)state;
    (void)sock;
    (void)how;
    return 0;
}

static int mock_name(void *state, sp_port_sock sock, sp_addr *out)
{
    (void)state;
    (void)sock;
    return sp_addr_loopback(out, SP_AF_INET, 1);
}

static int mock_set_option(void *state, sp_port_sock sock, int option, int value)
{
    (void)state;
    (void)sock;
    (void)option;
    (void)value;
    return 0;
}

static int mock_get_option(void *state, sp_port_sock sock, int option, int *value)
{
    (void)state;
    (void)sock;
    (void)option;
    *value = 0;
    return 0;
}

static int mock_set_native(void *state, sp_port_sock sock, int level, int name, const void *value,
                           size_t len)
{
    (void)state;
    (void)sock;
    (void)level;
    (void)name;
    (void)value;
    (void)len;
    return SP_ENOPROTOOPT;
}

static int mock_get_native(void *state, sp_port_sock sock, int level, int name, void *value,
                           size_t *len)
{
    (void)state;
    (void)sock;
    (void)level;
    (void)name;
    (void)value;
    (void)len;
    return SP_ENOPROTOOPT;
}

/* What each poll() call got, for the cases that look at how sp_poll() calls it. */
enum { MOCK_POLL_LOG = 64 };
static struct {
    size_t calls;
    size_t n[MOCK_POLL_LOG];
    int timeout_ms[MOCK_POLL_LOG];
} mock_poll_log;

static int mock_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    (void)state;
    if (mock_poll_log.calls < MOCK_POLL_LOG) {
        mock_poll_log.n[mock_poll_log.calls] = n;
        mock_poll_log.timeout_ms[mock_poll_log.calls] = timeout_ms;
    }
    mock_poll_log.calls++;
    int ready = 0;
    for (size_t i = 0; i < n; i++) {
        ents[i].revents = (short)(ents[i].events & (SP_POLLIN | SP_POLLOUT));
        ready += ents[i].revents != 0;
    }
    return ready;
}

static int mock_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                        int timeout_ms)
{
    (void)state;
    (void)host;
    (void)family;
    (void)out;
    (void)max;
    (void)timeout_ms;
    return SP_ENONAME;
}

/* A generator that, like a real one, does not start over at a reboot. */
static int mock_entropy(void *state, void *buf, size_t len)
{
    (void)state;
    static uint32_t x = 0x1234567u;
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t)x;
    }
    return 0;
}

/* The operations by number, so that a test can leave out any one of them. */
enum {
    OP_COUNT = 22,
    OP_SEND = 8,
    OP_RECV = 9,
    OP_POLL = 17,
    OP_ENTROPY = 19,
    OP_SEND_DIRECT = 20
};
static const char *const op_names[OP_COUNT] = {
    "now_ms",    "open",       "close",       "bind",       "listen",     "accept",
    "connect",   "take_error", "send",        "recv",       "shutdown",   "local_addr",
    "peer_addr", "set_option", "get_option",  "set_native", "get_native", "poll",
    "resolve",   "entropy",    "send_direct", "recv_direct"};

static struct sp_port_ops mock_ops;
static sp_stack mock_stack = {&mock_ops, NULL};

/* The mock with operation @p missing left NULL (-1: none; OP_COUNT: all). */
static void mock_build(int missing)
{
    struct sp_port_ops ops = {
        .name = "mock",
        .now_ms = mock_now_ms,
        .open = mock_open,
        .close = mock_close,
        .bind = mock_addr_op,
        .listen = mock_listen,
        .accept = mock_accept,
        .connect = mock_addr_op,
        .take_error = mock_take_error,
        .send = mock_send,
        .recv = mock_recv,
        .shutdown = mock_shutdown,
        .local_addr = mock_name,
        .peer_addr = mock_name,
        .set_option = mock_set_option,
        .get_option = mock_get_option,
        .set_native_option = mock_set_native,
        .get_native_option = mock_get_native,
        .poll = mock_poll,
        .resolve = mock_resolve,
        .entropy = mock_entropy,
        .send_direct = mock_send_direct,
        .recv_direct = mock_recv_direct,
    };
    if (missing == OP_COUNT) {
        memset(&ops, 0, sizeof ops);
    } else {
        switch (missing) {
        case 0:
            ops.now_ms = NULL;
            break;
        case 1:
            ops.open = NULL;
            break;
        case 2:
            ops.close = NULL;
            break;
        case 3:
            ops.bind = NULL;
            break;
        case 4:
            ops.listen = NULL;
            break;
        case 5:
            ops.accept = NULL;
            break;
        case 6:
            ops.connect = NULL;
            break;
        case 7:
            ops.take_error = NULL;
            break;
        case 8:
            ops.send = NULL;
            break;
        case 9:
            ops.recv = NULL;
            break;
        case 10:
            ops.shutdown = NULL;
            break;
        case 11:
            ops.local_addr = NULL;
            break;
        case 12:
            ops.peer_addr = NULL;
            break;
        case 13:
            ops.set_option = NULL;
            break;
        case 14:
            ops.get_option = NULL;
            break;
        case 15:
            ops.set_native_option = NULL;
            break;
        case 16:
            ops.get_native_option = NULL;
            break;
        case 17:
            ops.poll = NULL;
            break;
        case 18:
            ops.resolve = NULL;
            break;
        case OP_ENTROPY:
            ops.entropy = NULL;
            break;
        case OP_SEND_DIRECT:
            ops.send_direct = NULL;
            break;
        case OP_SEND_DIRECT + 1:
            ops.recv_direct = NULL;
            break;
        default:
            break;
        }
    }
    mock_ops = ops;
}

/* Core links a default stack; these tests name theirs. */
sp_stack *sp_port_default_stack(void)
{
    return &mock_stack;
}

/* ---- The codes each public call's header lists ---- */

#define END 1 /* ends a list: no SP_E* code is positive */

static const int k_socket[] = {SP_EINVAL, SP_EAFNOSUPPORT, SP_EPROTONOSUPPORT,
                               SP_EACCES, SP_EMFILE,       SP_ENOBUFS,
                               SP_EIO,    SP_EOPNOTSUPP,   END};
static const int k_close[] = {SP_EBADF, END};
static const int k_bind[] = {SP_EBADF,         SP_EINVAL, SP_EAFNOSUPPORT, SP_EADDRINUSE,
                             SP_EADDRNOTAVAIL, SP_EACCES, SP_EOPNOTSUPP,   END};
static const int k_listen[] = {SP_EBADF, SP_EOPNOTSUPP, SP_EINVAL, SP_EADDRINUSE, END};
static const int k_accept[] = {SP_EBADF,  SP_EINVAL,       SP_EOPNOTSUPP, SP_EAGAIN, SP_ETIMEDOUT,
                               SP_EMFILE, SP_ECONNABORTED, SP_ENOBUFS,    END};
static const int k_connect[] = {
    SP_EBADF,        SP_EINVAL,        SP_EAFNOSUPPORT, SP_EISCONN,    SP_EALREADY,
    SP_EINPROGRESS,  SP_ECONNREFUSED,  SP_ENOENT,       SP_ETIMEDOUT,  SP_ENETUNREACH,
    SP_EHOSTUNREACH, SP_EADDRNOTAVAIL, SP_ENOBUFS,      SP_EOPNOTSUPP, END};
static const int k_send[] = {
    SP_EBADF,      SP_EINVAL,    SP_ENOTCONN, SP_EDESTADDRREQ, SP_EPIPE,       SP_ECONNRESET,
    SP_EAGAIN,     SP_ETIMEDOUT, SP_EMSGSIZE, SP_ENOBUFS,      SP_ENETUNREACH, SP_EHOSTUNREACH,
    SP_EOPNOTSUPP, END};
static const int k_sendto[] = {SP_EBADF,
                               SP_EINVAL,
                               SP_ENOTCONN,
                               SP_EDESTADDRREQ,
                               SP_EPIPE,
                               SP_ECONNRESET,
                               SP_EAGAIN,
                               SP_ETIMEDOUT,
                               SP_EMSGSIZE,
                               SP_ENOBUFS,
                               SP_ENETUNREACH,
                               SP_EHOSTUNREACH,
                               SP_EOPNOTSUPP,
                               SP_EAFNOSUPPORT,
                               SP_EISCONN,
                               SP_EACCES,
                               END};
static const int k_recv[] = {SP_EBADF,      SP_EINVAL,       SP_ENOTCONN,   SP_EAGAIN, SP_ETIMEDOUT,
                             SP_ECONNRESET, SP_ECONNREFUSED, SP_EOPNOTSUPP, END};
static const int k_send_all[] = {
    SP_EBADF,      SP_EINVAL,    SP_ENOTCONN, SP_EDESTADDRREQ, SP_EPIPE,       SP_ECONNRESET,
    SP_EAGAIN,     SP_ETIMEDOUT, SP_EMSGSIZE, SP_ENOBUFS,      SP_ENETUNREACH, SP_EHOSTUNREACH,
    SP_EOPNOTSUPP, END};
static const int k_recv_all[] = {
    SP_EBADF,      SP_EINVAL,       SP_ENOTCONN,   SP_EAGAIN, SP_ETIMEDOUT,
    SP_ECONNRESET, SP_ECONNREFUSED, SP_EOPNOTSUPP, SP_EEOF,   END};
static const int k_shutdown[] = {SP_EBADF, SP_EINVAL, SP_ENOTCONN, SP_EOPNOTSUPP, END};
static const int k_sockname[] = {SP_EBADF, SP_EINVAL, SP_EOPNOTSUPP, END};
static const int k_peername[] = {SP_EBADF, SP_EINVAL, SP_ENOTCONN, SP_EOPNOTSUPP, END};
static const int k_setopt[] = {SP_EBADF, SP_EINVAL, SP_ENOPROTOOPT, END};
static const int k_native[] = {SP_EBADF, SP_EINVAL, SP_ENOPROTOOPT, END};
static const int k_poll[] = {SP_EINVAL, SP_EOPNOTSUPP, END};
static const int k_rdm_send[] = {SP_EBADF,
                                 SP_EINVAL,
                                 SP_ENOTCONN,
                                 SP_EDESTADDRREQ,
                                 SP_EPIPE,
                                 SP_ECONNRESET,
                                 SP_EAGAIN,
                                 SP_ETIMEDOUT,
                                 SP_EMSGSIZE,
                                 SP_ENOBUFS,
                                 SP_ENETUNREACH,
                                 SP_EHOSTUNREACH,
                                 SP_EOPNOTSUPP,
                                 SP_EAFNOSUPPORT,
                                 SP_EISCONN,
                                 SP_EACCES,
                                 END};
static const int k_rdm_other[] = {SP_EBADF, SP_EINVAL, SP_EOPNOTSUPP, END};
static const int k_pump[] = {SP_EINVAL, SP_EOPNOTSUPP, END};
static const int k_resolve[] = {SP_EINVAL, SP_ENONAME, SP_ENAMETEMP, SP_ETIMEDOUT, SP_ENOBUFS, END};

static int s_missing; /* for the failure message */

/* Fail unless @p rc is a success (>= 0) or one of @p listed. */
static void expect_listed(long long rc, const int *listed, const char *call, int line)
{
    if (rc >= 0)
        return;
    for (const int *code = listed; *code != END; code++)
        if (rc == *code)
            return;
    fail_msg("line %d: %s gave %s (%lld), which its header does not list (port without %s)", line,
             call, sp_err_name((int)rc), rc,
             s_missing < 0           ? "nothing"
             : s_missing == OP_COUNT ? "any operation"
                                     : op_names[s_missing]);
}
#define LISTED(call, listed) expect_listed((long long)(call), (listed), #call, __LINE__)

static void addr_of(int family, sp_addr *out)
{
    if (family == SP_AF_LOCAL)
        sp_addr_local(out, "/tmp/sockport-mock");
    else
        sp_addr_loopback(out, family, 7);
}

/* Every call that takes a socket, on one fresh socket of each kind. */
static void every_call_on(int family, int type, int protocol)
{
    sp_addr addr, out;
    char buf[16];
    int value = 0;
    size_t len = sizeof value;
    uint32_t id;
    sp_rdm_report report;
    sp_rdm_stats stats;
    addr_of(family, &addr);

    for (int round = 0; round < 2; round++) {
        int sock = sp_socket_on(&mock_stack, family, type, protocol);
        LISTED(sock, k_socket);
        if (sock < 0)
            return;
        /* Core keeps these itself: they bound every wait below. */
        assert_int_equal(sp_setsockopt(sock, SP_OPT_RCVTIMEO, 20), 0);
        assert_int_equal(sp_setsockopt(sock, SP_OPT_SNDTIMEO, 20), 0);
        for (int option = SP_OPT_REUSEADDR; option <= SP_OPT_RDM_RTO; option++) {
            if (option == SP_OPT_RCVTIMEO || option == SP_OPT_SNDTIMEO)
                continue;
            LISTED(sp_setsockopt(sock, option, 1), k_setopt);
            LISTED(sp_getsockopt(sock, option, &value), k_setopt);
        }
        LISTED(sp_setsockopt_native(sock, 1, 1, &value, sizeof value), k_native);
        LISTED(sp_getsockopt_native(sock, 1, 1, &value, &len), k_native);
        LISTED(sp_getsockname(sock, &out), k_sockname);
        LISTED(sp_getpeername(sock, &out), k_peername);
        if (round == 0) {
            /* As a server. */
            LISTED(sp_bind(sock, &addr), k_bind);
            LISTED(sp_listen(sock, 4), k_listen);
            int conn = sp_accept(sock, &out);
            LISTED(conn, k_accept);
            if (conn >= 0)
                assert_int_equal(sp_close(conn), 0);
            assert_int_equal(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1), 0);
            conn = sp_accept(sock, NULL);
            LISTED(conn, k_accept);
            if (conn >= 0)
                assert_int_equal(sp_close(conn), 0);
        } else {
            /* As a client. */
            LISTED(sp_connect(sock, &addr), k_connect);
            LISTED(sp_send(sock, "x", 1, 0), k_send);
            LISTED(sp_sendto(sock, "x", 1, 0, &addr), k_sendto);
            LISTED(sp_write(sock, "x", 1), k_send);
            LISTED(sp_recv(sock, buf, sizeof buf, 0), k_recv);
            LISTED(sp_recvfrom(sock, buf, sizeof buf, SP_MSG_PEEK, &out), k_recv);
            LISTED(sp_read(sock, buf, sizeof buf), k_recv);
            LISTED(sp_send_all(sock, "xy", 2, 20, NULL), k_send_all);
            LISTED(sp_recv_all(sock, buf, 2, 20, NULL), k_recv_all);
            sp_pollfd pfd = {sock, SP_POLLIN | SP_POLLOUT, 0};
            LISTED(sp_poll(&pfd, 1, 0), k_poll);
            LISTED(sp_poll(&pfd, 1, 10), k_poll);
            LISTED(sp_rdm_sendto(sock, "x", 1, NULL, &id), k_rdm_send);
            LISTED(sp_rdm_sendto(sock, "x", 1, &addr, &id), k_rdm_send);
            LISTED(sp_rdm_report_take(sock, &report), k_rdm_other);
            LISTED(sp_rdm_get_stats(sock, &stats), k_rdm_other);
            LISTED(sp_shutdown(sock, SP_SHUT_WR), k_shutdown);
            LISTED(sp_shutdown(sock, SP_SHUT_RDWR), k_shutdown);
            LISTED(sp_send(sock, "x", 1, SP_MSG_DONTWAIT), k_send);
        }
        assert_ptr_equal(sp_socket_stack(sock), &mock_stack);
        assert_int_equal(sp_close(sock), 0);
        LISTED(sp_close(sock), k_close);
    }
}

static void every_call_on_every_kind(void)
{
    static const struct {
        int family, type, protocol;
    } kinds[] = {
        {SP_AF_INET, SP_SOCK_STREAM, 0},     {SP_AF_INET, SP_SOCK_DGRAM, 0},
        {SP_AF_INET, SP_SOCK_RAW, 1},        {SP_AF_INET, SP_SOCK_SEQPACKET, 0},
        {SP_AF_INET, SP_SOCK_RDM, 0},        {SP_AF_INET6, SP_SOCK_STREAM, 0},
        {SP_AF_INET6, SP_SOCK_DGRAM, 0},     {SP_AF_INET6, SP_SOCK_RAW, 58},
        {SP_AF_INET6, SP_SOCK_SEQPACKET, 0}, {SP_AF_INET6, SP_SOCK_RDM, 0},
        {SP_AF_LOCAL, SP_SOCK_STREAM, 0},    {SP_AF_LOCAL, SP_SOCK_DGRAM, 0},
        {SP_AF_LOCAL, SP_SOCK_SEQPACKET, 0},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        every_call_on(kinds[i].family, kinds[i].type, kinds[i].protocol);

    /* The calls on the stack as a whole. */
    sp_addr found[4];
    LISTED(sp_stack_pump(&mock_stack, 0), k_pump);
    LISTED(sp_stack_pump(&mock_stack, 5), k_pump);
    (void)sp_stack_now_ms(&mock_stack);
    assert_non_null(sp_stack_name(&mock_stack));
    LISTED(sp_resolve_on(&mock_stack, "name.test", "80", SP_AF_UNSPEC, found, 4, 20), k_resolve);
    assert_int_equal(sp_resolve_on(&mock_stack, "192.0.2.1", NULL, SP_AF_UNSPEC, found, 4, 20), 1);
    assert_int_equal(sp_close_all(&mock_stack), 0);
}

static void port_with_every_operation(void **state)
{
    (void)state;
    s_missing = -1;
    mock_build(-1);
    every_call_on_every_kind();
}

static void port_without_one_operation_at_a_time(void **state)
{
    (void)state;
    for (int missing = 0; missing < OP_COUNT; missing++) {
        s_missing = missing;
        mock_build(missing);
        every_call_on_every_kind();
    }
}

static void port_without_any_operation(void **state)
{
    (void)state;
    s_missing = OP_COUNT;
    mock_build(OP_COUNT);
    every_call_on_every_kind();
    /* Nothing can be opened on it, and the stack-wide calls say why. */
    assert_int_equal(sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_STREAM, 0), SP_EOPNOTSUPP);
    assert_int_equal(sp_stack_pump(&mock_stack, 0), SP_EOPNOTSUPP);
    assert_int_equal(sp_stack_now_ms(&mock_stack), 0);
    assert_string_equal(sp_stack_name(&mock_stack), "(unnamed port)");
    sp_addr found;
    assert_int_equal(sp_resolve_on(&mock_stack, "name.test", NULL, SP_AF_UNSPEC, &found, 1, 0),
                     SP_ENONAME);
}

/* ---- The direct data operations ---- */

static void count_reset(void)
{
    mock_direct_sends = mock_direct_recvs = mock_general_sends = mock_general_recvs = 0;
}

/* Which way the calls since count_reset() went: direct and general sends, then receives. */
static void expect_counts(int direct_sends, int general_sends, int direct_recvs, int general_recvs)
{
    assert_int_equal(mock_direct_sends, direct_sends);
    assert_int_equal(mock_general_sends, general_sends);
    assert_int_equal(mock_direct_recvs, direct_recvs);
    assert_int_equal(mock_general_recvs, general_recvs);
    count_reset();
}

/*
 * The direct operations take exactly the calls whose answer core's checks
 * have fixed: a connected stream's send and receive, a datagram socket's
 * send to an address of its family (or to its peer once connected) and its
 * receive. A stream's sender, a destination a stream ignores, a state that
 * changed (shut down, closed) take the general path, and a call that fails
 * its checks reaches no port at all.
 */
static void direct_operations_carry_the_settled_calls_only(void **state)
{
    (void)state;
    mock_build(-1);
    char buf[8];
    sp_addr peer, v6, from;
    sp_addr_loopback(&peer, SP_AF_INET, 9);
    sp_addr_loopback(&v6, SP_AF_INET6, 9);
    count_reset();

    int dgram = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    assert_true(dgram >= 0);
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_EDESTADDRREQ);
    assert_int_equal(sp_sendto(dgram, "x", 1, 0, &v6), SP_EAFNOSUPPORT);
    assert_int_equal(sp_sendto(dgram, NULL, 1, 0, &peer), SP_EINVAL);
    assert_int_equal(sp_sendto(dgram, "x", 1, 0x100, &peer), SP_EINVAL);
    expect_counts(0, 0, 0, 0);
    assert_int_equal(sp_sendto(dgram, "xy", 2, 0, &peer), 2);
    assert_int_equal(sp_sendto(dgram, "xy", 2, SP_MSG_DONTWAIT, &peer), 2);
    assert_int_equal(sp_recvfrom(dgram, buf, sizeof buf, SP_MSG_PEEK, &from), 0);
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, 0), 0);
    expect_counts(2, 0, 2, 0);
    assert_int_equal(sp_connect(dgram, &peer), 0);
    assert_int_equal(sp_send(dgram, "x", 1, 0), 1);
    /* Over what an IP length field holds: core checks it (the family's own
     * limit is the port's, after the destination). */
    static char big[65536];
    assert_int_equal(sp_send(dgram, big, sizeof big, 0), SP_EMSGSIZE);
    expect_counts(1, 0, 0, 0);
    /* A blocking send that finds no room goes on the general way and waits. */
    mock_direct_result = SP_EAGAIN;
    assert_int_equal(sp_send(dgram, "x", 1, 0), 1);
    expect_counts(1, 1, 0, 0);
    assert_int_equal(sp_setsockopt(dgram, SP_OPT_NONBLOCK, 1), 0);
    mock_direct_result = SP_EAGAIN;
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_EAGAIN);
    mock_direct_result = SP_ENOBUFS;
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_ENOBUFS);
    expect_counts(2, 0, 0, 0);
    assert_int_equal(sp_shutdown(dgram, SP_SHUT_WR), 0);
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_EPIPE);
    assert_int_equal(sp_sendto(dgram, "x", 1, 0, &peer), SP_EPIPE);
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, 0), 0);
    expect_counts(0, 0, 1, 0);
    assert_int_equal(sp_close(dgram), 0);
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_EBADF);
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, 0), SP_EBADF);
    expect_counts(0, 0, 0, 0);

    int stream = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(stream >= 0);
    assert_int_equal(sp_send(stream, "x", 1, 0), SP_ENOTCONN);
    assert_int_equal(sp_recv(stream, buf, sizeof buf, 0), SP_ENOTCONN);
    expect_counts(0, 0, 0, 0);
    assert_int_equal(sp_connect(stream, &peer), 0);
    assert_int_equal(sp_send(stream, "xyz", 3, 0), 3);
    assert_int_equal(sp_write(stream, "xyz", 3), 3);
    assert_int_equal(sp_recv(stream, buf, sizeof buf, 0), 0);
    assert_int_equal(sp_read(stream, buf, sizeof buf), 0);
    expect_counts(2, 0, 2, 0);
    /* A stream ignores a destination, and its sender is the peer core noted. */
    assert_int_equal(sp_sendto(stream, "xyz", 3, 0, &v6), 3);
    assert_int_equal(sp_recvfrom(stream, buf, sizeof buf, 0, &from), 0);
    assert_int_equal(from.family, SP_AF_INET);
    expect_counts(0, 1, 0, 1);
    assert_int_equal(sp_send(stream, "x", 0, 0), 0); /* nothing to send */
    assert_int_equal(sp_recv(stream, buf, 0, 0), SP_EINVAL);
    expect_counts(0, 0, 0, 0);
    assert_int_equal(sp_shutdown(stream, SP_SHUT_RD), 0);
    assert_int_equal(sp_recv(stream, buf, sizeof buf, 0), 0);
    assert_int_equal(sp_send(stream, "x", 1, 0), 1);
    expect_counts(1, 0, 0, 0);
    assert_int_equal(sp_close(stream), 0);

    /* Negative handles and handles of a free slot name nothing here either. */
    assert_int_equal(sp_send(-1, "x", 1, 0), SP_EBADF);
    assert_int_equal(sp_recv(INT32_MIN, buf, sizeof buf, 0), SP_EBADF);
    assert_int_equal(sp_send(stream + (1 << SPC_INDEX_BITS), "x", 1, 0), SP_EBADF);
    expect_counts(0, 0, 0, 0);
}

/*
 * A port whose direct forms return the system's -1 (port.h, direct_failure)
 * is asked for the code once per failed direct call, told which direction
 * failed, and its code is what the caller gets, or, for SP_EAGAIN on a call
 * that may wait, what the general path then gets after waiting.
 */
static void direct_failure_names_what_a_direct_call_reported(void **state)
{
    (void)state;
    mock_build(-1);
    mock_ops.direct_failure = mock_direct_failure;
    char buf[8];
    sp_addr peer, from;
    sp_addr_loopback(&peer, SP_AF_INET, 9);
    int dgram = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    assert_true(dgram >= 0);
    assert_int_equal(sp_connect(dgram, &peer), 0);
    count_reset();
    mock_failure_calls = 0;

    mock_direct_result = -1;
    mock_failure_code = SP_ECONNREFUSED;
    assert_int_equal(sp_send(dgram, "x", 1, 0), SP_ECONNREFUSED);
    assert_int_equal(mock_failure_calls, 1);
    assert_false(mock_failure_receiving);
    mock_direct_result = -1;
    assert_int_equal(sp_sendto(dgram, "x", 1, 0, &peer), SP_ECONNREFUSED);
    mock_direct_result = -1;
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, 0), SP_ECONNREFUSED);
    assert_int_equal(mock_failure_calls, 3);
    assert_true(mock_failure_receiving);
    mock_direct_result = -1;
    mock_failure_code = SP_EMSGSIZE;
    assert_int_equal(sp_recvfrom(dgram, buf, sizeof buf, 0, &from), SP_EMSGSIZE);
    assert_true(mock_failure_receiving);
    expect_counts(2, 0, 2, 0);

    /* SP_EAGAIN on a call that may wait: it waits, then the general path. */
    mock_direct_result = -1;
    mock_failure_code = SP_EAGAIN;
    assert_int_equal(sp_send(dgram, "x", 1, 0), 1);
    mock_direct_result = -1;
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, 0), 0);
    expect_counts(1, 1, 1, 1);
    mock_direct_result = -1;
    assert_int_equal(sp_recv(dgram, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    assert_int_equal(mock_failure_calls, 7);
    expect_counts(0, 0, 1, 0);

    assert_int_equal(sp_close(dgram), 0);
    mock_ops.direct_failure = NULL;
}

/* Without the general send (or receive) every send (receive) is
 * SP_EOPNOTSUPP (port.h), direct operation or not, and without the direct
 * one every send (receive) takes the general way. */
static void direct_operations_alone_or_missing(void **state)
{
    (void)state;
    char buf[8];
    sp_addr peer;
    sp_addr_loopback(&peer, SP_AF_INET, 9);
    for (int missing = OP_SEND; missing <= OP_RECV; missing++) {
        mock_build(missing);
        count_reset();
        int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
        assert_true(sock >= 0);
        assert_int_equal(sp_connect(sock, &peer), 0);
        ptrdiff_t sent = sp_send(sock, "x", 1, 0);
        ptrdiff_t got = sp_recv(sock, buf, sizeof buf, 0);
        assert_int_equal(missing == OP_SEND ? sent : got, SP_EOPNOTSUPP);
        assert_int_equal(missing == OP_SEND ? got : sent, missing == OP_SEND ? 0 : 1);
        /* The other direction still takes its direct way. */
        expect_counts(missing == OP_RECV, 0, missing == OP_SEND, 0);
        assert_int_equal(sp_close(sock), 0);
    }
    for (int missing = OP_SEND_DIRECT; missing <= OP_SEND_DIRECT + 1; missing++) {
        mock_build(missing);
        count_reset();
        int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
        assert_true(sock >= 0);
        assert_int_equal(sp_connect(sock, &peer), 0);
        assert_int_equal(sp_send(sock, "x", 1, 0), 1);
        assert_int_equal(sp_recv(sock, buf, sizeof buf, 0), 0);
        bool sends_direct = missing != OP_SEND_DIRECT;
        expect_counts(sends_direct, !sends_direct, !sends_direct, sends_direct);
        assert_int_equal(sp_close(sock), 0);
    }
}

/* ---- RDM sessions ---- */

/* The session of an RDM socket opened at the same moment of the same boot. */
static uint32_t session_of_one_message(void)
{
    mock_clock = 1000;
    mock_last_session = 0;
    int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_RDM, 0);
    assert_true(sock >= 0);
    sp_addr to;
    sp_addr_loopback(&to, SP_AF_INET, 9);
    assert_int_equal(sp_sendto(sock, "x", 1, 0, &to), 1);
    assert_int_equal(sp_close(sock), 0);
    return mock_last_session;
}

/*
 * A device that reboots opens its RDM socket at the same clock reading as the
 * boot before, with core's state fresh: its session must still differ, or the
 * receiver drops its messages as duplicates of the last boot's (after
 * acknowledging them). The port's entropy makes it differ. Without entropy
 * the fallback repeats, as docs/rdm.md warns: that half shows the simulated
 * reboot is a faithful one (the old code always behaved so).
 */
static void rdm_sessions_differ_across_a_simulated_reboot(void **state)
{
    (void)state;
    mock_build(-1);
    spc_test_rdm_reboot();
    uint32_t before = session_of_one_message();
    spc_test_rdm_reboot();
    uint32_t after = session_of_one_message();
    assert_int_not_equal(before, after);

    mock_build(OP_ENTROPY);
    spc_test_rdm_reboot();
    before = session_of_one_message();
    spc_test_rdm_reboot();
    after = session_of_one_message();
    assert_int_equal(before, after);
}

/*
 * The optional services: until a program registers one, its type is not
 * supported (SP_EPROTONOSUPPORT, as Linux's ESOCKTNOSUPPORT for a type no
 * loaded module provides), and registering makes it work. A hosted build
 * starts with both registered (SP_ALL_SERVICES): the case takes them out and
 * puts them back.
 */
static void optional_services_need_registering(void **state)
{
    (void)state;
    mock_build(-1);
    struct spc_registry registered = spc_registry;
    assert_non_null(registered.rdm);
    assert_non_null(registered.seqpacket);
    spc_registry.rdm = NULL;
    spc_registry.seqpacket = NULL;
    assert_int_equal(sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_RDM, 0), SP_EPROTONOSUPPORT);
    assert_int_equal(sp_socket_on(&mock_stack, SP_AF_INET6, SP_SOCK_SEQPACKET, 0),
                     SP_EPROTONOSUPPORT);

    sp_use_rdm();
    sp_use_seqpacket();
    sp_use_rdm(); /* idempotent */
    int rdm = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_RDM, 0);
    int seqpacket = sp_socket_on(&mock_stack, SP_AF_INET6, SP_SOCK_SEQPACKET, 0);
    assert_true(rdm >= 0);
    assert_true(seqpacket >= 0);
    assert_int_equal(sp_setsockopt(rdm, SP_OPT_RDM_TIMEOUT, 500), 0);
    int value = 0;
    assert_int_equal(sp_getsockopt(rdm, SP_OPT_RDM_TIMEOUT, &value), 0);
    assert_int_equal(value, 500);
    assert_int_equal(sp_close(rdm), 0);
    assert_int_equal(sp_close(seqpacket), 0);
    spc_registry = registered;
}

/*
 * A UDP or raw IP message's length checks in core, by type and family, at
 * their edges: 65 535 bytes (what an IP length field holds) reach the port,
 * which checks its family's own limit after the destination, as Linux (a
 * broadcast without SP_OPT_BROADCAST is SP_EACCES first); one byte more is
 * SP_EMSGSIZE; an ICMP message shorter than its family's minimum is
 * SP_EINVAL, other protocols' messages may be empty. Both ways a send can
 * name its destination (an address, or the peer of a connect). A refused
 * send reaches no port. The mock can open raw sockets without privileges,
 * which the shared suite's raw cases usually lack.
 */
static void ip_message_limits_by_type_and_family(void **state)
{
    (void)state;
    mock_build(-1);
    static uint8_t big[65536 + 1];
    static const struct {
        int family, type, protocol;
        size_t max, min;
    } kinds[] = {
        {SP_AF_INET, SP_SOCK_DGRAM, 0, 65535, 0},
        {SP_AF_INET, SP_SOCK_DGRAM, SP_IPPROTO_UDP, 65535, 0},
        {SP_AF_INET6, SP_SOCK_DGRAM, 0, 65535, 0},
        {SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP, 65535, 2},
        {SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMPV6, 65535, 0},
        {SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_UDP, 65535, 0},
        {SP_AF_INET6, SP_SOCK_RAW, SP_IPPROTO_ICMPV6, 65535, 4},
        {SP_AF_INET6, SP_SOCK_RAW, SP_IPPROTO_ICMP, 65535, 0},
        {SP_AF_INET6, SP_SOCK_RAW, 255, 65535, 0},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        sp_addr to;
        sp_addr_loopback(&to, kinds[k].family, 9);
        int sock = sp_socket_on(&mock_stack, kinds[k].family, kinds[k].type, kinds[k].protocol);
        assert_true(sock >= 0);
        for (int connected = 0; connected < 2; connected++) {
            const sp_addr *dest = connected ? NULL : &to;
            count_reset();
            assert_int_equal(sp_sendto(sock, big, kinds[k].max, 0, dest), (ptrdiff_t)kinds[k].max);
            assert_int_equal(sp_sendto(sock, big, kinds[k].max + 1, 0, dest), SP_EMSGSIZE);
            assert_int_equal(sp_sendto(sock, big, sizeof big, SP_MSG_DONTWAIT, dest), SP_EMSGSIZE);
            if (kinds[k].min > 0)
                assert_int_equal(sp_sendto(sock, big, kinds[k].min - 1, 0, dest), SP_EINVAL);
            assert_int_equal(sp_sendto(sock, big, kinds[k].min, 0, dest), (ptrdiff_t)kinds[k].min);
            /* sp_send_all() of a message socket (to its peer): the same checks. */
            size_t sent = 1;
            assert_int_equal(sp_send_all(sock, big, kinds[k].max + 1, 0, &sent),
                             connected ? SP_EMSGSIZE : SP_EDESTADDRREQ);
            assert_int_equal(sent, 0);
            /* Only the two sends that passed their checks reached the port. */
            assert_int_equal(mock_direct_sends + mock_general_sends, 2);
            assert_int_equal(sp_connect(sock, &to), 0);
        }
        assert_int_equal(sp_close(sock), 0);
    }
}

/*
 * "localhost" is core's answer on every port (the mock's resolver knows no
 * name): the loopback of the family asked for, once; for any family
 * 127.0.0.1 first, then ::1 when there is room, with the service's port.
 */
static void localhost_gives_the_loopback_of_each_family_once(void **state)
{
    (void)state;
    mock_build(-1);
    static const struct {
        int family;
        size_t max;
        int count;
        int first, second;
    } asked[] = {
        {SP_AF_UNSPEC, 8, 2, SP_AF_INET, SP_AF_INET6},
        {SP_AF_UNSPEC, 2, 2, SP_AF_INET, SP_AF_INET6},
        {SP_AF_UNSPEC, 1, 1, SP_AF_INET, 0},
        {SP_AF_INET, 8, 1, SP_AF_INET, 0},
        {SP_AF_INET6, 8, 1, SP_AF_INET6, 0},
        {SP_AF_INET6, 1, 1, SP_AF_INET6, 0},
    };
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        sp_addr out[8], want;
        memset(out, 0xA5, sizeof out);
        assert_int_equal(
            sp_resolve_on(&mock_stack, "localhost", "443", asked[i].family, out, asked[i].max, 0),
            asked[i].count);
        sp_addr_loopback(&want, asked[i].first, 443);
        assert_true(sp_addr_equal(&out[0], &want));
        if (asked[i].count == 2) {
            sp_addr_loopback(&want, asked[i].second, 443);
            assert_true(sp_addr_equal(&out[1], &want));
        }
        /* Nothing past the answers is written. */
        assert_int_equal(((const uint8_t *)&out[asked[i].count])[0], 0xA5);
    }
}

/* ---- Handles ---- */

#define INDEX_MASK ((1u << SPC_INDEX_BITS) - 1u)

static int open_mock(void)
{
    int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    assert_true(sock >= 0);
    return sock;
}

/*
 * Handles no socket was given: negative ones (whose sign bit lands in the
 * generation, above any a slot issues), and a live handle with bits above
 * its generation set, or its generation one off. Every call gives SP_EBADF,
 * on the fast path (send, receive) as on the others, and none reaches the
 * port or disturbs the live socket.
 */
static void made_up_handles_are_ebadf(void **state)
{
    (void)state;
    mock_build(-1);
    int live = open_mock();
    uint32_t bits = (uint32_t)live;
    const int made_up[] = {
        -1,
        INT_MIN,
        INT_MIN + 1,
        (int)(bits | 0x80000000u),
        (int)(bits | 0x40000000u),
        (int)(bits + (1u << SPC_INDEX_BITS)),
        (int)(bits - (1u << SPC_INDEX_BITS)),
        (int)(bits & INDEX_MASK), /* generation 0: never issued */
        (int)((uint32_t)SPC_GENERATION_MAX << SPC_INDEX_BITS | (bits & INDEX_MASK)),
        (int)((SPC_GENERATION_MAX + 1u) << SPC_INDEX_BITS | (bits & INDEX_MASK)),
        (int)(bits ^ 1u),
    };
    sp_addr to;
    sp_addr_loopback(&to, SP_AF_INET, 9);
    char buf[4];
    int type = 0;
    count_reset();
    for (size_t i = 0; i < sizeof made_up / sizeof made_up[0]; i++) {
        int h = made_up[i];
        if (h == live)
            continue;
        assert_int_equal(sp_getsockopt(h, SP_OPT_TYPE, &type), SP_EBADF);
        assert_int_equal(sp_setsockopt(h, SP_OPT_NONBLOCK, 1), SP_EBADF);
        assert_int_equal(sp_sendto(h, "x", 1, 0, &to), SP_EBADF);
        assert_int_equal(sp_send(h, "x", 1, 0), SP_EBADF);
        assert_int_equal(sp_recv(h, buf, sizeof buf, 0), SP_EBADF);
        assert_int_equal(sp_recvfrom(h, buf, sizeof buf, 0, &to), SP_EBADF);
        assert_int_equal(sp_bind(h, &to), SP_EBADF);
        assert_int_equal(sp_listen(h, 1), SP_EBADF);
        assert_int_equal(sp_close(h), SP_EBADF);
        /* sp_poll() ignores a negative handle, and reports any other as invalid. */
        sp_pollfd entry = {h, SP_POLLIN, 0};
        assert_int_equal(sp_poll(&entry, 1, 0), h < 0 ? 0 : 1);
        assert_int_equal(entry.revents, h < 0 ? 0 : SP_POLLNVAL);
    }
    expect_counts(0, 0, 0, 0);
    assert_int_equal(sp_getsockopt(live, SP_OPT_TYPE, &type), 0);
    assert_int_equal(type, SP_SOCK_DGRAM);
    assert_int_equal(sp_close(live), 0);
    assert_int_equal(sp_close(live), SP_EBADF);
}

/* Closed slots come back oldest first, whatever their index. */
static void free_slots_are_reused_oldest_first(void **state)
{
    (void)state;
    mock_build(-1);
    static int socks[SP_MAX_SOCKETS];
    int n = 0;
    while (n < SP_MAX_SOCKETS) {
        int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (sock < 0)
            break;
        socks[n++] = sock;
    }
    assert_int_equal(sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0), SP_EMFILE);
    /* Close in an order unlike the indices: every other one, then the rest. */
    static uint32_t order[SP_MAX_SOCKETS];
    int k = 0;
    for (int i = 0; i < n; i += 2)
        order[k++] = (uint32_t)socks[i] & INDEX_MASK;
    for (int i = 1; i < n; i += 2)
        order[k++] = (uint32_t)socks[i] & INDEX_MASK;
    for (int i = 0; i < n; i += 2)
        assert_int_equal(sp_close(socks[i]), 0);
    for (int i = 1; i < n; i += 2)
        assert_int_equal(sp_close(socks[i]), 0);
    /* Every slot is taken again, by a socket its old handle does not name. */
    static int stale[SP_MAX_SOCKETS];
    memcpy(stale, socks, sizeof socks);
    for (int i = 0; i < n; i++) {
        int sock = open_mock();
        assert_int_equal((uint32_t)sock & INDEX_MASK, order[i]);
        socks[i] = sock;
    }
    int type = 0;
    for (int i = 0; i < n; i++) {
        assert_int_not_equal(socks[i], stale[i]);
        assert_int_equal(sp_getsockopt(stale[i], SP_OPT_TYPE, &type), SP_EBADF);
        assert_int_equal(sp_close(stale[i]), SP_EBADF);
    }
    for (int i = 0; i < n; i++)
        assert_int_equal(sp_close(socks[i]), 0);
}

/* The table holds what the build chose: all SP_MAX_SOCKETS slots, up to
 * 65 536 (the core_ports_65536 build). */
static void the_whole_table_opens(void **state)
{
    (void)state;
    mock_build(-1);
    static int socks[SP_MAX_SOCKETS];
    for (int i = 0; i < SP_MAX_SOCKETS; i++)
        socks[i] = open_mock();
    assert_int_equal(sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0), SP_EMFILE);
    sp_table_stats stats;
    assert_int_equal(sp_get_table_stats(&stats), 0);
    assert_int_equal(stats.in_use, SP_MAX_SOCKETS);
    assert_int_equal(stats.max, SP_MAX_SOCKETS);
    /* The last slot's handle works like the first's. */
    int type = 0;
    assert_int_equal(sp_getsockopt(socks[SP_MAX_SOCKETS - 1], SP_OPT_TYPE, &type), 0);
    assert_int_equal(type, SP_SOCK_DGRAM);
    for (int i = 0; i < SP_MAX_SOCKETS; i++)
        assert_int_equal(sp_close(socks[i]), 0);
}

/* ---- Clock reads ---- */

/*
 * sp_poll() and sp_poller_wait() read the stack's clock only for a positive
 * timeout: a look (0) or a wait without limit (SP_FOREVER) has no deadline to
 * fix. The mock's clock counts its reads (each one advances it by 1).
 */
static void poll_reads_the_clock_only_for_a_time_limit(void **state)
{
    (void)state;
    mock_build(-1);
    int a = open_mock();
    int b = open_mock();
    sp_pollfd fds[2] = {{a, SP_POLLIN, 0}, {b, SP_POLLOUT, 0}};
    int64_t before = mock_clock;
    assert_int_equal(sp_poll(fds, 2, 0), 2);
    assert_int_equal(sp_poll(fds, 2, SP_FOREVER), 2);
    fds[0].events = 0;
    fds[1].events = 0;
    assert_int_equal(sp_poll(fds, 2, 0), 0); /* nothing ready: only a look */
    assert_int_equal(mock_clock, before);
    /* The count is real: a limited wait with nothing ready reads the clock. */
    assert_int_equal(sp_poll(fds, 2, 5), 0);
    assert_true(mock_clock > before);

    /* The mock has no poller of its own: core's generic poller waits. */
    int poller = sp_poller_open(&mock_stack);
    assert_true(poller >= 0);
    assert_int_equal(sp_poller_add(poller, a, SP_POLLIN), 0);
    assert_int_equal(sp_poller_add(poller, b, 0), 0);
    sp_poller_event evs[2];
    before = mock_clock;
    assert_int_equal(sp_poller_wait(poller, evs, 2, 0), 1);
    assert_int_equal(sp_poller_wait(poller, evs, 2, SP_FOREVER), 1);
    assert_int_equal(evs[0].sock, a);
    assert_int_equal(sp_poller_modify(poller, a, 0), 0);
    assert_int_equal(sp_poller_wait(poller, evs, 2, 0), 0);
    assert_int_equal(mock_clock, before);
    assert_int_equal(sp_poller_wait(poller, evs, 2, 5), 0);
    assert_true(mock_clock > before);
    assert_int_equal(sp_poller_close(poller), 0);
    assert_int_equal(sp_close(a), 0);
    assert_int_equal(sp_close(b), 0);
}

/*
 * sp_poll() hands a port at most SP_POLL_BATCH entries per call (a buffer on
 * the C stack, nothing per slot of the table): more entries of one stack are
 * looked at chunk by chunk, and only the last chunk of a turn waits, a short
 * turn at a time, until the timeout. A socket listed twice is two entries,
 * each answered for its own interest. The mock answers what is asked
 * (SP_POLLIN/OUT) at once.
 */
static void poll_hands_the_port_a_batch_at_a_time(void **state)
{
    (void)state;
    mock_build(-1);
    /* A host's batch (up to 1 024) is more than half its table: the sockets
     * (at most OPEN) are listed again and again to fill the entries. */
    enum {
        BATCH = SP_POLL_BATCH,
        SOCKS = 2 * BATCH + 8,
        OPEN = SOCKS < 40 ? SOCKS : 40,
        ENTRIES = SOCKS + 2
    };
    static int socks[OPEN];
    static sp_pollfd fds[ENTRIES];
    for (int i = 0; i < OPEN; i++)
        socks[i] = open_mock();
    for (int i = 0; i < SOCKS; i++)
        fds[i] = (sp_pollfd){socks[i % OPEN], 0, 0};
    fds[SOCKS] = (sp_pollfd){socks[3], SP_POLLIN, 0};
    fds[SOCKS + 1] = (sp_pollfd){socks[3], SP_POLLOUT, 0};
    memset(&mock_poll_log, 0, sizeof mock_poll_log);
    assert_int_equal(sp_poll(fds, ENTRIES, 0), 2);
    assert_int_equal(mock_poll_log.calls, 3);
    assert_int_equal(mock_poll_log.n[0], BATCH);
    assert_int_equal(mock_poll_log.n[1], BATCH);
    assert_int_equal(mock_poll_log.n[2], 10);
    for (int k = 0; k < 3; k++)
        assert_int_equal(mock_poll_log.timeout_ms[k], 0);
    for (int i = 0; i < SOCKS; i++)
        assert_int_equal(fds[i].revents, 0);
    assert_int_equal(fds[SOCKS].revents, SP_POLLIN);
    assert_int_equal(fds[SOCKS + 1].revents, SP_POLLOUT);

    /* Ready in the first chunk: the later ones only look. */
    fds[1].events = SP_POLLOUT;
    memset(&mock_poll_log, 0, sizeof mock_poll_log);
    assert_int_equal(sp_poll(fds, SOCKS, SP_FOREVER), 1);
    assert_int_equal(fds[1].revents, SP_POLLOUT);
    assert_int_equal(mock_poll_log.calls, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(mock_poll_log.timeout_ms[k], 0);

    /* Nothing ready: turns of three calls, the last waiting 2 ms (or what is
     * left of the timeout), until the (mock) clock passes the deadline; then
     * one more turn that only looks. */
    fds[1].events = 0;
    memset(&mock_poll_log, 0, sizeof mock_poll_log);
    assert_int_equal(sp_poll(fds, SOCKS, 5), 0);
    assert_true(mock_poll_log.calls >= 6 && mock_poll_log.calls <= MOCK_POLL_LOG);
    assert_int_equal(mock_poll_log.calls % 3, 0);
    for (size_t k = 0; k < mock_poll_log.calls; k++) {
        assert_int_equal(mock_poll_log.n[k], k % 3 == 2 ? 8 : BATCH);
        int wait = mock_poll_log.timeout_ms[k];
        if (k == 2)
            assert_int_equal(wait, 2);
        else if (k % 3 == 2 && k + 1 < mock_poll_log.calls)
            assert_true(wait >= 1 && wait <= 2);
        else
            assert_int_equal(wait, 0);
    }

    /* All of one chunk: one call with the whole timeout. */
    memset(&mock_poll_log, 0, sizeof mock_poll_log);
    assert_int_equal(sp_poll(fds, BATCH, 5), 0);
    assert_int_equal(mock_poll_log.timeout_ms[0], 5);
    for (int i = 0; i < OPEN; i++)
        assert_int_equal(sp_close(socks[i]), 0);
}

/*
 * sp_poll() keeps a mark and a port entry's index in the revents of the
 * entries of a chunk while it waits: a call that fails (a port that cannot
 * poll, sockets of more than 8 stacks) leaves no such value for the caller
 * to read as events.
 */
static void poll_failures_leave_no_mark_in_revents(void **state)
{
    (void)state;
    mock_build(OP_POLL);
    int sock = open_mock();
    sp_pollfd fds[10];
    fds[0] = (sp_pollfd){sock, SP_POLLIN, 0};
    fds[1] = (sp_pollfd){sock, SP_POLLOUT, 0};
    assert_int_equal(sp_poll(fds, 2, 0), SP_EOPNOTSUPP);
    assert_int_equal(fds[0].revents, 0);
    assert_int_equal(fds[1].revents, 0);
    assert_int_equal(sp_close(sock), 0);

    mock_build(-1);
    static sp_stack stacks[9];
    int socks[9];
    for (int k = 0; k < 9; k++) {
        stacks[k] = (sp_stack){&mock_ops, NULL};
        socks[k] = sp_socket_on(&stacks[k], SP_AF_INET, SP_SOCK_DGRAM, 0);
        assert_true(socks[k] >= 0);
        fds[k] = (sp_pollfd){socks[k], SP_POLLIN, 0};
    }
    fds[9] = (sp_pollfd){socks[1], SP_POLLOUT, 0};
    assert_int_equal(sp_poll(fds, 10, 0), SP_EINVAL);
    for (int k = 0; k < 10; k++)
        assert_int_equal(fds[k].revents, 0);
    /* Eight stacks are one call. */
    assert_int_equal(sp_poll(&fds[1], 9, 0), 9);
    for (int k = 1; k < 10; k++)
        assert_int_equal(fds[k].revents, fds[k].events);
    for (int k = 0; k < 9; k++)
        assert_int_equal(sp_close(socks[k]), 0);
}

/*
 * A slot at its last generation retires when closed: no later socket gets its
 * index, and every handle it ever issued stays stale. (A slot that wrapped
 * back to generation 1 would hand the very first handle out again: 2^21
 * reuses took 0.35 s on lwIP before.)
 */
static void a_slot_retires_after_its_last_generation(void **state)
{
    (void)state;
    mock_build(-1);
    int first = open_mock();
    uint32_t slot = (uint32_t)first & INDEX_MASK;
    assert_int_equal(sp_close(first), 0);
    assert_int_equal(spc_test_set_generation((int)slot, SPC_GENERATION_MAX), 0);
    assert_int_equal(spc_test_set_generation((int)slot, 0), SP_EINVAL);

    /* Open until the slot comes round again (after every other free slot). */
    static int held[SP_MAX_SOCKETS];
    int n = 0, last = -1;
    while (n < SP_MAX_SOCKETS && last < 0) {
        int sock = open_mock();
        if (((uint32_t)sock & INDEX_MASK) == slot)
            last = sock;
        else
            held[n++] = sock;
    }
    assert_true(last >= 0);
    assert_int_equal((uint32_t)last >> SPC_INDEX_BITS, SPC_GENERATION_MAX);
    assert_int_equal(spc_test_set_generation((int)slot, 5), SP_EINVAL); /* in use */
    assert_int_equal(sp_close(last), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(sp_close(held[i]), 0);

    /* The table now has one slot less, and no handle of the old slot works. */
    n = 0;
    for (;;) {
        int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (sock < 0) {
            assert_int_equal(sock, SP_EMFILE);
            break;
        }
        assert_int_not_equal((uint32_t)sock & INDEX_MASK, slot);
        assert_int_not_equal(sock, first);
        assert_true(n < SP_MAX_SOCKETS);
        held[n++] = sock;
    }
    assert_int_equal(n, SP_MAX_SOCKETS - 1);
    int type = 0;
    assert_int_equal(sp_getsockopt(first, SP_OPT_TYPE, &type), SP_EBADF);
    assert_int_equal(sp_getsockopt(last, SP_OPT_TYPE, &type), SP_EBADF);
    assert_int_equal(sp_close(first), SP_EBADF);
    assert_int_equal(sp_close(last), SP_EBADF);
    for (int i = 0; i < n; i++)
        assert_int_equal(sp_close(held[i]), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(port_with_every_operation),
        cmocka_unit_test(port_without_one_operation_at_a_time),
        cmocka_unit_test(port_without_any_operation),
        cmocka_unit_test(direct_operations_carry_the_settled_calls_only),
        cmocka_unit_test(direct_failure_names_what_a_direct_call_reported),
        cmocka_unit_test(direct_operations_alone_or_missing),
        cmocka_unit_test(rdm_sessions_differ_across_a_simulated_reboot),
        cmocka_unit_test(optional_services_need_registering),
        cmocka_unit_test(ip_message_limits_by_type_and_family),
        cmocka_unit_test(localhost_gives_the_loopback_of_each_family_once),
        cmocka_unit_test(made_up_handles_are_ebadf),
        cmocka_unit_test(free_slots_are_reused_oldest_first),
        cmocka_unit_test(the_whole_table_opens),
        cmocka_unit_test(poll_reads_the_clock_only_for_a_time_limit),
        cmocka_unit_test(poll_hands_the_port_a_batch_at_a_time),
        cmocka_unit_test(poll_failures_leave_no_mark_in_revents),
        /* Last: it retires a slot for the rest of the process. */
        cmocka_unit_test(a_slot_retires_after_its_last_generation),
    };
    return cmocka_run_group_tests_name("core_ports", tests, NULL, NULL);
}
