/*
 * lwIP options for mps2-an385 firmware (4 MB RAM, one LAN9118). The port is
 * built with -DSOCKPORT_LWIPOPTS_DIR=<this directory>. The options the port
 * requires (docs/lwip.md) come from port/lwip/host/lwipopts.h; this file
 * replaces its sizes with ones for this board.
 */
#ifndef SOCKPORT_MPS2_AN385_LWIPOPTS_H
#define SOCKPORT_MPS2_AN385_LWIPOPTS_H

/* The options the port requires, and the host's sizes, which are replaced
 * below: one list of required options for every build. */
#include "../../port/lwip/host/lwipopts.h"

#undef MEM_ALIGNMENT
#undef SP_LWIP_MAX_SOCKETS
#undef SP_LWIP_DGRAM_QUEUE_LEN
#undef SP_LWIP_QUEUE_NODES
#undef MEM_SIZE
#undef MEMP_NUM_PBUF
#undef PBUF_POOL_SIZE
#undef MEMP_NUM_TCP_PCB
#undef MEMP_NUM_TCP_PCB_LISTEN
#undef MEMP_NUM_UDP_PCB
#undef MEMP_NUM_RAW_PCB
#undef TCP_MSS
#undef TCP_WND
#undef TCP_SND_BUF
#undef TCP_SND_QUEUELEN
#undef MEMP_NUM_TCP_SEG
#undef MEMP_NUM_REASSDATA
#undef IP_REASS_MAX_PBUFS

/* ---- The board: Ethernet through the LAN9118, sizes for 4 MB of RAM ---- */
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
/* The driver copies whole frames through an aligned buffer, so lwIP needs no
 * padding in front of the Ethernet header. */
#define ETH_PAD_SIZE 0
#define MEM_ALIGNMENT 4
/* More than core's handle table (SP_MAX_SOCKETS, 64 by default), so that the
 * table, not the port, runs out first, as on the host. */
#define SP_LWIP_MAX_SOCKETS 96    /* port socket records (incl. not yet accepted) */
#define SP_LWIP_DGRAM_QUEUE_LEN 8 /* datagrams queued per UDP/raw socket */
/* Datagrams queued on all sockets together, and connections waiting for
 * sp_accept(): 28 bytes each, shared, instead of a ring in every record. */
#define SP_LWIP_QUEUE_NODES 64
#define MEM_SIZE (1024 * 1024)
#define MEMP_NUM_PBUF 128
#define PBUF_POOL_SIZE 64    /* received frames waiting for lwIP or a socket */
#define MEMP_NUM_TCP_PCB 128 /* sockets + connections lingering in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 32
#define MEMP_NUM_UDP_PCB 96
#define MEMP_NUM_RAW_PCB 8
#define TCP_MSS 1460
/* QEMU's LAN9118 drops a frame that does not fit its 10560-byte RX FIFO
 * (slirp logs "Failed to send packet"); a window of 6 full frames (9108 bytes
 * on the wire) never overflows it. 16 * TCP_MSS ran a 1 MB echo at 0.7 MB/s
 * through retransmissions, 6 * TCP_MSS at 10 MB/s without a drop. */
#define TCP_WND (6 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG 512
#define MEMP_NUM_REASSDATA 8
#define IP_REASS_MAX_PBUFS 64

#endif /* SOCKPORT_MPS2_AN385_LWIPOPTS_H */
