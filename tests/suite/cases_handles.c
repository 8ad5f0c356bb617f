/* Socket creation, the handle table (generations, exhaustion), and argument
 * checks that every call shares: bad handles, NULL pointers, huge lengths. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "suite.h"

/* Whether the stack, not sockport's table, refused a socket (@p rc): a stack
 * with fewer sockets than SP_MAX_SOCKETS (lwIP's pools: SP_ENOBUFS), or a
 * process at its descriptor limit (POSIX: the kernel's EMFILE, SP_EMFILE too,
 * with handles still free; a 65 536-slot build under a lower RLIMIT_NOFILE). */
static bool sp_t_stack_ran_out(int rc)
{
    sp_table_stats stats;
    SP_ASSERT_RC(sp_get_table_stats(&stats), 0);
    return rc == SP_ENOBUFS || (rc == SP_EMFILE && stats.in_use < stats.max);
}

SP_CASE(handles_socket_and_close_each_type)
{
    static const int types[] = {SP_SOCK_STREAM, SP_SOCK_DGRAM};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        int sock = sp_t_socket(SP_AF_INET, types[i]);
        assert_true(sock >= 0);
        assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), types[i]);
        assert_int_equal(sp_t_getopt(sock, SP_OPT_FAMILY), SP_AF_INET);
        SP_ASSERT_RC(sp_close(sock), 0);
        SP_ASSERT_RC(sp_close(sock), SP_EBADF); /* never close twice */
    }
}

SP_CASE(handles_socket_explicit_protocols)
{
    int tcp = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_STREAM, SP_IPPROTO_TCP));
    int udp = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_DGRAM, SP_IPPROTO_UDP));
    sp_t_close_both(tcp, udp);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_STREAM, SP_IPPROTO_UDP), SP_EPROTONOSUPPORT);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_DGRAM, SP_IPPROTO_TCP), SP_EPROTONOSUPPORT);
}

SP_CASE(handles_socket_rejects_values_outside_enums)
{
    static const int bad_families[] = {-1, 4, 99, INT_MAX};
    static const int bad_types[] = {-1, 0, 6, 99, INT_MAX};
    for (size_t i = 0; i < sizeof bad_families / sizeof bad_families[0]; i++) {
        /* A family no stack has, as Linux says it (tests/conformance). */
        SP_ASSERT_RC(sp_socket(bad_families[i], SP_SOCK_STREAM, 0), SP_EAFNOSUPPORT);
    }
    for (size_t i = 0; i < sizeof bad_types / sizeof bad_types[0]; i++) {
        SP_ASSERT_RC(sp_socket(SP_AF_INET, bad_types[i], 0), SP_EINVAL);
    }
}

/* Every call that takes a handle, with otherwise valid arguments. */
static void expect_ebadf_everywhere(int sock)
{
    char byte = 'x';
    int value = 0;
    size_t len = sizeof value;
    sp_addr addr;
    sp_t_loopback(&addr, SP_AF_INET);
    addr.port = 9;

    SP_ASSERT_RC(sp_bind(sock, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_listen(sock, 1), SP_EBADF);
    SP_ASSERT_RC(sp_accept(sock, NULL), SP_EBADF);
    SP_ASSERT_RC(sp_connect(sock, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_send(sock, &byte, 1, 0), SP_EBADF);
    SP_ASSERT_RC(sp_sendto(sock, &byte, 1, 0, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_write(sock, &byte, 1), SP_EBADF);
    SP_ASSERT_RC(sp_recv(sock, &byte, 1, 0), SP_EBADF);
    SP_ASSERT_RC(sp_recvfrom(sock, &byte, 1, 0, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_read(sock, &byte, 1), SP_EBADF);
    SP_ASSERT_RC(sp_send_all(sock, &byte, 1, 0, NULL), SP_EBADF);
    SP_ASSERT_RC(sp_recv_all(sock, &byte, 1, 0, NULL), SP_EBADF);
    SP_ASSERT_RC(sp_shutdown(sock, SP_SHUT_RDWR), SP_EBADF);
    SP_ASSERT_RC(sp_getsockname(sock, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_getpeername(sock, &addr), SP_EBADF);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1), SP_EBADF);
    SP_ASSERT_RC(sp_getsockopt(sock, SP_OPT_TYPE, &value), SP_EBADF);
    SP_ASSERT_RC(sp_setsockopt_native(sock, 0, 0, &value, sizeof value), SP_EBADF);
    SP_ASSERT_RC(sp_getsockopt_native(sock, 0, 0, &value, &len), SP_EBADF);
    assert_null(sp_socket_stack(sock));
    SP_ASSERT_RC(sp_close(sock), SP_EBADF);
}

SP_CASE(handles_invalid_values_are_ebadf)
{
    static const int bad[] = {-1, -2, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_ebadf_everywhere(bad[i]);
    }
}

SP_CASE(handles_closed_handle_is_ebadf)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_close(sock), 0);
    expect_ebadf_everywhere(sock);
}

/* Fills the whole table once the first socket is closed, so one of the new
 * sockets necessarily reuses its slot: the old handle must still be stale. */
SP_CASE(handles_stale_handle_after_slot_reuse)
{
    static int socks[SP_MAX_SOCKETS];
    int old = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_close(old), 0);
    int opened = 0;
    for (; opened < SP_MAX_SOCKETS; opened++) {
        int sock = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (sock < 0 && sp_t_stack_ran_out(sock)) {
            break; /* as many as the stack gives: old's slot stays stale all the same */
        }
        SP_ASSERT_OK(sock);
        assert_int_not_equal(sock, old);
        socks[opened] = sock;
    }
    assert_true(opened > 0);
    expect_ebadf_everywhere(old);
    for (int i = 0; i < opened; i++) {
        /* The stale close touched none of them. */
        assert_int_equal(sp_t_getopt(socks[i], SP_OPT_TYPE), SP_SOCK_DGRAM);
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    }
}

SP_CASE(handles_table_full_is_emfile_until_one_closes)
{
    static int socks[SP_MAX_SOCKETS];
    int opened = 0;
    int rc = 0;
    sp_table_stats before;
    sp_table_stats full;
    SP_ASSERT_RC(sp_get_table_stats(&before), 0);
    assert_int_equal(before.max, SP_MAX_SOCKETS);
    for (; opened <= SP_MAX_SOCKETS; opened++) {
        rc = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (rc < 0) {
            break;
        }
        assert_true(opened < SP_MAX_SOCKETS);
        socks[opened] = rc;
    }
    if (opened < SP_MAX_SOCKETS && sp_t_stack_ran_out(rc)) {
        print_message("the stack ran out of datagram sockets at %d of %d (%s)\n", opened,
                      SP_MAX_SOCKETS, sp_err_name(rc));
        for (int i = 0; i < opened; i++) {
            SP_ASSERT_RC(sp_close(socks[i]), 0);
        }
        SP_SKIP("the stack (or the process's descriptor limit) holds fewer sockets than "
                "SP_MAX_SOCKETS; the table cannot fill");
    }
    SP_ASSERT_RC(rc, SP_EMFILE);
    assert_int_equal(opened, SP_MAX_SOCKETS);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0), SP_EMFILE);
    /* Exhaustion is visible to a server's status page. */
    SP_ASSERT_RC(sp_get_table_stats(&full), 0);
    assert_int_equal(full.in_use, SP_MAX_SOCKETS);
    assert_int_equal(full.peak, SP_MAX_SOCKETS);
    assert_int_equal(full.refused, before.refused + 2);

    SP_ASSERT_RC(sp_close(socks[opened / 2]), 0);
    socks[opened / 2] = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0), SP_EMFILE);
    for (int i = 0; i < opened; i++) {
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    }
    SP_ASSERT_RC(sp_get_table_stats(&full), 0);
    assert_int_equal(full.in_use, before.in_use);
    SP_ASSERT_RC(sp_get_table_stats(NULL), SP_EINVAL);
}

SP_CASE(handles_accept_with_full_table_is_emfile_and_keeps_connection)
{
    static int socks[SP_MAX_SOCKETS];
    sp_addr addr;
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 2, &addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &addr, SP_T_SAFETY_MS), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);

    int opened = 0;
    int rc = 0;
    for (; opened < SP_MAX_SOCKETS; opened++) {
        rc = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        if (rc < 0) {
            break;
        }
        socks[opened] = rc;
    }
    if (sp_t_stack_ran_out(rc)) {
        for (int i = 0; i < opened; i++) {
            SP_ASSERT_RC(sp_close(socks[i]), 0);
        }
        sp_t_close_both(client, listener);
        SP_SKIP("the stack (or the process's descriptor limit) holds fewer sockets than "
                "SP_MAX_SOCKETS; the table cannot fill");
    }
    SP_ASSERT_RC(rc, SP_EMFILE);
    SP_ASSERT_RC(sp_accept(listener, NULL), SP_EMFILE);
    SP_ASSERT_RC(sp_close(socks[0]), 0);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL)); /* it stayed queued */
    for (int i = 1; i < opened; i++) {
        SP_ASSERT_RC(sp_close(socks[i]), 0);
    }
    sp_t_close_both(server, client);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(handles_null_and_huge_lengths_are_einval)
{
    int client;
    int server;
    char buf[8] = {0};
    sp_addr addr;
    const size_t over = (size_t)PTRDIFF_MAX + 1;
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);

    SP_ASSERT_RC(sp_send(client, NULL, 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_send(client, buf, SIZE_MAX, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_send(client, buf, over, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_write(client, NULL, 1), SP_EINVAL);
    SP_ASSERT_RC(sp_write(client, buf, SIZE_MAX), SP_EINVAL);
    SP_ASSERT_RC(sp_sendto(client, buf, SIZE_MAX, 0, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, NULL, 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, buf, SIZE_MAX, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, buf, over, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, buf, 0, 0), SP_EINVAL); /* zero length on a stream */
    SP_ASSERT_RC(sp_read(server, NULL, 1), SP_EINVAL);
    SP_ASSERT_RC(sp_recvfrom(server, buf, SIZE_MAX, 0, &addr), SP_EINVAL);
    SP_ASSERT_RC(sp_send_all(client, NULL, 1, 0, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_send_all(client, buf, SIZE_MAX, 0, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_recv_all(server, NULL, 1, 0, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_recv_all(server, buf, SIZE_MAX, 0, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_getsockname(client, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_getpeername(client, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_getsockopt(client, SP_OPT_TYPE, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt_native(client, 0, 0, NULL, 4), SP_EINVAL);
    SP_ASSERT_RC(sp_getsockopt_native(client, 0, 0, buf, NULL), SP_EINVAL);

    /* Nothing was sent by any of that: the next byte the server reads is this one. */
    SP_ASSERT_RC(sp_send(client, NULL, 0, 0), 0);
    SP_ASSERT_RC(sp_send(client, "k", 1, 0), 1);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 1);
    assert_int_equal(buf[0], 'k');
    sp_t_close_both(client, server);
}

SP_CASE(handles_bad_flags_are_einval)
{
    int client;
    int server;
    char buf[4] = {0};
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_send(client, buf, 1, 0x80), SP_EINVAL);
    SP_ASSERT_RC(sp_send(client, buf, 1, SP_MSG_PEEK), SP_EINVAL);
    SP_ASSERT_RC(sp_send(client, buf, 1, SP_MSG_TRUNC), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, buf, 1, 0x80), SP_EINVAL);
    SP_ASSERT_RC(sp_recv(server, buf, 1, -1), SP_EINVAL);
    SP_ASSERT_RC(sp_shutdown(client, 3), SP_EINVAL);
    SP_ASSERT_RC(sp_shutdown(client, -1), SP_EINVAL);
    sp_t_close_both(client, server);
}

SP_CASE(handles_bind_and_connect_need_an_address)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_bind(sock, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_connect(sock, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_close(sock), 0);
}

int sp_suite_group_handles(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(handles_socket_and_close_each_type),
        SP_TEST(handles_socket_explicit_protocols),
        SP_TEST(handles_socket_rejects_values_outside_enums),
        SP_TEST(handles_invalid_values_are_ebadf),
        SP_TEST(handles_closed_handle_is_ebadf),
        SP_TEST(handles_stale_handle_after_slot_reuse),
        SP_TEST(handles_table_full_is_emfile_until_one_closes),
        SP_TEST(handles_accept_with_full_table_is_emfile_and_keeps_connection),
        SP_TEST(handles_null_and_huge_lengths_are_einval),
        SP_TEST(handles_bad_flags_are_einval),
        SP_TEST(handles_bind_and_connect_need_an_address),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("handles"), tests, NULL, NULL);
}
