/* An lwIP network interface over a TAP device, for the interop harness: lwIP
 * in this process, the host kernel on the other end of the TAP. */
#ifndef SOCKPORT_TESTS_TAP_NETIF_H
#define SOCKPORT_TESTS_TAP_NETIF_H

#include <stdint.h>

#include "link_faults.h"

struct tap_netif_config {
    const char *device; /**< an existing TAP device, e.g. "sptap0" */
    uint8_t ipv4[4];    /**< lwIP's address on it */
    uint8_t netmask[4];
    uint8_t ipv6[16]; /**< lwIP's IPv6 address on it (all zero: none) */
};

/** For sp_lwip_config.add_netifs: @p ctx is a struct tap_netif_config. */
int tap_netif_add(void *ctx);
/** For sp_lwip_config.poll_netifs: moves waiting frames into lwIP. */
void tap_netif_poll(void *ctx);
/** For sp_lwip_config.idle: waits briefly for a frame instead of spinning. */
void tap_netif_idle(void *ctx);
/** Whether lwIP still holds TCP data or a FIN of ours that a peer has not
 *  acknowledged: what a host kernel goes on sending after its process exits. */
int tap_netif_tcp_sending(void);
/** Frames moved each way so far. */
void tap_netif_counts(uint32_t *frames_in, uint32_t *frames_out);

/** Loss, duplication and reordering on the link from now on, the same chances
 *  both ways (each way its own seeded sequence); all zero for a clean link. */
void tap_netif_set_faults(const struct link_faults_config *config);
/** What the faults did to the frames since they were last set. */
void tap_netif_fault_counts(struct link_faults_counts *into_lwip,
                            struct link_faults_counts *into_kernel);

/** lwIP's own TCP counters (MIB-II and its statistics), since start. */
struct tap_lwip_mib {
    uint32_t tcp_in_segs;
    uint32_t tcp_out_segs;
    uint32_t tcp_retrans_segs; /**< tcpRetransSegs: lwIP counts fast retransmissions only */
    uint32_t tcp_dropped;      /**< segments lwIP dropped on input */
};
void tap_netif_lwip_mib(struct tap_lwip_mib *out);

/** Prints lwIP's TCP pcbs, IPv6 neighbours and the frames the fault injector
 * holds back: what a stalled lossy case needs to say where it stuck. */
void tap_netif_dump_state(void);

#endif
