/*
 * Firmware main() for the demo (examples/demo.c: TCP and UDP echo on port 7,
 * the HTTP status page on port 80) on QEMU's mps2-an385: the lwIP port on the
 * board's LAN9118, 10.0.2.15 on QEMU user networking. It serves until told to
 * stop, through the environment QEMU's -append text gives
 * (tests/qemu/run_firmware.sh --env NAME=VALUE):
 *   SP_DEMO_QUIT=1       POST /quit on the status page stops it, exit status 0
 *   SP_DEMO_IDLE_MS=N    stop with exit status 1 after N ms without traffic
 *   SP_DEMO_CLIENT_IDLE_MS=N  drop a TCP echo client idle for N ms (0 = never)
 */
#include <stdio.h>
#include <stdlib.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "board_sockport.h"
#include "demo.h"
#include "echo.h"

/* A board echoes gigabytes: a 32-bit counter would wrap (it once went negative). */
_Static_assert(sizeof(((struct echo_counters *)0)->tcp_bytes) == 8,
               "echo byte counters must be 64-bit on the board");

#define DEMO_BOARD_ECHO_PORT 7
#define DEMO_BOARD_HTTP_PORT 80
/* Time for the last reply (the "bye" of POST /quit) to leave before lwIP stops. */
#define DEMO_BOARD_DRAIN_MS 200

/* A whole decimal number from the environment; @p fallback if unset or bad. */
static long env_number(const char *name, long max, long fallback)
{
    const char *text = getenv(name);
    char *end = NULL;
    long value;

    if (text == NULL || *text == '\0') {
        return fallback;
    }
    value = strtol(text, &end, 10);
    if (*end != '\0' || value < 0 || value > max) {
        printf("demo_board: ignoring %s=%s (not a number from 0 to %ld)\n", name, text, max);
        return fallback;
    }
    return value;
}

/* Each lwIP pool's use, peak, size and refusals on the status page, so
 * exhaustion shows before it becomes a mystery. */
static size_t report_lwip_pools(sp_stack *stack, struct http_status_item *items, size_t max)
{
    static char names[HTTP_STATUS_MAX_ITEMS][HTTP_STATUS_NAME_BYTES];
    static const char *const kinds[] = {"used", "peak", "size", "err"};
    struct sp_lwip_pool_stats pool;
    unsigned index;
    size_t n = 0;

    for (index = 0; sp_lwip_get_pool_stats(stack, index, &pool) == 0; index++) {
        const uint32_t values[] = {pool.used, pool.peak, pool.size, pool.errors};
        size_t k;

        for (k = 0; k < 4 && n < max && n < HTTP_STATUS_MAX_ITEMS; k++, n++) {
            snprintf(names[n], sizeof names[n], "lwip_%s_%s", pool.name, kinds[k]);
            items[n].name = names[n];
            items[n].value = values[k];
        }
    }
    return n;
}

int main(void)
{
    struct demo_options opt = {
        .host = "0.0.0.0",
        .echo_port = DEMO_BOARD_ECHO_PORT,
        .http_port = DEMO_BOARD_HTTP_PORT,
        .title = "sockport demo: echo (TCP, UDP) and this page, on mps2-an385 (lwIP, LAN9118)",
        .allow_quit = (int)env_number("SP_DEMO_QUIT", 1, 0),
        .idle_ms = (int)env_number("SP_DEMO_IDLE_MS", 86400000, 0),
        .echo_client_idle_ms =
            (int)env_number("SP_DEMO_CLIENT_IDLE_MS", 86400000, ECHO_DEFAULT_CLIENT_IDLE_MS),
        .report_stack = report_lwip_pools,
    };
    sp_stack *stack = board_start_lwip(1);
    int rc;

    if (stack == NULL) {
        return 1;
    }
    rc = demo_run(stack, &opt);
    sp_stack_pump(stack, DEMO_BOARD_DRAIN_MS);
    sp_lwip_stop(stack);
    printf("demo_board: exit %d\n", rc == 0 ? 0 : 1);
    return rc == 0 ? 0 : 1;
}
