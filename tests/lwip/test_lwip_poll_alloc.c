/*
 * sp_poll() and sp_poller_wait() on the lwIP port allocate nothing: every
 * allocator the link has (lwIP's memp_malloc and mem_malloc, the C library's
 * malloc, calloc and realloc) is wrapped (-Wl,--wrap) and counted while the
 * calls run over ready and idle sockets. The stack settles first (delayed
 * acknowledgements sent), so that what is counted is the calls' own path and
 * not lwIP answering a segment, which is the stack's work and allocates.
 *
 * One thing is let through: each call turns lwIP's pump, whose timers re-arm
 * themselves by taking an entry of lwIP's static timeout pool for the one
 * they free (MEMP_SYS_TIMEOUT, sys_timeout()). That is lwIP keeping time,
 * net zero, in a fixed pool; it is counted apart and the pool checked level.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "lwip/mem.h"
#include "lwip/memp.h"
#include "lwip/stats.h"

#include "lwip_test_util.h"

static bool counting;
static unsigned long allocations;
static unsigned long timer_rearms;

void *__real_memp_malloc(memp_t type);
void *__real_mem_malloc(mem_size_t size);
void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *ptr, size_t size);

void *__wrap_memp_malloc(memp_t type);
void *__wrap_mem_malloc(mem_size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

void *__wrap_memp_malloc(memp_t type)
{
    if (type == MEMP_SYS_TIMEOUT)
        timer_rearms += counting;
    else
        allocations += counting;
    return __real_memp_malloc(type);
}

void *__wrap_mem_malloc(mem_size_t size)
{
    allocations += counting;
    return __real_mem_malloc(size);
}

void *__wrap_malloc(size_t size)
{
    allocations += counting;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    allocations += counting;
    return __real_calloc(count, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
    allocations += counting;
    return __real_realloc(ptr, size);
}

static int bound_udp(sp_addr *addr)
{
    int sock = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    assert_true(sock >= 0);
    LT_EXPECT(sp_addr_loopback(addr, SP_AF_INET, 0), 0);
    LT_EXPECT(sp_bind(sock, addr), 0);
    LT_EXPECT(sp_getsockname(sock, addr), 0);
    return sock;
}

static void poll_and_poller_allocate_nothing(void **state)
{
    (void)state;
    int client;
    int server;
    lwip_test_pair(&client, &server);
    sp_addr addr_a;
    sp_addr addr_b;
    int a = bound_udp(&addr_a);
    int b = bound_udp(&addr_b);
    LT_EXPECT(sp_send(client, "data", 4, 0), 4);
    LT_EXPECT(sp_sendto(a, "dgram", 5, 0, &addr_b), 5);
    /* Let lwIP deliver and acknowledge (its delayed-ACK timer is 250 ms) and
     * finish its start-up chatter (IPv6 router solicitations, 3 at 4 s):
     * simulated time, no wall time. */
    sp_pollfd idle = {a, SP_POLLIN, 0};
    LT_EXPECT(sp_poll(&idle, 1, 30000), 0);

    sp_pollfd fds[4] = {
        {client, SP_POLLIN, 0}, /* idle */
        {server, SP_POLLIN, 0}, /* 4 bytes unread */
        {a, SP_POLLIN, 0},      /* idle */
        {b, SP_POLLIN | SP_POLLOUT, 0},
    };
    int poller = sp_poller_open(lwip_test_stack);
    assert_true(poller >= 0);
    LT_EXPECT(sp_poller_add(poller, server, SP_POLLIN), 0);
    LT_EXPECT(sp_poller_add(poller, a, SP_POLLIN), 0);
    LT_EXPECT(sp_poller_add(poller, b, SP_POLLIN), 0);
    sp_poller_event evs[4];

    /* The counter counts: a send allocates (a pbuf). */
    counting = true;
    LT_EXPECT(sp_sendto(a, "x", 1, 0, &addr_a), 1);
    counting = false;
    assert_true(allocations > 0);
    LT_EXPECT(sp_poll(&idle, 1, 600), 1); /* delivered; a now holds it */
    char byte;
    LT_EXPECT(sp_recv(a, &byte, 1, 0), 1);
    LT_EXPECT(sp_poll(&idle, 1, 600), 0);

    allocations = 0;
    const struct stats_mem *timeouts = lwip_stats.memp[MEMP_SYS_TIMEOUT];
    uint16_t timeouts_used = timeouts->used;
    counting = true;
    for (int round = 0; round < 1000; round++) {
        LT_EXPECT(sp_poll(fds, 4, 0), 2);
        LT_EXPECT(sp_poll(fds, 4, SP_FOREVER), 2);
        LT_EXPECT(sp_poller_wait(poller, evs, 4, 0), 2);
        LT_EXPECT(sp_poller_wait(poller, evs, 4, SP_FOREVER), 2);
    }
    counting = false;
    LT_EXPECT(allocations, 0);
    LT_EXPECT(timeouts->used, timeouts_used);
    print_message("# %lu timer re-arms from lwIP's timeout pool over 4000 calls\n", timer_rearms);
    assert_int_equal(fds[1].revents, SP_POLLIN);
    assert_int_equal(fds[3].revents, SP_POLLIN | SP_POLLOUT);

    LT_EXPECT(sp_poller_close(poller), 0);
    LT_EXPECT(sp_close(a), 0);
    LT_EXPECT(sp_close(b), 0);
    LT_EXPECT(sp_close(client), 0);
    LT_EXPECT(sp_close(server), 0);
    lwip_test_expect_nothing_left();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(poll_and_poller_allocate_nothing, lwip_test_setup,
                                        lwip_test_teardown),
    };
    return cmocka_run_group_tests_name("lwip_poll_alloc", tests, NULL, NULL);
}
