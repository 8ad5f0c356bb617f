/**
 * @file
 * @brief The port boundary: what a TCP/IP stack must provide to sockport.
 *
 * For people writing or configuring a port; portable application code never
 * includes this. A port fills in one const struct sp_port_ops and creates
 * struct sp_stack instances that pair those operations with the port's state.
 *
 * The contract every operation follows:
 * - **Never block.** Do what can be done now; if the call would have to wait,
 *   return SP_EAGAIN (send, recv, accept) and let core wait through poll().
 *   Core owns timeouts, deadlines and non-blocking mode; a port writes none.
 * - **Core has already checked** the handle, the pointers, the lengths
 *   (<= PTRDIFF_MAX), that an address has the socket's family, and the
 *   socket's state as far as core tracks it (see each operation). A port may
 *   assume those preconditions.
 * - **Return sockport codes only**: >= 0 on success, SP_E* on failure, each
 *   translated from the native error in one table of the port's own.
 * - A NULL operation means "not supported": core then returns the error the
 *   public header documents for that case (SP_EOPNOTSUPP, SP_ENOPROTOOPT...).
 */
#ifndef SOCKPORT_PORT_H
#define SOCKPORT_PORT_H

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A port's own reference to one socket: a file descriptor, a pool index, a pointer. */
typedef intptr_t sp_port_sock;

/** One entry of sp_port_ops.poll(). */
struct sp_port_pollent {
    sp_port_sock sock;
    short events;  /**< SP_POLLIN | SP_POLLOUT */
    short revents; /**< set by the port: SP_POLLIN/OUT/ERR/HUP as sp_poll() documents */
};

struct sp_port_ops {
    /** Short name, "posix", "lwip": shown by sp_stack_name() and test output. */
    const char *name;

    /** Milliseconds on the stack's monotonic clock. Core computes every
     *  deadline on it; a port with a simulated clock returns simulated time. */
    int64_t (*now_ms)(void *state);

    /** Create a socket. @p family and @p type are valid enum values; protocol is
     *  0 or a protocol number. Return SP_EAFNOSUPPORT for a family the stack lacks,
     *  SP_EPROTONOSUPPORT for a type it lacks in that family (core may then
     *  build the type itself over another, e.g. sequenced packets over streams). */
    int (*open)(void *state, int family, int type, int protocol, sp_port_sock *out);

    /** Release the socket. Must not block; honour SP_OPT_LINGER 0 by resetting.
     *  Core forgets the socket whatever this returns. */
    int (*close)(void *state, sp_port_sock sock);

    /** Bind. Core checked: @p addr has the socket's family; the socket is not yet
     *  bound, connected or listening. */
    int (*bind)(void *state, sp_port_sock sock, const sp_addr *addr);

    /** Listen. Core checked: connection-oriented type, not connected/connecting;
     *  backlog >= 1. The port binds an unbound socket to an ephemeral port. On a
     *  listening socket it only changes the backlog and returns 0 (as Linux). */
    int (*listen)(void *state, sp_port_sock sock, int backlog);

    /** Take one queued connection, or SP_EAGAIN. Core checked: listening, and the
     *  handle table has room for the new socket. @p peer may be NULL. */
    int (*accept)(void *state, sp_port_sock sock, sp_port_sock *out, sp_addr *peer);

    /** Start connecting. Return 0 if connected already, SP_EINPROGRESS if the
     *  attempt goes on (core then waits for SP_POLLOUT and asks take_error()),
     *  or the failure. For datagram/raw sockets: set the default peer, return 0.
     *  A stream whose earlier attempt failed (core reported that attempt) is
     *  connected anew: a new attempt, from where the user bound it. */
    int (*connect)(void *state, sp_port_sock sock, const sp_addr *addr);

    /** Return and clear the socket's pending error (0 if none): how a connect
     *  attempt ended, an asynchronous reset, an ICMP error. */
    int (*take_error)(void *state, sp_port_sock sock);

    /** Send. @p to is NULL for connected sockets. Stream: take what fits (> 0)
     *  or SP_EAGAIN; message: all or SP_EAGAIN. Core checked: stream connected and
     *  not shut for writing; flags hold only SP_MSG_DONTWAIT (ignore it). */
    ptrdiff_t (*send)(void *state, sp_port_sock sock, const void *buf, size_t len, int flags,
                      const sp_addr *to);

    /** Receive. Stream: > 0 bytes, 0 at end of stream, or SP_EAGAIN. Message:
     *  one message, returning its FULL length even if longer than @p len (core
     *  clamps unless the caller asked SP_MSG_TRUNC). @p from may be NULL.
     *  flags: SP_MSG_PEEK honoured, SP_MSG_DONTWAIT/SP_MSG_TRUNC ignored. */
    ptrdiff_t (*recv)(void *state, sp_port_sock sock, void *buf, size_t len, int flags,
                      sp_addr *from);

    /** Shut down a direction (enum sp_shutdown_how). Core checked: connected. */
    int (*shutdown)(void *state, sp_port_sock sock, int how);

    /** The socket's own / peer's address. */
    int (*local_addr)(void *state, sp_port_sock sock, sp_addr *out);
    int (*peer_addr)(void *state, sp_port_sock sock, sp_addr *out);

    /** Portable options that reach the stack (core itself handles NONBLOCK,
     *  RCVTIMEO, SNDTIMEO, TYPE, FAMILY, ERROR). Core checked the value's range.
     *  Return SP_ENOPROTOOPT where the option does not apply or the stack lacks it. */
    int (*set_option)(void *state, sp_port_sock sock, int option, int value);
    int (*get_option)(void *state, sp_port_sock sock, int option, int *value);

    /** Native pass-through options; may be NULL (then SP_ENOPROTOOPT). */
    int (*set_native_option)(void *state, sp_port_sock sock, int level, int name,
                             const void *value, size_t len);
    int (*get_native_option)(void *state, sp_port_sock sock, int level, int name, void *value,
                             size_t *len);

    /** Report readiness of @p n sockets in revents, waiting up to @p timeout_ms
     *  (-1: no limit, 0: just look) for at least one to be ready. While waiting
     *  the port keeps its stack running (lwIP: driver input, timers, idle hook).
     *  @p n may be 0: then just run the stack for @p timeout_ms.
     *  Return the number of entries with revents != 0. Core only ever passes
     *  sockets of this stack. */
    int (*poll)(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms);

    /** Resolve a non-numeric host name to up to @p max addresses of @p family
     *  (SP_AF_UNSPEC: any), port 0, within @p timeout_ms. May be NULL (then
     *  SP_ENONAME for every name). Return the count or SP_ENONAME /
     *  SP_ENAMETEMP / SP_ETIMEDOUT. This one may block: it is bounded by its
     *  timeout, and the lwIP port keeps its stack running meanwhile. */
    int (*resolve)(void *state, const char *host, int family, sp_addr *out, size_t max,
                   int timeout_ms);
};

/** A stack instance. Ports create and own these (often static storage). */
struct sp_stack {
    const struct sp_port_ops *ops;
    void *state;
};

/**
 * @brief The default stack of the port a build chose as default.
 *
 * Exactly one "default" object linked into a program defines it (each port
 * ships one: port/posix/posix_default.c, port/lwip/lwip_default.c);
 * sp_default_stack() calls it once, on first use.
 */
sp_stack *sp_port_default_stack(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_PORT_H */
