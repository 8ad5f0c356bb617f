/*
 * The hooks: the port looks at every IP packet before lwIP does (both IP
 * versions in one function), and at every TCP segment lwIP has found its pcb
 * for, for what lwIP's raw API does not do by itself.
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
 * has, a window still 0) is dropped by the TCP input hook (lwIP has found the
 * pcb and checked the segment then) when another came for the same pcb in
 * the same millisecond, in ESTABLISHED and in every state after a FIN (the
 * FINs wait behind the closed windows, or went out into them and stay
 * unacknowledged).
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

/* A board's lwipopts.h that leaves a hook out would lose its behaviour without
 * a word (the ACK storm guard, refused UDP, retransmission counts): refuse to
 * build instead (port/lwip/host/lwipopts.h shows the definitions). */
#if !defined(LWIP_HOOK_IP4_INPUT) || !defined(LWIP_HOOK_TCP_INPACKET_PCB) ||                       \
    !defined(LWIP_HOOK_TCP_OUT_ADD_TCPOPTS) || (LWIP_IPV6 && !defined(LWIP_HOOK_IP6_INPUT))
#error "lwipopts.h must define the port's hooks: see port/lwip/host/lwipopts.h"
#endif

enum {
    IP4_HEADER = 20,
    IP6_HEADER = 40,
    ICMP_HEADER = 8,
    UDP_PORTS = 4, /* source and destination port: all we read of UDP */
    PROTO_ICMP = 1,
    PROTO_UDP = 17,
    PROTO_ICMP6 = 58,
};

static uint16_t read_be16(const uint8_t *bytes)
{
    return (uint16_t)((bytes[0] << 8) | bytes[1]);
}

/* Where IPv4 and IPv6 headers and their ICMP differ, for what is read. */
struct ip_version {
    uint8_t number;       /* the header's version field */
    uint8_t protocol_at;  /* the offset of the protocol (next header) */
    uint8_t addresses_at; /* the offset of the source, the destination follows */
    uint8_t address_size;
    uint8_t icmp;             /* ICMP's protocol number */
    uint8_t unreachable;      /* ICMP's type: destination unreachable */
    uint8_t port_unreachable; /* its code for a closed port */
    uint8_t type;             /* lwIP's IPADDR_TYPE_* */
};

static const struct ip_version ipv4 = {4, 9, 12, 4, PROTO_ICMP, 3, 3, IPADDR_TYPE_V4};
#if LWIP_IPV6
/* Only here: 16-byte addresses need an ip_addr_t that holds IPv6. */
static const struct ip_version ipv6 = {6, 6, 8, 16, PROTO_ICMP6, 1, 4, IPADDR_TYPE_V6};
#endif

/* An ICMP destination unreachable (@p code) about the UDP datagram whose IP
 * header (@p inner, of version @p ver) and ports (@p udp) it quotes: that
 * datagram's sender, a local socket, learns the error a POSIX host reports
 * for that code. */
static void note_unreachable(const uint8_t *inner, const uint8_t *udp, const struct ip_version *ver,
                             uint8_t code)
{
    /* The quoted source (our socket) and destination, which follows it. */
    ip_addr_t ends[2];
    memset(ends, 0, sizeof ends); /* and so no IPv6 zone */
    const uint8_t *at = inner + ver->addresses_at;
    /* Either version's address starts an ip_addr_t (lwIP's union). */
    memcpy(&ends[0], at, ver->address_size);
    memcpy(&ends[1], at + ver->address_size, ver->address_size);
    IP_SET_TYPE_VAL(ends[0], ver->type);
    IP_SET_TYPE_VAL(ends[1], ver->type);
    int error = code == ver->port_unreachable ? SP_ECONNREFUSED
                : code == 0                   ? SP_ENETUNREACH
                                              : SP_EHOSTUNREACH;
    sp_lwip_dgram_icmp_error(&ends[0], read_be16(udp), &ends[1], read_be16(udp + 2), error);
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

int sp_lwip_hook_tcp_in(struct tcp_pcb *pcb, const struct tcp_hdr *header, const struct pbuf *data)
{
    /* A pure ACK (no data: lwIP took the headers off @p data) to a pcb with
     * a zero window both ways, the acknowledgment and the window it already
     * has: it acknowledges nothing, whatever the pcb has unacknowledged (two
     * FINs sent into closed windows at once, each refused by the other's
     * window, stay unacknowledged while their ends storm). lwIP converted the
     * header's fields to host order, all but the flags (compared in network
     * order: no call); @p pcb may be a listen pcb, whose state
     * storm_state() refuses before any other field is read. The sequence
     * number is not compared: a zero-window probe counts its byte in
     * snd_nxt, so each end's ACKs run one ahead of what the other accepted,
     * and a pure ACK carries nothing at its sequence anyway. */
    bool nothing_new = data->tot_len == 0 &&
                       (header->_hdrlen_rsvd_flags & PP_HTONS(TCP_FLAGS)) == PP_HTONS(TCP_ACK) &&
                       storm_state(pcb->state) && pcb->rcv_wnd == 0 && pcb->snd_wnd == 0 &&
                       header->wnd == 0 && header->ackno == pcb->lastack;
    /* One such ACK per pcb and millisecond still goes in: it answers a
     * window probe (and lwIP counts unanswered probes towards giving up).
     * The storm sends the next one within the same millisecond. */
    return nothing_new && !first_this_ms(pcb) ? 1 : 0;
}

/* The length of the IP header of version @p ver at @p ip, or 0 if it is not
 * one (an IPv6 packet's extension headers are not followed). */
static size_t header_length(const uint8_t *ip, const struct ip_version *ver)
{
    if ((ip[0] >> 4) != ver->number) {
        return 0;
    }
    size_t length = ver->number == 6 ? IP6_HEADER : (size_t)(ip[0] & 0x0F) * 4u;
    return length >= IP4_HEADER ? length : 0;
}

/*
 * One look at the head of a packet of version @p ver (@p got bytes at @p ip):
 * - a UDP datagram's source port tells the DNS client's wait of an answer;
 * - an ICMP destination unreachable about a UDP datagram of ours reaches
 *   the connected socket that sent it.
 * Not inlined: the compiler would otherwise make a second copy of these
 * checks for heads it knows to be long (in place), one for copied heads.
 */
static __attribute__((noinline)) void look_at_head(const uint8_t *ip, size_t got,
                                                   const struct ip_version *ver)
{
    if (got < IP4_HEADER) {
        return;
    }
    size_t ip_len = header_length(ip, ver);
    if (ip_len == 0 || ip_len + UDP_PORTS > got) {
        return;
    }
    const uint8_t *next = ip + ip_len;
    uint8_t protocol = ip[ver->protocol_at];
    if (protocol == PROTO_UDP) {
        sp_lwip_dns_note_datagram(read_be16(next)); /* a DNS server's answer? */
        return;
    }
    /* Destination unreachable, of our own version, quoting a UDP datagram's
     * header and ports. */
    const uint8_t *inner = next + ICMP_HEADER;
    size_t inner_len;
    if (protocol == ver->icmp && ip_len + ICMP_HEADER + IP4_HEADER <= got &&
        next[0] == ver->unreachable && (inner_len = header_length(inner, ver)) != 0 &&
        inner[ver->protocol_at] == PROTO_UDP &&
        ip_len + ICMP_HEADER + inner_len + UDP_PORTS <= got) {
        note_unreachable(inner, inner + inner_len, ver, next[1]);
    }
}

/* Every packet's head, in place when its first pbuf holds it all (most
 * packets: no copy), else a copy of it. */
static void look_at_input(const struct pbuf *packet, const struct ip_version *ver)
{
    /* The longest head looked at: an ICMP error quoting a UDP datagram, both
     * IPv4 headers with options. */
    uint8_t copy[60 + ICMP_HEADER + 60 + UDP_PORTS];
    const uint8_t *ip = packet->payload;
    size_t got = packet->len;
    if (got < sizeof copy && got < packet->tot_len) {
        got = pbuf_copy_partial(packet, copy, sizeof copy, 0);
        ip = copy;
    }
    look_at_head(ip, got, ver);
}

int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
    look_at_input(packet, &ipv4);
    return 0;
}

#if LWIP_IPV6
int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
    look_at_input(packet, &ipv6);
    return 0;
}
#endif

uint32_t *sp_lwip_hook_tcp_out(struct pbuf *packet, struct tcp_hdr *header,
                               const struct tcp_pcb *pcb, uint32_t *options)
{
    (void)packet;
    /* Control segments may come without a pcb, or from a listen pcb.
     * PP_NTOHL: one instruction, where lwip_ntohl() is a call. */
    if (pcb != NULL && pcb->state != LISTEN && pcb->state != CLOSED &&
        TCP_SEQ_LT(PP_NTOHL(header->seqno), pcb->snd_nxt)) {
        sp_lwip_state.tcp_retransmissions++;
    }
    return options;
}
