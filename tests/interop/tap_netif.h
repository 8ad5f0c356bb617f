/* An lwIP network interface over a TAP device, for the interop harness: lwIP
 * in this process, the host kernel on the other end of the TAP. */
#ifndef SOCKPORT_TESTS_TAP_NETIF_H
#define SOCKPORT_TESTS_TAP_NETIF_H

#include <stdint.h>

struct tap_netif_config {
    const char *device;   /**< an existing TAP device, e.g. "sptap0" */
    uint8_t ipv4[4];      /**< lwIP's address on it */
    uint8_t netmask[4];
    uint8_t ipv6[16];     /**< lwIP's IPv6 address on it (all zero: none) */
};

/** For sp_lwip_config.add_netifs: @p ctx is a struct tap_netif_config. */
int tap_netif_add(void *ctx);
/** For sp_lwip_config.poll_netifs: moves waiting frames into lwIP. */
void tap_netif_poll(void *ctx);
/** For sp_lwip_config.idle: waits briefly for a frame instead of spinning. */
void tap_netif_idle(void *ctx);
/** Frames moved each way so far. */
void tap_netif_counts(uint32_t *frames_in, uint32_t *frames_out);

#endif
