/*
 * Name resolution on the board: sp_resolve() through the lwIP port's DNS
 * client, across the LAN9118 and QEMU's user network, to a dnsmasq that the
 * test runs on the host's 127.0.0.1 (reached as 10.0.2.2; its port comes in
 * SP_HOST_PORT). The names are the test's own (sockport.test); nothing asks
 * QEMU's DNS forwarder or anything beyond the host. Exit status: the number of
 * checks that failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/lwip.h>

#include "board_sockport.h"

#define RESOLVE_TIMEOUT_MS 5000

static int failures;

static void check(const char *what, int got, int expected, const sp_addr *addr,
                  const char *expected_addr)
{
    char text[SP_ADDR_STRLEN] = "-";
    if (got > 0 && addr != NULL)
        sp_addr_format(addr, text, sizeof(text));
    int ok = got == expected && (expected_addr == NULL || strcmp(text, expected_addr) == 0);
    printf("fw_resolve: %-40s -> %s %s (want %s %s): %s\n", what, sp_err_name(got), text,
           sp_err_name(expected), expected_addr != NULL ? expected_addr : "", ok ? "ok" : "FAILED");
    failures += !ok;
}

int main(void)
{
    const char *port_text = getenv("SP_HOST_PORT");
    int port = port_text != NULL ? atoi(port_text) : 0;
    if (port <= 0 || port > 65535) {
        printf("fw_resolve: SP_HOST_PORT is not a port (run_firmware.sh --server ...)\n");
        return 100;
    }
    sp_stack *stack = board_start_lwip(1);
    if (stack == NULL)
        return 101;
    sp_addr server, out[4];
    sp_addr_ipv4(&server, 10, 0, 2, 2, (uint16_t)port);
    if (sp_lwip_set_dns_server(stack, 0, &server) != 0)
        return 102;

    int rc = sp_resolve("board.sockport.test", "http", SP_AF_INET, out, 4, RESOLVE_TIMEOUT_MS);
    check("board.sockport.test (A, service http)", rc, 1, out, "192.0.2.77:80");
    rc = sp_resolve("v6.sockport.test", "443", SP_AF_INET6, out, 4, RESOLVE_TIMEOUT_MS);
    check("v6.sockport.test (AAAA)", rc, 1, out, "[2001:db8::77]:443");
    rc = sp_resolve("nowhere.sockport.test", NULL, SP_AF_INET, out, 4, RESOLVE_TIMEOUT_MS);
    check("nowhere.sockport.test (not defined)", rc, SP_ENONAME, NULL, NULL);
    rc = sp_resolve("localhost", "7", SP_AF_INET, out, 4, RESOLVE_TIMEOUT_MS);
    check("localhost (no query)", rc, 1, out, "127.0.0.1:7");
    rc = sp_resolve("192.0.2.1", "7", SP_AF_UNSPEC, out, 4, RESOLVE_TIMEOUT_MS);
    check("192.0.2.1 (numeric, no query)", rc, 1, out, "192.0.2.1:7");

    /* A server port where nobody answers: the caller's timeout ends the wait. */
    sp_addr_ipv4(&server, 10, 0, 2, 2, (uint16_t)(port == 65535 ? 65534 : port + 1));
    sp_lwip_set_dns_server(stack, 0, &server);
    int64_t started = sp_stack_now_ms(stack);
    rc = sp_resolve("silent.sockport.test", NULL, SP_AF_INET, out, 4, 1500);
    int64_t waited = sp_stack_now_ms(stack) - started;
    check("silent.sockport.test (server silent)", rc, SP_ETIMEDOUT, NULL, NULL);
    printf("fw_resolve: gave up after %lld ms (timeout 1500 ms)\n", (long long)waited);
    if (waited < 1500)
        failures++;

    printf("fw_resolve: %s\n", failures == 0 ? "all names resolved as expected" : "FAILED");
    return failures;
}
