/* sp_poller_*: the persistent readiness set. Arguments; readiness for read,
 * write, hang-up and error; modify; remove; a closed member; fairness when
 * the caller's room is short; and many members with one active. */
#include <stdbool.h>
#include <stdio.h>

#include "suite.h"

/* Wait (bounded) until the poller reports @p sock; its revents, or 0. Other
 * members' events are ignored. */
static short sp_t_poller_wait_for(int poller, int sock, int timeout_ms)
{
    sp_poller_event evs[8];
    const int64_t deadline = sp_t_now() + timeout_ms;
    for (int round = 0; round < 10000 && sp_t_now() <= deadline; round++) {
        int n = (int)SP_ASSERT_OK(sp_poller_wait(poller, evs, 8, 50));
        for (int i = 0; i < n; i++) {
            assert_int_equal(evs[i].fd, -1);
            if (evs[i].sock == sock)
                return evs[i].revents;
        }
    }
    return 0;
}

/* The revents the poller reports for @p sock right now (0: not reported). */
static short sp_t_poller_look(int poller, int sock)
{
    sp_poller_event evs[8];
    int n = (int)SP_ASSERT_OK(sp_poller_wait(poller, evs, 8, 0));
    short found = 0;
    for (int i = 0; i < n; i++) {
        assert_true(evs[i].revents != 0);
        if (evs[i].sock == sock)
            found = evs[i].revents;
    }
    return found;
}

static int sp_t_bound_dgram(sp_addr *addr)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(sock, addr), 0);
    SP_ASSERT_RC(sp_getsockname(sock, addr), 0);
    return sock;
}

SP_CASE(poller_checks_arguments)
{
    sp_poller_event ev;
    sp_addr addr;
    int sock = sp_t_bound_dgram(&addr);
    int closed = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_close(closed), 0);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    int other = (int)SP_ASSERT_OK(sp_poller_open(sp_default_stack()));

    SP_ASSERT_RC(sp_poller_add(-1, sock, SP_POLLIN), SP_EBADF);
    SP_ASSERT_RC(sp_poller_add(poller, -1, SP_POLLIN), SP_EBADF);
    SP_ASSERT_RC(sp_poller_add(poller, closed, SP_POLLIN), SP_EBADF);
    SP_ASSERT_RC(sp_poller_add(poller, sock, SP_POLLIN | SP_POLLNVAL), SP_EINVAL);
    SP_ASSERT_RC(sp_poller_add(poller, sock, 0x100), SP_EINVAL);
    SP_ASSERT_RC(sp_poller_modify(poller, sock, SP_POLLIN), SP_ENOENT);
    SP_ASSERT_RC(sp_poller_remove(poller, sock), SP_ENOENT);
    SP_ASSERT_RC(sp_poller_add(poller, sock, SP_POLLIN), 0);
    SP_ASSERT_RC(sp_poller_add(poller, sock, SP_POLLIN), SP_EEXIST);
    SP_ASSERT_RC(sp_poller_add(other, sock, SP_POLLIN), SP_EEXIST); /* one poller per socket */
    SP_ASSERT_RC(sp_poller_modify(other, sock, SP_POLLIN), SP_ENOENT);
    SP_ASSERT_RC(sp_poller_remove(other, sock), SP_ENOENT);
    SP_ASSERT_RC(sp_poller_modify(poller, sock, SP_POLLERR), SP_EINVAL);

    SP_ASSERT_RC(sp_poller_wait(poller, NULL, 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 0, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, -2), SP_EINVAL);
    SP_ASSERT_RC(sp_poller_wait(-1, &ev, 1, 0), SP_EBADF);
    SP_ASSERT_RC(sp_poller_wait(other, &ev, 1, 0), 0);   /* empty: nothing */
    SP_ASSERT_RC(sp_poller_wait(other, &ev, 1, 20), 0);  /* just lets time pass */
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, 20), 0); /* nothing arrived */

    SP_ASSERT_RC(sp_poller_close(other), 0);
    SP_ASSERT_RC(sp_poller_close(other), SP_EBADF);
    SP_ASSERT_RC(sp_poller_wait(other, &ev, 1, 0), SP_EBADF);
    SP_ASSERT_RC(sp_poller_add(other, sock, SP_POLLIN), SP_EBADF);
    /* A poller's id is not reused: a new one at the same place has another. */
    int again = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    assert_int_not_equal(again, other);
    SP_ASSERT_RC(sp_poller_close(other), SP_EBADF);
    SP_ASSERT_RC(sp_poller_close(again), 0);

    /* Closing a poller lets its sockets go: they can join another. */
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, sock, SP_POLLOUT), 0);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(poller_runs_out_of_pollers)
{
    static int pollers[SP_MAX_POLLERS + 1];
    int opened = 0;
    for (; opened < SP_MAX_POLLERS; opened++)
        pollers[opened] = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_open(NULL), SP_EMFILE);
    for (int i = 0; i < opened; i++)
        SP_ASSERT_RC(sp_poller_close(pollers[i]), 0);
}

SP_CASE(poller_stream_read_and_write_readiness)
{
    int client;
    int server;
    char buf[8];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, client, SP_POLLIN | SP_POLLOUT), 0);
    SP_ASSERT_RC(sp_poller_add(poller, server, SP_POLLIN), 0);
    assert_int_equal(sp_t_poller_wait_for(poller, client, SP_T_SAFETY_MS), SP_POLLOUT);
    assert_int_equal(sp_t_poller_look(poller, server), 0);

    SP_ASSERT_RC(sp_send(client, "d", 1, 0), 1);
    assert_int_equal(sp_t_poller_wait_for(poller, server, SP_T_SAFETY_MS), SP_POLLIN);
    /* Level-triggered: still reported while the byte is unread. */
    assert_int_equal(sp_t_poller_look(poller, server), SP_POLLIN);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 1);
    assert_int_equal(sp_t_poller_look(poller, server), 0); /* consumed */
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    sp_t_close_both(client, server);
}

SP_CASE(poller_listener_readable_with_queued_connection)
{
    sp_addr bound;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 4, &bound);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, listener, SP_POLLIN), 0);
    assert_int_equal(sp_t_poller_look(poller, listener), 0);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &bound, SP_T_SAFETY_MS), 0);
    assert_int_equal(sp_t_poller_wait_for(poller, listener, SP_T_SAFETY_MS), SP_POLLIN);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    sp_t_close_both(client, server);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(poller_hangup_after_peer_close)
{
    int client;
    int server;
    char buf[4];
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, server, SP_POLLIN), 0);
    SP_ASSERT_RC(sp_close(client), 0);
    short revents = sp_t_poller_wait_for(poller, server, SP_T_SAFETY_MS);
    assert_true(revents & SP_POLLIN); /* end of stream is readable */
    assert_true(revents & SP_POLLHUP);
    assert_false(revents & (SP_POLLNVAL | SP_POLLOUT));
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(poller_error_and_hangup_are_always_reported)
{
    int client;
    int server;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, server, 0), 0); /* no interest at all */
    assert_int_equal(sp_t_poller_look(poller, server), 0);
    sp_t_setopt(client, SP_OPT_LINGER, 0);
    SP_ASSERT_RC(sp_close(client), 0); /* resets */
    short revents = sp_t_poller_wait_for(poller, server, SP_T_SAFETY_MS);
    assert_true(revents & (SP_POLLERR | SP_POLLHUP));
    assert_false(revents & (SP_POLLIN | SP_POLLOUT | SP_POLLNVAL));
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(poller_modify_changes_what_is_reported)
{
    sp_addr addr_a;
    sp_addr addr_b;
    char buf[8];
    int a = sp_t_bound_dgram(&addr_a);
    int b = sp_t_bound_dgram(&addr_b);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, b, 0), 0);
    SP_ASSERT_RC(sp_sendto(a, "m", 1, 0, &addr_b), 1);
    SP_ASSERT_RC(sp_poller_modify(poller, b, SP_POLLIN), 0);
    assert_int_equal(sp_t_poller_wait_for(poller, b, SP_T_SAFETY_MS), SP_POLLIN);
    SP_ASSERT_RC(sp_poller_modify(poller, b, SP_POLLOUT), 0);
    assert_int_equal(sp_t_poller_look(poller, b), SP_POLLOUT); /* the datagram is still there */
    SP_ASSERT_RC(sp_poller_modify(poller, b, SP_POLLIN | SP_POLLOUT), 0);
    assert_int_equal(sp_t_poller_look(poller, b), SP_POLLIN | SP_POLLOUT);
    SP_ASSERT_RC(sp_poller_modify(poller, b, 0), 0);
    assert_int_equal(sp_t_poller_look(poller, b), 0);
    SP_ASSERT_RC(sp_poller_modify(poller, b, SP_POLLIN), 0);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 1);
    assert_int_equal(sp_t_poller_look(poller, b), 0);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    sp_t_close_both(a, b);
}

SP_CASE(poller_remove_stops_reports)
{
    sp_addr addr_a;
    sp_addr addr_b;
    int a = sp_t_bound_dgram(&addr_a);
    int b = sp_t_bound_dgram(&addr_b);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, a, SP_POLLIN), 0);
    SP_ASSERT_RC(sp_poller_add(poller, b, SP_POLLIN), 0);
    SP_ASSERT_RC(sp_sendto(a, "m", 1, 0, &addr_b), 1);
    assert_int_equal(sp_t_poller_wait_for(poller, b, SP_T_SAFETY_MS), SP_POLLIN);
    SP_ASSERT_RC(sp_poller_remove(poller, b), 0);
    sp_poller_event ev;
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, 20), 0);
    SP_ASSERT_RC(sp_poller_remove(poller, b), SP_ENOENT);
    SP_ASSERT_RC(sp_poller_modify(poller, b, SP_POLLIN), SP_ENOENT);
    /* Added again, its datagram is reported at once: nothing was lost. */
    SP_ASSERT_RC(sp_poller_add(poller, b, SP_POLLIN), 0);
    assert_int_equal(sp_t_poller_look(poller, b), SP_POLLIN);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    sp_t_close_both(a, b);
}

SP_CASE(poller_forgets_a_closed_socket)
{
    sp_addr addr_a;
    sp_addr addr_b;
    int a = sp_t_bound_dgram(&addr_a);
    int b = sp_t_bound_dgram(&addr_b);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    SP_ASSERT_RC(sp_poller_add(poller, b, SP_POLLIN | SP_POLLOUT), 0);
    SP_ASSERT_RC(sp_sendto(a, "m", 1, 0, &addr_b), 1);
    assert_true(sp_t_poller_wait_for(poller, b, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_close(b), 0);
    sp_poller_event ev;
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, 20), 0);
    SP_ASSERT_RC(sp_poller_remove(poller, b), SP_EBADF);
    /* A new socket, maybe in the same slot, is not a member by inheritance. */
    sp_addr addr_c;
    int c = sp_t_bound_dgram(&addr_c);
    SP_ASSERT_RC(sp_sendto(a, "m", 1, 0, &addr_c), 1);
    SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, 20), 0);
    SP_ASSERT_RC(sp_poller_add(poller, c, SP_POLLIN), 0);
    assert_int_equal(sp_t_poller_wait_for(poller, c, SP_T_SAFETY_MS), SP_POLLIN);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    sp_t_close_both(a, c);
}

SP_CASE(poller_reports_the_others_first_when_out_of_room)
{
    enum { N = 3 };
    int socks[N];
    sp_addr addrs[N];
    sp_addr from;
    int sender = sp_t_bound_dgram(&from);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    for (int i = 0; i < N; i++) {
        socks[i] = sp_t_bound_dgram(&addrs[i]);
        SP_ASSERT_RC(sp_poller_add(poller, socks[i], SP_POLLIN), 0);
        SP_ASSERT_RC(sp_sendto(sender, "m", 1, 0, &addrs[i]), 1);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(sp_t_poller_wait_for(poller, socks[i], SP_T_SAFETY_MS), SP_POLLIN);
    /* All three stay ready; with room for one, three waits name all three. */
    bool seen[N] = {false, false, false};
    for (int round = 0; round < N; round++) {
        sp_poller_event ev;
        SP_ASSERT_RC(sp_poller_wait(poller, &ev, 1, 0), 1);
        for (int i = 0; i < N; i++)
            if (ev.sock == socks[i])
                seen[i] = true;
    }
    for (int i = 0; i < N; i++)
        assert_true(seen[i]);
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    for (int i = 0; i < N; i++)
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    SP_ASSERT_RC(sp_close(sender), 0);
}

SP_CASE(poller_many_members_one_active)
{
    /* 1 000 members, or as many as the stack's socket table holds. */
    enum { WANTED = 1000 };
    static int socks[WANTED];
    static sp_addr addrs[WANTED];
    sp_addr from;
    int sender = sp_t_bound_dgram(&from);
    int poller = (int)SP_ASSERT_OK(sp_poller_open(NULL));
    int opened = 0;
    int stopped = 0;
    for (; opened < WANTED; opened++) {
        int sock = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (sock == SP_EMFILE || sock == SP_ENOBUFS) {
            stopped = sock;
            break;
        }
        SP_ASSERT_OK(sock);
        sp_t_loopback(&addrs[opened], SP_AF_INET);
        int rc = sp_bind(sock, &addrs[opened]);
        if (rc == SP_ENOBUFS || rc == SP_EADDRINUSE) { /* lwIP: out of ports or pcbs */
            SP_ASSERT_RC(sp_close(sock), 0);
            stopped = rc;
            break;
        }
        SP_ASSERT_RC(rc, 0);
        SP_ASSERT_RC(sp_getsockname(sock, &addrs[opened]), 0);
        SP_ASSERT_RC(sp_poller_add(poller, sock, SP_POLLIN), 0);
        socks[opened] = sock;
    }
    /* A port that holds fewer (the board's lwIP port: its socket table) runs
     * the case with as many as it allows, and says so. */
    if (opened < WANTED)
        printf("# %d members, as many as this port allows (%d wanted): %s\n", opened, WANTED,
               sp_err_name(stopped));
    if (opened < 2) {
        for (int i = 0; i < opened; i++)
            SP_ASSERT_RC(sp_close(socks[i]), 0);
        SP_ASSERT_RC(sp_poller_close(poller), 0);
        SP_ASSERT_RC(sp_close(sender), 0);
        SP_SKIP("the stack holds fewer than 2 sockets beside the sender: no idle member");
    }

    sp_poller_event evs[16];
    SP_ASSERT_RC(sp_poller_wait(poller, evs, 16, 0), 0);
    for (int round = 0; round < 3; round++) {
        int active = round == 0   ? 0
                     : round == 1 ? opened / 2
                                  : opened - 1; /* first, middle, last */
        char buf[8];
        SP_ASSERT_RC(sp_sendto(sender, "x", 1, 0, &addrs[active]), 1);
        int n = 0;
        const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
        for (int i = 0; i < 1000 && n == 0 && sp_t_now() < deadline; i++)
            n = (int)SP_ASSERT_OK(sp_poller_wait(poller, evs, 16, 100));
        assert_int_equal(n, 1);
        assert_int_equal(evs[0].sock, socks[active]);
        assert_int_equal(evs[0].revents, SP_POLLIN);
        SP_ASSERT_RC(sp_recv(socks[active], buf, sizeof buf, 0), 1);
        SP_ASSERT_RC(sp_poller_wait(poller, evs, 16, 0), 0);
    }
    SP_ASSERT_RC(sp_poller_close(poller), 0);
    for (int i = 0; i < opened; i++)
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    SP_ASSERT_RC(sp_close(sender), 0);
}

int sp_suite_group_poller(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(poller_checks_arguments),
        SP_TEST(poller_runs_out_of_pollers),
        SP_TEST(poller_stream_read_and_write_readiness),
        SP_TEST(poller_listener_readable_with_queued_connection),
        SP_TEST(poller_hangup_after_peer_close),
        SP_TEST(poller_error_and_hangup_are_always_reported),
        SP_TEST(poller_modify_changes_what_is_reported),
        SP_TEST(poller_remove_stops_reports),
        SP_TEST(poller_forgets_a_closed_socket),
        SP_TEST(poller_reports_the_others_first_when_out_of_room),
        SP_TEST(poller_many_members_one_active),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("poller"), tests, NULL, NULL);
}
