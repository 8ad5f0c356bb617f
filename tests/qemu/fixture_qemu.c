/*
 * The shared suite's fixture for the lwIP port on the mps2-an385 board in
 * QEMU: lwIP's loopback inside the firmware, timed by SysTick, idling in WFI.
 * The LAN9118 is left out: the cases talk to themselves over 127.0.0.1 and ::1,
 * and the board's network is tested by the echo and demo firmware.
 */
#include <stddef.h>

#include <sockport/lwip.h>

#include "board.h"
#include "fixture.h"

/* 4 MiB: at ~10 MB/s through loopback under emulation a few seconds, and far
 * more than lwIP's windows and the board's 4 MB of RAM could hold at once. */
#define QEMU_BIG_TRANSFER_BYTES (4u * 1024u * 1024u)

static sp_stack *qemu_setup(void)
{
    static const struct sp_lwip_config config = {
        .clock_ms = board_millis,
        .idle = board_idle,
    };
    sp_stack *stack = sp_lwip_start(&config);
    if (stack != NULL) {
        sp_set_default_stack(stack);
    }
    return stack;
}

static int qemu_teardown(sp_stack *stack)
{
    int leaked = sp_close_all(stack);
    int stopped = sp_lwip_stop(stack);
    sp_set_default_stack(NULL);
    return stopped < 0 ? stopped : leaked;
}

const struct sp_test_fixture sp_test_fixture = {
    .port_name = "lwip-qemu",
    .setup = qemu_setup,
    .teardown = qemu_teardown,
    .caps = SP_CAP_IPV6 | SP_CAP_RAW,
    .local_dir = NULL,
    .big_transfer_bytes = QEMU_BIG_TRANSFER_BYTES,
};
