/*
 * The POSIX port's one error table: errno -> sockport code, then the few
 * per-call exceptions, then the c-ares statuses of name lookups. Every failure of this port
 * goes through here, so a native code never reaches a caller.
 *
 * The tables are arrays scanned in order rather than switch statements,
 * because several errno names share a value on some hosts (EAGAIN and
 * EWOULDBLOCK, EOPNOTSUPP and ENOTSUP on Linux) and differ on others.
 */
#include <errno.h>
#include <ares.h>
#include <stddef.h>

#include <sockport/sockport.h>

#include "posix_errors.h"

struct errno_row {
    int native;
    int code;
};

static const struct errno_row errno_table[] = {
    {EAGAIN, SP_EAGAIN},
    {EWOULDBLOCK, SP_EAGAIN},
    {EINPROGRESS, SP_EINPROGRESS},
    {EALREADY, SP_EALREADY},
    {EISCONN, SP_EISCONN},
    {ENOTCONN, SP_ENOTCONN},
    {EBADF, SP_EBADF},
    {ENOTSOCK, SP_EBADF},
    {EINVAL, SP_EINVAL},
    {EFAULT, SP_EINVAL},
    {ENAMETOOLONG, SP_EINVAL},
    {EMFILE, SP_EMFILE},
    {ENFILE, SP_ENOBUFS},
    {ENOBUFS, SP_ENOBUFS},
    {ENOMEM, SP_ENOBUFS},
    {EAFNOSUPPORT, SP_EAFNOSUPPORT},
    {EPROTONOSUPPORT, SP_EPROTONOSUPPORT},
#ifdef ESOCKTNOSUPPORT
    {ESOCKTNOSUPPORT, SP_EPROTONOSUPPORT},
#endif
    {EPROTOTYPE, SP_EPROTONOSUPPORT},
    {EOPNOTSUPP, SP_EOPNOTSUPP},
    {ENOTSUP, SP_EOPNOTSUPP},
    {ETIMEDOUT, SP_ETIMEDOUT},
    {ECONNREFUSED, SP_ECONNREFUSED},
    {ECONNRESET, SP_ECONNRESET},
    {ECONNABORTED, SP_ECONNABORTED},
    {EADDRINUSE, SP_EADDRINUSE},
    {EADDRNOTAVAIL, SP_EADDRNOTAVAIL},
    {EMSGSIZE, SP_EMSGSIZE},
    {ENETUNREACH, SP_ENETUNREACH},
    {ENETDOWN, SP_ENETUNREACH},
    {EHOSTUNREACH, SP_EHOSTUNREACH},
#ifdef EHOSTDOWN
    {EHOSTDOWN, SP_EHOSTUNREACH},
#endif
    {EPIPE, SP_EPIPE},
#ifdef ESHUTDOWN
    {ESHUTDOWN, SP_EPIPE},
#endif
    {EACCES, SP_EACCES},
    {EPERM, SP_EACCES}, /* raw sockets without privilege; firewall verdicts */
    {EROFS, SP_EACCES},
    {EDESTADDRREQ, SP_EDESTADDRREQ},
    {ENOENT, SP_ENOENT}, /* the only missing file a socket call meets is a local path */
    {ENOTDIR, SP_ENOENT},
    {ELOOP, SP_ENOENT},
    {ENOPROTOOPT, SP_ENOPROTOOPT},
    {EIO, SP_EIO},
};

struct override_row {
    enum sp_posix_call call;
    int native;
    int code;
};

/* Where the general row would tell the caller something untrue for this call. */
static const struct override_row override_table[] = {
    /* socket(): Linux says EINVAL for a protocol the family does not know. */
    {SP_POSIX_CALL_OPEN, EINVAL, SP_EPROTONOSUPPORT},
    /* A local listener with a full queue: Linux says EAGAIN, the BSDs
     * ECONNREFUSED. One code on every host, and never SP_EAGAIN, which the
     * connect op may not return. */
    {SP_POSIX_CALL_CONNECT, EAGAIN, SP_ECONNREFUSED},
    /* Interrupted, a connect attempt goes on in the background (POSIX);
     * calling connect() again would only say EALREADY. */
    {SP_POSIX_CALL_CONNECT, EINTR, SP_EINPROGRESS},
    {SP_POSIX_CALL_CONNECT, EWOULDBLOCK, SP_ECONNREFUSED},
    /* A local path bound by a socket of another type: nobody of this type listens. */
    {SP_POSIX_CALL_CONNECT, EPROTOTYPE, SP_ECONNREFUSED},
    {SP_POSIX_CALL_SEND, EPROTOTYPE, SP_ECONNREFUSED},
    /* ICMP protocol unreachable, pending on a raw socket: the peer refused
     * that protocol, as port unreachable refuses a port (sp_send and sp_recv
     * list SP_ECONNREFUSED; SP_ENOPROTOOPT is about options). */
    {SP_POSIX_CALL_SEND, ENOPROTOOPT, SP_ECONNREFUSED},
    {SP_POSIX_CALL_RECV, ENOPROTOOPT, SP_ECONNREFUSED},
    /* A signal interrupted a send or receive before it moved anything: as
     * a would-block, so that the caller waits (if it may) and calls again
     * (posix_port.c, the data calls). */
    {SP_POSIX_CALL_SEND, EINTR, SP_EAGAIN},
    {SP_POSIX_CALL_RECV, EINTR, SP_EAGAIN},
    /* An unconnected local datagram socket sending without an address. */
    {SP_POSIX_CALL_SEND, ENOTCONN, SP_EDESTADDRREQ},
    /* Linux hands accept() the network error of a queued connection that died. */
    {SP_POSIX_CALL_ACCEPT, EPROTO, SP_ECONNABORTED},
    {SP_POSIX_CALL_ACCEPT, ENETDOWN, SP_ECONNABORTED},
    {SP_POSIX_CALL_ACCEPT, ENETUNREACH, SP_ECONNABORTED},
    {SP_POSIX_CALL_ACCEPT, EHOSTUNREACH, SP_ECONNABORTED},
    {SP_POSIX_CALL_ACCEPT, ENOPROTOOPT, SP_ECONNABORTED},
    /* An option the socket's family or type lacks (TCP_NODELAY on a local socket). */
    {SP_POSIX_CALL_OPTION, EOPNOTSUPP, SP_ENOPROTOOPT},
    {SP_POSIX_CALL_OPTION, ENOTSUP, SP_ENOPROTOOPT},
};

/* The code of @p native in @p rows, or SP_EIO if it has none. */
static int find_code(const struct errno_row *rows, size_t count, int native)
{
    for (size_t i = 0; i < count; i++) {
        if (rows[i].native == native)
            return rows[i].code;
    }
    return SP_EIO;
}

int sp_posix_error(enum sp_posix_call call, int native)
{
    /* The failure of every non-blocking call that would wait: first, not
     * after a scan of the per-call exceptions. */
    if (native == EAGAIN || native == EWOULDBLOCK)
        return SP_EAGAIN;
    for (size_t i = 0; i < sizeof override_table / sizeof override_table[0]; i++) {
        if (override_table[i].call == call && override_table[i].native == native)
            return override_table[i].code;
    }
    return find_code(errno_table, sizeof errno_table / sizeof errno_table[0], native);
}

/* c-ares statuses (ares.h) of a lookup that failed. */
static const struct errno_row resolve_table[] = {
    {ARES_ENOTFOUND, SP_ENONAME}, /* NXDOMAIN, or no such entry in the hosts file */
    {ARES_ENODATA, SP_ENONAME},   /* the name exists, without an address of this family */
    {ARES_ENONAME, SP_ENONAME},
    {ARES_EBADNAME, SP_ENONAME},    /* no name could be built from the text */
    {ARES_ESERVFAIL, SP_ENAMETEMP}, /* the server failed: maybe later */
    {ARES_EREFUSED, SP_ENAMETEMP},
    {ARES_ENOTIMP, SP_ENAMETEMP},
    {ARES_EFORMERR, SP_ENAMETEMP},
    {ARES_EBADRESP, SP_ENAMETEMP},
    {ARES_ECONNREFUSED, SP_ENAMETEMP}, /* nobody at the server's address */
    {ARES_ETIMEOUT, SP_ENAMETEMP},     /* c-ares gave up retrying (no deadline of ours) */
    {ARES_EFILE, SP_ENAMETEMP},        /* resolv.conf unreadable */
    {ARES_ECANCELLED, SP_ETIMEDOUT},   /* the call's deadline passed */
    {ARES_EDESTRUCTION, SP_ETIMEDOUT},
    {ARES_ENOMEM, SP_ENOBUFS},
};

int sp_posix_resolve_error(int ares_status)
{
    return find_code(resolve_table, sizeof resolve_table / sizeof resolve_table[0], ares_status);
}
