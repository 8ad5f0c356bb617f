/*
 * The lwIP port out of memory on purpose: built with SP_LWIP_TINY_POOLS
 * (port/lwip/host/lwipopts.h), a handful of sockets exhaust the pcb pools and
 * one transfer the heap. Running out must give a clear SP_ENOBUFS or
 * backpressure, never silent loss or corrupted data, and nothing may leak.
 */
#include <string.h>

#include "lwipopts.h"

#include "lwip_test_util.h"

#ifndef SP_LWIP_TINY_POOLS
#error "test_lwip_pools is built against the tiny-pool variant of the port"
#endif

static uint8_t out_buf[64 * 1024];
static uint8_t in_buf[64 * 1024];

/* The TCP pcb pool runs out: SP_ENOBUFS, and a freed pcb serves again. */
static void tcp_pcb_exhaustion_is_enobufs(void **state)
{
    (void)state;
    int socks[MEMP_NUM_TCP_PCB + 1];
    int opened = 0;
    int rc = 0;
    while (opened <= MEMP_NUM_TCP_PCB) {
        rc = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
        if (rc < 0) {
            break;
        }
        socks[opened++] = rc;
    }
    LT_EXPECT(rc, SP_ENOBUFS);
    LT_EXPECT(opened, MEMP_NUM_TCP_PCB);
    struct sp_lwip_stats stats;
    LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
    assert_true(stats.pool_errors > 0);
    LT_EXPECT(sp_close(socks[0]), 0);
    socks[0] = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(socks[0] >= 0);
    lwip_test_expect_nothing_left();
}

/* The pool counters a status page shows: the exhausted TCP pcb pool reads
 * full and counts its refusals; the list ends with the heap, then SP_ENOENT. */
static void pool_stats_show_exhaustion(void **state)
{
    (void)state;
    int socks[MEMP_NUM_TCP_PCB];
    int opened = 0;
    while (opened < MEMP_NUM_TCP_PCB) {
        socks[opened] = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
        assert_true(socks[opened] >= 0);
        opened++;
    }
    LT_EXPECT(sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0), SP_ENOBUFS);
    struct sp_lwip_pool_stats pool;
    int saw_tcp_pcb = 0;
    unsigned index = 0;
    while (sp_lwip_get_pool_stats(lwip_test_stack, index, &pool) == 0) {
        assert_non_null(pool.name);
        assert_true(pool.used <= pool.size);
        assert_true(pool.used <= pool.peak);
        if (strcmp(pool.name, "TCP_PCB") == 0) {
            saw_tcp_pcb = 1;
            LT_EXPECT(pool.size, MEMP_NUM_TCP_PCB);
            LT_EXPECT(pool.used, MEMP_NUM_TCP_PCB);
            assert_true(pool.errors > 0);
        }
        index++;
    }
    assert_true(saw_tcp_pcb);
    assert_string_equal(pool.name, "HEAP");
    LT_EXPECT(sp_lwip_get_pool_stats(lwip_test_stack, index, &pool), SP_ENOENT);
    LT_EXPECT(sp_lwip_get_pool_stats(lwip_test_stack, 0, NULL), SP_EINVAL);
    LT_EXPECT(sp_lwip_get_pool_stats(NULL, 0, &pool), SP_EINVAL);
    for (int i = 0; i < opened; i++) {
        LT_EXPECT(sp_close(socks[i]), 0);
    }
    lwip_test_expect_nothing_left();
}

static void udp_pcb_exhaustion_is_enobufs(void **state)
{
    (void)state;
    int opened = 0;
    int rc = 0;
    while (opened <= MEMP_NUM_UDP_PCB) {
        rc = sp_socket(SP_AF_INET6, SP_SOCK_DGRAM, 0);
        if (rc < 0) {
            break;
        }
        opened++;
    }
    LT_EXPECT(rc, SP_ENOBUFS);
    LT_EXPECT(opened, MEMP_NUM_UDP_PCB);
    lwip_test_expect_nothing_left();
}

/* Queued datagrams of every socket share one pool of SP_LWIP_QUEUE_NODES
 * nodes: a datagram that finds it empty is dropped and counted, like one
 * that finds its own socket's queue full, and a node read on one socket
 * serves another at once. */
static size_t nodes_used(void)
{
    struct sp_lwip_stats stats;
    LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
    return stats.queue_nodes_used;
}

/* Two datagram sockets bound to loopback ports of their own, named in @p to. */
static void open_two_receivers(int rx[2], sp_addr to[2])
{
    for (int i = 0; i < 2; i++) {
        rx[i] = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        LT_EXPECT(sp_addr_loopback(&to[i], SP_AF_INET, 0), 0);
        LT_EXPECT(sp_bind(rx[i], &to[i]), 0);
        LT_EXPECT(sp_getsockname(rx[i], &to[i]), 0);
    }
}

/* After the peer's reset, sp_recvfrom() still names it (port.h,
 * connection_peer): the port copies it into a node of the shared pool when
 * lwIP lets go of the pcb, and frees the node at close. With the pool empty at
 * that moment the peer is unnamed (docs/lwip.md); the data is read all the same. */
static void reset_peer_takes_a_node_or_stays_unnamed(void **state)
{
    (void)state;
    enum { NODES = SP_LWIP_QUEUE_NODES };
    _Static_assert(2 * SP_LWIP_DGRAM_QUEUE_LEN >= NODES, "two sockets' queues can empty the pool");
    for (int full = 0; full < 2; full++) {
        int client, server;
        sp_addr client_addr, from, unnamed;
        char buf[8];
        lwip_test_pair(&client, &server);
        LT_EXPECT(sp_getsockname(client, &client_addr), 0);
        int rx[2];
        sp_addr to[2];
        int tx = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
        open_two_receivers(rx, to);
        for (int k = 0; full && k < NODES; k++) {
            LT_EXPECT(sp_sendto(tx, "d", 1, 0, &to[k % 2]), 1);
            LT_EXPECT(sp_stack_pump(lwip_test_stack, 0), 0);
        }
        LT_EXPECT(nodes_used(), full ? NODES : 0);
        LT_EXPECT(sp_send(client, "abc", 3, 0), 3);
        LT_EXPECT(sp_setsockopt(client, SP_OPT_LINGER, 0), 0);
        LT_EXPECT(sp_close(client), 0);
        sp_pollfd pfd = {server, SP_POLLIN, 0};
        LT_EXPECT(sp_poll(&pfd, 1, 1000), 1);
        assert_true(pfd.revents & SP_POLLHUP);
        LT_EXPECT(nodes_used(), full ? NODES : 1);
        memset(&from, 0xA5, sizeof from);
        LT_EXPECT(sp_recvfrom(server, buf, sizeof buf, 0, &from), 3);
        assert_memory_equal(buf, "abc", 3);
        LT_EXPECT(sp_addr_any(&unnamed, SP_AF_INET, 0), 0);
        assert_true(sp_addr_equal(&from, full ? &unnamed : &client_addr));
        LT_EXPECT(sp_getpeername(server, &from), SP_ENOTCONN);
        LT_EXPECT(sp_close(server), 0);
        LT_EXPECT(nodes_used(), full ? NODES : 0);
        LT_EXPECT(sp_close(rx[0]), 0);
        LT_EXPECT(sp_close(rx[1]), 0);
        LT_EXPECT(sp_close(tx), 0);
        LT_EXPECT(nodes_used(), 0);
    }
    lwip_test_expect_nothing_left();
}

static void datagram_queue_pool_is_shared_and_bounded(void **state)
{
    (void)state;
    enum { PER_SOCKET = SP_LWIP_DGRAM_QUEUE_LEN, NODES = SP_LWIP_QUEUE_NODES };
    _Static_assert(NODES > PER_SOCKET && NODES < 2 * PER_SOCKET, "the case needs both limits");
    sp_addr to[2];
    int rx[2];
    int tx = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    open_two_receivers(rx, to);
    for (int i = 0; i < 2; i++)
        LT_EXPECT(sp_setsockopt(rx[i], SP_OPT_NONBLOCK, 1), 0);
    uint8_t msg[64];
    for (int i = 0; i < 2; i++) {
        for (uint32_t k = 0; k < PER_SOCKET; k++) {
            lwip_test_fill(msg, sizeof msg, (uint32_t)i * 100u + k);
            LT_EXPECT(sp_sendto(tx, msg, sizeof msg, 0, &to[i]), (long long)sizeof msg);
            LT_EXPECT(sp_stack_pump(lwip_test_stack, 0), 0);
        }
    }
    struct sp_lwip_stats stats;
    LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
    LT_EXPECT(stats.datagrams_dropped, 2 * PER_SOCKET - NODES);
    /* The first socket has its whole queue, the second what the pool had left. */
    for (uint32_t k = 0; k < PER_SOCKET; k++) {
        LT_EXPECT(sp_recv(rx[0], msg, sizeof msg, 0), (long long)sizeof msg);
        LT_EXPECT(lwip_test_matching(msg, sizeof msg, k), (long long)sizeof msg);
    }
    LT_EXPECT(sp_recv(rx[0], msg, sizeof msg, 0), SP_EAGAIN);
    /* Freed nodes serve the second socket now. */
    lwip_test_fill(msg, sizeof msg, 999u);
    LT_EXPECT(sp_sendto(tx, msg, sizeof msg, 0, &to[1]), (long long)sizeof msg);
    LT_EXPECT(sp_stack_pump(lwip_test_stack, 0), 0);
    for (uint32_t k = 0; k < NODES - PER_SOCKET; k++) {
        LT_EXPECT(sp_recv(rx[1], msg, sizeof msg, 0), (long long)sizeof msg);
        LT_EXPECT(lwip_test_matching(msg, sizeof msg, 100u + k), (long long)sizeof msg);
    }
    LT_EXPECT(sp_recv(rx[1], msg, sizeof msg, 0), (long long)sizeof msg);
    LT_EXPECT(lwip_test_matching(msg, sizeof msg, 999u), (long long)sizeof msg);
    LT_EXPECT(sp_recv(rx[1], msg, sizeof msg, 0), SP_EAGAIN);
    LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
    LT_EXPECT(stats.datagrams_dropped, 2 * PER_SOCKET - NODES);
    lwip_test_expect_nothing_left();
}

/* A datagram larger than lwIP's whole heap: SP_ENOBUFS, not a crash or a
 * partial datagram; a small one still goes through afterwards. */
static void datagram_larger_than_the_heap_is_enobufs(void **state)
{
    (void)state;
    sp_addr to;
    int rx = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    int tx = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    LT_EXPECT(sp_addr_loopback(&to, SP_AF_INET, 0), 0);
    LT_EXPECT(sp_bind(rx, &to), 0);
    LT_EXPECT(sp_getsockname(rx, &to), 0);
    lwip_test_fill(out_buf, 2 * MEM_SIZE, 0);
    LT_EXPECT(sp_sendto(tx, out_buf, 2 * MEM_SIZE, 0, &to), SP_ENOBUFS);
    LT_EXPECT(sp_sendto(tx, out_buf, 100, 0, &to), 100);
    LT_EXPECT(sp_recv(rx, in_buf, sizeof in_buf, 0), 100);
    LT_EXPECT(lwip_test_matching(in_buf, 100, 0), 100);
    lwip_test_expect_nothing_left();
}

/* A transfer many times the heap, both directions at once, so that segment
 * allocation fails midway again and again: every byte arrives, in order. */
static void transfer_through_an_exhausted_heap_arrives_intact(void **state)
{
    (void)state;
    enum { TOTAL = 512 * 1024, CHUNK = 4096 };
    static uint8_t chunk[2][CHUNK];
    int a, b;
    lwip_test_pair(&a, &b);
    int ends[2][2] = {{a, b}, {b, a}};
    size_t sent[2] = {0, 0};
    size_t got[2] = {0, 0};
    LT_EXPECT(sp_setsockopt(a, SP_OPT_NONBLOCK, 1), 0);
    LT_EXPECT(sp_setsockopt(b, SP_OPT_NONBLOCK, 1), 0);
    for (int turn = 0; turn < 2000000 && (got[0] < TOTAL || got[1] < TOTAL); turn++) {
        int moved = 0;
        for (int dir = 0; dir < 2; dir++) {
            if (sent[dir] < TOTAL) {
                size_t len = TOTAL - sent[dir] < CHUNK ? TOTAL - sent[dir] : CHUNK;
                lwip_test_fill(chunk[dir], len, sent[dir]);
                ptrdiff_t rc = sp_send(ends[dir][0], chunk[dir], len, 0);
                if (rc != SP_EAGAIN) {
                    assert_true(rc > 0);
                    sent[dir] += (size_t)rc;
                    moved = 1;
                }
            }
            ptrdiff_t rc = sp_recv(ends[dir][1], in_buf, sizeof in_buf, 0);
            if (rc != SP_EAGAIN) {
                assert_true(rc > 0);
                LT_EXPECT(lwip_test_matching(in_buf, (size_t)rc, got[dir]), rc);
                got[dir] += (size_t)rc;
                moved = 1;
            }
        }
        if (!moved) {
            sp_pollfd fds[2] = {{a, SP_POLLIN | SP_POLLOUT, 0}, {b, SP_POLLIN | SP_POLLOUT, 0}};
            assert_true(sp_poll(fds, 2, 1000) >= 0);
        }
    }
    LT_EXPECT(got[0], TOTAL);
    LT_EXPECT(got[1], TOTAL);
    lwip_test_expect_nothing_left();
}

/* Closing connections whose buffers fill the heap: the FINs go out once
 * memory frees, and every pcb is released in the end. */
static void close_with_full_buffers_releases_every_pcb(void **state)
{
    (void)state;
    int a, b;
    lwip_test_pair(&a, &b);
    LT_EXPECT(sp_setsockopt(a, SP_OPT_NONBLOCK, 1), 0);
    LT_EXPECT(sp_setsockopt(b, SP_OPT_NONBLOCK, 1), 0);
    lwip_test_fill(out_buf, sizeof out_buf, 0);
    for (int turn = 0; turn < 1000; turn++) {
        ptrdiff_t ra = sp_send(a, out_buf, sizeof out_buf, 0);
        ptrdiff_t rb = sp_send(b, out_buf, sizeof out_buf, 0);
        if (ra == SP_EAGAIN && rb == SP_EAGAIN) {
            break;
        }
        sp_stack_pump(lwip_test_stack, 0);
    }
    LT_EXPECT(sp_close(a), 0);
    LT_EXPECT(sp_close(b), 0);
    lwip_test_expect_nothing_left();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tcp_pcb_exhaustion_is_enobufs, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(pool_stats_show_exhaustion, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(udp_pcb_exhaustion_is_enobufs, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(datagram_queue_pool_is_shared_and_bounded, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(reset_peer_takes_a_node_or_stays_unnamed, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(datagram_larger_than_the_heap_is_enobufs, lwip_test_setup,
                                        lwip_test_teardown),
        cmocka_unit_test_setup_teardown(transfer_through_an_exhausted_heap_arrives_intact,
                                        lwip_test_setup, lwip_test_teardown),
        cmocka_unit_test_setup_teardown(close_with_full_buffers_releases_every_pcb, lwip_test_setup,
                                        lwip_test_teardown),
    };
    return cmocka_run_group_tests_name("lwip_pools", tests, NULL, NULL);
}
