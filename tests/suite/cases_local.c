/* Local (UNIX-domain) sockets under fixture.local_dir, and sequenced packets.
 * Without SP_CAP_LOCAL each local case still checks that the port refuses the
 * family with SP_EAFNOSUPPORT before it skips. */
#include <string.h>

#include "suite.h"

static void require_local(void)
{
    if ((sp_t_caps() & SP_CAP_LOCAL) == 0) {
        SP_ASSERT_RC(sp_socket(SP_AF_LOCAL, SP_SOCK_STREAM, 0), SP_EAFNOSUPPORT);
        SP_ASSERT_RC(sp_socket(SP_AF_LOCAL, SP_SOCK_DGRAM, 0), SP_EAFNOSUPPORT);
        SP_SKIP("no local sockets on this port (SP_EAFNOSUPPORT checked)");
    }
    assert_non_null(sp_test_fixture.local_dir);
}

SP_CASE(local_stream_echo_and_addresses)
{
    require_local();
    int client;
    int server;
    sp_addr addr;
    char buf[8];
    sp_t_pair(SP_AF_LOCAL, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_getsockname(server, &addr), 0);
    assert_int_equal(addr.family, SP_AF_LOCAL);
    assert_int_equal(addr.u.path[0], '/');
    assert_int_equal(sp_t_getopt(client, SP_OPT_FAMILY), SP_AF_LOCAL);
    SP_ASSERT_RC(sp_send(client, "local", 5, 0), 5);
    sp_t_recv_exact(server, buf, 5);
    assert_memory_equal(buf, "local", 5);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_WR), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0);
    SP_ASSERT_RC(sp_send(server, "back", 4, 0), 4);
    sp_t_recv_exact(client, buf, 4);
    assert_memory_equal(buf, "back", 4);
    sp_t_close_both(client, server);
}

SP_CASE(local_stream_transfer)
{
    require_local();
    uint64_t total = sp_test_fixture.big_transfer_bytes / 16;
    sp_t_stream_transfer(SP_AF_LOCAL, SP_SOCK_STREAM, total > 0 ? total : 1);
}

SP_CASE(local_connect_to_missing_path_is_enoent)
{
    require_local();
    sp_addr addr;
    sp_t_local_addr(&addr, "missing"); /* removed, never bound */
    int client = sp_t_socket(SP_AF_LOCAL, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_ENOENT);
    SP_ASSERT_RC(sp_close(client), 0);
}

/* Linux says ENOENT; the header lists it since the API fuzzer found it unlisted. */
SP_CASE(local_bind_in_missing_directory_is_enoent)
{
    require_local();
    sp_addr addr;
    sp_t_local_addr(&addr, "no-such-dir/socket");
    int sock = sp_t_socket(SP_AF_LOCAL, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_bind(sock, &addr), SP_ENOENT);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(local_bind_taken_path_is_eaddrinuse)
{
    require_local();
    sp_addr addr;
    sp_addr v4;
    int listener = sp_t_listener(SP_AF_LOCAL, SP_SOCK_STREAM, 1, &addr);
    int other = sp_t_socket(SP_AF_LOCAL, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_bind(other, &addr), SP_EADDRINUSE);
    sp_t_loopback(&v4, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(other, &v4), SP_EAFNOSUPPORT);
    sp_t_close_both(other, listener);
    sp_t_local_cleanup(&addr);
}

SP_CASE(local_datagrams_with_sender_path)
{
    require_local();
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    static uint8_t data[100];
    uint8_t buf[100];
    sp_t_dgram_pair(SP_AF_LOCAL, &a, &addr_a, &b, &addr_b);
    sp_t_fill(data, sizeof data, 0);
    SP_ASSERT_RC(sp_sendto(a, data, sizeof data, 0, &addr_b), (long long)sizeof data);
    SP_ASSERT_RC(sp_sendto(a, data, 3, 0, &addr_b), 3);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &from), (long long)sizeof data);
    assert_memory_equal(buf, data, sizeof data);
    assert_int_equal(from.family, SP_AF_LOCAL);
    assert_string_equal(from.u.path, addr_a.u.path);
    SP_ASSERT_RC(sp_recv(b, buf, 2, SP_MSG_TRUNC), 3);
    SP_ASSERT_RC(sp_connect(b, &addr_a), 0);
    SP_ASSERT_RC(sp_send(b, "re", 2, 0), 2);
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, 0), 2);
    assert_memory_equal(buf, "re", 2);
    sp_t_close_both(a, b);
    sp_t_local_cleanup(&addr_a);
    sp_t_local_cleanup(&addr_b);
}

/* Sequenced packets: connected, and each message arrives whole and alone. */
static void check_seqpacket(int family)
{
    int client;
    int server;
    static uint8_t data[700];
    static uint8_t buf[1024];
    static const size_t sizes[] = {1, 700, 7, 300};
    sp_t_pair(family, SP_SOCK_SEQPACKET, &client, &server);
    assert_int_equal(sp_t_getopt(client, SP_OPT_TYPE), SP_SOCK_SEQPACKET);
    sp_t_fill(data, sizeof data, 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        SP_ASSERT_RC(sp_send(client, data, sizes[i], 0), (long long)sizes[i]);
    }
    for (size_t i = 0; i < 3; i++) {
        SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), (long long)sizes[i]);
        assert_memory_equal(buf, data, sizes[i]);
    }
    /* Truncated: the rest of the message is gone; TRUNC tells its length. */
    SP_ASSERT_RC(sp_recv(server, buf, 10, SP_MSG_TRUNC), 300);
    assert_memory_equal(buf, data, 10);
    SP_ASSERT_RC(sp_send(server, data, 5, 0), 5);
    SP_ASSERT_RC(sp_recv(client, buf, 3, 0), 3);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0); /* the peer closed */
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(local_seqpacket_keeps_boundaries)
{
    require_local();
    SP_REQUIRE_CAPS(SP_CAP_LOCAL_SEQPACKET, "no native local SOCK_SEQPACKET on this port");
    check_seqpacket(SP_AF_LOCAL);
}

int sp_suite_group_local(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(local_stream_echo_and_addresses),
        SP_TEST(local_stream_transfer),
        SP_TEST(local_connect_to_missing_path_is_enoent),
        SP_TEST(local_bind_in_missing_directory_is_enoent),
        SP_TEST(local_bind_taken_path_is_eaddrinuse),
        SP_TEST(local_datagrams_with_sender_path),
        SP_TEST(local_seqpacket_keeps_boundaries),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("local"), tests, NULL, NULL);
}
