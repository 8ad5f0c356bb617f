/*
 * Addresses at the port's edge: sockport's sp_addr to lwIP's ip_addr_t and
 * back, with the dual-stack rules of a POSIX host (an IPv6 socket reaches
 * IPv4 peers through IPv4-mapped addresses).
 */
#include <stddef.h>
#include <string.h>

#include "lwip/netif.h"

#include "lwip_internal.h"

void sp_lwip_addr_to_ip(const sp_addr *addr, ip_addr_t *ip, uint16_t *port)
{
    *port = addr->port;
    bool v4 = addr->family == SP_AF_INET; /* else SP_AF_INET6: the caller checked */
#if LWIP_IPV6
    /* Both families through one body: the 16 bytes as IPv6 (of which IPv4
     * uses the first 4), then IPv4, given or mapped, takes its word. */
    ip6_addr_t *v6 = ip_2_ip6(ip);
    memcpy(v6->addr, addr->u.v6, sizeof v6->addr);
#if LWIP_IPV6_SCOPES
    v6->zone = (u8_t)(addr->scope_id <= 0xFF ? addr->scope_id : 0);
#endif
    IP_SET_TYPE_VAL(*ip, IPADDR_TYPE_V6);
    if (v4 || ip6_addr_isipv4mappedipv6(v6)) {
        ip_addr_set_ip4_u32_val(*ip, v6->addr[v4 ? 0 : 3]);
    }
#else
    /* SP_AF_INET6 is not reached: without IPv6 no SP_AF_INET6 socket opens,
     * core hands a socket only addresses of its own family, and the DNS
     * server setter refuses SP_AF_INET6. The wildcard, should that ever change. */
    uint32_t word = 0;
    if (v4) {
        memcpy(&word, addr->u.v4, sizeof word);
    }
    ip_addr_set_ip4_u32_val(*ip, word);
#endif
}

void sp_lwip_addr_from_ip(int family, const ip_addr_t *ip, uint16_t port, sp_addr *out)
{
    /* The header and the 16 bytes an IP address takes: not the whole sp_addr,
     * whose local path makes it over 100 bytes, on every datagram. */
    out->port = port;
    out->scope_id = 0;
    memset(out->u.v6, 0, sizeof out->u.v6);
    if (IP_IS_V4(ip)) {
        uint32_t word = ip4_addr_get_u32(ip_2_ip4(ip));
        if (family == SP_AF_INET6) {
            out->family = SP_AF_INET6; /* ::ffff:a.b.c.d */
            out->u.v6[10] = 0xFF;
            out->u.v6[11] = 0xFF;
            memcpy(out->u.v6 + 12, &word, sizeof word);
        } else {
            out->family = SP_AF_INET;
            memcpy(out->u.v4, &word, sizeof word);
        }
        return;
    }
#if LWIP_IPV6
    out->family = SP_AF_INET6;
    memcpy(out->u.v6, ip_2_ip6(ip)->addr, sizeof out->u.v6);
#if LWIP_IPV6_SCOPES
    /* A zone of 0 is none, which scope_id 0 says already. */
    if (ip6_addr_islinklocal(ip_2_ip6(ip))) {
        out->scope_id = ip6_addr_zone(ip_2_ip6(ip));
    }
#endif
#endif
}

bool sp_lwip_ip_equal(const ip_addr_t *a, const ip_addr_t *b)
{
#if LWIP_IPV6
    /* ip_addr_cmp() as one compare of the bytes it reads: IPv4's word, or
     * IPv6's words and then its zone, which follows them. */
#if LWIP_IPV6_SCOPES
    size_t v6_size = offsetof(ip6_addr_t, zone) + sizeof ip_2_ip6(a)->zone;
#else
    size_t v6_size = sizeof ip_2_ip6(a)->addr;
#endif
    return IP_GET_TYPE(a) == IP_GET_TYPE(b) &&
           memcmp(&a->u_addr, &b->u_addr, IP_IS_V6(a) ? v6_size : sizeof(ip4_addr_t)) == 0;
#else
    return ip_addr_cmp(a, b);
#endif
}

bool sp_lwip_local_from_ip(const ip_addr_t *ip, uint16_t port, struct sp_lwip_local *out)
{
    out->port = port;
    if (ip_addr_isany(ip)) {
        out->netif = 0;
        out->slot = (uint8_t)IP_GET_TYPE(ip);
        return true;
    }
    struct netif *netif;
    NETIF_FOREACH(netif)
    {
        out->netif = netif_get_index(netif);
        if (IP_IS_V4(ip)) {
            if (ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(netif))) {
                out->slot = SP_LWIP_LOCAL_V4;
                return true;
            }
            continue;
        }
#if LWIP_IPV6
        s8_t slot = netif_get_ip6_addr_match(netif, ip_2_ip6(ip));
        if (slot >= 0) {
            out->slot = (uint8_t)slot;
            return true;
        }
#endif
    }
    return false;
}

bool sp_lwip_local_to_ip(const struct sp_lwip_local *local, ip_addr_t *ip, uint16_t *port)
{
    *port = local->port;
    if (local->netif == 0) {
        ip_addr_set_zero(ip);
        IP_SET_TYPE_VAL(*ip, local->slot);
        return true;
    }
    struct netif *netif = netif_get_by_index(local->netif);
    if (netif == NULL) {
        return false;
    }
    if (local->slot == SP_LWIP_LOCAL_V4) {
        *ip = *netif_ip_addr4(netif);
        return true;
    }
#if LWIP_IPV6
    if (local->slot >= LWIP_IPV6_NUM_ADDRESSES ||
        ip6_addr_isinvalid(netif_ip6_addr_state(netif, local->slot))) {
        return false;
    }
    *ip = *netif_ip_addr6(netif, local->slot);
    return true;
#else
    return false;
#endif
}
