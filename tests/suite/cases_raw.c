/* Raw sockets: an ICMP echo to 127.0.0.1 where the port permits raw IP. */
#include <string.h>

#include "suite.h"

#define ECHO_ID 0x5350
#define ECHO_SEQ 1

static uint16_t internet_checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    }
    if (len % 2 != 0) {
        sum += (uint32_t)data[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* The ICMP message in @p packet. Every port hands IPv4 raw sockets the whole
 * packet, IPv4 header first (as BSD sockets do): the case fails if one does not. */
static const uint8_t *icmp_part(const uint8_t *packet, size_t *len)
{
    assert_true(*len >= 20);
    assert_int_equal(packet[0] >> 4, 4);
    size_t header = (size_t)(packet[0] & 0x0f) * 4;
    assert_true(header >= 20 && header <= *len);
    assert_int_equal(packet[9], SP_IPPROTO_ICMP);
    *len -= header;
    return packet + header;
}

SP_CASE(raw_icmp_echo_to_loopback)
{
    SP_REQUIRE_CAPS(SP_CAP_RAW, "raw sockets are not permitted here (needs privileges)");
    static uint8_t request[16] = {8,   0,        0,   0,   ECHO_ID >> 8, ECHO_ID & 0xff,
                                  0,   ECHO_SEQ, 's', 'o', 'c',          'k',
                                  'p', 'o',      'r', 't'};
    static uint8_t packet[256];
    uint16_t sum = internet_checksum(request, sizeof request);
    request[2] = (uint8_t)(sum >> 8);
    request[3] = (uint8_t)(sum & 0xff);

    int sock = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP));
    assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), SP_SOCK_RAW);
    sp_addr to;
    SP_ASSERT_RC(sp_addr_loopback(&to, SP_AF_INET, 0), 0);
    SP_ASSERT_RC(sp_sendto(sock, request, sizeof request, 0, &to), (long long)sizeof request);
    sp_t_setopt(sock, SP_OPT_RCVTIMEO, 2000);

    int found = 0;
    /* The socket also sees other ICMP, our own request among it: look for the reply. */
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < 64 && !found && sp_t_now() < deadline; i++) {
        ptrdiff_t rc = sp_recv(sock, packet, sizeof packet, 0);
        SP_ASSERT_OK(rc);
        size_t len = (size_t)rc;
        const uint8_t *icmp = icmp_part(packet, &len);
        found = len >= sizeof request && icmp[0] == 0 && icmp[4] == (ECHO_ID >> 8) &&
                icmp[5] == (ECHO_ID & 0xff) && icmp[7] == ECHO_SEQ &&
                memcmp(icmp + 8, request + 8, 8) == 0;
    }
    assert_true(found);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* ICMPv6 on ::1: the stack fills in the checksum (it covers a pseudo-header),
 * and the socket sees the ICMPv6 message alone, without the IPv6 header. */
SP_CASE(raw_icmpv6_echo_to_loopback)
{
    SP_REQUIRE_CAPS(SP_CAP_RAW | SP_CAP_IPV6, "needs raw sockets and IPv6 (privileges, ::1)");
    static const uint8_t request[16] = {128, 0,        0,   0,   ECHO_ID >> 8, ECHO_ID & 0xff,
                                        0,   ECHO_SEQ, 's', 'o', 'c',          'k',
                                        'p', 'o',      'r', 't'};
    static uint8_t packet[256];
    int sock = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET6, SP_SOCK_RAW, SP_IPPROTO_ICMPV6));
    sp_addr to;
    SP_ASSERT_RC(sp_addr_loopback(&to, SP_AF_INET6, 0), 0);
    SP_ASSERT_RC(sp_sendto(sock, request, sizeof request, 0, &to), (long long)sizeof request);
    sp_t_setopt(sock, SP_OPT_RCVTIMEO, 2000);
    int found = 0;
    for (int i = 0; i < 64 && !found; i++) {
        sp_addr from;
        ptrdiff_t rc = sp_recvfrom(sock, packet, sizeof packet, 0, &from);
        SP_ASSERT_OK(rc);
        assert_int_equal(from.family, SP_AF_INET6);
        /* No IPv6 header: the first byte is an ICMPv6 type, never version 6's 0x6_. */
        found = (size_t)rc >= sizeof request && packet[0] == 129 && packet[4] == (ECHO_ID >> 8) &&
                packet[5] == (ECHO_ID & 0xff) && packet[7] == ECHO_SEQ &&
                memcmp(packet + 8, request + 8, 8) == 0;
    }
    assert_true(found);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(raw_argument_errors)
{
    /* Raw sockets need a protocol, and there are no local raw sockets. */
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_RAW, 0), SP_EPROTONOSUPPORT);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_RAW, 256), SP_EPROTONOSUPPORT);
    SP_ASSERT_RC(sp_socket(SP_AF_LOCAL, SP_SOCK_RAW, SP_IPPROTO_ICMP), SP_EPROTONOSUPPORT);
    if (!(sp_t_caps() & SP_CAP_RAW))
        SP_SKIP("raw sockets are not permitted here (argument errors checked)");
    int sock = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP));
    SP_ASSERT_RC(sp_listen(sock, 1), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_accept(sock, NULL), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), SP_EDESTADDRREQ);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_NODELAY, 1), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Linux reads an ICMP message's type and code before sending it, and fills in
 * an ICMPv6 checksum at offset 2: shorter messages are SP_EINVAL (lwIP once
 * asserted, or wrote the checksum past the payload); a payload beyond what the
 * IP length field carries, or beyond the family's limit to a destination
 * that takes it, is SP_EMSGSIZE. Nothing here reaches the wire. */
SP_CASE(raw_short_and_oversize_messages_are_refused)
{
    SP_REQUIRE_CAPS(SP_CAP_RAW, "raw sockets are not permitted here (needs privileges)");
    sp_addr to;
    int v4 = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP));
    SP_ASSERT_RC(sp_addr_loopback(&to, SP_AF_INET, 0), 0);
    SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 0, 0, &to), SP_EINVAL);
    SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 1, 0, &to), SP_EINVAL);
    if (SP_T_LARGE_BYTES > 65536) {
        SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 65516, 0, &to), SP_EMSGSIZE);
        /* As Linux's raw_sendmsg(): only over 65 535 bytes is a message too
         * long before its destination; a broadcast without SP_OPT_BROADCAST
         * is refused first. */
        sp_addr bcast;
        SP_ASSERT_RC(sp_addr_ipv4(&bcast, 255, 255, 255, 255, 0), 0);
        SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 65516, 0, &bcast), SP_EACCES);
        SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 65535, 0, &bcast), SP_EACCES);
        SP_ASSERT_RC(sp_sendto(v4, sp_t_large, 65536, 0, &bcast), SP_EMSGSIZE);
    }
    SP_ASSERT_RC(sp_close(v4), 0);
    if (!(sp_t_caps() & SP_CAP_IPV6))
        SP_SKIP("no IPv6 on this port (the IPv4 half passed)");
    int v6 = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET6, SP_SOCK_RAW, SP_IPPROTO_ICMPV6));
    SP_ASSERT_RC(sp_addr_loopback(&to, SP_AF_INET6, 0), 0);
    for (size_t len = 0; len < 4; len++)
        SP_ASSERT_RC(sp_sendto(v6, sp_t_large, len, 0, &to), SP_EINVAL);
    SP_ASSERT_RC(sp_connect(v6, &to), 0);
    SP_ASSERT_RC(sp_send(v6, sp_t_large, 3, 0), SP_EINVAL);
    if (SP_T_LARGE_BYTES > 65536)
        SP_ASSERT_RC(sp_send(v6, sp_t_large, 65536, 0), SP_EMSGSIZE);
    SP_ASSERT_RC(sp_close(v6), 0);
}

/* As Linux's connect() with AF_UNSPEC: the peer goes, the socket stays usable.
 * What it receives afterwards differs (sockport.h, sp_connect: Linux stops
 * delivering to it, lwIP does not), so the case does not look. */
SP_CASE(raw_unspec_address_disconnects)
{
    if (!(sp_t_caps() & SP_CAP_RAW))
        SP_SKIP("raw sockets are not permitted here");
    const sp_addr unspec = {.family = SP_AF_UNSPEC};
    sp_addr peer;
    sp_addr name;
    sp_t_loopback(&peer, SP_AF_INET);
    int sock = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP));
    SP_ASSERT_RC(sp_connect(sock, &unspec), 0);
    SP_ASSERT_RC(sp_connect(sock, &peer), 0);
    SP_ASSERT_RC(sp_connect(sock, &unspec), 0);
    SP_ASSERT_RC(sp_getpeername(sock, &name), SP_ENOTCONN);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), SP_EDESTADDRREQ);
    /* Connected again, the send has a destination: refused now only as an
     * ICMP message too short to be one (nothing leaves the host). */
    SP_ASSERT_RC(sp_connect(sock, &peer), 0);
    SP_ASSERT_RC(sp_send(sock, "x", 1, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_close(sock), 0);
}

int sp_suite_group_raw(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(raw_icmp_echo_to_loopback),
        SP_TEST(raw_icmpv6_echo_to_loopback),
        SP_TEST(raw_argument_errors),
        SP_TEST(raw_unspec_address_disconnects),
        SP_TEST(raw_short_and_oversize_messages_are_refused),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("raw"), tests, NULL, NULL);
}
