/* Acknowledged datagrams (RDM): delivery reports, exactly-once delivery under
 * loss, duplication, reordering and delay (through the fault-injecting shim),
 * timeouts towards a dead peer, and malformed input. */
#include <stdio.h>
#include <string.h>

#include <sockport/faulty.h>

#include "suite.h"

#define RDM_LOSS_MESSAGES_DEFAULT 10000u

/* An RDM socket bound to the loopback of @p family on @p stack. */
static int rdm_socket_on(sp_stack *on, int family, sp_addr *bound)
{
    sp_addr addr;
    int sock = (int)SP_ASSERT_OK(sp_socket_on(on, family, SP_SOCK_RDM, 0));
    sp_t_loopback(&addr, family);
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    SP_ASSERT_RC(sp_getsockname(sock, bound), 0);
    sp_t_setopt(sock, SP_OPT_NONBLOCK, 1);
    return sock;
}

SP_CASE(rdm_messages_are_delivered_and_reported)
{
    sp_addr addr_a, addr_b, from;
    int a = rdm_socket_on(stack, SP_AF_INET, &addr_a);
    int b = rdm_socket_on(stack, SP_AF_INET, &addr_b);
    assert_int_equal(sp_t_getopt(a, SP_OPT_TYPE), SP_SOCK_RDM);
    uint32_t ids[5];
    for (int i = 0; i < 5; i++) {
        char msg[8];
        snprintf(msg, sizeof(msg), "msg%d", i);
        SP_ASSERT_RC(sp_rdm_sendto(a, msg, 4, &addr_b, &ids[i]), 4);
        if (i > 0)
            assert_true(ids[i] != ids[i - 1]);
    }
    int received = 0, reported = 0;
    int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int turn = 0; (received < 5 || reported < 5) && turn < 10000 && sp_t_now() < deadline;
         turn++) {
        sp_pollfd fds[2] = {{a, SP_POLLIN, 0}, {b, SP_POLLIN, 0}};
        SP_ASSERT_OK(sp_poll(fds, 2, 20));
        char buf[16];
        ptrdiff_t n;
        while ((n = sp_recvfrom(b, buf, sizeof(buf), 0, &from)) != SP_EAGAIN) {
            SP_ASSERT_RC(n, 4);
            assert_true(sp_addr_equal(&from, &addr_a));
            received++;
        }
        sp_rdm_report report;
        while (SP_ASSERT_OK(sp_rdm_report_take(a, &report)) == 1) {
            assert_int_equal(report.result, 0);
            int known = 0;
            for (int i = 0; i < 5; i++)
                known += report.id == ids[i];
            assert_int_equal(known, 1);
            reported++;
        }
    }
    assert_int_equal(received, 5);
    assert_int_equal(reported, 5);
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_get_stats(a, &stats), 0);
    assert_int_equal(stats.sent, 5);
    assert_int_equal(stats.delivered, 5);
    assert_int_equal(stats.timed_out, 0);
    SP_ASSERT_RC(sp_rdm_get_stats(b, &stats), 0);
    assert_int_equal(stats.received, 5);
    SP_ASSERT_RC(sp_close(a), 0);
    SP_ASSERT_RC(sp_close(b), 0);
}

SP_CASE(rdm_argument_and_type_errors)
{
    sp_addr addr;
    int rdm = rdm_socket_on(stack, SP_AF_INET, &addr);
    int udp = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_rdm_report report;
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_sendto(rdm, sp_t_large, SP_RDM_MAX_MESSAGE + 1, &addr, NULL), SP_EMSGSIZE);
    SP_ASSERT_RC(sp_send(rdm, "x", 1, 0), SP_EDESTADDRREQ);
    SP_ASSERT_RC(sp_rdm_report_take(rdm, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_rdm_get_stats(rdm, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_rdm_report_take(udp, &report), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_rdm_get_stats(udp, &stats), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_rdm_sendto(udp, "x", 1, &addr, NULL), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_rdm_report_take(rdm, &report), 0);
    SP_ASSERT_RC(sp_setsockopt(udp, SP_OPT_RDM_TIMEOUT, 100), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_setsockopt(rdm, SP_OPT_RDM_TIMEOUT, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(rdm, SP_OPT_RDM_RTO, 25), 0);
    assert_int_equal(sp_t_getopt(rdm, SP_OPT_RDM_RTO), 25);
    assert_int_equal(sp_t_getopt(rdm, SP_OPT_RDM_TIMEOUT), 3000);
    SP_ASSERT_RC(sp_listen(rdm, 1), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_socket(SP_AF_LOCAL, SP_SOCK_RDM, 0), SP_EPROTONOSUPPORT);
    SP_ASSERT_RC(sp_close(udp), 0);
    SP_ASSERT_RC(sp_close(rdm), 0);
}

SP_CASE(rdm_truncation_and_peek_like_datagrams)
{
    sp_addr addr_a, addr_b;
    int a = rdm_socket_on(stack, SP_AF_INET, &addr_a);
    int b = rdm_socket_on(stack, SP_AF_INET, &addr_b);
    sp_t_fill(sp_t_large, 500, 3);
    SP_ASSERT_RC(sp_sendto(a, sp_t_large, 500, 0, &addr_b), 500);
    assert_true(sp_t_wait(b, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    uint8_t small[50];
    SP_ASSERT_RC(sp_recv(b, small, sizeof(small), SP_MSG_PEEK | SP_MSG_TRUNC), 500);
    SP_ASSERT_RC(sp_recv(b, small, sizeof(small), 0), 50);
    assert_int_equal(sp_t_mismatch(small, sizeof(small), 3), sizeof(small));
    SP_ASSERT_RC(sp_recv(b, small, sizeof(small), 0), SP_EAGAIN);
    SP_ASSERT_RC(sp_close(a), 0);
    SP_ASSERT_RC(sp_close(b), 0);
}

SP_CASE(rdm_dead_peer_is_reported_as_timed_out)
{
    enum { MESSAGES = 3, TIMEOUT_MS = 300 };
    sp_addr addr_a, dead_addr;
    int a = rdm_socket_on(stack, SP_AF_INET, &addr_a);
    /* A peer that takes datagrams but never acknowledges: a plain UDP socket. */
    int dead = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&dead_addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(dead, &dead_addr), 0);
    SP_ASSERT_RC(sp_getsockname(dead, &dead_addr), 0);
    sp_t_setopt(a, SP_OPT_RDM_TIMEOUT, TIMEOUT_MS);
    sp_t_setopt(a, SP_OPT_RDM_RTO, 20);

    int64_t sent_at = sp_t_now();
    for (int i = 0; i < MESSAGES; i++)
        SP_ASSERT_RC(sp_sendto(a, "hello?", 6, 0, &dead_addr), 6);
    int reported = 0;
    int64_t last_report_at = 0;
    int64_t deadline = sent_at + TIMEOUT_MS * 10;
    for (int turn = 0; reported < MESSAGES && turn < 10000 && sp_t_now() < deadline; turn++) {
        sp_pollfd pfd = {a, SP_POLLIN, 0};
        SP_ASSERT_OK(sp_poll(&pfd, 1, 50));
        sp_rdm_report report;
        while (SP_ASSERT_OK(sp_rdm_report_take(a, &report)) == 1) {
            assert_int_equal(report.result, SP_ETIMEDOUT);
            last_report_at = sp_t_now();
            reported++;
        }
    }
    assert_int_equal(reported, MESSAGES);
    /* Never given up on before its time. */
    assert_true(last_report_at - sent_at >= TIMEOUT_MS);
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_get_stats(a, &stats), 0);
    assert_int_equal(stats.timed_out, MESSAGES);
    assert_true(stats.retransmissions > 0);
    print_message("rdm dead peer: %d timeouts reported %lld ms after sending (limit %d ms), "
                  "%u retransmissions\n",
                  reported, (long long)(last_report_at - sent_at), TIMEOUT_MS,
                  (unsigned)stats.retransmissions);
    SP_ASSERT_RC(sp_close(a), 0);
    SP_ASSERT_RC(sp_close(dead), 0);
}

SP_CASE(rdm_malformed_datagrams_are_counted_and_dropped)
{
    sp_addr addr_a, addr_b;
    int a = rdm_socket_on(stack, SP_AF_INET, &addr_a);
    int b = rdm_socket_on(stack, SP_AF_INET, &addr_b);
    int udp = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    static const uint8_t bad_version[16] = {9, 1};
    static const uint8_t bad_kind[16] = {1, 7};
    static const uint8_t short_ack[17] = {1, 2};
    static const uint8_t floor_above_seq[16] = {1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9};
    SP_ASSERT_RC(sp_sendto(udp, "junk", 4, 0, &addr_b), 4);
    SP_ASSERT_RC(sp_sendto(udp, bad_version, sizeof(bad_version), 0, &addr_b), 16);
    SP_ASSERT_RC(sp_sendto(udp, bad_kind, sizeof(bad_kind), 0, &addr_b), 16);
    SP_ASSERT_RC(sp_sendto(udp, short_ack, sizeof(short_ack), 0, &addr_b), 17);
    SP_ASSERT_RC(sp_sendto(udp, floor_above_seq, sizeof(floor_above_seq), 0, &addr_b), 16);
    /* A real message behind the junk still arrives. */
    SP_ASSERT_RC(sp_sendto(a, "real", 4, 0, &addr_b), 4);
    char buf[32];
    ptrdiff_t n = SP_EAGAIN;
    int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int turn = 0; n == SP_EAGAIN && turn < 10000 && sp_t_now() < deadline; turn++) {
        sp_pollfd pfd = {b, SP_POLLIN, 0};
        SP_ASSERT_OK(sp_poll(&pfd, 1, 20));
        n = sp_recv(b, buf, sizeof(buf), 0);
    }
    SP_ASSERT_RC(n, 4);
    assert_memory_equal(buf, "real", 4);
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_get_stats(b, &stats), 0);
    assert_int_equal(stats.malformed, 5);
    assert_int_equal(stats.received, 1);
    SP_ASSERT_RC(sp_close(udp), 0);
    SP_ASSERT_RC(sp_close(a), 0);
    SP_ASSERT_RC(sp_close(b), 0);
}

/* One DATA datagram of the wire format (docs/rdm.md), written by hand. */
static size_t rdm_data(uint8_t *out, uint32_t session, uint32_t seq, uint32_t floor,
                       const char *payload)
{
    uint32_t fields[3] = {session, seq, floor};
    out[0] = 1; /* version */
    out[1] = 1; /* DATA */
    out[2] = 0;
    out[3] = 0;
    for (int i = 0; i < 3; i++) {
        out[4 + 4 * i] = (uint8_t)(fields[i] >> 24);
        out[5 + 4 * i] = (uint8_t)(fields[i] >> 16);
        out[6 + 4 * i] = (uint8_t)(fields[i] >> 8);
        out[7 + 4 * i] = (uint8_t)fields[i];
    }
    size_t len = strlen(payload);
    memcpy(out + 16, payload, len);
    return 16 + len;
}

/*
 * Sequence numbers wrap after 0xFFFFFFFF. A sender that has sent 2^32
 * messages (here: a plain UDP socket speaking the wire format) goes on from
 * 0, and copies of messages on both sides of the wrap, as the network or a
 * retransmission repeats them, are each delivered once and acknowledged
 * every time.
 */
SP_CASE(rdm_sequence_numbers_wrap_without_delivering_twice)
{
    static const struct {
        uint32_t seq, floor;
        const char *payload;
    } sends[] = {
        {0xFFFFFFFEu, 0xFFFFFFFEu, "m0"}, {0xFFFFFFFFu, 0xFFFFFFFEu, "m1"},
        {0xFFFFFFFFu, 0xFFFFFFFEu, "m1"}, {0x00000000u, 0xFFFFFFFFu, "m2"},
        {0xFFFFFFFFu, 0xFFFFFFFFu, "m1"}, {0x00000001u, 0x00000000u, "m3"},
        {0x00000000u, 0x00000000u, "m2"}, {0xFFFFFFFEu, 0xFFFFFFFEu, "m0"},
    };
    enum { SENDS = sizeof sends / sizeof sends[0], MESSAGES = 4 };
    sp_addr addr_b, addr_udp;
    int b = rdm_socket_on(stack, SP_AF_INET, &addr_b);
    int udp = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&addr_udp, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(udp, &addr_udp), 0);
    sp_t_setopt(udp, SP_OPT_NONBLOCK, 1);
    int delivered[MESSAGES] = {0};
    int acks = 0;
    for (int i = 0; i < SENDS; i++) {
        uint8_t datagram[32];
        size_t len =
            rdm_data(datagram, 0x5E551011u, sends[i].seq, sends[i].floor, sends[i].payload);
        SP_ASSERT_RC(sp_sendto(udp, datagram, len, 0, &addr_b), (long long)len);
        /* Each copy is handled (delivered or dropped, and acknowledged) in turn. */
        int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
        int acked = 0;
        for (int turn = 0; !acked && turn < 10000 && sp_t_now() < deadline; turn++) {
            sp_pollfd fds[2] = {{b, SP_POLLIN, 0}, {udp, SP_POLLIN, 0}};
            SP_ASSERT_OK(sp_poll(fds, 2, 20));
            char msg[8];
            ptrdiff_t n;
            while ((n = sp_recv(b, msg, sizeof(msg), 0)) != SP_EAGAIN) {
                SP_ASSERT_RC(n, 2);
                assert_true(msg[0] == 'm' && msg[1] >= '0' && msg[1] < '0' + MESSAGES);
                delivered[msg[1] - '0']++;
            }
            uint8_t ack[32];
            while ((n = sp_recv(udp, ack, sizeof(ack), 0)) != SP_EAGAIN) {
                SP_ASSERT_RC(n, 16);
                assert_int_equal(ack[1], 2); /* ACK */
                uint32_t seq = (uint32_t)ack[8] << 24 | (uint32_t)ack[9] << 16 |
                               (uint32_t)ack[10] << 8 | ack[11];
                assert_true(seq == sends[i].seq);
                acks++;
                acked = 1;
            }
        }
        assert_true(acked);
    }
    for (int m = 0; m < MESSAGES; m++) {
        if (delivered[m] != 1)
            fail_msg("message m%d was delivered %d times", m, delivered[m]);
    }
    assert_int_equal(acks, SENDS);
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_get_stats(b, &stats), 0);
    assert_int_equal(stats.received, MESSAGES);
    assert_int_equal(stats.duplicates, SENDS - MESSAGES);
    SP_ASSERT_RC(sp_close(udp), 0);
    SP_ASSERT_RC(sp_close(b), 0);
}

/* Sends @p count messages from @p tx to @p to and waits until @p rx received
 * them all and @p tx has a delivery report for each; returns how many @p rx got. */
static int rdm_exchange(int tx, int rx, const sp_addr *to, int count)
{
    int received = 0, reported = 0;
    for (int i = 0; i < count; i++)
        SP_ASSERT_RC(sp_sendto(tx, "boot", 4, 0, to), 4);
    int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int turn = 0;
         (received < count || reported < count) && turn < 10000 && sp_t_now() < deadline; turn++) {
        sp_pollfd fds[2] = {{tx, SP_POLLIN, 0}, {rx, SP_POLLIN, 0}};
        SP_ASSERT_OK(sp_poll(fds, 2, 20));
        char buf[8];
        while (sp_recv(rx, buf, sizeof(buf), 0) >= 0)
            received++;
        sp_rdm_report report;
        while (SP_ASSERT_OK(sp_rdm_report_take(tx, &report)) == 1) {
            assert_int_equal(report.result, 0);
            reported++;
        }
    }
    assert_int_equal(reported, count);
    return received;
}

/*
 * A sender that restarts (a board that reboots: a new socket on the same
 * address, numbering its messages from 1 again) must start a new session:
 * with the old one, the receiver would take its messages for duplicates,
 * acknowledge them and drop them.
 */
SP_CASE(rdm_restarted_sender_is_delivered_not_dropped)
{
    sp_addr addr_rx, addr_tx;
    int rx = rdm_socket_on(stack, SP_AF_INET, &addr_rx);
    int tx = rdm_socket_on(stack, SP_AF_INET, &addr_tx);
    assert_int_equal(rdm_exchange(tx, rx, &addr_rx, 3), 3);
    SP_ASSERT_RC(sp_close(tx), 0);
    /* The "rebooted" sender, at the very same address. */
    tx = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_RDM, 0));
    sp_t_setopt(tx, SP_OPT_REUSEADDR, 1);
    SP_ASSERT_RC(sp_bind(tx, &addr_tx), 0);
    sp_t_setopt(tx, SP_OPT_NONBLOCK, 1);
    assert_int_equal(rdm_exchange(tx, rx, &addr_rx, 3), 3);
    sp_rdm_stats stats;
    SP_ASSERT_RC(sp_rdm_get_stats(rx, &stats), 0);
    assert_int_equal(stats.received, 6);
    assert_int_equal(stats.duplicates, 0);
    SP_ASSERT_RC(sp_close(tx), 0);
    SP_ASSERT_RC(sp_close(rx), 0);
}

/*
 * The service's promise under a hostile network: 20% of datagrams lost, 20%
 * duplicated, some reordered and delayed, both ways. Every message arrives
 * exactly once and every delivery report says delivered.
 */
static void rdm_exactly_once_under_loss(sp_stack *inner, int family, uint32_t wanted)
{
    static struct sp_faulty lossy;
    static uint8_t seen[(RDM_LOSS_MESSAGES_DEFAULT + 7) / 8];
    const struct sp_faulty_config faults = {
        .seed = 20261124,
        .drop_permille = 200,
        .duplicate_permille = 200,
        .reorder_permille = 50,
        .delay_permille = 50,
        .delay_min_ms = 1,
        .delay_max_ms = 20,
    };
    uint32_t total = sp_test_fixture.rdm_loss_messages != 0 ? sp_test_fixture.rdm_loss_messages
                                                            : RDM_LOSS_MESSAGES_DEFAULT;
    if (total > wanted)
        total = wanted;
    memset(seen, 0, sizeof(seen));
    sp_stack *net = sp_faulty_wrap(&lossy, inner, &faults);
    assert_non_null(net);
    sp_addr addr_tx, addr_rx, from;
    int tx = rdm_socket_on(net, family, &addr_tx);
    int rx = rdm_socket_on(net, family, &addr_rx);
    sp_t_setopt(tx, SP_OPT_RDM_RTO, 5);
    sp_t_setopt(tx, SP_OPT_RDM_TIMEOUT, 60000); /* never: this case wants every delivery */

    uint32_t sent = 0, received = 0, duplicates = 0, reported_ok = 0, reported_bad = 0;
    int64_t started = sp_t_now();
    int64_t deadline = started + 300000;
    for (uint32_t turn = 0; (received < total || reported_ok + reported_bad < total) &&
                            turn < 4000000 && sp_t_now() < deadline;
         turn++) {
        while (sent < total) {
            uint8_t msg[64];
            msg[0] = (uint8_t)(sent >> 24);
            msg[1] = (uint8_t)(sent >> 16);
            msg[2] = (uint8_t)(sent >> 8);
            msg[3] = (uint8_t)sent;
            sp_t_fill(msg + 4, sizeof(msg) - 4, sent);
            ptrdiff_t n = sp_sendto(tx, msg, sizeof(msg), 0, &addr_rx);
            if (n == SP_EAGAIN)
                break;
            SP_ASSERT_RC(n, (long long)sizeof(msg));
            sent++;
        }
        for (;;) {
            uint8_t msg[64];
            ptrdiff_t n = sp_recvfrom(rx, msg, sizeof(msg), 0, &from);
            if (n == SP_EAGAIN)
                break;
            SP_ASSERT_RC(n, (long long)sizeof(msg));
            uint32_t index =
                (uint32_t)msg[0] << 24 | (uint32_t)msg[1] << 16 | (uint32_t)msg[2] << 8 | msg[3];
            assert_true(index < total);
            assert_int_equal(sp_t_mismatch(msg + 4, sizeof(msg) - 4, index), sizeof(msg) - 4);
            if (seen[index / 8] & (1u << (index % 8)))
                duplicates++;
            seen[index / 8] |= (uint8_t)(1u << (index % 8));
            received++;
        }
        sp_rdm_report report;
        while (SP_ASSERT_OK(sp_rdm_report_take(tx, &report)) == 1) {
            if (report.result == 0)
                reported_ok++;
            else
                reported_bad++;
        }
        /* Writable matters only while there is more to send; after that the
         * sender's socket just has to run (acknowledgements, retransmissions). */
        sp_pollfd fds[2] = {{tx, sent < total ? SP_POLLOUT : SP_POLLIN, 0}, {rx, SP_POLLIN, 0}};
        SP_ASSERT_OK(sp_poll(fds, 2, 5));
    }

    sp_rdm_stats tx_stats, rx_stats;
    struct sp_faulty_stats shim;
    SP_ASSERT_RC(sp_rdm_get_stats(tx, &tx_stats), 0);
    SP_ASSERT_RC(sp_rdm_get_stats(rx, &rx_stats), 0);
    SP_ASSERT_RC(sp_faulty_get_stats(&lossy, &shim), 0);
    print_message(
        "rdm under loss (%s, %s): %u messages, %u received, %u delivered twice, "
        "%u reports ok, %u reports failed; %u transmissions (%u retransmissions), "
        "%u duplicates dropped by the receiver, %u overruns; shim: %u datagrams, "
        "%u dropped, %u duplicated, %u reordered, %u delayed; %lld ms on the stack clock\n",
        sp_test_fixture.port_name, family == SP_AF_INET ? "IPv4" : "IPv6", (unsigned)total,
        (unsigned)received, (unsigned)duplicates, (unsigned)reported_ok, (unsigned)reported_bad,
        (unsigned)tx_stats.transmissions, (unsigned)tx_stats.retransmissions,
        (unsigned)rx_stats.duplicates, (unsigned)rx_stats.overrun, (unsigned)shim.datagrams,
        (unsigned)shim.dropped, (unsigned)shim.duplicated, (unsigned)shim.reordered,
        (unsigned)shim.delayed, (long long)(sp_t_now() - started));
    assert_int_equal(duplicates, 0);
    assert_int_equal(received, total);
    assert_int_equal(reported_ok, total);
    assert_int_equal(reported_bad, 0);
    /* The faults really happened, or the case proved nothing. */
    assert_true(shim.dropped > total / 10);
    assert_true(shim.duplicated > total / 10);
    assert_true(rx_stats.duplicates > 0);
    SP_ASSERT_RC(sp_close(tx), 0);
    SP_ASSERT_RC(sp_close(rx), 0);
}

SP_CASE(rdm_exactly_once_under_loss_and_duplication_ipv4)
{
    rdm_exactly_once_under_loss(stack, SP_AF_INET, RDM_LOSS_MESSAGES_DEFAULT);
}

SP_CASE(rdm_exactly_once_under_loss_and_duplication_ipv6)
{
    SP_REQUIRE_CAPS(SP_CAP_IPV6, "the port has no IPv6 loopback");
    /* The protocol is the same; fewer messages keep the suite quick. */
    rdm_exactly_once_under_loss(stack, SP_AF_INET6, 2000);
}

int sp_suite_group_rdm(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(rdm_messages_are_delivered_and_reported),
        SP_TEST(rdm_argument_and_type_errors),
        SP_TEST(rdm_truncation_and_peek_like_datagrams),
        SP_TEST(rdm_dead_peer_is_reported_as_timed_out),
        SP_TEST(rdm_malformed_datagrams_are_counted_and_dropped),
        SP_TEST(rdm_sequence_numbers_wrap_without_delivering_twice),
        SP_TEST(rdm_restarted_sender_is_delivered_not_dropped),
        SP_TEST(rdm_exactly_once_under_loss_and_duplication_ipv4),
        SP_TEST(rdm_exactly_once_under_loss_and_duplication_ipv6),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("rdm"), tests, NULL, NULL);
}
