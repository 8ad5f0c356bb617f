/* Stream (TCP over IPv4 loopback): connection set-up, I/O, every documented
 * error, timeouts, would-block, shutdown and partial transfers. */
#include <string.h>

#include "suite.h"

#define CHUNK 65536         /* offered per send when filling buffers */
#define FILL_MAX_SENDS 1024 /* 64 MiB at most: more than any loopback buffers */
/* A send that makes no progress for this long means the pipe is full: both
 * the receiver's window and the sender's buffer (one SP_EAGAIN may only mean
 * that loopback has not yet moved the data on, in particular under load). */
#define FULL_PIPE_MS 300

/* An address of a loopback port of @p family that nobody listens on: bind, learn, close. */
static void unused_port_of(int family, sp_addr *out)
{
    sp_addr any;
    int sock = sp_t_socket(family, SP_SOCK_STREAM);
    sp_t_loopback(&any, family);
    SP_ASSERT_RC(sp_bind(sock, &any), 0);
    SP_ASSERT_RC(sp_getsockname(sock, out), 0);
    SP_ASSERT_RC(sp_close(sock), 0);
}

static void unused_port(sp_addr *out)
{
    unused_port_of(SP_AF_INET, out);
}

SP_CASE(stream_blocking_connect_accept_and_addresses)
{
    sp_addr listen_addr;
    sp_addr client_addr;
    sp_addr peer;
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &listen_addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);

    SP_ASSERT_RC(sp_connect(client, &listen_addr), 0);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, &peer));

    SP_ASSERT_RC(sp_getsockname(client, &client_addr), 0);
    assert_int_equal(client_addr.family, SP_AF_INET);
    assert_int_not_equal(client_addr.port, 0);
    assert_true(sp_addr_equal(&peer, &client_addr));
    SP_ASSERT_RC(sp_getpeername(server, &addr), 0);
    assert_true(sp_addr_equal(&addr, &client_addr));
    SP_ASSERT_RC(sp_getpeername(client, &addr), 0);
    assert_true(sp_addr_equal(&addr, &listen_addr));
    SP_ASSERT_RC(sp_getsockname(server, &addr), 0);
    assert_true(sp_addr_equal(&addr, &listen_addr));

    SP_ASSERT_RC(sp_connect(client, &listen_addr), SP_EISCONN);
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(stream_accept_peer_may_be_null_and_new_socket_blocks)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    sp_t_setopt(listener, SP_OPT_NONBLOCK, 1);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &addr, SP_T_SAFETY_MS), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    /* Blocking whatever the listener's mode, with the listener's timeouts
     * (as Linux: options_accepted_socket_inherits_the_listeners). */
    assert_int_equal(sp_t_getopt(server, SP_OPT_NONBLOCK), 0);
    assert_int_equal(sp_t_getopt(server, SP_OPT_RCVTIMEO), sp_t_getopt(listener, SP_OPT_RCVTIMEO));
    assert_int_equal(sp_t_getopt(server, SP_OPT_SNDTIMEO), SP_FOREVER);
    assert_int_equal(sp_t_getopt(server, SP_OPT_TYPE), SP_SOCK_STREAM);
    assert_int_equal(sp_t_getopt(server, SP_OPT_FAMILY), SP_AF_INET);
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(stream_echo_with_every_io_call)
{
    int client;
    int server;
    char buf[32];
    sp_addr from;
    sp_addr client_addr;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);

    SP_ASSERT_RC(sp_write(client, "ping", 4), 4);
    sp_t_recv_exact(server, buf, 4);
    assert_memory_equal(buf, "ping", 4);

    SP_ASSERT_RC(sp_send(server, "pong!", 5, 0), 5);
    SP_ASSERT_RC(sp_recv_all(client, buf, 5, SP_T_SAFETY_MS, NULL), 0);
    assert_memory_equal(buf, "pong!", 5);

    SP_ASSERT_RC(sp_sendto(client, "to", 2, 0, NULL), 2);
    SP_ASSERT_RC(sp_recv_all(server, buf, 2, SP_T_SAFETY_MS, NULL), 0);
    assert_memory_equal(buf, "to", 2);

    SP_ASSERT_RC(sp_send(client, "x", 1, SP_MSG_DONTWAIT), 1);
    memset(&from, 0, sizeof from);
    SP_ASSERT_RC(sp_recvfrom(server, buf, sizeof buf, 0, &from), 1); /* one byte was there */
    assert_int_equal(buf[0], 'x');
    SP_ASSERT_RC(sp_getsockname(client, &client_addr), 0);
    assert_true(sp_addr_equal(&from, &client_addr)); /* for a stream, the peer */

    SP_ASSERT_RC(sp_write(server, "r", 1), 1);
    SP_ASSERT_RC(sp_read(client, buf, sizeof buf), 1);
    assert_int_equal(buf[0], 'r');

    sp_t_close_both(client, server);
}

SP_CASE(stream_peek_leaves_data)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_send(client, "abc", 3, 0), 3);
    assert_true(sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    for (int i = 0; i < 10 && sp_recv(server, buf, 3, SP_MSG_PEEK | SP_MSG_DONTWAIT) < 3; i++) {
        sp_t_wait(server, SP_POLLIN, 100); /* the three bytes may arrive in pieces */
    }
    memset(buf, 0, sizeof buf);
    SP_ASSERT_RC(sp_recv(server, buf, 3, SP_MSG_PEEK), 3);
    assert_memory_equal(buf, "abc", 3);
    memset(buf, 0, sizeof buf);
    sp_t_recv_exact(server, buf, 3);
    assert_memory_equal(buf, "abc", 3);
    SP_ASSERT_RC(sp_recv(server, buf, 3, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_close_both(client, server);
}

SP_CASE(stream_nonblocking_connect_is_einprogress_then_completes)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_EINPROGRESS);
    assert_true(sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS) & SP_POLLOUT);
    /* A second connect tells how the attempt ended; a third finds it connected. */
    SP_ASSERT_RC(sp_connect(client, &addr), 0);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_EISCONN);
    assert_int_equal(sp_t_getopt(client, SP_OPT_ERROR), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

/*
 * A non-blocking attempt whose connection was reset (its listener closed
 * with the connection still queued) before any call reported the attempt's
 * end: the next sp_connect() reports the reset, SP_ECONNRESET, as Linux
 * does, and the socket is new again.
 */
SP_CASE(stream_connect_reports_a_reset_before_the_attempt_was_reported)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_EINPROGRESS);
    /* Queued at the listener: the handshake is over, and closing resets it. */
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_close(listener), 0);
    assert_true(sp_t_wait(client, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLHUP);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_ECONNRESET);
    /* New again: a new attempt, which nobody answers now. */
    int rc = sp_connect(client, &addr);
    if (rc != SP_ECONNREFUSED) {
        SP_ASSERT_RC(rc, SP_EINPROGRESS);
        assert_int_not_equal(sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS), 0);
        SP_ASSERT_RC(sp_connect(client, &addr), SP_ECONNREFUSED);
    }
    SP_ASSERT_RC(sp_close(client), 0);
}

SP_CASE(stream_connect_refused_blocking)
{
    sp_addr addr;
    unused_port(&addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_ECONNREFUSED);
    SP_ASSERT_RC(sp_close(client), 0);
}

/* A fresh client reaches @p listener at @p name, is accepted and delivers
 * one byte: the listener really listens. */
static void listener_accepts_one(int listener, const sp_addr *name)
{
    int client = sp_t_socket(name->family, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_connect(client, name), 0);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    uint8_t byte = 0x5a;
    SP_ASSERT_RC(sp_send(client, &byte, 1, 0), 1);
    byte = 0;
    sp_t_recv_exact(server, &byte, 1);
    assert_int_equal(byte, 0x5a);
    sp_t_close_both(server, client);
}

/* @p sock's own address: @p host (its port ignored) with port @p port. */
static void assert_sockname(int sock, const sp_addr *host, uint16_t port)
{
    sp_addr name;
    sp_addr expected = *host;
    expected.port = port;
    SP_ASSERT_RC(sp_getsockname(sock, &name), 0);
    if (!sp_addr_equal(&name, &expected)) {
        char got[SP_ADDR_STRLEN];
        char want[SP_ADDR_STRLEN];
        sp_addr_format(&name, got, sizeof got);
        sp_addr_format(&expected, want, sizeof want);
        fail_msg("sp_getsockname gave %s, not %s", got, want);
    }
}

/* After the refusal: a new bind to the loopback's port 0 succeeds (a port
 * of the stack's choice) and the socket listens there. */
static void binds_and_listens_again(int sock, int family)
{
    sp_addr local;
    sp_addr name;
    sp_t_loopback(&local, family);
    SP_ASSERT_RC(sp_bind(sock, &local), 0);
    SP_ASSERT_RC(sp_getsockname(sock, &name), 0);
    assert_int_not_equal(name.port, 0);
    assert_sockname(sock, &local, name.port);
    SP_ASSERT_RC(sp_listen(sock, 1), 0);
    assert_sockname(sock, &local, name.port);
    listener_accepts_one(sock, &name);
}

/*
 * After a reported connect failure the socket is new again, as on Linux:
 * the port an attempt took for itself is given back, so it binds, listens
 * and connects anew; a port the user chose stays bound.
 */
SP_CASE(stream_socket_is_new_again_after_a_reported_connect_failure)
{
    sp_addr refused;
    unused_port(&refused);

    int reused = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(reused, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_connect(reused, &refused), SP_ECONNREFUSED);
    binds_and_listens_again(reused, SP_AF_INET);
    sp_addr name;
    SP_ASSERT_RC(sp_getsockname(reused, &name), 0);

    /* A second attempt on another failed socket, to the listener above. */
    int again = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(again, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_connect(again, &refused), SP_ECONNREFUSED);
    SP_ASSERT_RC(sp_connect(again, &name), 0);
    int server = (int)SP_ASSERT_OK(sp_accept(reused, NULL));
    sp_t_close_both(server, again);
    SP_ASSERT_RC(sp_close(reused), 0);
    /* A port the user chose stays bound: stream_address_and_bind_after_a_refused_connect. */
}

/*
 * The socket's own address after a refused connect, as Linux gives it
 * (checked with plain BSD sockets on 127.0.0.1 and ::1): the address the
 * user bound, or the wildcard, with the port the socket last had, although
 * it no longer holds that port unless the user chose it. So:
 * - bound to the loopback's port 0: the loopback and the port bind() picked;
 *   binding again succeeds (to another port), and it listens there;
 * - bound to a chosen port P (of the loopback or the wildcard): still P;
 *   binding again is SP_EINVAL, and it listens on P;
 * - never bound: the wildcard, with the port the attempt took; it binds.
 */
SP_CASE(stream_address_and_bind_after_a_refused_connect)
{
    int families[2] = {SP_AF_INET, SP_AF_INET6};
    int nfam = (sp_t_caps() & SP_CAP_IPV6) ? 2 : 1;
    for (int f = 0; f < nfam; f++) {
        int family = families[f];
        sp_addr refused;
        sp_addr local;
        sp_addr any;
        sp_addr name;
        unused_port_of(family, &refused);
        sp_t_loopback(&local, family);
        SP_ASSERT_RC(sp_addr_any(&any, family, 0), 0);

        /* Bound to port 0: the port bind() picked is named, and given back. */
        int picked = sp_t_socket(family, SP_SOCK_STREAM);
        sp_t_setopt(picked, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
        SP_ASSERT_RC(sp_bind(picked, &local), 0);
        uint16_t port = sp_t_port(picked);
        assert_int_not_equal(port, 0);
        SP_ASSERT_RC(sp_connect(picked, &refused), SP_ECONNREFUSED);
        assert_sockname(picked, &local, port);
        binds_and_listens_again(picked, family);
        SP_ASSERT_RC(sp_close(picked), 0);

        /* Bound to a chosen port, of the loopback or the wildcard: kept,
         * with the address bound (the wildcard too: listening there, the
         * loopback reaches it). */
        for (int wildcard = 0; wildcard < 2; wildcard++) {
            sp_addr chosen;
            do {
                unused_port_of(family, &chosen);
            } while (chosen.port == refused.port);
            sp_addr bound = wildcard ? any : chosen;
            bound.port = chosen.port;
            int kept = sp_t_socket(family, SP_SOCK_STREAM);
            sp_t_setopt(kept, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
            SP_ASSERT_RC(sp_bind(kept, &bound), 0);
            SP_ASSERT_RC(sp_connect(kept, &refused), SP_ECONNREFUSED);
            assert_sockname(kept, &bound, bound.port);
            SP_ASSERT_RC(sp_bind(kept, &local), SP_EINVAL);
            SP_ASSERT_RC(sp_listen(kept, 1), 0);
            assert_sockname(kept, &bound, bound.port);
            listener_accepts_one(kept, &chosen);
            SP_ASSERT_RC(sp_close(kept), 0);
        }

        /* Never bound, blocking: the wildcard, with the attempt's port. */
        int fresh = sp_t_socket(family, SP_SOCK_STREAM);
        sp_t_setopt(fresh, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
        assert_sockname(fresh, &any, 0);
        SP_ASSERT_RC(sp_connect(fresh, &refused), SP_ECONNREFUSED);
        SP_ASSERT_RC(sp_getsockname(fresh, &name), 0);
        assert_int_not_equal(name.port, 0);
        assert_sockname(fresh, &any, name.port);
        binds_and_listens_again(fresh, family);
        SP_ASSERT_RC(sp_close(fresh), 0);

        /* Never bound, non-blocking: the port named while the attempt ran
         * stays named once sp_connect() reported the refusal. */
        int later = sp_t_socket(family, SP_SOCK_STREAM);
        sp_t_setopt(later, SP_OPT_NONBLOCK, 1);
        int rc = sp_connect(later, &refused);
        if (rc == SP_EINPROGRESS) {
            SP_ASSERT_RC(sp_getsockname(later, &name), 0);
            assert_int_not_equal(name.port, 0);
            assert_sockname(later, &local, name.port);
            assert_int_not_equal(sp_t_wait(later, SP_POLLOUT, SP_T_SAFETY_MS), 0);
            assert_sockname(later, &local, name.port); /* ended, not reported yet */
            SP_ASSERT_RC(sp_connect(later, &refused), SP_ECONNREFUSED);
            assert_sockname(later, &any, name.port);
        } else {
            SP_ASSERT_RC(rc, SP_ECONNREFUSED); /* a stack may refuse at once */
        }
        binds_and_listens_again(later, family);
        SP_ASSERT_RC(sp_close(later), 0);
    }
}

/*
 * A non-blocking attempt's failure that only SP_OPT_ERROR took: as Linux, the
 * socket may bind at once, but listens only after an sp_connect() ended the
 * attempt (SP_ECONNABORTED, the error having been taken).
 */
SP_CASE(stream_failure_taken_by_so_error_binds_then_listens_after_connect)
{
    sp_addr refused;
    unused_port(&refused);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    int rc = sp_connect(client, &refused);
    if (rc == SP_ECONNREFUSED) {
        SP_ASSERT_RC(sp_close(client), 0);
        SP_SKIP("the stack refused at once: no attempt for SP_OPT_ERROR to report");
    }
    SP_ASSERT_RC(rc, SP_EINPROGRESS);
    assert_int_not_equal(sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS), 0);
    SP_ASSERT_RC(sp_t_getopt(client, SP_OPT_ERROR), SP_ECONNREFUSED);
    sp_addr local;
    sp_addr name;
    sp_t_loopback(&local, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(client, &local), 0);
    SP_ASSERT_RC(sp_bind(client, &local), SP_EINVAL);
    SP_ASSERT_RC(sp_listen(client, 1), SP_EINVAL);
    SP_ASSERT_RC(sp_connect(client, &refused), SP_ECONNABORTED);
    SP_ASSERT_RC(sp_listen(client, 1), 0);
    SP_ASSERT_RC(sp_getsockname(client, &name), 0);
    assert_int_not_equal(name.port, 0);
    listener_accepts_one(client, &name);
    SP_ASSERT_RC(sp_close(client), 0);
}

SP_CASE(stream_connect_refused_nonblocking_reports_via_so_error)
{
    sp_addr addr;
    unused_port(&addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    int rc = sp_connect(client, &addr);
    if (rc != SP_ECONNREFUSED) {
        SP_ASSERT_RC(rc, SP_EINPROGRESS);
        int revents = sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS);
        assert_int_not_equal(revents, 0);
        SP_ASSERT_RC(sp_t_getopt(client, SP_OPT_ERROR), SP_ECONNREFUSED);
        assert_int_equal(sp_t_getopt(client, SP_OPT_ERROR), 0); /* taken once */
    }
    SP_ASSERT_RC(sp_close(client), 0);
}

/*
 * A connect timeout on loopback: a refused port answers at once, so the suite
 * fills a backlog-1 listener's queue instead. Stacks then drop further SYNs
 * (Linux, lwIP with TCP_LISTEN_BACKLOG), the client retransmits and the
 * connect outlives its SP_OPT_SNDTIMEO. The stalled non-blocking attempt also
 * gives SP_EALREADY deterministically.
 */
#define BACKLOG_FILL_MAX 16
SP_CASE(stream_connect_timeout_and_ealready_on_full_backlog)
{
    static int queued[BACKLOG_FILL_MAX];
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    int stalled = -1;
    int count = 0;
    while (count < BACKLOG_FILL_MAX && stalled < 0) {
        int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
        sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
        int rc = sp_connect(client, &addr);
        if (rc == SP_EINPROGRESS && sp_t_wait(client, SP_POLLOUT, 1000) == 0) {
            stalled = client;
            break;
        }
        if (rc == SP_EINPROGRESS) {
            rc = sp_t_getopt(client, SP_OPT_ERROR);
        }
        SP_ASSERT_RC(rc, 0);
        queued[count++] = client;
    }
    if (stalled < 0) {
        print_message("%d connections completed on a backlog-1 listener\n", count);
        SP_SKIP("the stack never drops SYNs at a full backlog: no portable connect timeout");
    }
    SP_ASSERT_RC(sp_connect(stalled, &addr), SP_EALREADY);
    SP_ASSERT_RC(sp_listen(stalled, 1), SP_EINVAL); /* connecting */

    int late = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(late, SP_OPT_SNDTIMEO, 200);
    SP_ASSERT_RC(sp_connect(late, &addr), SP_ETIMEDOUT);
    /* The attempt goes on: the next call waits for it again and, as Linux's
     * connect(), says that it is still under way. */
    SP_ASSERT_RC(sp_connect(late, &addr), SP_EALREADY);
    SP_ASSERT_RC(sp_listen(late, 1), SP_EINVAL);

    sp_t_close_both(late, stalled);
    for (int i = 0; i < count; i++) {
        SP_ASSERT_RC(sp_close(queued[i]), 0);
    }
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(stream_accept_timeout_and_would_block)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, 50);
    SP_ASSERT_RC(sp_accept(listener, NULL), SP_ETIMEDOUT);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, 0);
    SP_ASSERT_RC(sp_accept(listener, NULL), SP_ETIMEDOUT);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, SP_FOREVER);
    sp_t_setopt(listener, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_accept(listener, NULL), SP_EAGAIN);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(stream_recv_timeout_and_would_block)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(server, SP_OPT_RCVTIMEO, 50);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_recvfrom(server, buf, sizeof buf, 0, NULL), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), SP_EAGAIN);
    SP_ASSERT_RC(sp_read(server, buf, sizeof buf), SP_EAGAIN);
    /* The connection is unharmed. */
    SP_ASSERT_RC(sp_send(client, "z", 1, 0), 1);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 0);
    sp_t_setopt(server, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 1);
    sp_t_close_both(client, server);
}

/* Send CHUNK-sized pieces of the test stream from @p offset until the
 * socket reports @p stop_code; return the bytes taken. */
static uint64_t fill_until(int sock, int stop_code, uint64_t offset, int *partial_seen)
{
    static uint8_t chunk[CHUNK];
    uint64_t taken = 0;
    const int64_t deadline = sp_t_now() + 60000;
    for (int i = 0; i < FILL_MAX_SENDS && sp_t_now() < deadline; i++) {
        sp_t_fill(chunk, CHUNK, offset + taken);
        ptrdiff_t rc = sp_send(sock, chunk, CHUNK, 0);
        if (rc == stop_code) {
            return taken;
        }
        assert_true(rc > 0 && rc <= CHUNK);
        if (rc < CHUNK) {
            *partial_seen = 1;
        }
        taken += (uint64_t)rc;
    }
    fail_msg("sent %llu bytes without %s", (unsigned long long)taken, sp_err_name(stop_code));
    return taken;
}

/* Read exactly @p len bytes of the test stream from @p offset, checking each. */
static void drain_and_verify(int sock, uint64_t offset, uint64_t len)
{
    static uint8_t buf[16384];
    uint64_t done = 0;
    const int64_t deadline = sp_t_now() + 60000;
    for (uint64_t i = 0; done < len && i < len + 1000 && sp_t_now() < deadline; i++) {
        size_t want = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf;
        ptrdiff_t rc = sp_recv(sock, buf, want, 0);
        SP_ASSERT_OK(rc);
        assert_true(rc > 0);
        assert_int_equal(sp_t_mismatch(buf, (size_t)rc, offset + done), (size_t)rc);
        done += (uint64_t)rc;
    }
    assert_true(done == len);
}

SP_CASE(stream_partial_sends_fill_until_eagain_then_drain)
{
    int client;
    int server;
    int partial = 0;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    uint64_t first = fill_until(client, SP_EAGAIN, 0, &partial);
    assert_true(first > 0);
    print_message("stream took %llu bytes before SP_EAGAIN (partial send seen: %d)\n",
                  (unsigned long long)first, partial);

    drain_and_verify(server, 0, first);
    /* Room again: the stream continues where it stopped. */
    assert_true(sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS) & SP_POLLOUT);
    uint64_t second = fill_until(client, SP_EAGAIN, first, &partial);
    assert_true(second > 0);
    drain_and_verify(server, first, second);
    sp_t_close_both(client, server);
}

SP_CASE(stream_send_timeout_when_peer_does_not_read)
{
    int client;
    int server;
    int partial = 0;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, FULL_PIPE_MS);
    uint64_t taken = fill_until(client, SP_ETIMEDOUT, 0, &partial);
    assert_true(taken > 0);
    /* With timeout 0 the full socket fails at once, also as SP_ETIMEDOUT. */
    sp_t_setopt(client, SP_OPT_SNDTIMEO, 0);
    SP_ASSERT_RC(sp_send(client, sp_t_large, 1, 0), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_send(client, sp_t_large, 1, SP_MSG_DONTWAIT), SP_EAGAIN);
    /* Longer than any datagram: core takes another way to the port for it. */
    SP_ASSERT_RC(sp_send(client, sp_t_large, sizeof sp_t_large, 0), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_send(client, sp_t_large, sizeof sp_t_large, SP_MSG_DONTWAIT), SP_EAGAIN);
    drain_and_verify(server, 0, taken);
    sp_t_close_both(client, server);
}

SP_CASE(stream_partial_receive_takes_what_fits)
{
    int client;
    int server;
    static uint8_t data[100];
    uint8_t buf[100];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_fill(data, sizeof data, 0);
    SP_ASSERT_RC(sp_send_all(client, data, sizeof data, SP_T_SAFETY_MS, NULL), 0);
    sp_t_recv_exact(server, buf, 30); /* the first 30, the rest stays */
    assert_memory_equal(buf, data, 30);
    sp_t_recv_exact(server, buf, 70);
    assert_memory_equal(buf, data + 30, 70);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);

    /* A recv with a small buffer returns at most its length. */
    SP_ASSERT_RC(sp_send_all(client, data, sizeof data, SP_T_SAFETY_MS, NULL), 0);
    ptrdiff_t got = sp_recv(server, buf, 10, 0);
    assert_true(got >= 1 && got <= 10);
    assert_memory_equal(buf, data, (size_t)got);
    sp_t_recv_exact(server, buf, sizeof data - (size_t)got);
    assert_memory_equal(buf, data + got, sizeof data - (size_t)got);
    sp_t_close_both(client, server);
}

SP_CASE(stream_send_all_and_recv_all)
{
    int client;
    int server;
    static uint8_t data[3000];
    static uint8_t buf[3000];
    size_t sent = 0;
    size_t received = 0;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_fill(data, sizeof data, 7);
    /* Non-blocking mode does not apply to the _all calls. */
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_send_all(client, data, sizeof data, SP_T_SAFETY_MS, &sent), 0);
    assert_int_equal(sent, sizeof data);
    SP_ASSERT_RC(sp_recv_all(server, buf, sizeof buf, SP_T_SAFETY_MS, &received), 0);
    assert_int_equal(received, sizeof buf);
    assert_memory_equal(buf, data, sizeof data);
    SP_ASSERT_RC(sp_send_all(client, data, 0, 0, NULL), 0);
    /* Nothing to move and no buffer to move it from: no pointer arithmetic on NULL. */
    SP_ASSERT_RC(sp_send_all(client, NULL, 0, 0, &sent), 0);
    assert_int_equal(sent, 0);
    SP_ASSERT_RC(sp_recv_all(server, NULL, 0, 0, &received), 0);
    assert_int_equal(received, 0);
    sp_t_close_both(client, server);
}

SP_CASE(stream_recv_all_timeout_and_eof)
{
    int client;
    int server;
    uint8_t buf[20];
    size_t received = 99;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_recv_all(server, buf, sizeof buf, 50, &received), SP_ETIMEDOUT);
    assert_int_equal(received, 0);

    SP_ASSERT_RC(sp_send(client, "0123456789", 10, 0), 10);
    SP_ASSERT_RC(sp_recv_all(server, buf, sizeof buf, 50, &received), SP_ETIMEDOUT);
    assert_int_equal(received, 10); /* counted also on failure */
    assert_memory_equal(buf, "0123456789", 10);

    SP_ASSERT_RC(sp_send(client, "abc", 3, 0), 3);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_WR), 0);
    SP_ASSERT_RC(sp_recv_all(server, buf, sizeof buf, SP_T_SAFETY_MS, &received), SP_EEOF);
    assert_int_equal(received, 3);
    assert_memory_equal(buf, "abc", 3);
    sp_t_close_both(client, server);
}

SP_CASE(stream_send_all_deadline_counts_what_was_sent)
{
    int client;
    int server;
    int partial = 0;
    size_t sent = 0;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, FULL_PIPE_MS);
    uint64_t taken = fill_until(client, SP_ETIMEDOUT, 0, &partial);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1); /* which sp_send_all ignores */
    sp_t_fill(sp_t_large, CHUNK, taken);
    SP_ASSERT_RC(sp_send_all(client, sp_t_large, CHUNK, 50, &sent), SP_ETIMEDOUT);
    assert_true(sent < CHUNK);
    drain_and_verify(server, 0, taken + sent);
    sp_t_close_both(client, server);
}

SP_CASE(stream_address_in_use)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    int other = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_bind(other, &addr), SP_EADDRINUSE);
    SP_ASSERT_RC(sp_close(other), 0);
    /* Even with REUSEADDR a port with a listener stays taken. */
    other = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(other, SP_OPT_REUSEADDR, 1);
    SP_ASSERT_RC(sp_bind(other, &addr), SP_EADDRINUSE);
    sp_t_close_both(other, listener);
}

/*
 * Two sockets bound to one port with SP_OPT_REUSEADDR, both connecting to one
 * listener: the second has no address and port left to connect from
 * (SP_EADDRNOTAVAIL at once, as Linux). It keeps the port it was bound to:
 * binding again is SP_EINVAL, and it listens there.
 */
SP_CASE(stream_connect_from_a_port_already_connected_there_is_eaddrnotavail)
{
    int families[2] = {SP_AF_INET, SP_AF_INET6};
    int nfam = (sp_t_caps() & SP_CAP_IPV6) ? 2 : 1;
    for (int f = 0; f < nfam; f++) {
        sp_addr server_addr;
        sp_addr local;
        sp_addr shared;
        int listener = sp_t_listener(families[f], SP_SOCK_STREAM, 4, &server_addr);
        sp_t_loopback(&local, families[f]);
        int first = sp_t_socket(families[f], SP_SOCK_STREAM);
        sp_t_setopt(first, SP_OPT_REUSEADDR, 1);
        SP_ASSERT_RC(sp_bind(first, &local), 0);
        SP_ASSERT_RC(sp_getsockname(first, &shared), 0);
        int second = sp_t_socket(families[f], SP_SOCK_STREAM);
        sp_t_setopt(second, SP_OPT_REUSEADDR, 1);
        SP_ASSERT_RC(sp_bind(second, &shared), 0);
        SP_ASSERT_RC(sp_t_connect_nb(first, &server_addr, SP_T_SAFETY_MS), 0);
        SP_ASSERT_RC(sp_connect(second, &server_addr), SP_EADDRNOTAVAIL);
        assert_sockname(second, &shared, shared.port);
        SP_ASSERT_RC(sp_bind(second, &local), SP_EINVAL);
        SP_ASSERT_RC(sp_listen(second, 1), 0);
        assert_sockname(second, &shared, shared.port);
        listener_accepts_one(second, &shared);
        SP_ASSERT_RC(sp_close(second), 0);
        sp_t_close_both(first, listener);
    }
}

SP_CASE(stream_bind_to_a_foreign_address_is_eaddrnotavail)
{
    sp_addr foreign;
    SP_ASSERT_RC(sp_addr_ipv4(&foreign, 192, 0, 2, 1, 0), 0); /* TEST-NET-1: never local */
    static const int types[] = {SP_SOCK_STREAM, SP_SOCK_DGRAM};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int sock = sp_t_socket(SP_AF_INET, types[i]);
        SP_ASSERT_RC(sp_bind(sock, &foreign), SP_EADDRNOTAVAIL);
        SP_ASSERT_RC(sp_close(sock), 0);
    }
}

SP_CASE(stream_not_connected)
{
    char buf[4] = {0};
    sp_addr addr;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_send(sock, buf, 1, 0), SP_ENOTCONN);
    SP_ASSERT_RC(sp_write(sock, buf, 1), SP_ENOTCONN);
    SP_ASSERT_RC(sp_recv(sock, buf, 1, 0), SP_ENOTCONN);
    SP_ASSERT_RC(sp_read(sock, buf, 1), SP_ENOTCONN);
    SP_ASSERT_RC(sp_getpeername(sock, &addr), SP_ENOTCONN);
    SP_ASSERT_RC(sp_shutdown(sock, SP_SHUT_WR), SP_ENOTCONN);
    sp_t_loopback(&addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    SP_ASSERT_RC(sp_send(sock, buf, 1, 0), SP_ENOTCONN); /* bound is not connected */
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(stream_state_errors)
{
    sp_addr addr;
    sp_addr v6;
    char buf[4] = {0};
    int client;
    int server;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    SP_ASSERT_RC(sp_bind(listener, &addr), SP_EINVAL);       /* already bound */
    SP_ASSERT_RC(sp_connect(listener, &addr), SP_EISCONN);   /* listening, as Linux */
    SP_ASSERT_RC(sp_recv(listener, buf, 1, 0), SP_ENOTCONN); /* listening, as Linux */
    SP_ASSERT_RC(sp_shutdown(listener, SP_SHUT_RDWR), SP_ENOTCONN);
    SP_ASSERT_RC(sp_getpeername(listener, &v6), SP_ENOTCONN);
    SP_ASSERT_RC(sp_close(listener), 0);

    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_listen(client, 1), SP_EINVAL);        /* connected */
    SP_ASSERT_RC(sp_accept(client, NULL), SP_EINVAL);     /* not listening */
    SP_ASSERT_RC(sp_bind(client, &addr), SP_EINVAL);      /* connected */
    SP_ASSERT_RC(sp_sendto(client, buf, 1, 0, &addr), 1); /* the address is ignored, as Linux */
    sp_t_close_both(client, server);

    int fresh = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_accept(fresh, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_loopback(&v6, SP_AF_INET6, addr.port), 0);
    SP_ASSERT_RC(sp_bind(fresh, &v6), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_connect(fresh, &v6), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_close(fresh), 0);

    int dgram = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_listen(dgram, 1), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_accept(dgram, NULL), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_close(dgram), 0);
}

SP_CASE(stream_listen_binds_an_unbound_socket)
{
    sp_addr addr;
    int listener = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_listen(listener, 0), 0); /* backlog <= 0 means 1 */
    SP_ASSERT_RC(sp_getsockname(listener, &addr), 0);
    assert_int_equal(addr.family, SP_AF_INET);
    assert_int_not_equal(addr.port, 0);
    uint16_t port = addr.port;
    sp_t_loopback(&addr, SP_AF_INET);
    addr.port = port;
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &addr, SP_T_SAFETY_MS), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(stream_half_close_then_reply)
{
    int client;
    int server;
    char buf[16];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_send(client, "last", 4, 0), 4);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_WR), 0);
    sp_t_recv_exact(server, buf, 4);
    assert_memory_equal(buf, "last", 4);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0); /* end of stream */
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0); /* and it stays so */
    /* The other direction still works. */
    SP_ASSERT_RC(sp_send(server, "reply", 5, 0), 5);
    sp_t_recv_exact(client, buf, 5);
    assert_memory_equal(buf, "reply", 5);
    SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_send(client, sp_t_large, sizeof sp_t_large, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_close(server), 0);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_close(client), 0);
}

SP_CASE(stream_shutdown_rd_reads_end)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_RD), 0);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 0);
    /* Sending is unaffected. */
    SP_ASSERT_RC(sp_send(client, "ok", 2, 0), 2);
    sp_t_recv_exact(server, buf, 2);
    assert_memory_equal(buf, "ok", 2);
    sp_t_close_both(client, server);
}

SP_CASE(stream_shutdown_both)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_RDWR), 0);
    SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0); /* the peer sees the end */
    sp_t_close_both(client, server);
}

SP_CASE(stream_peer_close_is_end_of_stream)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_send(client, "bye", 3, 0), 3);
    SP_ASSERT_RC(sp_close(client), 0); /* queued data is still delivered */
    sp_t_recv_exact(server, buf, 3);
    assert_memory_equal(buf, "bye", 3);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(stream_linger_zero_close_resets_peer)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_LINGER, 0);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), SP_ECONNRESET);
    /* Reported once; sending afterwards finds the connection gone. */
    SP_ASSERT_RC(sp_send(server, "x", 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_close(server), 0);
}

/* A pair whose server has ten bytes from the client coming, not read yet. */
static void pair_with_data_for_the_server(int *client, int *server)
{
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, client, server);
    sp_t_setopt(*client, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_send(*client, "0123456789", 10, 0), 10);
}

/* Closing with data unread resets the connection (as Linux), also when a
 * read took part of a segment and a peek looked at more. */
SP_CASE(stream_close_with_unread_data_resets_peer)
{
    int client;
    int server;
    char buf[8];
    pair_with_data_for_the_server(&client, &server);
    sp_t_recv_exact(server, buf, 3);
    assert_memory_equal(buf, "012", 3);
    SP_ASSERT_RC(sp_recv(server, buf, 2, SP_MSG_PEEK), 2);
    assert_memory_equal(buf, "34", 2);
    SP_ASSERT_RC(sp_close(server), 0);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), SP_ECONNRESET);
    SP_ASSERT_RC(sp_close(client), 0);
}

/* Also after a shutdown for writing: Linux resets in every state. The peer,
 * which has seen the end of the stream, is in CLOSE_WAIT, where Linux
 * reports the reset as SP_EPIPE (tcp_reset()), and reading still ends. */
SP_CASE(stream_close_with_unread_data_after_shutdown_resets_peer)
{
    int client;
    int server;
    char buf[8];
    pair_with_data_for_the_server(&client, &server);
    assert_true(sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_shutdown(server, SP_SHUT_WR), 0);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_close(server), 0);
    assert_true(sp_t_wait(client, 0, SP_T_SAFETY_MS) & SP_POLLERR);
    SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_close(client), 0);
}

SP_CASE(stream_reset_is_reported_once_to_a_sender)
{
    int client;
    int server;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_LINGER, 0);
    SP_ASSERT_RC(sp_close(client), 0);
    assert_true(sp_t_wait(server, 0, SP_T_SAFETY_MS) & (SP_POLLERR | SP_POLLHUP));
    SP_ASSERT_RC(sp_send(server, "x", 1, 0), SP_ECONNRESET);
    SP_ASSERT_RC(sp_send(server, "x", 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_close(server), 0);
}

/* Data that arrived before the peer's reset is still read, and sp_recvfrom()
 * names its sender, as it does before a reset: stream and sequenced packets,
 * IPv4 and IPv6. */
SP_CASE(stream_recvfrom_names_the_peer_after_its_reset)
{
    static const int types[] = {SP_SOCK_STREAM, SP_SOCK_SEQPACKET};
    int families[2] = {SP_AF_INET, SP_AF_INET6};
    int nfam = (sp_t_caps() & SP_CAP_IPV6) ? 2 : 1;
    for (int f = 0; f < nfam; f++) {
        for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
            int client;
            int server;
            sp_addr client_addr;
            sp_addr from;
            char buf[8];
            sp_t_pair(families[f], types[t], &client, &server);
            SP_ASSERT_RC(sp_getsockname(client, &client_addr), 0);
            SP_ASSERT_RC(sp_send(client, "abc", 3, 0), 3);
            assert_true(sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
            sp_t_setopt(client, SP_OPT_LINGER, 0);
            SP_ASSERT_RC(sp_close(client), 0);
            assert_true(sp_t_wait(server, 0, SP_T_SAFETY_MS) & (SP_POLLERR | SP_POLLHUP));
            memset(&from, 0xA5, sizeof from);
            ptrdiff_t got = sp_recvfrom(server, buf, sizeof buf, 0, &from);
            if (got != SP_ECONNRESET) {
                SP_ASSERT_RC(got, 3);
                assert_memory_equal(buf, "abc", 3);
                assert_true(sp_addr_equal(&from, &client_addr));
            }
            SP_ASSERT_RC(sp_close(server), 0);
        }
    }
}

/* Send on both non-blocking ends of a pair until neither has made progress for
 * FULL_PIPE_MS: both windows and both send buffers are then full. */
static void fill_both_ways(const int ends[2], uint64_t sent[2])
{
    static uint8_t chunk[CHUNK];
    int64_t quiet_since = sp_t_now();
    const int64_t deadline = sp_t_now() + 60000;
    for (int turn = 0; turn < 100000 && sp_t_now() < deadline; turn++) {
        int progress = 0;
        for (int i = 0; i < 2; i++) {
            sp_t_fill(chunk, CHUNK, sent[i]);
            ptrdiff_t rc = sp_send(ends[i], chunk, CHUNK, 0);
            if (rc == SP_EAGAIN)
                continue;
            assert_true(rc > 0 && rc <= CHUNK);
            sent[i] += (uint64_t)rc;
            progress = 1;
        }
        if (progress)
            quiet_since = sp_t_now();
        else if (sp_t_now() - quiet_since >= FULL_PIPE_MS)
            return;
        else {
            sp_pollfd fds[2] = {{ends[0], SP_POLLOUT, 0}, {ends[1], SP_POLLOUT, 0}};
            SP_ASSERT_OK(sp_poll(fds, 2, 20));
        }
    }
    fail_msg("the pipe never filled (%llu and %llu bytes sent)", (unsigned long long)sent[0],
             (unsigned long long)sent[1]);
}

/* Read both non-blocking ends until each has seen the other's @p sent bytes
 * (checked against the test stream) and then end of stream. */
static void drain_both_to_end(const int ends[2], const uint64_t sent[2])
{
    static uint8_t buf[16384];
    uint64_t got[2] = {0, 0};
    int ended[2] = {0, 0};
    const int64_t deadline = sp_t_now() + 60000;
    for (int turn = 0; turn < 1000000 && !(ended[0] && ended[1]) && sp_t_now() < deadline; turn++) {
        for (int i = 0; i < 2; i++) {
            if (ended[i])
                continue;
            ptrdiff_t rc = sp_recv(ends[i], buf, sizeof buf, 0);
            if (rc == SP_EAGAIN)
                continue;
            SP_ASSERT_OK(rc);
            if (rc == 0) {
                ended[i] = 1;
                continue;
            }
            assert_int_equal(sp_t_mismatch(buf, (size_t)rc, got[i]), (size_t)rc);
            got[i] += (uint64_t)rc;
        }
        sp_pollfd fds[2] = {{ends[0], SP_POLLIN, 0}, {ends[1], SP_POLLIN, 0}};
        SP_ASSERT_OK(sp_poll(fds, 2, 10));
    }
    assert_true(ended[0] && ended[1]);
    assert_true(got[0] == sent[1]);
    assert_true(got[1] == sent[0]);
}

/* Let the stack run for @p ms whatever the sockets are ready for (both ends
 * have unread data here, so a poll for input would return at once). */
static void let_time_pass(int ms)
{
    SP_ASSERT_RC(sp_stack_pump(sp_default_stack(), ms), 0);
}

/*
 * Both ends write until both windows are closed, then both end their sending
 * side, each FIN waiting behind a closed window, while the stack runs long
 * enough for zero-window probes (lwIP's first comes after 1.5 s). lwIP once
 * ACKed the other end's ACKs for ever in FIN_WAIT_1, in a loop inside the
 * loopback that never returned. Then both read everything and the end of
 * stream. IPv4 with both shutdowns at once; IPv6 one after the other, with
 * the states different in between.
 */
SP_CASE(stream_both_windows_closed_then_both_shut_down)
{
    int families[2] = {SP_AF_INET, SP_AF_INET6};
    int nfam = (sp_t_caps() & SP_CAP_IPV6) ? 2 : 1;
    for (int f = 0; f < nfam; f++) {
        int staggered = families[f] == SP_AF_INET6;
        int ends[2];
        uint64_t sent[2] = {0, 0};
        sp_t_pair(families[f], SP_SOCK_STREAM, &ends[0], &ends[1]);
        sp_t_setopt(ends[0], SP_OPT_NONBLOCK, 1);
        sp_t_setopt(ends[1], SP_OPT_NONBLOCK, 1);
        fill_both_ways(ends, sent);
        SP_ASSERT_RC(sp_shutdown(ends[0], SP_SHUT_WR), 0);
        if (staggered)
            let_time_pass(1600);
        SP_ASSERT_RC(sp_shutdown(ends[1], SP_SHUT_WR), 0);
        let_time_pass(1600);
        drain_both_to_end(ends, sent);
        sp_t_close_both(ends[0], ends[1]);
    }
}

int sp_suite_group_stream(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(stream_blocking_connect_accept_and_addresses),
        SP_TEST(stream_accept_peer_may_be_null_and_new_socket_blocks),
        SP_TEST(stream_echo_with_every_io_call),
        SP_TEST(stream_peek_leaves_data),
        SP_TEST(stream_nonblocking_connect_is_einprogress_then_completes),
        SP_TEST(stream_connect_reports_a_reset_before_the_attempt_was_reported),
        SP_TEST(stream_connect_refused_blocking),
        SP_TEST(stream_connect_refused_nonblocking_reports_via_so_error),
        SP_TEST(stream_socket_is_new_again_after_a_reported_connect_failure),
        SP_TEST(stream_address_and_bind_after_a_refused_connect),
        SP_TEST(stream_failure_taken_by_so_error_binds_then_listens_after_connect),
        SP_TEST(stream_connect_timeout_and_ealready_on_full_backlog),
        SP_TEST(stream_accept_timeout_and_would_block),
        SP_TEST(stream_recv_timeout_and_would_block),
        SP_TEST(stream_partial_sends_fill_until_eagain_then_drain),
        SP_TEST(stream_send_timeout_when_peer_does_not_read),
        SP_TEST(stream_partial_receive_takes_what_fits),
        SP_TEST(stream_send_all_and_recv_all),
        SP_TEST(stream_recv_all_timeout_and_eof),
        SP_TEST(stream_send_all_deadline_counts_what_was_sent),
        SP_TEST(stream_address_in_use),
        SP_TEST(stream_connect_from_a_port_already_connected_there_is_eaddrnotavail),
        SP_TEST(stream_bind_to_a_foreign_address_is_eaddrnotavail),
        SP_TEST(stream_not_connected),
        SP_TEST(stream_state_errors),
        SP_TEST(stream_listen_binds_an_unbound_socket),
        SP_TEST(stream_half_close_then_reply),
        SP_TEST(stream_shutdown_rd_reads_end),
        SP_TEST(stream_shutdown_both),
        SP_TEST(stream_peer_close_is_end_of_stream),
        SP_TEST(stream_linger_zero_close_resets_peer),
        SP_TEST(stream_close_with_unread_data_resets_peer),
        SP_TEST(stream_close_with_unread_data_after_shutdown_resets_peer),
        SP_TEST(stream_reset_is_reported_once_to_a_sender),
        SP_TEST(stream_recvfrom_names_the_peer_after_its_reset),
        SP_TEST(stream_both_windows_closed_then_both_shut_down),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("stream"), tests, NULL, NULL);
}
