/**
 * @file
 * @brief lwIP network interface for the SMSC LAN9118 Ethernet controller
 *        (32-bit bus mode, internal PHY), as on MPS2 boards and in QEMU.
 *
 * The driver is polled: lan9118_netif_poll() moves received frames into lwIP
 * and must be called from the thread that runs lwIP (NO_SYS=1: lwIP is not
 * reentrant). Built with LAN9118_USE_IRQ=1 the chip also raises its interrupt
 * on reception; the handler only acknowledges it, so its one effect is to wake
 * a WFI idle at once instead of at the next 1 ms tick.
 */
#ifndef SOCKPORT_LAN9118_NETIF_H
#define SOCKPORT_LAN9118_NETIF_H

#include <stdint.h>

#include "lwip/err.h"
#include "lwip/netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where mps2-an385/an386 map the chip. */
#define LAN9118_MPS2_BASE 0x40200000u
/** The chip's interrupt line on mps2-an385. */
#define LAN9118_MPS2_IRQ 13

/** What the driver has seen since lan9118_netif_init(). */
struct lan9118_counters {
    uint32_t rx_frames;    /**< frames handed to lwIP */
    uint32_t rx_bytes;     /**< their bytes, without the CRC */
    uint32_t rx_errors;    /**< frames the chip flagged bad or that were too short/long */
    uint32_t rx_no_pbuf;   /**< good frames dropped: lwIP's pbuf pool was empty */
    uint32_t rx_rejected;  /**< frames lwIP's input function refused */
    uint32_t tx_frames;    /**< frames written to the TX FIFO */
    uint32_t tx_bytes;     /**< their bytes */
    uint32_t tx_errors;    /**< TX status words with the error bit */
    uint32_t tx_fifo_full; /**< frames dropped: the TX FIFO stayed full */
    uint32_t tx_too_long;  /**< frames dropped: longer than an Ethernet frame */
    uint32_t link_changes; /**< PHY link up/down transitions seen */
    uint32_t interrupts;   /**< chip interrupts taken (LAN9118_USE_IRQ only) */
};

/**
 * @brief lwIP netif init function (pass it to netif_add()): reset the chip at
 *        LAN9118_MPS2_BASE, read its MAC address, enable TX and RX, set the
 *        link state from the PHY.
 * @return ERR_OK; ERR_IF if no LAN9118 answers or it does not come out of reset.
 */
err_t lan9118_netif_init(struct netif *netif);

/**
 * @brief Move every waiting received frame (at most a bounded batch) into
 *        lwIP, collect TX status words, and re-read the PHY link every 250 ms.
 * @return the number of frames handed to lwIP (0: nothing arrived).
 */
int lan9118_netif_poll(struct netif *netif);

/** Copy the driver's counters to @p out. */
void lan9118_netif_get_counters(struct lan9118_counters *out);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_LAN9118_NETIF_H */
