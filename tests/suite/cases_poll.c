/* sp_poll(): arguments, timeouts, and readiness for read, write, hang-up,
 * error and invalid handles. */
#include <sockport/faulty.h>

#include "suite.h"

SP_CASE(poll_checks_arguments)
{
    static sp_pollfd many[SP_MAX_SOCKETS * 4 + 1];
    for (size_t i = 0; i < sizeof many / sizeof many[0]; i++) {
        many[i].sock = -1;
    }
    SP_ASSERT_RC(sp_poll(NULL, 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_poll(many, SP_MAX_SOCKETS * 4 + 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_poll(many, 1, -2), SP_EINVAL);
    SP_ASSERT_RC(sp_poll(NULL, 0, 0), 0);
    SP_ASSERT_RC(sp_poll(NULL, 0, 10), 0);                 /* just lets time pass */
    SP_ASSERT_RC(sp_poll(many, SP_MAX_SOCKETS * 4, 0), 0); /* all ignored */
}

/*
 * With no socket to watch, sp_poll() waits out its timeout and returns 0, as
 * poll(2) does when every descriptor is negative (and with none at all):
 * time passes on the stack's clock. Only a lower bound: a loaded machine
 * may take longer.
 */
SP_CASE(poll_with_nothing_to_watch_waits_out_its_timeout)
{
    sp_pollfd ignored[2] = {{-1, SP_POLLIN, 0x7f}, {-5, SP_POLLOUT, 0x7f}};
    int64_t before = sp_stack_now_ms(stack);
    SP_ASSERT_RC(sp_poll(ignored, 2, 50), 0);
    int64_t after = sp_stack_now_ms(stack);
    assert_true(after - before >= 50);
    assert_int_equal(ignored[0].revents, 0);
    assert_int_equal(ignored[1].revents, 0);
    SP_ASSERT_RC(sp_poll(NULL, 0, 50), 0);
    assert_true(sp_stack_now_ms(stack) - after >= 50);
}

SP_CASE(poll_times_out_with_nothing_ready)
{
    sp_addr addr;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    sp_pollfd pfd = {.sock = sock, .events = SP_POLLIN, .revents = 0x7f};
    SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 0);
    assert_int_equal(pfd.revents, 0);
    pfd.revents = 0x7f;
    SP_ASSERT_RC(sp_poll(&pfd, 1, 20), 0);
    assert_int_equal(pfd.revents, 0);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(poll_ignores_negative_and_flags_closed_handles)
{
    int closed = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_close(closed), 0);
    int open = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_pollfd fds[3] = {
        {.sock = -1, .events = SP_POLLIN | SP_POLLOUT, .revents = 0x7f},
        {.sock = closed, .events = SP_POLLIN, .revents = 0},
        {.sock = open, .events = SP_POLLOUT, .revents = 0},
    };
    SP_ASSERT_RC(sp_poll(fds, 3, 0), 2);
    assert_int_equal(fds[0].revents, 0);
    assert_int_equal(fds[1].revents, SP_POLLNVAL);
    assert_true(fds[2].revents & SP_POLLOUT);
    assert_false(fds[2].revents & SP_POLLIN);
    SP_ASSERT_RC(sp_close(open), 0);
}

SP_CASE(poll_stream_read_and_write_readiness)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_pollfd fds[2] = {
        {.sock = client, .events = SP_POLLIN | SP_POLLOUT, .revents = 0},
        {.sock = server, .events = SP_POLLIN, .revents = 0},
    };
    SP_ASSERT_RC(sp_poll(fds, 2, 0), 1);
    assert_int_equal(fds[0].revents, SP_POLLOUT);
    assert_int_equal(fds[1].revents, 0);

    SP_ASSERT_RC(sp_send(client, "d", 1, 0), 1);
    assert_int_equal(sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS), SP_POLLIN);
    fds[1].events = SP_POLLIN | SP_POLLOUT;
    SP_ASSERT_RC(sp_poll(&fds[1], 1, 0), 1);
    assert_int_equal(fds[1].revents, SP_POLLIN | SP_POLLOUT);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 1);
    fds[1].events = SP_POLLIN;
    SP_ASSERT_RC(sp_poll(&fds[1], 1, 0), 0); /* consumed: not readable any more */
    sp_t_close_both(client, server);
}

SP_CASE(poll_listener_readable_with_queued_connection)
{
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &addr);
    assert_int_equal(sp_t_wait(listener, SP_POLLIN, 0), 0);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &addr, SP_T_SAFETY_MS), 0);
    assert_int_equal(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS), SP_POLLIN);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    assert_int_equal(sp_t_wait(listener, SP_POLLIN, 0), 0);
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(poll_hangup_after_peer_close)
{
    int client;
    int server;
    char buf[4];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_close(client), 0);
    int revents = sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS);
    assert_true(revents & SP_POLLIN); /* end of stream is readable */
    assert_true(revents & SP_POLLHUP);
    assert_false(revents & SP_POLLNVAL);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(poll_error_and_hangup_are_always_reported)
{
    int client;
    int server;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    sp_t_setopt(client, SP_OPT_LINGER, 0);
    SP_ASSERT_RC(sp_close(client), 0); /* resets */
    /* No events asked for: errors and hang-ups come anyway. */
    int revents = sp_t_wait(server, 0, SP_T_SAFETY_MS);
    assert_true(revents & (SP_POLLERR | SP_POLLHUP));
    assert_false(revents & SP_POLLNVAL);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(poll_reports_only_the_ready_datagram_socket)
{
    enum { N = 4 };
    int socks[N];
    sp_addr addrs[N];
    sp_pollfd fds[N];
    char buf[8];
    for (int i = 0; i < N; i++) {
        socks[i] = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
        sp_t_loopback(&addrs[i], SP_AF_INET);
        SP_ASSERT_RC(sp_bind(socks[i], &addrs[i]), 0);
        SP_ASSERT_RC(sp_getsockname(socks[i], &addrs[i]), 0);
        fds[i].sock = socks[i];
        fds[i].events = SP_POLLIN;
        fds[i].revents = 0;
    }
    SP_ASSERT_RC(sp_sendto(socks[0], "2", 1, 0, &addrs[2]), 1);
    int n = 0;
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < 1000 && n == 0 && sp_t_now() < deadline; i++) {
        n = (int)SP_ASSERT_OK(sp_poll(fds, N, 100));
    }
    assert_int_equal(n, 1);
    for (int i = 0; i < N; i++) {
        assert_int_equal(fds[i].revents, i == 2 ? SP_POLLIN : 0);
    }
    SP_ASSERT_RC(sp_recv(socks[2], buf, sizeof buf, 0), 1);
    for (int i = 0; i < N; i++) {
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    }
}

/* A socket listed more than once, with different interests, gets each entry
 * answered for its own interest (as poll(2)), also beyond SP_MAX_SOCKETS
 * entries in one call. */
SP_CASE(poll_answers_each_entry_of_a_socket_listed_many_times)
{
    enum { COPIES = 2 * SP_MAX_SOCKETS + 2 };
    static sp_pollfd fds[COPIES];
    sp_addr addr;
    char buf[8];
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    SP_ASSERT_RC(sp_getsockname(sock, &addr), 0);
    for (int i = 0; i < COPIES; i++) {
        fds[i] = (sp_pollfd){sock, i % 2 == 0 ? SP_POLLIN : SP_POLLOUT, 0};
    }
    /* Nothing to read yet: only the entries asking to write are ready. */
    assert_int_equal(SP_ASSERT_OK(sp_poll(fds, COPIES, 0)), COPIES / 2);
    for (int i = 0; i < COPIES; i++) {
        assert_int_equal(fds[i].revents, i % 2 == 0 ? 0 : SP_POLLOUT);
    }
    SP_ASSERT_RC(sp_sendto(sock, "x", 1, 0, &addr), 1);
    int n = 0;
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < 1000 && n < COPIES && sp_t_now() < deadline; i++) {
        n = (int)SP_ASSERT_OK(sp_poll(fds, COPIES, 100));
    }
    assert_int_equal(n, COPIES);
    for (int i = 0; i < COPIES; i++) {
        assert_int_equal(fds[i].revents, i % 2 == 0 ? SP_POLLIN : SP_POLLOUT);
    }
    SP_ASSERT_RC(sp_recv(sock, buf, sizeof buf, 0), 1);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Polls @p fds until one is ready (bounded); returns how many are. */
static int poll_until_ready(sp_pollfd *fds, size_t nfds)
{
    int n = 0;
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < 1000 && n == 0 && sp_t_now() < deadline; i++) {
        n = (int)SP_ASSERT_OK(sp_poll(fds, nfds, 100));
    }
    return n;
}

/* More entries than core hands its port in one wait (SP_POLL_BATCH):
 * whichever chunk the ready socket is in, the wait ends with exactly the
 * entries naming it, and a socket listed in the first and the last chunk
 * answers each entry for its own interest. A host's batch is up to 1 024
 * entries, more sockets than a table holds twice over: the idle sockets
 * (at most IDLE_SOCKETS) are listed again and again to fill the chunks. */
SP_CASE(poll_watches_more_sockets_than_one_wait_of_the_port)
{
    enum {
        IDLE = 2 * SP_POLL_BATCH + 5,
        IDLE_SOCKETS = IDLE < 37 ? IDLE : 37,
        ENTRIES = IDLE + 3,
        MIDDLE = SP_POLL_BATCH + 4
    };
    static int idle[IDLE_SOCKETS];
    static sp_pollfd fds[ENTRIES];
    sp_addr middle_addr;
    char buf[8];
    int client;
    int server;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    for (int i = 0; i < IDLE_SOCKETS; i++) {
        sp_addr addr;
        idle[i] = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
        sp_t_loopback(&addr, SP_AF_INET);
        SP_ASSERT_RC(sp_bind(idle[i], &addr), 0);
        if (i == MIDDLE % IDLE_SOCKETS) {
            SP_ASSERT_RC(sp_getsockname(idle[i], &middle_addr), 0);
        }
    }
    for (int i = 0; i < IDLE; i++) {
        fds[1 + i] = (sp_pollfd){idle[i % IDLE_SOCKETS], SP_POLLIN, 0};
    }
    fds[0] = (sp_pollfd){server, SP_POLLIN, 0};         /* first chunk */
    fds[IDLE + 1] = (sp_pollfd){client, SP_POLLIN, 0};  /* last chunk */
    fds[IDLE + 2] = (sp_pollfd){server, SP_POLLOUT, 0}; /* the server again */
    SP_ASSERT_RC(sp_poll(fds, ENTRIES, 0), 1);
    for (int i = 0; i < ENTRIES - 1; i++) {
        assert_int_equal(fds[i].revents, 0);
    }
    assert_int_equal(fds[IDLE + 2].revents, SP_POLLOUT);
    fds[IDLE + 2].events = 0;

    /* Ready in the first chunk, the last, then the middle one. */
    const int ready_sock[3] = {server, client, idle[MIDDLE % IDLE_SOCKETS]};
    for (int step = 0; step < 3; step++) {
        if (step == 0) {
            SP_ASSERT_RC(sp_send(client, "a", 1, 0), 1);
        } else if (step == 1) {
            SP_ASSERT_RC(sp_send(server, "b", 1, 0), 1);
        } else {
            SP_ASSERT_RC(sp_sendto(idle[0], "c", 1, 0, &middle_addr), 1);
        }
        int naming = 0;
        for (int i = 0; i < ENTRIES; i++) {
            naming += fds[i].sock == ready_sock[step] && (fds[i].events & SP_POLLIN);
        }
        assert_true(naming >= 1);
        assert_int_equal(poll_until_ready(fds, ENTRIES), naming);
        for (int i = 0; i < ENTRIES; i++) {
            const bool expected = fds[i].sock == ready_sock[step] && (fds[i].events & SP_POLLIN);
            assert_int_equal(fds[i].revents, expected ? SP_POLLIN : 0);
        }
        SP_ASSERT_RC(sp_recv(ready_sock[step], buf, sizeof buf, 0), 1);
    }
    /* Nothing ready: the wait ends by its timeout, after several turns. */
    SP_ASSERT_RC(sp_poll(fds, ENTRIES, 30), 0);
    for (int i = 0; i < IDLE_SOCKETS; i++) {
        SP_ASSERT_RC(sp_close(idle[i]), 0);
    }
    sp_t_close_both(client, server);
}

/* A second stack over the same port (the fault shim, set to no faults): one
 * sp_poll() call watches sockets of both. */
SP_CASE(poll_watches_sockets_of_two_stacks_at_once)
{
    static struct sp_faulty shim;
    static const struct sp_faulty_config no_faults = {.seed = 1};
    sp_stack *second = sp_faulty_wrap(&shim, stack, &no_faults);
    assert_non_null(second);
    assert_ptr_not_equal(second, stack);

    int socks[2];
    sp_addr addrs[2];
    sp_stack *stacks[2] = {stack, second};
    for (int i = 0; i < 2; i++) {
        socks[i] = (int)SP_ASSERT_OK(sp_socket_on(stacks[i], SP_AF_INET, SP_SOCK_DGRAM, 0));
        assert_ptr_equal(sp_socket_stack(socks[i]), stacks[i]);
        sp_t_loopback(&addrs[i], SP_AF_INET);
        SP_ASSERT_RC(sp_bind(socks[i], &addrs[i]), 0);
        SP_ASSERT_RC(sp_getsockname(socks[i], &addrs[i]), 0);
    }
    sp_pollfd fds[2] = {{.sock = socks[0], .events = SP_POLLIN, .revents = 0},
                        {.sock = socks[1], .events = SP_POLLIN, .revents = 0}};
    SP_ASSERT_RC(sp_poll(fds, 2, 0), 0);
    SP_ASSERT_RC(sp_sendto(socks[0], "to1", 3, 0, &addrs[1]), 3);
    SP_ASSERT_RC(sp_sendto(socks[1], "to0", 3, 0, &addrs[0]), 3);
    int n = 0;
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < 1000 && n < 2 && sp_t_now() < deadline; i++) {
        n = (int)SP_ASSERT_OK(sp_poll(fds, 2, 100));
    }
    assert_int_equal(n, 2);
    assert_int_equal(fds[0].revents, SP_POLLIN);
    assert_int_equal(fds[1].revents, SP_POLLIN);
    SP_ASSERT_RC(sp_close(socks[1]), 0);
    SP_ASSERT_RC(sp_close_all(second), 0); /* nothing else was open on it */
    SP_ASSERT_RC(sp_close(socks[0]), 0);
}

int sp_suite_group_poll(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(poll_checks_arguments),
        SP_TEST(poll_with_nothing_to_watch_waits_out_its_timeout),
        SP_TEST(poll_times_out_with_nothing_ready),
        SP_TEST(poll_ignores_negative_and_flags_closed_handles),
        SP_TEST(poll_stream_read_and_write_readiness),
        SP_TEST(poll_listener_readable_with_queued_connection),
        SP_TEST(poll_hangup_after_peer_close),
        SP_TEST(poll_error_and_hangup_are_always_reported),
        SP_TEST(poll_reports_only_the_ready_datagram_socket),
        SP_TEST(poll_answers_each_entry_of_a_socket_listed_many_times),
        SP_TEST(poll_watches_sockets_of_two_stacks_at_once),
        SP_TEST(poll_watches_more_sockets_than_one_wait_of_the_port),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("poll"), tests, NULL, NULL);
}
