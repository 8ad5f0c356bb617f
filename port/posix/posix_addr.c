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

/* Each case clears only the structure it fills (see posix_addr.h). */
int sp_posix_addr_to_native(const sp_addr *addr, union sp_posix_sockaddr *out, socklen_t *len)
{
    switch (addr->family) {
    case SP_AF_INET:
        sp_posix_in_from_addr(addr, &out->in);
        *len = sizeof out->in;
        return 0;
    case SP_AF_INET6:
        sp_posix_in6_from_addr(addr, &out->in6);
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

int sp_posix_addr_from_native(const union sp_posix_sockaddr *in, socklen_t len, sp_addr *out)
{
    switch (in->sa.sa_family) {
    case AF_INET:
        sp_posix_addr_from_in(&in->in, out);
        return 0;
    case AF_INET6:
        sp_posix_addr_from_in6(&in->in6, out);
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
