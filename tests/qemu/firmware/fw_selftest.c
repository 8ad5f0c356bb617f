/*
 * Board self-test: the C run-time set-up, the bounded heap, the clock and the
 * exit status. Exits with SELFTEST_PASSED (not 0, so that a runner that loses
 * the status cannot pass it by accident) or 1 with the failed checks printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

#define SELFTEST_PASSED 42
#define RAM_BYTES (4u * 1024u * 1024u)

static volatile int initialised_data = 0x5A5A1234;
static volatile int zeroed_data;
static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

int main(void)
{
    check(initialised_data == 0x5A5A1234, ".data copied from the load image");
    check(zeroed_data == 0, ".bss zeroed");

    void *big = malloc(RAM_BYTES / 4u);
    check(big != NULL, "malloc of 1 MB succeeds");
    free(big);
    check(malloc(RAM_BYTES) == NULL, "malloc of all RAM fails (heap bounded below the stack)");

    uint32_t start = board_millis();
    uint32_t spins = 0;
    while (board_millis() - start < 5u && spins < 100000000u) {
        ++spins;
    }
    check(board_millis() - start >= 5u, "SysTick advances board_millis()");

    /* tests/qemu runs this image with --env SP_SELFTEST_ENV=from-append. */
    const char *env = getenv("SP_SELFTEST_ENV");
    check(env != NULL && strcmp(env, "from-append") == 0,
          "QEMU's -append text reaches getenv() (run with --env SP_SELFTEST_ENV=from-append)");

    uint32_t a = board_random(), b = board_random();
    check(a != b, "board_random() varies");

    /* The weak entropy source: successive draws differ, and it is not all zero.
     * (That it differs from boot to boot, timer jitter cannot prove here.) */
    uint32_t e1 = 0, e2 = 0;
    check(board_entropy(&e1, sizeof e1) == 0 && board_entropy(&e2, sizeof e2) == 0,
          "board_entropy() succeeds");
    check(e1 != e2 && e1 != 0, "board_entropy() varies");
    printf("selftest: board_entropy() drew %08lx then %08lx\n", (unsigned long)e1,
           (unsigned long)e2);

    printf("selftest: %d failures\n", failures);
    return failures == 0 ? SELFTEST_PASSED : 1;
}
