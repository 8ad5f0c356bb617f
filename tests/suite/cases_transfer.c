/* Bulk transfers driven from one thread: non-blocking sockets and sp_poll(),
 * small static buffers, every byte checked against the test stream and a
 * running checksum compared at the end. */
#include <string.h>

#include "suite.h"

#define TRANSFER_CHUNK 16384
#define TRANSFER_DEADLINE_MS 200000

/* One direction of a transfer: what was sent and received, and the sender's
 * current chunk of the test stream (refilled only once it is all taken). */
struct direction {
    int from;
    int to;
    uint64_t total;
    uint64_t sent;
    uint64_t received;
    uint32_t sent_sum;
    uint32_t received_sum;
    uint8_t *chunk;
    size_t chunk_len;
    size_t chunk_pos;
};

/* Send what the socket takes now; return whether anything moved. */
static int pump_send(struct direction *d)
{
    int moved = 0;
    for (int i = 0; i < 64 && d->sent < d->total; i++) {
        if (d->chunk_pos == d->chunk_len) {
            uint64_t left = d->total - d->sent;
            d->chunk_len = left < TRANSFER_CHUNK ? (size_t)left : TRANSFER_CHUNK;
            d->chunk_pos = 0;
            sp_t_fill(d->chunk, d->chunk_len, d->sent);
        }
        ptrdiff_t rc = sp_send(d->from, d->chunk + d->chunk_pos, d->chunk_len - d->chunk_pos, 0);
        if (rc == SP_EAGAIN) {
            break;
        }
        SP_ASSERT_OK(rc);
        assert_true(rc > 0);
        d->sent_sum = sp_t_checksum(d->sent_sum, d->chunk + d->chunk_pos, (size_t)rc);
        d->chunk_pos += (size_t)rc;
        d->sent += (uint64_t)rc;
        moved = 1;
    }
    return moved;
}

/* Receive what is there now, checking each byte's place in the stream. */
static int pump_recv(struct direction *d, uint8_t *buf)
{
    int moved = 0;
    for (int i = 0; i < 64 && d->received < d->total; i++) {
        ptrdiff_t rc = sp_recv(d->to, buf, TRANSFER_CHUNK, 0);
        if (rc == SP_EAGAIN) {
            break;
        }
        SP_ASSERT_OK(rc);
        if (rc == 0) {
            fail_msg("end of stream after %llu of %llu bytes", (unsigned long long)d->received,
                     (unsigned long long)d->total);
        }
        size_t bad = sp_t_mismatch(buf, (size_t)rc, d->received);
        if (bad != (size_t)rc) {
            fail_msg("byte %llu of the stream is wrong", (unsigned long long)(d->received + bad));
        }
        d->received_sum = sp_t_checksum(d->received_sum, buf, (size_t)rc);
        d->received += (uint64_t)rc;
        moved = 1;
    }
    return moved;
}

/* Run up to two directions to completion; poll only when nothing moved. */
static void run_transfer(struct direction *dirs, size_t count)
{
    static uint8_t recv_buf[TRANSFER_CHUNK];
    uint64_t total = 0;
    for (size_t i = 0; i < count; i++) {
        total += dirs[i].total;
        sp_t_setopt(dirs[i].from, SP_OPT_NONBLOCK, 1);
        sp_t_setopt(dirs[i].to, SP_OPT_NONBLOCK, 1);
    }
    const uint64_t max_rounds = 16 * (total / 1024) + 100000;
    const int64_t deadline = sp_t_now() + TRANSFER_DEADLINE_MS;
    uint64_t round = 0;
    for (;; round++) {
        int done = 1;
        int moved = 0;
        for (size_t i = 0; i < count; i++) {
            moved |= pump_send(&dirs[i]);
            moved |= pump_recv(&dirs[i], recv_buf);
            done &= dirs[i].received == dirs[i].total;
        }
        if (done) {
            break;
        }
        if (round >= max_rounds || sp_t_now() >= deadline) {
            fail_msg("transfer stalled: round %llu, direction 0 at %llu of %llu bytes",
                     (unsigned long long)round, (unsigned long long)dirs[0].received,
                     (unsigned long long)dirs[0].total);
        }
        if (!moved) {
            sp_pollfd fds[4];
            size_t n = 0;
            for (size_t i = 0; i < count; i++) {
                fds[n++] = (sp_pollfd){.sock = dirs[i].to, .events = SP_POLLIN, .revents = 0};
                if (dirs[i].sent < dirs[i].total) {
                    fds[n++] =
                        (sp_pollfd){.sock = dirs[i].from, .events = SP_POLLOUT, .revents = 0};
                }
            }
            SP_ASSERT_OK(sp_poll(fds, n, 1000));
        }
    }
    for (size_t i = 0; i < count; i++) {
        assert_true(dirs[i].sent == dirs[i].total);
        assert_int_equal(dirs[i].received_sum, dirs[i].sent_sum);
    }
}

static void init_direction(struct direction *d, int from, int to, uint64_t total, uint8_t *chunk)
{
    memset(d, 0, sizeof *d);
    d->from = from;
    d->to = to;
    d->total = total;
    d->sent_sum = SP_T_CHECKSUM_INIT;
    d->received_sum = SP_T_CHECKSUM_INIT;
    d->chunk = chunk;
}

/* After a transfer: a shut-down sender gives the receiver end of stream. */
static void expect_clean_end(int from, int to)
{
    uint8_t byte;
    SP_ASSERT_RC(sp_shutdown(from, SP_SHUT_WR), 0);
    assert_true(sp_t_wait(to, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_recv(to, &byte, 1, 0), 0);
}

static uint8_t s_chunk_a[TRANSFER_CHUNK];
static uint8_t s_chunk_b[TRANSFER_CHUNK];

void sp_t_transfer_over(int from, int to, uint64_t total)
{
    struct direction d;
    init_direction(&d, from, to, total, s_chunk_a);
    run_transfer(&d, 1);
    expect_clean_end(from, to);
}

void sp_t_stream_transfer(int family, int type, uint64_t total)
{
    int client;
    int server;
    sp_t_pair(family, type, &client, &server);
    sp_t_transfer_over(client, server, total);
    sp_t_close_both(client, server);
}

SP_CASE(transfer_big_stream_verified_by_checksum)
{
    uint64_t total = sp_test_fixture.big_transfer_bytes;
    assert_true(total > 0);
    print_message("streaming %llu bytes over IPv4 loopback\n", (unsigned long long)total);
    sp_t_stream_transfer(SP_AF_INET, SP_SOCK_STREAM, total);
}

SP_CASE(transfer_full_duplex_both_directions_at_once)
{
    int client;
    int server;
    struct direction dirs[2];
    uint64_t total = sp_test_fixture.big_transfer_bytes / 16;
    if (total > 4u << 20) {
        total = 4u << 20;
    }
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, &client, &server);
    init_direction(&dirs[0], client, server, total, s_chunk_a);
    init_direction(&dirs[1], server, client, total + 12345, s_chunk_b);
    run_transfer(dirs, 2);
    expect_clean_end(client, server);
    expect_clean_end(server, client);
    sp_t_close_both(client, server);
}

SP_CASE(transfer_many_datagrams_in_lockstep)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    sp_addr from;
    static uint8_t msg[1200];
    static uint8_t buf[1200];
    sp_t_dgram_pair(SP_AF_INET, &a, &addr_a, &b, &addr_b);
    uint64_t offset = 0;
    for (int i = 0; i < 300; i++) {
        size_t len = (size_t)(i * 37) % sizeof msg;
        sp_t_fill(msg, len, offset);
        SP_ASSERT_RC(sp_sendto(a, msg, len, 0, &addr_b), (long long)len);
        SP_ASSERT_RC(sp_recvfrom(b, buf, sizeof buf, 0, &from), (long long)len);
        assert_int_equal(sp_t_mismatch(buf, len, offset), len);
        assert_true(sp_addr_equal(&from, &addr_a));
        offset += len;
    }
    sp_t_close_both(a, b);
}

int sp_suite_group_transfer(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(transfer_big_stream_verified_by_checksum),
        SP_TEST(transfer_full_duplex_both_directions_at_once),
        SP_TEST(transfer_many_datagrams_in_lockstep),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("transfer"), tests, NULL, NULL);
}
