/* Sequenced packets: record boundaries, truncation, limits and the wire format
 * of core's framing over streams; the kernel's own on local sockets. */
#include <string.h>

#include "suite.h"

#define SEQ_HEADER 4

/* The families a case runs in: IPv4 always, IPv6 and local where the port has them. */
static int families_for(int *out)
{
    int n = 0;
    out[n++] = SP_AF_INET;
    if (sp_test_fixture.caps & SP_CAP_IPV6)
        out[n++] = SP_AF_INET6;
    if (sp_test_fixture.caps & SP_CAP_LOCAL_SEQPACKET)
        out[n++] = SP_AF_LOCAL;
    return n;
}

static void put_header(uint8_t *p, uint32_t len)
{
    p[0] = (uint8_t)(len >> 24);
    p[1] = (uint8_t)(len >> 16);
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
}

SP_CASE(seqpacket_records_keep_their_boundaries)
{
    static const size_t sizes[] = {1, 100, 5000, 3, SP_SEQPACKET_MAX_RECORD};
    int families[3];
    int nfam = families_for(families);
    for (int f = 0; f < nfam; f++) {
        int client, server;
        sp_t_pair(families[f], SP_SOCK_SEQPACKET, &client, &server);
        assert_int_equal(sp_t_getopt(client, SP_OPT_TYPE), SP_SOCK_SEQPACKET);
        uint64_t offset = 0;
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            sp_t_fill(sp_t_large, sizes[i], offset);
            SP_ASSERT_RC(sp_send(client, sp_t_large, sizes[i], 0), (long long)sizes[i]);
            offset += sizes[i];
        }
        offset = 0;
        for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
            memset(sp_t_large, 0, sizes[i] + 16);
            /* A buffer larger than the record: exactly one record comes back. */
            SP_ASSERT_RC(sp_recv(server, sp_t_large, sizes[i] + 16, 0), (long long)sizes[i]);
            assert_int_equal(sp_t_mismatch(sp_t_large, sizes[i], offset), sizes[i]);
            offset += sizes[i];
        }
        SP_ASSERT_RC(sp_close(client), 0);
        SP_ASSERT_RC(sp_recv(server, sp_t_large, 16, 0), 0);
        SP_ASSERT_RC(sp_close(server), 0);
    }
}

SP_CASE(seqpacket_short_buffer_truncates_like_a_datagram)
{
    int families[3];
    int nfam = families_for(families);
    for (int f = 0; f < nfam; f++) {
        int client, server;
        uint8_t small[100];
        sp_t_pair(families[f], SP_SOCK_SEQPACKET, &client, &server);
        sp_t_fill(sp_t_large, 300, 7);
        SP_ASSERT_RC(sp_send(client, sp_t_large, 300, 0), 300);
        SP_ASSERT_RC(sp_send(client, sp_t_large, 300, 0), 300);
        SP_ASSERT_RC(sp_send(client, "next", 4, 0), 4);
        /* SP_MSG_TRUNC tells the full length; without it, what was stored. */
        SP_ASSERT_RC(sp_recv(server, small, sizeof(small), SP_MSG_TRUNC), 300);
        assert_int_equal(sp_t_mismatch(small, sizeof(small), 7), sizeof(small));
        SP_ASSERT_RC(sp_recv(server, small, sizeof(small), 0), 100);
        /* The rest of each record is gone; the next record is intact. */
        SP_ASSERT_RC(sp_recv(server, small, sizeof(small), 0), 4);
        assert_memory_equal(small, "next", 4);
        SP_ASSERT_RC(sp_close(client), 0);
        SP_ASSERT_RC(sp_close(server), 0);
    }
}

SP_CASE(seqpacket_peek_leaves_the_record)
{
    int client, server;
    char buf[16];
    sp_t_pair(SP_AF_INET, SP_SOCK_SEQPACKET, &client, &server);
    SP_ASSERT_RC(sp_send(client, "record", 6, 0), 6);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), SP_MSG_PEEK), 6);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 6);
    assert_memory_equal(buf, "record", 6);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(seqpacket_record_over_the_limit_is_emsgsize_over_ip)
{
    int client, server;
    sp_t_pair(SP_AF_INET, SP_SOCK_SEQPACKET, &client, &server);
    SP_ASSERT_RC(sp_send(client, sp_t_large, SP_SEQPACKET_MAX_RECORD + 1, 0), SP_EMSGSIZE);
    /* Nothing of it went out: the stream is still in step. */
    SP_ASSERT_RC(sp_send(client, "ok", 2, 0), 2);
    char buf[8];
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 2);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

/* A plain (blocking) stream connected to an IPv4 sequenced-packet listener:
 * both run over TCP, so the test can write the wire format by hand. Returns
 * the accepted sequenced-packet end. */
static int plain_stream_to_seqpacket(int *listener, int *plain)
{
    sp_addr addr;
    *listener = sp_t_listener(SP_AF_INET, SP_SOCK_SEQPACKET, 1, &addr);
    sp_t_setopt(*listener, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    *plain = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(*plain, &addr, SP_T_SAFETY_MS), 0);
    sp_t_setopt(*plain, SP_OPT_NONBLOCK, 0);
    return (int)SP_ASSERT_OK(sp_accept(*listener, NULL));
}

/* A plain stream speaks the documented wire format to a sequenced-packet
 * listener: a record that arrives in pieces is handed over only when whole. */
SP_CASE(seqpacket_wire_format_and_partial_record_over_ip)
{
    int listener, raw;
    int server = plain_stream_to_seqpacket(&listener, &raw);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 1);

    uint8_t wire[SEQ_HEADER + 10];
    put_header(wire, 10);
    memcpy(wire + SEQ_HEADER, "0123456789", 10);
    SP_ASSERT_RC(sp_send(raw, wire, SEQ_HEADER + 4, 0), SEQ_HEADER + 4);
    char buf[32];
    /* Wait until the partial bytes have surely arrived: poll sees no whole record. */
    sp_pollfd pfd = {server, SP_POLLIN, 0};
    SP_ASSERT_RC(sp_poll(&pfd, 1, 200), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), SP_EAGAIN);
    SP_ASSERT_RC(sp_send(raw, wire + SEQ_HEADER + 4, 6, 0), 6);
    assert_true(sp_t_wait(server, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 10);
    assert_memory_equal(buf, "0123456789", 10);

    /* And the other way: a record sent is its header, then its bytes. */
    sp_t_setopt(server, SP_OPT_NONBLOCK, 0);
    SP_ASSERT_RC(sp_send(server, "abc", 3, 0), 3);
    uint8_t got[SEQ_HEADER + 3];
    sp_t_recv_exact(raw, got, sizeof(got));
    uint8_t expect[SEQ_HEADER + 3];
    put_header(expect, 3);
    memcpy(expect + SEQ_HEADER, "abc", 3);
    assert_memory_equal(got, expect, sizeof(expect));

    SP_ASSERT_RC(sp_close(raw), 0);
    SP_ASSERT_RC(sp_close(server), 0);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(seqpacket_oversized_header_from_peer_aborts_the_connection)
{
    int listener, raw;
    int server = plain_stream_to_seqpacket(&listener, &raw);
    sp_t_setopt(server, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    uint8_t wire[SEQ_HEADER];
    put_header(wire, SP_SEQPACKET_MAX_RECORD + 1u);
    SP_ASSERT_RC(sp_send(raw, wire, sizeof(wire), 0), SEQ_HEADER);
    char buf[8];
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), SP_ECONNABORTED);
    SP_ASSERT_RC(sp_close(raw), 0);
    SP_ASSERT_RC(sp_close(server), 0);
    SP_ASSERT_RC(sp_close(listener), 0);
}

/* Many records of many sizes through non-blocking ends driven by sp_poll:
 * whatever the segmentation, one send is one receive. */
SP_CASE(seqpacket_many_records_nonblocking_both_ways)
{
    enum { RECORDS = 300 };
    static uint8_t rx[SP_SEQPACKET_MAX_RECORD];
    int client, server;
    sp_t_pair(SP_AF_INET, SP_SOCK_SEQPACKET, &client, &server);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 1);
    int sent = 0, received = 0;
    uint64_t tx_offset = 0, rx_offset = 0;
    int64_t deadline = sp_t_now() + SP_T_SAFETY_MS * 3;
    for (int turn = 0; received < RECORDS && turn < 100000 && sp_t_now() < deadline; turn++) {
        sp_pollfd fds[2] = {{client, SP_POLLOUT, 0}, {server, SP_POLLIN, 0}};
        SP_ASSERT_OK(sp_poll(fds, 2, 100));
        while (sent < RECORDS) {
            size_t len = 1 + ((size_t)sent * 7919u) % SP_SEQPACKET_MAX_RECORD;
            sp_t_fill(sp_t_large, len, tx_offset);
            ptrdiff_t n = sp_send(client, sp_t_large, len, 0);
            if (n == SP_EAGAIN)
                break;
            SP_ASSERT_RC(n, (long long)len);
            tx_offset += len;
            sent++;
        }
        for (;;) {
            ptrdiff_t n = sp_recv(server, rx, sizeof(rx), 0);
            if (n == SP_EAGAIN)
                break;
            size_t expect = 1 + ((size_t)received * 7919u) % SP_SEQPACKET_MAX_RECORD;
            SP_ASSERT_RC(n, (long long)expect);
            assert_int_equal(sp_t_mismatch(rx, expect, rx_offset), expect);
            rx_offset += expect;
            received++;
        }
    }
    assert_int_equal(received, RECORDS);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(seqpacket_local_is_native_or_unsupported)
{
    if (!(sp_test_fixture.caps & SP_CAP_LOCAL)) {
        /* Still a check: the documented code for a stack without local sockets. */
        SP_ASSERT_RC(sp_socket(SP_AF_LOCAL, SP_SOCK_SEQPACKET, 0), SP_EAFNOSUPPORT);
        SP_SKIP("this port has no local sockets (checked: SP_EAFNOSUPPORT)");
    }
    SP_REQUIRE_CAPS(SP_CAP_LOCAL_SEQPACKET, "the port's local sockets lack SOCK_SEQPACKET");
    int client, server;
    sp_t_pair(SP_AF_LOCAL, SP_SOCK_SEQPACKET, &client, &server);
    SP_ASSERT_RC(sp_send(client, "", 0, 0), 0);
    SP_ASSERT_RC(sp_send(client, "x", 1, 0), 1);
    char buf[4];
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 0);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 1);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(server), 0);
}

SP_CASE(seqpacket_connections_beyond_the_pool_are_enobufs_over_ip)
{
    int socks[SP_SEQPACKET_MAX_SOCKETS];
    int n = 0;
    for (; n < SP_SEQPACKET_MAX_SOCKETS; n++) {
        int s = sp_socket(SP_AF_INET, SP_SOCK_SEQPACKET, 0);
        if (s < 0)
            break;
        socks[n] = s;
    }
    assert_int_equal(n, SP_SEQPACKET_MAX_SOCKETS);
    SP_ASSERT_RC(sp_socket(SP_AF_INET, SP_SOCK_SEQPACKET, 0), SP_ENOBUFS);
    SP_ASSERT_RC(sp_close(socks[0]), 0);
    socks[0] = (int)SP_ASSERT_OK(sp_socket(SP_AF_INET, SP_SOCK_SEQPACKET, 0));
    for (int i = 0; i < n; i++)
        SP_ASSERT_RC(sp_close(socks[i]), 0);
}

/* An address of @p family where nobody listens: bind a stream, learn, close. */
static void unused_address(int family, sp_addr *out)
{
    int sock = sp_t_socket(family, SP_SOCK_STREAM);
    sp_t_loopback(out, family);
    SP_ASSERT_RC(sp_bind(sock, out), 0);
    SP_ASSERT_RC(sp_getsockname(sock, out), 0);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* A refused non-blocking connect reads as on a stream: sp_poll() says the
 * attempt ended, SP_OPT_ERROR says how, once. The framing must not read the
 * stream (and so take the error) before the connection exists. */
SP_CASE(seqpacket_refused_nonblocking_connect_reports_like_a_stream)
{
    int families[2] = {SP_AF_INET, SP_AF_INET6};
    int nfam = (sp_t_caps() & SP_CAP_IPV6) ? 2 : 1;
    for (int f = 0; f < nfam; f++) {
        sp_addr addr;
        unused_address(families[f], &addr);
        int after[2]; /* what a send says afterwards: plain stream, sequenced packets */
        for (int seq = 0; seq < 2; seq++) {
            int client = sp_t_socket(families[f], seq ? SP_SOCK_SEQPACKET : SP_SOCK_STREAM);
            sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
            int rc = sp_connect(client, &addr);
            if (rc != SP_ECONNREFUSED) {
                SP_ASSERT_RC(rc, SP_EINPROGRESS);
                assert_int_not_equal(sp_t_wait(client, SP_POLLIN | SP_POLLOUT, SP_T_SAFETY_MS), 0);
                SP_ASSERT_RC(sp_t_getopt(client, SP_OPT_ERROR), SP_ECONNREFUSED);
                assert_int_equal(sp_t_getopt(client, SP_OPT_ERROR), 0); /* taken once */
            }
            after[seq] = (int)sp_send(client, "x", 1, 0);
            SP_ASSERT_RC(sp_close(client), 0);
        }
        SP_ASSERT_RC(after[1], after[0]);
    }
}

/* Polling a socket before it is connected does not break it. */
SP_CASE(seqpacket_poll_before_connect_leaves_the_socket_usable)
{
    sp_addr addr;
    char buf[8];
    int listener = sp_t_listener(SP_AF_INET, SP_SOCK_SEQPACKET, 1, &addr);
    int client = sp_t_socket(SP_AF_INET, SP_SOCK_SEQPACKET);
    sp_pollfd pfd = {client, SP_POLLIN | SP_POLLOUT, 0};
    SP_ASSERT_OK(sp_poll(&pfd, 1, 0));
    SP_ASSERT_RC(sp_recv(client, buf, sizeof(buf), SP_MSG_DONTWAIT), SP_ENOTCONN);
    SP_ASSERT_OK(sp_poll(&pfd, 1, 0));
    sp_t_setopt(client, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    sp_t_setopt(client, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    sp_t_setopt(listener, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_connect(client, &addr), 0);
    int server = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    sp_t_setopt(server, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
    SP_ASSERT_RC(sp_send(server, "hello", 5, 0), 5);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof(buf), 0), 5);
    SP_ASSERT_RC(sp_send(client, "back", 4, 0), 4);
    SP_ASSERT_RC(sp_recv(server, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "back", 4);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(server), 0);
    SP_ASSERT_RC(sp_close(listener), 0);
}

/* Reads whatever the plain stream @p raw has now (polling up to @p wait_ms
 * between reads, and stopping at the first quiet poll), counting whole
 * records of @p record bytes (header checked) into @p records and the bytes
 * of an unfinished one into @p partial. */
static void read_plain_records(int raw, size_t record, int *records, size_t *partial, int wait_ms)
{
    static uint8_t buf[4096];
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS * 3;
    for (int turn = 0; turn < 1000000 && sp_t_now() < deadline; turn++) {
        ptrdiff_t n = sp_recv(raw, buf, sizeof(buf), SP_MSG_DONTWAIT);
        if (n == SP_EAGAIN) {
            sp_pollfd pfd = {raw, SP_POLLIN, 0};
            if (SP_ASSERT_OK(sp_poll(&pfd, 1, wait_ms)) == 0)
                return;
            continue;
        }
        assert_true(n > 0);
        for (ptrdiff_t i = 0; i < n; i++) {
            if (*partial < SEQ_HEADER) {
                /* Every header says "record" bytes: 0, 0, 0x40, 0x00 for 16384. */
                uint8_t expect = (uint8_t)(record >> (8 * (SEQ_HEADER - 1 - *partial)));
                assert_int_equal(buf[i], expect);
            }
            if (++*partial == SEQ_HEADER + record) {
                *partial = 0;
                ++*records;
            }
        }
    }
    fail_msg("the plain stream never went quiet");
}

/*
 * A request whose tail the stream could not take yet goes out while its sender
 * waits for the answer, whether it calls sp_recv() or sp_poll() for reading
 * (docs/seqpacket.md): without that, a request/response exchange stalls.
 */
SP_CASE(seqpacket_rest_of_a_record_goes_out_with_recv_and_poll_for_reading)
{
    for (int by_poll = 0; by_poll < 2; by_poll++) {
        int listener, raw;
        int seq = plain_stream_to_seqpacket(&listener, &raw);
        sp_t_setopt(seq, SP_OPT_NONBLOCK, 1);
        /* Records until one is taken only in part (the next one waits for it). */
        int sent = 0;
        ptrdiff_t rc;
        while ((rc = sp_send(seq, sp_t_large, SP_SEQPACKET_MAX_RECORD, 0)) != SP_EAGAIN) {
            SP_ASSERT_RC(rc, SP_SEQPACKET_MAX_RECORD);
            assert_true(++sent < 100000);
        }
        int records = 0;
        size_t partial = 0;
        read_plain_records(raw, SP_SEQPACKET_MAX_RECORD, &records, &partial, 200);
        assert_true(records < sent);
        /* The sender now only waits to read: the rest of its record must go. */
        char answer[8];
        if (by_poll) {
            sp_pollfd pfd = {seq, SP_POLLIN, 0};
            SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 0);
        } else {
            SP_ASSERT_RC(sp_recv(seq, answer, sizeof(answer), 0), SP_EAGAIN);
        }
        read_plain_records(raw, SP_SEQPACKET_MAX_RECORD, &records, &partial, 500);
        assert_int_equal(partial, 0);
        assert_int_equal(records, sent);
        /* And the answer comes back as one record. */
        uint8_t wire[SEQ_HEADER + 2];
        put_header(wire, 2);
        memcpy(wire + SEQ_HEADER, "ok", 2);
        SP_ASSERT_RC(sp_send(raw, wire, sizeof(wire), 0), (long long)sizeof(wire));
        sp_t_setopt(seq, SP_OPT_NONBLOCK, 0);
        sp_t_setopt(seq, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
        SP_ASSERT_RC(sp_recv(seq, answer, sizeof(answer), 0), 2);
        assert_memory_equal(answer, "ok", 2);
        SP_ASSERT_RC(sp_close(raw), 0);
        SP_ASSERT_RC(sp_close(seq), 0);
        SP_ASSERT_RC(sp_close(listener), 0);
    }
}

/*
 * After sp_shutdown() for writing, every send is SP_EPIPE, as on a TCP stream
 * and on Linux's own SOCK_SEQPACKET (send() after shutdown(SHUT_WR) is
 * EPIPE): whatever its length, blocking or not, and after SP_SHUT_RDWR too.
 * The peer still gets the record sent before, then the end of the stream,
 * and its answer still arrives; poll says writable (a send fails at once).
 */
SP_CASE(seqpacket_send_after_shutdown_for_writing_is_epipe_as_on_a_stream)
{
    static const int hows[2] = {SP_SHUT_WR, SP_SHUT_RDWR};
    int families[3];
    int nfam = families_for(families);
    for (int f = 0; f < nfam; f++) {
        for (int h = 0; h < 2; h++) {
            int how = hows[h];
            int client;
            int server;
            char buf[8];
            sp_t_pair(families[f], SP_SOCK_SEQPACKET, &client, &server);
            SP_ASSERT_RC(sp_send(client, "last", 4, 0), 4);
            SP_ASSERT_RC(sp_shutdown(client, how), 0);
            SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
            SP_ASSERT_RC(sp_send(client, "x", 0, 0), SP_EPIPE);
            SP_ASSERT_RC(sp_send(client, "x", 1, SP_MSG_DONTWAIT), SP_EPIPE);
            SP_ASSERT_RC(sp_sendto(client, "x", 1, 0, NULL), SP_EPIPE);
            SP_ASSERT_RC(sp_write(client, "x", 1), SP_EPIPE);
            sp_pollfd pfd = {.sock = client, .events = SP_POLLOUT, .revents = 0};
            SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 1);
            assert_true(pfd.revents & SP_POLLOUT);
            SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 4);
            assert_memory_equal(buf, "last", 4);
            SP_ASSERT_RC(sp_recv(server, buf, sizeof buf, 0), 0); /* the end: no "x" */
            if (how == SP_SHUT_WR) {
                SP_ASSERT_RC(sp_send(server, "answer", 6, 0), 6);
                SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), 6);
                assert_memory_equal(buf, "answer", 6);
            }
            SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
            sp_t_close_both(client, server);
        }
    }
}

int sp_suite_group_seqpacket(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(seqpacket_records_keep_their_boundaries),
        SP_TEST(seqpacket_short_buffer_truncates_like_a_datagram),
        SP_TEST(seqpacket_peek_leaves_the_record),
        SP_TEST(seqpacket_record_over_the_limit_is_emsgsize_over_ip),
        SP_TEST(seqpacket_wire_format_and_partial_record_over_ip),
        SP_TEST(seqpacket_oversized_header_from_peer_aborts_the_connection),
        SP_TEST(seqpacket_many_records_nonblocking_both_ways),
        SP_TEST(seqpacket_local_is_native_or_unsupported),
        SP_TEST(seqpacket_connections_beyond_the_pool_are_enobufs_over_ip),
        SP_TEST(seqpacket_refused_nonblocking_connect_reports_like_a_stream),
        SP_TEST(seqpacket_poll_before_connect_leaves_the_socket_usable),
        SP_TEST(seqpacket_rest_of_a_record_goes_out_with_recv_and_poll_for_reading),
        SP_TEST(seqpacket_send_after_shutdown_for_writing_is_epipe_as_on_a_stream),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("seqpacket"), tests, NULL, NULL);
}
