/* Helpers shared by the lwIP port's own tests (see lwip_test_util.h). */
#include <stdio.h>

#include "lwip_lists.h"
#include "lwip_test_util.h"

sp_stack *lwip_test_stack;

int lwip_test_setup(void **state)
{
    (void)state;
    struct sp_lwip_config config = {0};
    config.simulated_clock = 1;
    lwip_test_stack = sp_lwip_start(&config);
    if (lwip_test_stack == NULL) {
        return -1;
    }
    sp_set_default_stack(lwip_test_stack);
    return 0;
}

int lwip_test_teardown(void **state)
{
    (void)state;
    return lwip_test_stack != NULL ? sp_lwip_stop(lwip_test_stack) : 0;
}

void lwip_test_expect(long long got, long long expected, const char *what, int line)
{
    if (got != expected) {
        fail_msg("line %d: %s gave %lld (%s), expected %lld (%s)", line, what, got,
                 sp_err_name((int)got), expected, sp_err_name((int)expected));
    }
}

void lwip_test_pair(int *client, int *server)
{
    sp_addr addr;
    int listener = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(listener >= 0);
    LT_EXPECT(sp_addr_loopback(&addr, SP_AF_INET, 0), 0);
    LT_EXPECT(sp_bind(listener, &addr), 0);
    LT_EXPECT(sp_listen(listener, 4), 0);
    LT_EXPECT(sp_getsockname(listener, &addr), 0);
    *client = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    assert_true(*client >= 0);
    LT_EXPECT(sp_connect(*client, &addr), 0);
    LT_EXPECT(sp_setsockopt(listener, SP_OPT_RCVTIMEO, 5000), 0);
    *server = sp_accept(listener, NULL);
    assert_true(*server >= 0);
    LT_EXPECT(sp_close(listener), 0);
}

uint8_t lwip_test_byte(uint64_t offset)
{
    return (uint8_t)((offset * 7u + (offset >> 11) * 13u) & 0xFFu);
}

void lwip_test_fill(uint8_t *buf, size_t len, uint64_t offset)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = lwip_test_byte(offset + i);
    }
}

size_t lwip_test_matching(const uint8_t *buf, size_t len, uint64_t offset)
{
    size_t i = 0;
    while (i < len && buf[i] == lwip_test_byte(offset + i)) {
        i++;
    }
    return i;
}

void lwip_test_expect_nothing_left(void)
{
    struct sp_lwip_stats stats;
    sp_close_all(lwip_test_stack);
    /* 2 * MSL of 60 s, and more, on the simulated clock: takes no wall time. */
    for (int turn = 0; turn < 200; turn++) {
        /* Pump first: resets and FINs of the closes are still in the loopback queue. */
        sp_stack_pump(lwip_test_stack, turn == 0 ? 0 : 1000);
        LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
        if (stats.tcp_pcbs_used == 0 && stats.udp_pcbs_used == 0 && stats.raw_pcbs_used == 0 &&
            stats.pbufs_used == 0 && stats.sockets_used == 0 && stats.heap_used == 0 &&
            stats.queue_nodes_used == 0) {
            break;
        }
    }
    LT_EXPECT(sp_lwip_get_stats(lwip_test_stack, &stats), 0);
    LT_EXPECT(stats.tcp_pcbs_used, 0);
    LT_EXPECT(stats.udp_pcbs_used, 0);
    LT_EXPECT(stats.raw_pcbs_used, 0);
    LT_EXPECT(stats.pbufs_used, 0);
    LT_EXPECT(stats.sockets_used, 0);
    LT_EXPECT(stats.heap_used, 0);
    LT_EXPECT(stats.queue_nodes_used, 0);
    LT_EXPECT(lwip_lists_count(), 0); /* -1: a list loops */
}
