/* sp_addr <-> struct sockaddr. */
#include <stddef.h>
#include <string.h>

#include "posix_addr.h"
#include "posix_errors.h"

int sp_posix_native_family(int family)
{
    switch (family) {
    case SP_AF_INET:
        return AF_INET;
    case SP_AF_INET6:
        return AF_INET6;
    case SP_AF_LOCAL:
        return AF_UNIX;
    default:
        return -1;
    }
}

/* Each case clears only the structure it fills: the union's largest member
 * (sockaddr_un, 110 bytes) would cost every datagram a memset. */
int sp_posix_addr_to_native(const sp_addr *addr, union sp_posix_sockaddr *out, socklen_t *len)
{
    switch (addr->family) {
    case SP_AF_INET:
        memset(&out->in, 0, sizeof out->in);
        out->in.sin_family = AF_INET;
        out->in.sin_port = htons(addr->port);
        memcpy(&out->in.sin_addr, addr->u.v4, sizeof addr->u.v4);
        *len = sizeof out->in;
        return 0;
    case SP_AF_INET6:
        memset(&out->in6, 0, sizeof out->in6);
        out->in6.sin6_family = AF_INET6;
        out->in6.sin6_port = htons(addr->port);
        out->in6.sin6_scope_id = addr->scope_id;
        memcpy(&out->in6.sin6_addr, addr->u.v6, sizeof addr->u.v6);
        *len = sizeof out->in6;
        return 0;
    case SP_AF_LOCAL: {
        /* SP_LOCAL_PATH_MAX is the smallest sun_path of the supported hosts,
         * so a valid sp_addr path (NUL within it) always fits. */
        size_t path_len = strnlen(addr->u.path, sizeof addr->u.path);
        if (path_len >= sizeof addr->u.path || path_len >= sizeof out->un.sun_path)
            return SP_EINVAL;
        memset(&out->un, 0, sizeof out->un);
        out->un.sun_family = AF_UNIX;
        memcpy(out->un.sun_path, addr->u.path, path_len + 1);
        *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len + 1);
        return 0;
    }
    default:
        return SP_EAFNOSUPPORT;
    }
}

/* The path of a local address, if sp_addr can hold it; else "" (unnamed). */
static void local_path_from_native(const struct sockaddr_un *un, socklen_t len, sp_addr *out)
{
    size_t offset = offsetof(struct sockaddr_un, sun_path);
    size_t room = len > offset ? (size_t)len - offset : 0;
    if (room > sizeof un->sun_path)
        room = sizeof un->sun_path;
    size_t path_len = strnlen(un->sun_path, room);
    /* Linux abstract names start with NUL and come out as "" here too. */
    if (path_len >= sizeof out->u.path)
        path_len = 0;
    memcpy(out->u.path, un->sun_path, path_len);
    out->u.path[path_len] = '\0';
}

/* An IP address clears the header fields and the 16 bytes an IPv6 address
 * takes, not the whole sp_addr (its local path makes it over 100 bytes). */
int sp_posix_addr_from_native(const union sp_posix_sockaddr *in, socklen_t len, sp_addr *out)
{
    switch (in->sa.sa_family) {
    case AF_INET:
        out->family = SP_AF_INET;
        out->port = ntohs(in->in.sin_port);
        out->scope_id = 0;
        memset(out->u.v6, 0, sizeof out->u.v6);
        memcpy(out->u.v4, &in->in.sin_addr, sizeof out->u.v4);
        return 0;
    case AF_INET6:
        out->family = SP_AF_INET6;
        out->port = ntohs(in->in6.sin6_port);
        out->scope_id = in->in6.sin6_scope_id;
        memcpy(out->u.v6, &in->in6.sin6_addr, sizeof out->u.v6);
        return 0;
    case AF_UNIX:
        memset(out, 0, sizeof *out);
        out->family = SP_AF_LOCAL;
        local_path_from_native(&in->un, len, out);
        return 0;
    default:
        return SP_EAFNOSUPPORT;
    }
}
