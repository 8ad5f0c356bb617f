/* Datagrams (UDP over IPv4 loopback): addressing, connected sockets,
 * message boundaries, truncation, size limits and datagram errors. */
#include <string.h>

#include <sockport/faulty.h>

#include "suite.h"

/* The largest UDP payload over IPv4: 65535 - 20 (IP) - 8 (UDP). */
#define UDP4_MAX_PAYLOAD 65507

SP_CASE(dgram_sendto_recvfrom_both_ways)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    char buf[32];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    assert_int_not_equal(addr_a.port, addr_b.port);

    SP_ASSERT_RC(sp_sendto(a, "hello", 5, 0, &addr_b), 5);
    memset(&from, 0, sizeof from);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &from), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_true(sp_addr_equal(&from, &addr_a));

    SP_ASSERT_RC(sp_sendto(b, "back", 4, 0, &from), 4);
    SP_ASSERT_RC(sp_recvfrom(a, buf, sizeof buf, 0, &from), 4);
    assert_memory_equal(buf, "back", 4);
    assert_true(sp_addr_equal(&from, &addr_b));
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_close_both(a, b);
}

SP_CASE(dgram_message_boundaries_are_kept)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    static uint8_t data[500];
    static uint8_t buf[1024];
    static const size_t sizes[] = {1, 500, 7, 0, 64};
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    sp_t_fill(data, sizeof data, 0);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        SP_ASSERT_RC(sp_sendto(a, data, sizes[i], 0, &addr_b), (long long)sizes[i]);
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), (long long)sizes[i]);
        assert_memory_equal(buf, data, sizes[i]);
    }
    sp_t_close_both(a, b);
}

SP_CASE(dgram_connected_send_recv_and_peer)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr peer;
    char buf[16];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_getpeername(a, &peer), SP_ENOTCONN);
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_getpeername(a, &peer), 0);
    assert_true(sp_addr_equal(&peer, &addr_b));
    SP_ASSERT_RC(sp_send(a, "one", 3, 0), 3);
    SP_ASSERT_RC(sp_write(a, "two", 3), 3);
    SP_ASSERT_RC(sp_sendto(a, "three", 5, 0, NULL), 5);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 3);
    assert_memory_equal(buf, "one", 3);
    SP_ASSERT_RC(sp_read(b, buf, sizeof buf), 3);
    assert_memory_equal(buf, "two", 3);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &peer), 5);
    assert_memory_equal(buf, "three", 5);
    assert_true(sp_addr_equal(&peer, &addr_a));
    sp_t_close_both(a, b);
}

SP_CASE(dgram_connected_socket_accepts_only_its_peer)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    char buf[16];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    int stranger = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    /* The stranger's datagram is sent first; only b's may arrive. */
    SP_ASSERT_RC(sp_sendto(stranger, "no", 2, 0, &addr_a), 2);
    SP_ASSERT_RC(sp_sendto(b, "yes", 3, 0, &addr_a), 3);
    SP_ASSERT_RC(sp_recvfrom(a, buf, sizeof buf, 0, &from), 3);
    assert_memory_equal(buf, "yes", 3);
    assert_true(sp_addr_equal(&from, &addr_b));
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);

    /* Connecting again changes the peer. */
    sp_addr addr_c;
    sp_addr any;
    int c = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&any, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(c, &any), 0);
    SP_ASSERT_RC(sp_getsockname(c, &addr_c), 0);
    SP_ASSERT_RC(sp_connect(a, &addr_c), 0);
    SP_ASSERT_RC(sp_send(a, "new", 3, 0), 3);
    sp_t_setopt(c, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_recv(c, buf, sizeof buf, 0), 3);
    assert_memory_equal(buf, "new", 3);
    sp_t_close_both(c, stranger);
    sp_t_close_both(a, b);
}

SP_CASE(dgram_without_destination_is_edestaddrreq)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), SP_EDESTADDRREQ);
    SP_ASSERT_RC(sp_sendto(sock, "x", 1, 0, NULL), SP_EDESTADDRREQ);
    SP_ASSERT_RC(sp_write(sock, "x", 1), SP_EDESTADDRREQ);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(dgram_truncation_and_msg_trunc)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    static uint8_t data[100];
    uint8_t buf[100];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    sp_t_fill(data, sizeof data, 3);

    /* The part that does not fit is discarded with the message. */
    SP_ASSERT_RC(sp_sendto(a, data, 100, 0, &addr_b), 100);
    SP_ASSERT_RC(sp_sendto(a, "next", 4, 0, &addr_b), 4);
    SP_ASSERT_RC(sp_recv(b, buf, 10, 0), 10);
    assert_memory_equal(buf, data, 10);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 4);
    assert_memory_equal(buf, "next", 4);

    /* SP_MSG_TRUNC gives the full length; still only 10 bytes stored. */
    SP_ASSERT_RC(sp_sendto(a, data, 100, 0, &addr_b), 100);
    memset(buf, 0xEE, sizeof buf);
    SP_ASSERT_RC(sp_recv(b, buf, 10, SP_MSG_TRUNC), 100);
    assert_memory_equal(buf, data, 10);
    assert_int_equal(buf[10], 0xEE);

    /* Length 0 takes one message and discards it. */
    SP_ASSERT_RC(sp_sendto(a, data, 50, 0, &addr_b), 50);
    SP_ASSERT_RC(sp_sendto(a, data, 60, 0, &addr_b), 60);
    SP_ASSERT_RC(sp_recv(b, NULL, 0, 0), 0);
    SP_ASSERT_RC(sp_recv(b, NULL, 0, SP_MSG_TRUNC), 60);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_close_both(a, b);
}

SP_CASE(dgram_peek_leaves_the_message)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    char buf[16];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_sendto(a, "peek", 4, 0, &addr_b), 4);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, SP_MSG_PEEK, &from), 4);
    assert_true(sp_addr_equal(&from, &addr_a));
    SP_ASSERT_RC(sp_recv(b, buf, 2, SP_MSG_PEEK | SP_MSG_TRUNC), 4);
    memset(buf, 0, sizeof buf);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 4);
    assert_memory_equal(buf, "peek", 4);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_close_both(a, b);
}

SP_CASE(dgram_too_long_is_emsgsize)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    if (SP_T_LARGE_BYTES < UDP4_MAX_PAYLOAD + 1) {
        SP_SKIP("this build's scratch buffer is smaller than an IPv4 datagram's limit");
    }
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_sendto(a, sp_t_large, UDP4_MAX_PAYLOAD + 1, 0, &addr_b), SP_EMSGSIZE);
    SP_ASSERT_RC(sp_sendto(a, sp_t_large, SP_T_LARGE_BYTES, 0, &addr_b), SP_EMSGSIZE);
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_send(a, sp_t_large, UDP4_MAX_PAYLOAD + 1, 0), SP_EMSGSIZE);
    /* Nothing arrived, and the socket still works. */
    SP_ASSERT_RC(sp_recv(b, sp_t_large, 16, SP_MSG_DONTWAIT), SP_EAGAIN);
    SP_ASSERT_RC(sp_send(a, "ok", 2, 0), 2);
    SP_ASSERT_RC(sp_recv(b, sp_t_large, 16, 0), 2);
    sp_t_close_both(a, b);
}

SP_CASE(dgram_recv_timeout_and_would_block)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    char buf[8];
    sp_addr addr;
    sp_t_loopback(&addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    sp_t_setopt(sock, SP_OPT_RCVTIMEO, 50);
    SP_ASSERT_RC(sp_recv(sock, buf, sizeof buf, 0), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_recvfrom(sock, buf, sizeof buf, 0, &addr), SP_ETIMEDOUT);
    SP_ASSERT_RC(sp_recv(sock, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    sp_t_setopt(sock, SP_OPT_NONBLOCK, 1);
    SP_ASSERT_RC(sp_recv(sock, buf, sizeof buf, 0), SP_EAGAIN);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(dgram_address_in_use)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    int other = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_bind(other, &addr_a), SP_EADDRINUSE);
    SP_ASSERT_RC(sp_bind(b, &addr_a), SP_EINVAL); /* already bound */
    sp_t_close_both(other, a);
    SP_ASSERT_RC(sp_close(b), 0);
}

SP_CASE(dgram_wrong_family_and_bad_arguments)
{
    sp_addr v6;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_addr_loopback(&v6, SP_AF_INET6, 9), 0);
    SP_ASSERT_RC(sp_sendto(sock, "x", 1, 0, &v6), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_connect(sock, &v6), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_bind(sock, &v6), SP_EAFNOSUPPORT);
    sp_t_loopback(&v6, SP_AF_INET);
    v6.port = 9;
    SP_ASSERT_RC(sp_sendto(sock, NULL, 1, 0, &v6), SP_EINVAL);
    SP_ASSERT_RC(sp_sendto(sock, "x", 1, 0x80, &v6), SP_EINVAL);
    SP_ASSERT_RC(sp_shutdown(sock, SP_SHUT_RDWR), SP_ENOTCONN);
    SP_ASSERT_RC(sp_recv_all(sock, sp_t_large, 4, 0, NULL), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(dgram_connected_to_closed_port_is_econnrefused)
{
    sp_t_dgram_refused_by_closed_port(SP_AF_INET);
}

SP_CASE(dgram_broadcast_needs_the_option)
{
    sp_addr bcast;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    /* Refused before anything leaves the host: the case sends nothing. */
    SP_ASSERT_RC(sp_addr_ipv4(&bcast, 255, 255, 255, 255, 9), 0);
    SP_ASSERT_RC(sp_sendto(sock, "x", 1, 0, &bcast), SP_EACCES);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Sizes over the family's limit that Linux still refuses as a broadcast
 * (udp_sendmsg() checks only len > 65535 before the destination): 65 508 up
 * to 65 535 bytes over IPv4, also from an IPv6 socket to a mapped address. */
static const size_t broadcast_oversize[] = {UDP4_MAX_PAYLOAD + 1, 65527, 65528, 65535};

/* @p bcast refused (SP_EACCES) at each size of broadcast_oversize without
 * SP_OPT_BROADCAST, then too long (SP_EMSGSIZE) with it; over 65 535 bytes
 * too long either way. Nothing is sent. */
static void expect_broadcast_refused_before_size(int family, const sp_addr *bcast)
{
    int sock = sp_t_socket(family, SP_SOCK_DGRAM);
    for (int option = 0; option <= 1; option++) {
        sp_t_setopt(sock, SP_OPT_BROADCAST, option);
        for (size_t i = 0; i < sizeof broadcast_oversize / sizeof broadcast_oversize[0]; i++) {
            SP_ASSERT_RC(sp_sendto(sock, sp_t_large, broadcast_oversize[i], 0, bcast),
                         option == 0 ? SP_EACCES : SP_EMSGSIZE);
        }
        SP_ASSERT_RC(sp_sendto(sock, sp_t_large, 65536, 0, bcast), SP_EMSGSIZE);
    }
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(dgram_broadcast_is_refused_before_the_size_limit)
{
    if (SP_T_LARGE_BYTES < 65536) {
        SP_SKIP("this build's scratch buffer is smaller than 65 536 bytes");
    }
    sp_addr bcast;
    SP_ASSERT_RC(sp_addr_ipv4(&bcast, 255, 255, 255, 255, 9), 0);
    expect_broadcast_refused_before_size(SP_AF_INET, &bcast);
    SP_REQUIRE_CAPS(SP_CAP_IPV6,
                    "no IPv6 on this port: the IPv6 socket's mapped broadcast not run");
    SP_ASSERT_RC(sp_addr_parse("[::ffff:255.255.255.255]:9", &bcast), 0);
    expect_broadcast_refused_before_size(SP_AF_INET6, &bcast);
}

/* As Linux: the peer itself is refused without the option (lwIP once took it
 * and refused every send instead, a code sp_send does not list); with the
 * option the connected socket sends, and goes on sending after the option is
 * turned off (the peer was allowed when it was set). */
SP_CASE(dgram_connect_to_broadcast_needs_the_option)
{
    sp_addr bcast;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_addr_ipv4(&bcast, 127, 255, 255, 255, 9), 0);
    SP_ASSERT_RC(sp_connect(sock, &bcast), SP_EACCES);
    sp_t_setopt(sock, SP_OPT_BROADCAST, 1);
    SP_ASSERT_RC(sp_connect(sock, &bcast), 0);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), 1);
    sp_t_setopt(sock, SP_OPT_BROADCAST, 0);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), 1);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* The fault shim's widest delay range, 0..UINT32_MAX, has 2^32 values: it
 * once divided by that count wrapped to 0. Every datagram is delayed by some
 * amount in the range (most far beyond the case), and nothing crashes. */
SP_CASE(dgram_fault_shim_takes_the_whole_delay_range)
{
    static struct sp_faulty shim;
    static const struct sp_faulty_config widest = {
        .seed = 3, .delay_permille = 1000, .delay_min_ms = 0, .delay_max_ms = UINT32_MAX};
    sp_stack *delayed = sp_faulty_wrap(&shim, stack, &widest);
    assert_non_null(delayed);
    int a = (int)SP_ASSERT_OK(sp_socket_on(delayed, SP_AF_INET, SP_SOCK_DGRAM, 0));
    int b = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_addr addr_b;
    sp_t_loopback(&addr_b, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(b, &addr_b), 0);
    SP_ASSERT_RC(sp_getsockname(b, &addr_b), 0);
    for (int i = 0; i < 8; i++)
        SP_ASSERT_RC(sp_sendto(a, "late", 4, 0, &addr_b), 4);
    sp_pollfd fds[2] = {{a, SP_POLLIN, 0}, {b, SP_POLLIN, 0}};
    SP_ASSERT_OK(sp_poll(fds, 2, 10));
    struct sp_faulty_stats stats;
    SP_ASSERT_RC(sp_faulty_get_stats(&shim, &stats), 0);
    assert_int_equal(stats.datagrams, 8);
    assert_int_equal(stats.delayed, 8);
    sp_t_close_both(a, b);
}

/* Linux's connect() with AF_UNSPEC (measured on 6.18): 0 whether connected or
 * not; then no peer, no default destination, datagrams from anyone, and a
 * port the socket took itself given back (named 0 until the next send takes
 * one), while a port the user bound stays. */
SP_CASE(dgram_unspec_address_disconnects)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr name;
    sp_addr from;
    char buf[16];
    const sp_addr unspec = {.family = SP_AF_UNSPEC};
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    int stranger = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_connect(a, &unspec), 0); /* not connected yet: still 0 */
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_connect(a, &unspec), 0);
    SP_ASSERT_RC(sp_getpeername(a, &name), SP_ENOTCONN);
    SP_ASSERT_RC(sp_send(a, "x", 1, 0), SP_EDESTADDRREQ);
    /* The address a was bound to stays; the port, chosen by the stack, is given back. */
    SP_ASSERT_RC(sp_getsockname(a, &name), 0);
    assert_int_equal(name.port, 0);
    name.port = addr_a.port;
    assert_true(sp_addr_equal(&name, &addr_a));

    /* A send takes a port again, and then anyone's datagrams arrive. */
    SP_ASSERT_RC(sp_sendto(a, "out", 3, 0, &addr_b), 3);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 3);
    SP_ASSERT_RC(sp_getsockname(a, &addr_a), 0);
    assert_int_not_equal(addr_a.port, 0);
    SP_ASSERT_RC(sp_sendto(stranger, "anyone", 6, 0, &addr_a), 6);
    SP_ASSERT_RC(sp_recvfrom(a, buf, sizeof buf, 0, &from), 6);
    assert_memory_equal(buf, "anyone", 6);
    SP_ASSERT_RC(sp_getsockname(stranger, &name), 0);
    assert_int_equal(from.port, name.port);

    /* Connecting again filters and sends as before. */
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_getpeername(a, &name), 0);
    assert_true(sp_addr_equal(&name, &addr_b));
    SP_ASSERT_RC(sp_send(a, "again", 5, 0), 5);
    SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &from), 5);
    assert_memory_equal(buf, "again", 5);
    assert_true(sp_addr_equal(&from, &addr_a));
    sp_t_close_both(a, b);
    SP_ASSERT_RC(sp_close(stranger), 0);
}

/* The port the user bound survives a disconnect, and an unbound socket goes
 * back to the wildcard address and port 0. */
SP_CASE(dgram_unspec_disconnect_keeps_a_chosen_port)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr name;
    const sp_addr unspec = {.family = SP_AF_UNSPEC};
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    /* a's port, now chosen: the stack gave it a moment ago, so it is free. */
    SP_ASSERT_RC(sp_close(a), 0);
    a = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_bind(a, &addr_a), 0);
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_connect(a, &unspec), 0);
    SP_ASSERT_RC(sp_getsockname(a, &name), 0);
    assert_true(sp_addr_equal(&name, &addr_a));

    int unbound = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_connect(unbound, &addr_b), 0);
    SP_ASSERT_RC(sp_connect(unbound, &unspec), 0);
    SP_ASSERT_RC(sp_getsockname(unbound, &name), 0);
    sp_addr any;
    SP_ASSERT_RC(sp_addr_any(&any, SP_AF_INET, 0), 0);
    assert_true(sp_addr_equal(&name, &any));
    SP_ASSERT_RC(sp_close(unbound), 0);
    sp_t_close_both(a, b);
}

/* As Linux: an ICMP error that came while connected is still reported after
 * the disconnect. */
SP_CASE(dgram_unspec_disconnect_keeps_a_pending_error)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    char buf[8];
    const sp_addr unspec = {.family = SP_AF_UNSPEC};
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_close(b), 0); /* its port is now closed */
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_send(a, "anyone?", 7, 0), 7);
    sp_pollfd fd = {a, SP_POLLIN, 0};
    SP_ASSERT_RC(sp_poll(&fd, 1, SP_T_SAFETY_MS), 1);
    assert_int_equal(fd.revents & SP_POLLERR, SP_POLLERR);
    SP_ASSERT_RC(sp_connect(a, &unspec), 0);
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, SP_MSG_DONTWAIT), SP_ECONNREFUSED);
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, SP_MSG_DONTWAIT), SP_EAGAIN);
    SP_ASSERT_RC(sp_close(a), 0);
}

/* Linux's connect(AF_UNSPEC) on TCP returns 0 and aborts a connection or
 * stops a listener; sockport refuses it on connection-oriented sockets
 * (sockport.h, sp_connect) and leaves them as they were. */
SP_CASE(stream_unspec_connect_is_eafnosupport)
{
    int client;
    int server;
    const sp_addr unspec = {.family = SP_AF_UNSPEC};
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    SP_ASSERT_RC(sp_connect(client, &unspec), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_send(client, "still", 5, 0), 5);
    char buf[8];
    sp_t_recv_exact(server, buf, 5);
    int fresh = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_connect(fresh, &unspec), SP_EAFNOSUPPORT);
    SP_ASSERT_RC(sp_close(fresh), 0);
    sp_t_close_both(client, server);
}

/* sp_send_all() and sp_recv_all() of nothing, with no buffer at all. */
SP_CASE(dgram_send_all_of_nothing_sends_an_empty_datagram)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    size_t sent = 99;
    char buf[4];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_send_all(a, NULL, 0, SP_T_SAFETY_MS, &sent), 0);
    assert_int_equal(sent, 0);
    sp_t_setopt(b, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_recv(b, buf, sizeof buf, 0), 0);
    sp_t_close_both(a, b);
}

int sp_suite_group_dgram(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(dgram_sendto_recvfrom_both_ways),
        SP_TEST(dgram_message_boundaries_are_kept),
        SP_TEST(dgram_connected_send_recv_and_peer),
        SP_TEST(dgram_connected_socket_accepts_only_its_peer),
        SP_TEST(dgram_without_destination_is_edestaddrreq),
        SP_TEST(dgram_truncation_and_msg_trunc),
        SP_TEST(dgram_peek_leaves_the_message),
        SP_TEST(dgram_too_long_is_emsgsize),
        SP_TEST(dgram_recv_timeout_and_would_block),
        SP_TEST(dgram_address_in_use),
        SP_TEST(dgram_wrong_family_and_bad_arguments),
        SP_TEST(dgram_connected_to_closed_port_is_econnrefused),
        SP_TEST(dgram_broadcast_needs_the_option),
        SP_TEST(dgram_broadcast_is_refused_before_the_size_limit),
        SP_TEST(dgram_connect_to_broadcast_needs_the_option),
        SP_TEST(dgram_fault_shim_takes_the_whole_delay_range),
        SP_TEST(dgram_send_all_of_nothing_sends_an_empty_datagram),
        SP_TEST(dgram_unspec_address_disconnects),
        SP_TEST(dgram_unspec_disconnect_keeps_a_chosen_port),
        SP_TEST(dgram_unspec_disconnect_keeps_a_pending_error),
        SP_TEST(stream_unspec_connect_is_eafnosupport),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("dgram"), tests, NULL, NULL);
}
