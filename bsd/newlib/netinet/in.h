/*
 * <netinet/in.h> for newlib (see <sys/socket.h> here): IPv4 and IPv6
 * addresses, protocol numbers, byte order, with Linux's values and layouts.
 */
#ifndef SOCKPORT_NEWLIB_NETINET_IN_H
#define SOCKPORT_NEWLIB_NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _IN_ADDR_T_DECLARED
typedef uint32_t in_addr_t;
#define _IN_ADDR_T_DECLARED
#endif
#ifndef _IN_PORT_T_DECLARED
typedef uint16_t in_port_t;
#define _IN_PORT_T_DECLARED
#endif

struct in_addr {
    in_addr_t s_addr; /* network byte order */
};

struct in6_addr {
    union {
        uint8_t __u6_addr8[16];
        uint16_t __u6_addr16[8];
        uint32_t __u6_addr32[4];
    } __in6_u;
};
#define s6_addr __in6_u.__u6_addr8
#define s6_addr16 __in6_u.__u6_addr16
#define s6_addr32 __in6_u.__u6_addr32

struct sockaddr_in {
    sa_family_t sin_family; /* AF_INET */
    in_port_t sin_port;     /* network byte order */
    struct in_addr sin_addr;
    unsigned char sin_zero[8];
};

struct sockaddr_in6 {
    sa_family_t sin6_family; /* AF_INET6 */
    in_port_t sin6_port;     /* network byte order */
    uint32_t sin6_flowinfo;
    struct in6_addr sin6_addr;
    uint32_t sin6_scope_id;
};

extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;
#define IN6ADDR_ANY_INIT                                                                           \
    {                                                                                              \
        {                                                                                          \
            {                                                                                      \
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0                                     \
            }                                                                                      \
        }                                                                                          \
    }
#define IN6ADDR_LOOPBACK_INIT                                                                      \
    {                                                                                              \
        {                                                                                          \
            {                                                                                      \
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1                                     \
            }                                                                                      \
        }                                                                                          \
    }

#define IPPROTO_IP 0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41
#define IPPROTO_ICMPV6 58
#define IPPROTO_RAW 255

#define IPV6_V6ONLY 26

#define INADDR_ANY ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK ((in_addr_t)0x7f000001) /* host byte order, as everywhere */

#define INET_ADDRSTRLEN 16
#define INET6_ADDRSTRLEN 46

#define IN6_IS_ADDR_UNSPECIFIED(a)                                                                 \
    ((a)->s6_addr32[0] == 0 && (a)->s6_addr32[1] == 0 && (a)->s6_addr32[2] == 0 &&                 \
     (a)->s6_addr32[3] == 0)
#define IN6_IS_ADDR_LOOPBACK(a)                                                                    \
    ((a)->s6_addr32[0] == 0 && (a)->s6_addr32[1] == 0 && (a)->s6_addr32[2] == 0 &&                 \
     (a)->s6_addr32[3] == htonl(1))
#define IN6_IS_ADDR_V4MAPPED(a)                                                                    \
    ((a)->s6_addr32[0] == 0 && (a)->s6_addr32[1] == 0 && (a)->s6_addr32[2] == htonl(0xffff))
#define IN6_IS_ADDR_LINKLOCAL(a) ((a)->s6_addr[0] == 0xfe && ((a)->s6_addr[1] & 0xc0) == 0x80)
#define IN6_IS_ADDR_MULTICAST(a) ((a)->s6_addr[0] == 0xff)

/* Byte order: functions, as POSIX has them (their address can be taken). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
static inline uint32_t htonl(uint32_t x)
{
    return x;
}
static inline uint16_t htons(uint16_t x)
{
    return x;
}
#else
static inline uint32_t htonl(uint32_t x)
{
    return __builtin_bswap32(x);
}
static inline uint16_t htons(uint16_t x)
{
    return __builtin_bswap16(x);
}
#endif
static inline uint32_t ntohl(uint32_t x)
{
    return htonl(x);
}
static inline uint16_t ntohs(uint16_t x)
{
    return htons(x);
}

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_NEWLIB_NETINET_IN_H */
