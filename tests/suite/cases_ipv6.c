/* IPv6 loopback (::1): the same stream and datagram paths as IPv4. */
#include <string.h>

#include "suite.h"

#define REQUIRE_IPV6() SP_REQUIRE_CAPS(SP_CAP_IPV6, "no IPv6 loopback on this port")

SP_CASE(ipv6_stream_pair_addresses_and_echo)
{
    REQUIRE_IPV6();
    int client;
    int server;
    sp_addr addr;
    sp_addr loopback;
    char buf[8];
    sp_t_pair(SP_AF_INET6, SP_SOCK_STREAM, &client, &server);
    sp_t_loopback(&loopback, SP_AF_INET6);
    SP_ASSERT_RC(sp_getsockname(client, &addr), 0);
    assert_int_equal(addr.family, SP_AF_INET6);
    assert_memory_equal(addr.u.v6, loopback.u.v6, 16);
    SP_ASSERT_RC(sp_getpeername(server, &addr), 0);
    assert_int_equal(addr.family, SP_AF_INET6);
    assert_memory_equal(addr.u.v6, loopback.u.v6, 16);
    assert_int_equal(sp_t_getopt(client, SP_OPT_FAMILY), SP_AF_INET6);

    SP_ASSERT_RC(sp_send(client, "six", 3, 0), 3);
    sp_t_recv_exact(server, buf, 3);
    assert_memory_equal(buf, "six", 3);
    sp_t_close_both(client, server);
}

SP_CASE(ipv6_stream_transfer)
{
    REQUIRE_IPV6();
    uint64_t total = sp_test_fixture.big_transfer_bytes / 16;
    sp_t_stream_transfer(SP_AF_INET6, SP_SOCK_STREAM, total > 0 ? total : 1);
}

SP_CASE(ipv6_datagrams)
{
    REQUIRE_IPV6();
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    char buf[8];
    sp_t_dgram_pair(SP_AF_INET6, &a, &addr_a, &b, &addr_b);
    assert_int_equal(addr_a.family, SP_AF_INET6);
    SP_ASSERT_RC(sp_sendto(a, "dgram6", 6, 0, &addr_b), 6);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &from), 6);
    assert_memory_equal(buf, "dgram6", 6);
    assert_true(sp_addr_equal(&from, &addr_a));
    sp_t_close_both(a, b);
}

SP_CASE(ipv6_connect_refused_and_wrong_family)
{
    REQUIRE_IPV6();
    sp_addr addr;
    sp_addr v4;
    int probe = sp_t_socket(SP_AF_INET6, SP_SOCK_STREAM);
    sp_t_loopback(&addr, SP_AF_INET6);
    SP_ASSERT_RC(sp_bind(probe, &addr), 0);
    SP_ASSERT_RC(sp_getsockname(probe, &addr), 0);
    SP_ASSERT_RC(sp_close(probe), 0);

    int client = sp_t_socket(SP_AF_INET6, SP_SOCK_STREAM);
    sp_t_setopt(client, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    sp_t_loopback(&v4, SP_AF_INET);
    v4.port = addr.port;
    SP_ASSERT_RC(sp_connect(client, &v4), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_connect(client, &addr), SP_ECONNREFUSED);
    SP_ASSERT_RC(sp_close(client), 0);
}

/* A stack built without IPv6 (lwIP with LWIP_IPV6 0) refuses IPv6 sockets
 * the way Linux does with IPv6 off, and its IPv4 sockets refuse IPv6 peers. */
SP_CASE(ipv6_stack_without_ipv6_refuses_inet6_sockets)
{
    SP_REQUIRE_CAPS(SP_CAP_NO_IPV6_STACK, "this stack has IPv6 (checked on lwIP built without it)");
    SP_ASSERT_RC(sp_socket(SP_AF_INET6, SP_SOCK_STREAM, 0), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_socket(SP_AF_INET6, SP_SOCK_DGRAM, 0), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_socket(SP_AF_INET6, SP_SOCK_DGRAM, SP_IPPROTO_UDP), SP_EAFNOSUPPORT);

    sp_addr v6;
    sp_t_loopback(&v6, SP_AF_INET6);
    v6.port = 9;
    int stream = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_bind(stream, &v6), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_connect(stream, &v6), SP_EAFNOSUPPORT);
    int dgram = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_sendto(dgram, "x", 1, 0, &v6), SP_EAFNOSUPPORT);
    sp_t_close_both(stream, dgram);
    /* Nor does its DNS client take an IPv6 server. */
    if (sp_test_fixture.set_dns_server != NULL) {
        SP_ASSERT_RC(sp_test_fixture.set_dns_server(sp_default_stack(), &v6), SP_EAFNOSUPPORT);
    }
}

/* The ICMPv6 port unreachable reaches the connected sender, as ICMP's does. */
SP_CASE(ipv6_dgram_connected_to_closed_port_is_econnrefused)
{
    REQUIRE_IPV6();
    sp_t_dgram_refused_by_closed_port(SP_AF_INET6);
}

int sp_suite_group_ipv6(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(ipv6_stream_pair_addresses_and_echo),
        SP_TEST(ipv6_stream_transfer),
        SP_TEST(ipv6_datagrams),
        SP_TEST(ipv6_connect_refused_and_wrong_family),
        SP_TEST(ipv6_stack_without_ipv6_refuses_inet6_sockets),
        SP_TEST(ipv6_dgram_connected_to_closed_port_is_econnrefused),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("ipv6"), tests, NULL, NULL);
}
