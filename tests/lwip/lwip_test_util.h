/*
 * Helpers the lwIP port's own tests share: a fresh simulated-clock stack per
 * test, connected pairs over the public API, and the leak check.
 */
#ifndef SOCKPORT_TESTS_LWIP_UTIL_H
#define SOCKPORT_TESTS_LWIP_UTIL_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>

/* Every test's stack; started by lwip_test_setup(). */
extern sp_stack *lwip_test_stack;

/* CMocka set-up / tear-down: start lwIP on the simulated clock, and stop it. */
int lwip_test_setup(void **state);
int lwip_test_teardown(void **state);

/* Fail the test unless @p got equals @p expected (both sockport codes or counts). */
#define LT_EXPECT(got, expected)                                                                   \
    lwip_test_expect((long long)(got), (long long)(expected), #got, __LINE__)
void lwip_test_expect(long long got, long long expected, const char *what, int line);

/* A connected TCP pair over 127.0.0.1; both blocking. */
void lwip_test_pair(int *client, int *server);

/* Deterministic test bytes: the byte at stream offset i. */
uint8_t lwip_test_byte(uint64_t offset);
void lwip_test_fill(uint8_t *buf, size_t len, uint64_t offset);
/* Bytes of @p buf that match the stream from @p offset, counted from the start. */
size_t lwip_test_matching(const uint8_t *buf, size_t len, uint64_t offset);

/* Close everything, let every connection finish (TIME_WAIT included), and
 * fail unless lwIP holds no pcb, pbuf or port socket any more. */
void lwip_test_expect_nothing_left(void);

#endif /* SOCKPORT_TESTS_LWIP_UTIL_H */
