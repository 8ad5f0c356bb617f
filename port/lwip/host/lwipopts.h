/*
 * lwIP options for host builds of the sockport lwIP port (tests, examples).
 * docs/lwip.md says which options the port requires and why; a board passes
 * its own directory with -DSOCKPORT_LWIPOPTS_DIR=... and must keep those.
 *
 * -DSP_LWIP_TINY_POOLS shrinks every pool so that tests can run the stack out
 * of pcbs, segments and heap on purpose.
 * -DSP_LWIP_IPV4_ONLY builds lwIP without IPv6 (LWIP_IPV6 0), as much
 * firmware does: the port then refuses SP_AF_INET6 sockets the way Linux
 * does with IPv6 off (SP_EAFNOSUPPORT), and links none of its IPv6 code.
 */
#ifndef SOCKPORT_HOST_LWIPOPTS_H
#define SOCKPORT_HOST_LWIPOPTS_H

/* ---- Required by the port: raw API, no OS, the port drives timers ---- */
#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_TIMERS 1
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_CALLBACK_API 1
#define LWIP_IPV4 1
#ifdef SP_LWIP_IPV4_ONLY
#define LWIP_IPV6 0
#else
#define LWIP_IPV6 1
#endif
#define LWIP_TCP 1
#define LWIP_UDP 1
#define LWIP_RAW 1
#define LWIP_ICMP 1
#define LWIP_HAVE_LOOPIF 1
#define LWIP_NETIF_LOOPBACK 1
#define TCP_LISTEN_BACKLOG 1
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1
#define IP_SOF_BROADCAST 1
#define IP_SOF_BROADCAST_RECV 1
#define LWIP_STATS 1
#define MEM_STATS 1
#define MEMP_STATS 1
#define TCP_STATS 1
#define UDP_STATS 1
#define MIB2_STATS 1 /* TCP segments sent and retransmitted */
#define LWIP_STATS_DISPLAY 0
/* Test and fuzz builds (not Release: bench/ measures lwIP as shipped) check
 * lwIP's pcb lists on every change: a pcb registered twice, or freed while
 * still listed, would otherwise show only much later, as an endless loop
 * inside tcp_bind() or tcp_input(). */
#ifndef NDEBUG
#define TCP_DEBUG_PCB_LISTS 1
#endif
/* No heap but lwIP's own: every allocation comes from fixed pools. */
#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
/* Loopback copies keep the checksum they were sent with. */
#define LWIP_CHECKSUM_ON_COPY 1
#define LWIP_IPV6_DHCP6 0
/* 64-bit hosts: the reassembly helper does not fit in the fragment header. */
#define IPV6_FRAG_COPYHEADER 1
#define LWIP_IPV6_MLD 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0

/* The port's hooks (port/lwip/lwip_input_hooks.c): ICMP errors to connected
 * UDP sockets and DNS replies (IP input), the zero-window ACK storm (TCP
 * input, once lwIP found the pcb), the retransmission count (TCP output). Only in
 * builds made by sockport_add_lwip_port(), which defines SP_LWIP_PORT: an
 * lwIP built from these options without the port needs no hook functions. */
#ifdef SP_LWIP_PORT
#define LWIP_HOOK_FILENAME "sp_lwip_hooks.h"
#define LWIP_HOOK_IP4_INPUT(pbuf, input_netif) sp_lwip_hook_ip4_input((pbuf), (input_netif))
#define LWIP_HOOK_IP6_INPUT(pbuf, input_netif) sp_lwip_hook_ip6_input((pbuf), (input_netif))
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p)                            \
    sp_lwip_hook_tcp_in((pcb), (hdr), (p))
#define LWIP_HOOK_TCP_OUT_ADD_TCPOPTS(p, hdr, pcb, opts)                                          \
    sp_lwip_hook_tcp_out((p), (hdr), (pcb), (opts))
#endif

#ifndef SP_LWIP_TINY_POOLS
/* lwIP's DNS client behind sp_resolve(); sp_lwip_set_dns_server() picks the
 * server. lwIP takes the server's UDP port from DNS_SERVER_PORT, which is 53
 * unless set; a variable lets a test point lwIP at its own server on another
 * port (a DNS server on a host's loopback, reached through QEMU's network). */
#define LWIP_DNS 1
#ifdef SP_LWIP_PORT /* an lwIP built without the port keeps lwIP's own 53 */
extern unsigned short sp_lwip_dns_server_port;
#define DNS_SERVER_PORT sp_lwip_dns_server_port
#endif
/* ---- Sizes: generous, a host has memory ---- */
/* Above core's host table (1023), so that the table, not the port, runs out first. */
#define SP_LWIP_MAX_SOCKETS 1100      /* port socket records (incl. not yet accepted) */
#define SP_LWIP_DGRAM_QUEUE_LEN 16    /* datagrams queued per UDP/raw socket */
#define SP_LWIP_QUEUE_NODES 512       /* queued datagrams + queued connections, all sockets */
#define MEM_SIZE (4 * 1024 * 1024)
#define MEMP_NUM_PBUF 256
#define PBUF_POOL_SIZE 64
#define MEMP_NUM_TCP_PCB 128          /* sockets + connections lingering in TIME_WAIT */
#define MEMP_NUM_TCP_PCB_LISTEN 32
#define MEMP_NUM_UDP_PCB 1100         /* a poller case holds 1 000 datagram sockets */
#define MEMP_NUM_RAW_PCB 16
#define TCP_MSS 1460
#define TCP_WND (32 * TCP_MSS)
#define TCP_SND_BUF (32 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG 2048
#define MEMP_NUM_REASSDATA 16
#define IP_REASS_MAX_PBUFS 128
#else
#define LWIP_DNS 0
/* ---- Deliberately tiny: a few connections exhaust pcbs, a transfer the heap ---- */
#define SP_LWIP_MAX_SOCKETS 8
#define SP_LWIP_DGRAM_QUEUE_LEN 4
#define SP_LWIP_QUEUE_NODES 6 /* fewer than two full socket queues */
#define MEM_SIZE (12 * 1024)
#define MEMP_NUM_PBUF 16
#define PBUF_POOL_SIZE 8
#define MEMP_NUM_TCP_PCB 4
#define MEMP_NUM_TCP_PCB_LISTEN 2
#define MEMP_NUM_UDP_PCB 3
#define MEMP_NUM_RAW_PCB 2
#define TCP_MSS 536
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_SND_QUEUELEN (2 * TCP_SND_BUF / TCP_MSS)
#define MEMP_NUM_TCP_SEG 16
#define MEMP_NUM_REASSDATA 2
#define IP_REASS_MAX_PBUFS 8
#endif

#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 2)

#endif /* SOCKPORT_HOST_LWIPOPTS_H */
