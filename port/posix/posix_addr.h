/**
 * @file
 * @brief The POSIX port's edge between sp_addr and struct sockaddr, and its
 *        name resolution (posix_resolve.c). Port-private.
 */
#ifndef SOCKPORT_POSIX_ADDR_H
#define SOCKPORT_POSIX_ADDR_H

#include <netinet/in.h>
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
