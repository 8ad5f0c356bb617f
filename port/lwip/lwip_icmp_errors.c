/*
 * ICMP errors for connected UDP sockets. lwIP's raw API tells UDP pcbs
 * nothing about "port unreachable", but a POSIX host turns it into
 * ECONNREFUSED on the next call of a connected socket. The input hooks look
 * at every IP packet (never taking it) and note such errors on the socket.
 */
#include <string.h>

#include "lwip/ip.h"
#include "lwip/pbuf.h"

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
};

static uint16_t read_be16(const uint8_t *bytes)
{
    return (uint16_t)((bytes[0] << 8) | bytes[1]);
}

/* The error a POSIX host reports for an ICMP destination-unreachable code. */
static int unreachable_error(bool v6, uint8_t code)
{
    if (v6) {
        return code == 4 ? SP_ECONNREFUSED : code == 0 ? SP_ENETUNREACH : SP_EHOSTUNREACH;
    }
    return code == 3 ? SP_ECONNREFUSED : code == 0 ? SP_ENETUNREACH : SP_EHOSTUNREACH;
}

int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
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
    ip_addr_t local;
    ip_addr_t remote;
    uint32_t word;
    memcpy(&word, inner + 12, sizeof word);
    ip_addr_set_ip4_u32_val(local, word);
    memcpy(&word, inner + 16, sizeof word);
    ip_addr_set_ip4_u32_val(remote, word);
    const uint8_t *udp = inner + inner_len;
    sp_lwip_dgram_icmp_error(&local, read_be16(udp), &remote, read_be16(udp + 2),
                             unreachable_error(false, head[outer + 1]));
    return 0;
}

int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)input_netif;
#if LWIP_IPV6
    uint8_t head[IP6_HEADER + ICMP_HEADER + IP6_HEADER + UDP_PORTS];
    u16_t got = pbuf_copy_partial(packet, head, sizeof head, 0);
    if (got < sizeof head || (head[0] >> 4) != 6 || head[6] != PROTO_ICMP6 ||
        head[IP6_HEADER] != 1 /* destination unreachable */) {
        return 0;
    }
    const uint8_t *inner = head + IP6_HEADER + ICMP_HEADER;
    if ((inner[0] >> 4) != 6 || inner[6] != PROTO_UDP) {
        return 0;
    }
    ip_addr_t local;
    ip_addr_t remote;
    ip6_addr_t v6;
    memset(&v6, 0, sizeof v6);
    memcpy(v6.addr, inner + 8, 16);
    ip_addr_copy_from_ip6(local, v6);
    memcpy(v6.addr, inner + 24, 16);
    ip_addr_copy_from_ip6(remote, v6);
    const uint8_t *udp = inner + IP6_HEADER;
    sp_lwip_dgram_icmp_error(&local, read_be16(udp), &remote, read_be16(udp + 2),
                             unreachable_error(true, head[IP6_HEADER + 1]));
#else
    (void)packet;
#endif
    return 0;
}
