/**
 * @file
 * @brief The POSIX port's edge between sp_addr and struct sockaddr, and its
 *        name resolution (posix_resolve.c). Port-private.
 */
#ifndef SOCKPORT_POSIX_ADDR_H
#define SOCKPORT_POSIX_ADDR_H

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <sockport/sockport.h>

/** Every address family this port speaks, in one object: the syscalls take
 *  &u.sa, the conversions read the member of the family, and no pointer cast
 *  (with its alignment and aliasing questions) is needed. */
union sp_posix_sockaddr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
};

/** The IP families only: what the data calls build and read in place, on
 *  every send and receive with an address (28 bytes; the union above is 128,
 *  for a local path). */
union sp_posix_ip_sockaddr {
    struct sockaddr sa;
    struct sockaddr_in in;
    struct sockaddr_in6 in6;
};

/* The conversions of the IP families, inline for the data calls. Each
 * clears only the structure it fills: an sp_addr (and the big union) is
 * over 100 bytes, and a memset of that costs every datagram. */

static inline void sp_posix_in_from_addr(const sp_addr *addr, struct sockaddr_in *out)
{
    memset(out, 0, sizeof *out);
    out->sin_family = AF_INET;
    out->sin_port = htons(addr->port);
    memcpy(&out->sin_addr, addr->u.v4, sizeof addr->u.v4);
}

static inline void sp_posix_in6_from_addr(const sp_addr *addr, struct sockaddr_in6 *out)
{
    memset(out, 0, sizeof *out);
    out->sin6_family = AF_INET6;
    out->sin6_port = htons(addr->port);
    out->sin6_scope_id = addr->scope_id;
    memcpy(&out->sin6_addr, addr->u.v6, sizeof addr->u.v6);
}

/* An IPv4 address clears the 16 bytes an IPv6 one takes, not the whole
 * sp_addr: its local path makes it over 100 bytes. */
static inline void sp_posix_addr_from_in(const struct sockaddr_in *in, sp_addr *out)
{
    out->family = SP_AF_INET;
    out->port = ntohs(in->sin_port);
    out->scope_id = 0;
    memset(out->u.v6, 0, sizeof out->u.v6);
    memcpy(out->u.v4, &in->sin_addr, sizeof out->u.v4);
}

static inline void sp_posix_addr_from_in6(const struct sockaddr_in6 *in6, sp_addr *out)
{
    out->family = SP_AF_INET6;
    out->port = ntohs(in6->sin6_port);
    out->scope_id = in6->sin6_scope_id;
    memcpy(out->u.v6, &in6->sin6_addr, sizeof out->u.v6);
}

/** The native AF_* of an enum sp_family value; -1 for one the port lacks. */
int sp_posix_native_family(int family);

/**
 * @brief Convert @p addr into @p out, setting @p len to the bytes that count.
 * @return 0; SP_EAFNOSUPPORT for a family the port lacks.
 */
int sp_posix_addr_to_native(const sp_addr *addr, union sp_posix_sockaddr *out, socklen_t *len);

/**
 * @brief Convert the @p len bytes of @p in (as a syscall returned them) into @p out.
 *
 * A local address without a path that sp_addr can hold (an unbound peer,
 * Linux's abstract names, a path longer than SP_LOCAL_PATH_MAX - 1) becomes
 * SP_AF_LOCAL with an empty path.
 * @return 0; SP_EAFNOSUPPORT for a family the port does not speak.
 */
int sp_posix_addr_from_native(const union sp_posix_sockaddr *in, socklen_t len, sp_addr *out);

/** The resolve operation of struct sp_port_ops; see posix_resolve.c. */
int sp_posix_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                     int timeout_ms);

#endif /* SOCKPORT_POSIX_ADDR_H */
