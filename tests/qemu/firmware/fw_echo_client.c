/*
 * The board as a client: examples/echo_client.c's echo_client_run() on the
 * lwIP port, through the LAN9118 and QEMU's user network, against a host echo
 * server at 10.0.2.2 (the host's 127.0.0.1). run_firmware.sh --server starts
 * that server and passes its port as SP_HOST_PORT. Exit status: 0 when every
 * echo matched.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sockport/lwip.h>

#include "board_sockport.h"
#include "echo.h"
#include "lan9118_netif.h"

#define HOST_ADDRESS "10.0.2.2"
#define MESSAGES_PER_TRANSPORT 20
#define ECHO_TIMEOUT_MS 5000

static int host_port(void)
{
    const char *text = getenv("SP_HOST_PORT");
    if (text == NULL) {
        return -1;
    }
    char *end;
    long port = strtol(text, &end, 10);
    return *end == '\0' && port > 0 && port <= 65535 ? (int)port : -1;
}

int main(void)
{
    int port = host_port();
    if (port < 0) {
        printf("fw_echo_client: SP_HOST_PORT is not a port (run_firmware.sh --server ...)\n");
        return 2;
    }
    sp_stack *stack = board_start_lwip(1);
    if (stack == NULL) {
        return 3;
    }

    struct echo_options opt;
    echo_options_default(&opt, ECHO_ROLE_CLIENT);
    opt.host = HOST_ADDRESS;
    opt.port = (uint16_t)port;
    opt.count = MESSAGES_PER_TRANSPORT;
    opt.timeout_ms = ECHO_TIMEOUT_MS;
    opt.message = "hello from mps2-an385";
    int64_t started = sp_stack_now_ms(stack);
    int rc = echo_client_run(stack, &opt);
    printf("fw_echo_client: %s after %lld ms (%s)\n", rc == 0 ? "all echoes matched" : "FAILED",
           (long long)(sp_stack_now_ms(stack) - started), sp_err_name(rc));

    struct lan9118_counters c;
    lan9118_netif_get_counters(&c);
    printf("lan9118: rx %lu frames, %lu errors; tx %lu frames, %lu errors\n",
           (unsigned long)c.rx_frames, (unsigned long)c.rx_errors, (unsigned long)c.tx_frames,
           (unsigned long)c.tx_errors);
    sp_lwip_stop(stack);
    return rc == 0 ? 0 : 1;
}
