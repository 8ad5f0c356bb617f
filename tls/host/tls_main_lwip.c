/*
 * main() of the host builds of ssl_server2 and ssl_client2 on sockport's lwIP
 * port in this process: the program's own main() is compiled renamed
 * (-Dmain=sockport_tls_program_main, with the BSD layer's -include header, so
 * its socket calls reach sockport), and called from here once lwIP runs on a
 * TAP device, as the default stack:
 *
 *   SP_TAP_DEVICE=<tap> SP_TAP_IPV4=<a.b.c.d> program [the program's own arguments]
 *
 * The TAP device must exist (tests/tls/tap_pair.sh makes one in a network
 * namespace of its own); lwIP takes SP_TAP_IPV4 on it, netmask 255.255.255.0.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "tap_netif.h"

int sockport_tls_program_main(int argc, char *argv[]);

static int parse_ipv4(const char *text, uint8_t out[4])
{
    unsigned parts[4];
    char extra;
    if (text == NULL ||
        sscanf(text, "%u.%u.%u.%u%c", &parts[0], &parts[1], &parts[2], &parts[3], &extra) != 4) {
        return -1;
    }
    for (int i = 0; i < 4; ++i) {
        if (parts[i] > 255) {
            return -1;
        }
        out[i] = (uint8_t)parts[i];
    }
    return 0;
}

int main(int argc, char *argv[])
{
    static struct tap_netif_config tap = {.netmask = {255, 255, 255, 0}};
    tap.device = getenv("SP_TAP_DEVICE");
    if (tap.device == NULL || parse_ipv4(getenv("SP_TAP_IPV4"), tap.ipv4) != 0) {
        fprintf(stderr,
                "%s: set SP_TAP_DEVICE=<existing TAP device> and SP_TAP_IPV4=<lwIP's "
                "IPv4 address on it>\n",
                argv[0]);
        return 2;
    }
    struct sp_lwip_config config = {
        .add_netifs = tap_netif_add,
        .poll_netifs = tap_netif_poll,
        .netif_ctx = &tap,
        .idle = tap_netif_idle,
    };
    sp_stack *stack = sp_lwip_start(&config);
    if (stack == NULL) {
        fprintf(stderr, "%s: lwIP did not start on TAP device %s\n", argv[0], tap.device);
        return 2;
    }
    sp_set_default_stack(stack);
    printf("sockport: lwIP in this process on %s as %s, the default stack for the BSD layer\n",
           tap.device, getenv("SP_TAP_IPV4"));
    int status = sockport_tls_program_main(argc, argv);
    sp_lwip_stop(stack);
    return status;
}
