/*
 * Core in a program whose default port failed to start (sp_default_stack()
 * is NULL), over a mock port with a simulated clock and connect attempts
 * that the test ends as it likes.
 *
 * sp_poll() with nothing to watch waits out its timeout as poll(2) does, on
 * the stack of an open socket when there is no default one, and returns at
 * once when there is no stack at all (sockport.h says so).
 *
 * A failed connect attempt ends (port.h: end_attempt) only when sp_connect()
 * reports the failure, as Linux's connect() disconnects the socket then:
 * never when SP_OPT_ERROR, a send or a poll saw it.
 */
/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sockport/port.h>

static int64_t mock_clock;
static int mock_polls_without_entries;
static int mock_ended_attempts;
static int mock_attempt_error; /* what take_error() says once an attempt ended */

static int64_t mock_now_ms(void *state)
{
    (void)state;
    return mock_clock;
}

static int mock_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    (void)state;
    (void)family;
    (void)type;
    (void)protocol;
    *out = 1;
    return 0;
}

static int mock_connect(void *state, sp_port_sock sock, const sp_addr *addr)
{
    (void)state;
    (void)sock;
    (void)addr;
    return SP_EINPROGRESS;
}

static int mock_take_error(void *state, sp_port_sock sock)
{
    (void)state;
    (void)sock;
    int error = mock_attempt_error;
    mock_attempt_error = 0;
    return error;
}

static void mock_end_attempt(void *state, sp_port_sock sock)
{
    (void)state;
    (void)sock;
    mock_ended_attempts++;
}

/* Every attempt has ended by the time anyone looks; a wait without entries
 * lets its whole time pass. */
static int mock_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    (void)state;
    if (n == 0) {
        mock_polls_without_entries++;
        if (timeout_ms > 0)
            mock_clock += timeout_ms;
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        ents[i].revents = (short)(ents[i].events & SP_POLLOUT);
    return (int)n;
}

static const struct sp_port_ops mock_ops = {
    .name = "mock",
    .now_ms = mock_now_ms,
    .open = mock_open,
    .connect = mock_connect,
    .take_error = mock_take_error,
    .end_attempt = mock_end_attempt,
    .poll = mock_poll,
};
static sp_stack mock_stack = {&mock_ops, NULL};

/* The default port failed to start. */
sp_stack *sp_port_default_stack(void)
{
    return NULL;
}

static void poll_without_any_stack_returns_at_once(void **state)
{
    (void)state;
    assert_null(sp_default_stack());
    sp_pollfd ignored[2] = {{-1, SP_POLLIN, 7}, {-9, SP_POLLOUT, 7}};
    assert_int_equal(sp_poll(ignored, 2, 50), 0);
    assert_int_equal(ignored[0].revents, 0);
    assert_int_equal(ignored[1].revents, 0);
    assert_int_equal(sp_poll(NULL, 0, SP_FOREVER), 0); /* no clock, nothing to run */
    assert_int_equal(mock_polls_without_entries, 0);
}

static void poll_with_nothing_to_watch_waits_on_an_open_sockets_stack(void **state)
{
    (void)state;
    int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(sock >= 0);
    sp_pollfd ignored[2] = {{-1, SP_POLLIN, 7}, {-9, SP_POLLOUT, 7}};
    int64_t before = mock_clock;
    assert_int_equal(sp_poll(ignored, 2, 50), 0);
    assert_true(mock_clock - before >= 50);
    assert_int_equal(ignored[0].revents, 0);
    assert_int_equal(sp_poll(NULL, 0, 30), 0);
    assert_true(mock_clock - before >= 80);
    assert_int_equal(mock_polls_without_entries, 2);
    assert_int_equal(sp_close(sock), 0);
}

static void failed_attempt_ends_when_connect_reports_it(void **state)
{
    (void)state;
    sp_addr peer;
    sp_addr_loopback(&peer, SP_AF_INET, 9);
    int sock = sp_socket_on(&mock_stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(sock >= 0);
    assert_int_equal(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1), 0);

    /* Seen by SP_OPT_ERROR and a send: not reported by sp_connect() yet. */
    assert_int_equal(sp_connect(sock, &peer), SP_EINPROGRESS);
    mock_attempt_error = SP_ECONNREFUSED;
    int error = 0;
    assert_int_equal(sp_getsockopt(sock, SP_OPT_ERROR, &error), 0);
    assert_int_equal(error, SP_ECONNREFUSED);
    assert_int_equal(sp_send(sock, "x", 1, 0), SP_EPIPE);
    assert_int_equal(mock_ended_attempts, 0);
    assert_int_equal(sp_connect(sock, &peer), SP_ECONNABORTED);
    assert_int_equal(mock_ended_attempts, 1);

    /* Reported by the next sp_connect(), then by a blocking one. */
    assert_int_equal(sp_connect(sock, &peer), SP_EINPROGRESS);
    mock_attempt_error = SP_ECONNREFUSED;
    assert_int_equal(sp_connect(sock, &peer), SP_ECONNREFUSED);
    assert_int_equal(mock_ended_attempts, 2);
    assert_int_equal(sp_setsockopt(sock, SP_OPT_NONBLOCK, 0), 0);
    mock_attempt_error = SP_ECONNREFUSED;
    assert_int_equal(sp_connect(sock, &peer), SP_ECONNREFUSED);
    assert_int_equal(mock_ended_attempts, 3);

    /* An attempt that succeeds has nothing to end. */
    assert_int_equal(sp_connect(sock, &peer), 0);
    assert_int_equal(mock_ended_attempts, 3);
    assert_int_equal(sp_close(sock), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* First: no socket is open yet. */
        cmocka_unit_test(poll_without_any_stack_returns_at_once),
        cmocka_unit_test(poll_with_nothing_to_watch_waits_on_an_open_sockets_stack),
        cmocka_unit_test(failed_attempt_ends_when_connect_reports_it),
    };
    return cmocka_run_group_tests_name("core_no_default", tests, NULL, NULL);
}
