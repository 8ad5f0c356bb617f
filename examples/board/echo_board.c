/*
 * Firmware main() for examples/echo_server.c on QEMU's mps2-an385: start lwIP
 * on the board's LAN9118 (10.0.2.15 on QEMU user networking), serve TCP and
 * UDP echo on port 7 until one TCP client has come and gone, then exit with
 * the server's verdict (QEMU returns it as its own exit status).
 */
#include "board.h"
#include "echo.h"

#include <sockport/lwip.h>

#include <stdio.h>

#define ECHO_BOARD_PORT 7
/* Give up if no client comes: a demo must end by itself. */
#define ECHO_BOARD_IDLE_MS 60000

/* tests/qemu/run_firmware.sh starts its client at a console line "READY". */
static void announce_ready(const sp_addr *addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    printf("READY\n");
    fflush(stdout);
}

int main(void)
{
    struct sp_lwip_config config = {
        .clock_ms = board_millis,
        .idle = board_idle,
        .add_netifs = board_netif_add,
        .poll_netifs = board_netif_poll,
    };
    struct echo_options opt;
    sp_stack *stack = sp_lwip_start(&config);
    int rc;

    if (stack == NULL) {
        printf("echo_board: lwIP did not start (is the LAN9118 there?)\n");
        board_exit(1);
    }
    echo_options_default(&opt, ECHO_ROLE_SERVER);
    opt.host = "0.0.0.0";
    opt.port = ECHO_BOARD_PORT;
    opt.count = 1;
    opt.idle_ms = ECHO_BOARD_IDLE_MS;
    opt.on_ready = announce_ready;
    rc = echo_server_run(stack, &opt);
    printf("echo_board: %s\n", rc == 0 ? "done" : sp_strerror(rc));
    sp_lwip_stop(stack);
    board_exit(rc == 0 ? 0 : 1);
}
