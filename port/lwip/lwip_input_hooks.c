/*
 * The input hooks: the port looks at every IP packet before lwIP does, for two
 * things lwIP's raw API does not do by itself.
 *
 * ICMP errors for connected UDP sockets. lwIP tells UDP pcbs nothing about
 * "port unreachable", but a POSIX host turns it into ECONNREFUSED on the next
 * call of a connected socket. Such packets are noted and passed on.
 *
 * The zero-window ACK storm. lwIP 2.1 answers every zero-length segment that
 * falls outside its receive window with an ACK; with a window of 0 nothing is
 * inside it, so two lwIP ends whose windows are both closed (both sending,
 * neither reading) ACK each other's ACKs for ever. Over the loopback that is
 * an endless loop inside netif_poll() (also reported as esp-idf issue 2425).
 * A pure ACK that tells such a pcb nothing new (the acknowledgment it already
 * has, a window still 0, nothing of its own unacknowledged) is dropped here
 * when another came for the same pcb in the same millisecond, in ESTABLISHED
 * and in every state after a FIN (the FINs wait behind the closed windows).
 *
 * Replies of DNS servers. lwIP's DNS client reports "no such name" and "no
 * answer" alike; a UDP datagram from a DNS server's port tells them apart.
 *
 * And on the way out: a TCP segment whose sequence number lies before the
 * pcb's snd_nxt is sent again, which is how retransmissions are counted.
 */
#include <string.h>

#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "lwip_internal.h"
#include "sp_lwip_hooks.h"

enum {
    IP4_HEADER = 20,
    IP6_HEADER = 40,
    ICMP_HEADER = 8,
    UDP_PORTS = 4, /* source and destination port: all we read of UDP */
    PROTO_ICMP = 1,
    PROTO_UDP = 17,
    PROTO_ICMP6 = 58,
    PROTO_TCP = 6,
    TCP_HEADER = 20,
    TCP_FLAG_BITS = 0x3F, /* FIN SYN RST PSH ACK URG */
    TCP_ONLY_ACK = 0x10,
};

static uint32_t read_be32(const uint8_t *bytes)
{
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) |
           bytes[3];
}

static uint16_t read_be16(const uint8_t *bytes)
{
    return (uint16_t)((bytes[0] << 8) | bytes[1]);
}

/* The source and destination of the IPv4 or IPv6 header at @p ip (its
 * version says which; the caller checked it). */
static void header_addresses(const uint8_t *ip, ip_addr_t *src, ip_addr_t *dst)
{
    memset(src, 0, sizeof *src); /* and so no IPv6 zone */
    memset(dst, 0, sizeof *dst);
#if LWIP_IPV6
    if ((ip[0] >> 4) == 6) {
        memcpy(ip_2_ip6(src)->addr, ip + 8, 16);
        memcpy(ip_2_ip6(dst)->addr, ip + 24, 16);
        IP_SET_TYPE_VAL(*src, IPADDR_TYPE_V6);
        IP_SET_TYPE_VAL(*dst, IPADDR_TYPE_V6);
        return;
    }
#endif
    memcpy(&ip_2_ip4(src)->addr, ip + 12, 4);
    memcpy(&ip_2_ip4(dst)->addr, ip + 16, 4);
}

/* An ICMP destination unreachable about the UDP datagram whose IP header
 * (@p inner) and ports (@p udp) it quotes: that datagram's sender, a local
 * socket, learns @p error. */
static void note_unreachable(const uint8_t *inner, const uint8_t *udp, int error)
{
    ip_addr_t local;
    ip_addr_t remote;
    header_addresses(inner, &local, &remote);
    sp_lwip_dgram_icmp_error(&local, read_be16(udp), &remote, read_be16(udp + 2), error);
}

/* The error a POSIX host reports for an ICMP destination-unreachable code. */
static int unreachable_error(bool v6, uint8_t code)
{
    if (v6) {
        return code == 4 ? SP_ECONNREFUSED : code == 0 ? SP_ENETUNREACH : SP_EHOSTUNREACH;
    }
    return code == 3 ? SP_ECONNREFUSED : code == 0 ? SP_ENETUNREACH : SP_EHOSTUNREACH;
}

/* Zero-window pcbs that let a nothing-new ACK in, and when. */
static struct {
    const struct tcp_pcb *pcb;
    uint32_t at_ms;
} storm_seen[8];

/* Whether this is the first nothing-new ACK for @p pcb in this millisecond. */
static bool first_this_ms(const struct tcp_pcb *pcb)
{
    uint32_t now = sp_lwip_now32();
    size_t oldest = 0;
    for (size_t i = 0; i < sizeof storm_seen / sizeof storm_seen[0]; i++) {
        if (storm_seen[i].pcb == pcb) {
            bool first = storm_seen[i].at_ms != now;
            storm_seen[i].at_ms = now;
            return first;
        }
        if ((int32_t)(storm_seen[i].at_ms - storm_seen[oldest].at_ms) < 0) {
            oldest = i;
        }
    }
    storm_seen[oldest].pcb = pcb;
    storm_seen[oldest].at_ms = now;
    return true;
}

/* Whether a pcb in @p state answers an out-of-window empty segment with an
 * ACK (tcp_receive()): every synchronized state whose pcb is still active.
 * After a FIN the windows can stay closed as before it (both ends shut down
 * with unread data queued both ways: FIN_WAIT_1 on both, CLOSING, LAST_ACK),
 * and the two ends ACK each other just the same. TIME_WAIT pcbs ACK only data. */
static bool storm_state(enum tcp_state state)
{
    switch (state) {
    case ESTABLISHED:
    case FIN_WAIT_1:
    case FIN_WAIT_2:
    case CLOSE_WAIT:
    case CLOSING:
    case LAST_ACK:
        return true;
    default:
        return false;
    }
}

/* Whether a TCP segment (header at @p tcp, @p payload_len data bytes) from
 * @p src to @p dst is a pure ACK carrying nothing new to a zero-window pcb. */
static bool is_storm_ack(const uint8_t *tcp, size_t payload_len, const ip_addr_t *src,
                         const ip_addr_t *dst)
{
    if (payload_len != 0 || (tcp[13] & TCP_FLAG_BITS) != TCP_ONLY_ACK) {
        return false;
    }
    uint16_t src_port = read_be16(tcp);
    uint16_t dst_port = read_be16(tcp + 2);
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->local_port != dst_port || pcb->remote_port != src_port ||
            !ip_addr_cmp(&pcb->local_ip, dst) || !ip_addr_cmp(&pcb->remote_ip, src)) {
            continue;
        }
        /* The sequence number is not compared: a zero-window probe counts its
         * byte in snd_nxt, so each end's ACKs run one ahead of what the other
         * accepted, and a pure ACK carries nothing at its sequence anyway. */
        bool nothing_new = storm_state(pcb->state) && pcb->rcv_wnd == 0 && pcb->unacked == NULL &&
                           pcb->snd_wnd == 0 && read_be16(tcp + 14) == 0 &&
                           read_be32(tcp + 8) == pcb->lastack;
        /* One such ACK per pcb and millisecond still goes in: it answers a
         * window probe (and lwIP counts unanswered probes towards giving up).
         * The storm sends the next one within the same millisecond. */
        return nothing_new && !first_this_ms(pcb);
    }
    return false;
}

static bool drop_storm_ack4(struct pbuf *packet)
{
    uint8_t head[60 + TCP_HEADER];
    u16_t got = pbuf_copy_partial(packet, head, sizeof head, 0);
    if (got < IP4_HEADER + TCP_HEADER || (head[0] >> 4) != 4 || head[9] != PROTO_TCP) {
        return false;
    }
    size_t ip_len = (size_t)(head[0] & 0x0F) * 4u;
    size_t total = read_be16(head + 2);
    if (ip_len < IP4_HEADER || ip_len + TCP_HEADER > got) {
        return false;
    }
    const uint8_t *tcp = head + ip_len;
    size_t tcp_len = (size_t)(tcp[12] >> 4) * 4u;
    if (tcp_len < TCP_HEADER || ip_len + tcp_len > total) {
        return false;
    }
    ip_addr_t src;
    ip_addr_t dst;
    header_addresses(head, &src, &dst);
    return is_storm_ack(tcp, total - ip_len - tcp_len, &src, &dst);
}

#if LWIP_IPV6
static bool drop_storm_ack6(struct pbuf *packet)
{
    uint8_t head[IP6_HEADER + TCP_HEADER];
    u16_t got = pbuf_copy_partial(packet, head, sizeof head, 0);
    if (got < sizeof head || (head[0] >> 4) != 6 || head[6] != PROTO_TCP) {
        return false;
    }
    const uint8_t *tcp = head + IP6_HEADER;
    size_t payload = read_be16(head + 4); /* everything after the fixed header */
    size_t tcp_len = (size_t)(tcp[12] >> 4) * 4u;
    if (tcp_len < TCP_HEADER || tcp_len > payload) {
        return false;
    }
    ip_addr_t src;
    ip_addr_t dst;
    header_addresses(head, &src, &dst);
    return is_storm_ack(tcp, payload - tcp_len, &src, &dst);
}
#endif

/* The IPv4 protocol byte, read in place when the first pbuf holds it: most
 * packets (UDP, and TCP but for the storm check) need nothing more. */
static int ip4_protocol(const struct pbuf *packet)
{
    uint8_t head[IP4_HEADER];
    const uint8_t *bytes = packet->payload;
    if (packet->len < IP4_HEADER) {
        if (pbuf_copy_partial(packet, head, IP4_HEADER, 0) < IP4_HEADER) {
            return -1;
        }
        bytes = head;
    }
    return (bytes[0] >> 4) == 4 ? bytes[9] : -1;
}

int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
    int protocol = ip4_protocol(packet);
    if (protocol == PROTO_TCP && drop_storm_ack4(packet)) {
        pbuf_free(packet); /* the hook took it */
        return 1;
    }
    if (protocol == PROTO_UDP) {
        /* Only the source port: a DNS server's answer? */
        uint8_t first;
        uint8_t ports[UDP_PORTS];
        if (pbuf_copy_partial(packet, &first, 1, 0) == 1 &&
            pbuf_copy_partial(packet, ports, UDP_PORTS, (u16_t)((first & 0x0F) * 4u)) ==
                UDP_PORTS) {
            sp_lwip_dns_note_datagram(read_be16(ports));
        }
        return 0;
    }
    if (protocol != PROTO_ICMP) {
        return 0;
    }
    uint8_t head[IP4_HEADER + ICMP_HEADER + 60 + UDP_PORTS];
    u16_t got = pbuf_copy_partial(packet, head, sizeof head, 0);
    if (got < IP4_HEADER + ICMP_HEADER + IP4_HEADER + UDP_PORTS || (head[0] >> 4) != 4) {
        return 0;
    }
    size_t outer = (size_t)(head[0] & 0x0F) * 4u;
    if (head[9] != PROTO_ICMP || outer + ICMP_HEADER + IP4_HEADER + UDP_PORTS > got ||
        head[outer] != 3 /* destination unreachable */) {
        return 0;
    }
    const uint8_t *inner = head + outer + ICMP_HEADER;
    size_t inner_len = (size_t)(inner[0] & 0x0F) * 4u;
    if ((inner[0] >> 4) != 4 || inner[9] != PROTO_UDP ||
        outer + ICMP_HEADER + inner_len + UDP_PORTS > got) {
        return 0;
    }
    note_unreachable(inner, inner + inner_len, unreachable_error(false, head[outer + 1]));
    return 0;
}

int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
#if LWIP_IPV6
    if (drop_storm_ack6(packet)) {
        pbuf_free(packet); /* the hook took it */
        return 1;
    }
    uint8_t head[IP6_HEADER + ICMP_HEADER + IP6_HEADER + UDP_PORTS];
    u16_t got = pbuf_copy_partial(packet, head, sizeof head, 0);
    if (got >= IP6_HEADER + UDP_PORTS && (head[0] >> 4) == 6 && head[6] == PROTO_UDP) {
        sp_lwip_dns_note_datagram(read_be16(head + IP6_HEADER));
        return 0;
    }
    if (got < sizeof head || (head[0] >> 4) != 6 || head[6] != PROTO_ICMP6 ||
        head[IP6_HEADER] != 1 /* destination unreachable */) {
        return 0;
    }
    const uint8_t *inner = head + IP6_HEADER + ICMP_HEADER;
    if ((inner[0] >> 4) != 6 || inner[6] != PROTO_UDP) {
        return 0;
    }
    note_unreachable(inner, inner + IP6_HEADER, unreachable_error(true, head[IP6_HEADER + 1]));
#else
    (void)packet;
#endif
    return 0;
}

uint32_t *sp_lwip_hook_tcp_out(struct pbuf *packet, struct tcp_hdr *header,
                               const struct tcp_pcb *pcb, uint32_t *options)
{
    (void)packet;
    /* Control segments may come without a pcb, or from a listen pcb. */
    if (pcb != NULL && pcb->state != LISTEN && pcb->state != CLOSED &&
        TCP_SEQ_LT(lwip_ntohl(header->seqno), pcb->snd_nxt)) {
        sp_lwip_state.tcp_retransmissions++;
    }
    return options;
}
