/*
 * The default stack for a host program built on lwIP that is to talk to the
 * host kernel across a TAP device (the BSD examples, mbedTLS's programs):
 * sp_default_stack() starts lwIP on the device named by the environment, so
 * the program's own source needs no start-up code.
 *   SP_LWIP_TAP=<device>        an existing TAP device (run_tap_pair.sh makes one)
 *   SP_LWIP_TAP_IPV4=a.b.c.d    lwIP's address on it (/24)
 *   SP_LWIP_TAP_IPV6=x:y::z     optional, lwIP's IPv6 address on it
 * Without SP_LWIP_TAP: lwIP's loopback only, as sockport::lwip.
 *
 * At exit, what the program sent still leaves, as from a host program whose
 * kernel goes on sending after it: lwIP lives in this process, so an atexit()
 * handler runs the stack until the peers have acknowledged every byte and FIN
 * (at most TAP_EXIT_FLUSH_MS; a peer that has gone quiet costs that long).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/lwip.h>
#include <sockport/port.h>
#include <sockport/sockport.h>

#include "tap_netif.h"

#define TAP_EXIT_FLUSH_MS 3000
#define TAP_EXIT_FLUSH_STEP_MS 10

static struct tap_netif_config s_tap = {.netmask = {255, 255, 255, 0}};

static void flush_at_exit(void)
{
    for (int waited = 0; waited < TAP_EXIT_FLUSH_MS && tap_netif_tcp_sending();
         waited += TAP_EXIT_FLUSH_STEP_MS) {
        sp_poll(NULL, 0, TAP_EXIT_FLUSH_STEP_MS);
    }
}

/* Fill the TAP configuration from the environment; 0, or -1 naming what is wrong. */
static int tap_from_environment(const char *device)
{
    const char *v4 = getenv("SP_LWIP_TAP_IPV4");
    const char *v6 = getenv("SP_LWIP_TAP_IPV6");
    sp_addr addr;
    s_tap.device = device;
    if (v4 == NULL || sp_addr_parse(v4, &addr) != 0 || addr.family != SP_AF_INET) {
        fprintf(stderr, "lwip_tap_default: SP_LWIP_TAP_IPV4 must be an IPv4 address\n");
        return -1;
    }
    memcpy(s_tap.ipv4, addr.u.v4, 4);
    if (v6 != NULL) {
        if (sp_addr_parse(v6, &addr) != 0 || addr.family != SP_AF_INET6) {
            fprintf(stderr, "lwip_tap_default: SP_LWIP_TAP_IPV6 must be an IPv6 address\n");
            return -1;
        }
        memcpy(s_tap.ipv6, addr.u.v6, 16);
    }
    return 0;
}

sp_stack *sp_port_default_stack(void)
{
    sp_stack *running = sp_lwip_stack();
    if (running != NULL) {
        return running;
    }
    const char *device = getenv("SP_LWIP_TAP");
    if (device == NULL) {
        return sp_lwip_start(NULL);
    }
    if (tap_from_environment(device) != 0) {
        return NULL;
    }
    struct sp_lwip_config cfg = {
        .add_netifs = tap_netif_add,
        .poll_netifs = tap_netif_poll,
        .netif_ctx = &s_tap,
        .idle = tap_netif_idle,
    };
    sp_stack *stack = sp_lwip_start(&cfg);
    if (stack == NULL) {
        fprintf(stderr, "lwip_tap_default: lwIP did not start on TAP device %s\n", device);
    } else if (atexit(flush_at_exit) != 0) {
        fprintf(stderr, "lwip_tap_default: cannot register the flush at exit\n");
    }
    return stack;
}
