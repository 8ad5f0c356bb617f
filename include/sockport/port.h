/**
 * @file
 * @brief The port boundary: what a TCP/IP stack must provide to sockport.
 *
 * For people writing or configuring a port; portable application code never
 * includes this. A port fills in one const struct sp_port_ops and creates
 * struct sp_stack instances that pair those operations with the port's state.
 * This header is the contract; docs/porting.md explains the reasons and walks
 * through the lwIP port as an example.
 *
 * Rules every operation follows:
 * - **Never block.** Do what can be done now; if the call would have to wait,
 *   return SP_EAGAIN (send, recv, accept) or SP_EINPROGRESS (connect) and let
 *   core wait through poll(). Core owns timeouts, deadlines and non-blocking
 *   mode; a port writes none. (resolve() alone may wait, bounded by its timeout.)
 * - **Core has already checked** the handle, the pointers, the lengths
 *   (<= PTRDIFF_MAX), that an address has the socket's family, and the
 *   socket's state as far as core tracks it (see each operation). A port may
 *   assume those preconditions.
 * - **Return sockport codes only**: >= 0 on success, SP_E* on failure, each
 *   translated from the native error in one table of the port's own. Core
 *   calls every operation through one dispatch point (core/dispatch.c): in
 *   debug builds it asserts that a port returned nothing else; in release
 *   builds another negative value reaches the caller as SP_EIO.
 * - **A NULL operation means "not supported"**: core then returns the error
 *   the public header documents for that case, noted at each operation below
 *   ("NULL:"). A port need not fill in what its stack cannot do.
 * - **Errors that arrive on their own** (a reset, an ICMP error, how a
 *   connect attempt ended) are kept on the socket and reported once:
 *   take_error() returns and clears them, and otherwise the next send or recv
 *   reports them before anything else. After a reset a connection gives
 *   SP_ECONNRESET once, then SP_EPIPE from every send and end of stream (0)
 *   from every recv, as Linux does.
 * - A port calls nothing of core's but what <sockport/sockport.h> offers.
 */
#ifndef SOCKPORT_PORT_H
#define SOCKPORT_PORT_H

#include <stdbool.h>

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A port's own reference to one socket: a file descriptor, a pool index, a
 *  pointer. Make a stale one detectable where the port can (the lwIP port
 *  packs a generation into it: SP_EBADF instead of reaching a new socket). */
typedef intptr_t sp_port_sock;

/**
 * One entry of sp_port_ops.poll(). The port sets @c revents:
 * - SP_POLLIN: data, a datagram, a queued connection, end of stream (the
 *   peer's FIN), or a pending error to read;
 * - SP_POLLOUT: room to send; a connect attempt has ended (either way); a
 *   socket shut for writing (a send would fail at once, so it does not block);
 * - SP_POLLHUP: the peer closed its side (FIN received), or the connection is
 *   gone (reset, aborted); also a stream socket neither connected nor listening;
 * - SP_POLLERR: take_error() would return non-zero;
 * - SP_POLLNVAL: the port no longer knows @c sock (core never passes one it
 *   closed, so this only reports a port's own stale reference).
 * SP_POLLERR and SP_POLLHUP are reported whether asked for or not.
 */
struct sp_port_pollent {
    sp_port_sock sock;
    short events;  /**< SP_POLLIN | SP_POLLOUT */
    short revents; /**< set by the port, as above */
};

/** A port's own reference to one poller (an epoll descriptor, a pool index). */
typedef intptr_t sp_port_poller;

/** What sp_port_ops.poller_ctl() is asked to do. */
enum sp_port_poller_op {
    SP_PORT_POLLER_ADD = 1,
    SP_PORT_POLLER_MODIFY,
    SP_PORT_POLLER_REMOVE,
};

/** A key with this bit names a native descriptor a program added itself
 *  (sp_posix_poller_add_fd()); the port reports it as sock -1, fd = the rest. */
#define SP_PORT_KEY_NATIVE 0x80000000u

struct sp_port_ops {
    /** Short name, "posix", "lwip": shown by sp_stack_name() and test output.
     *  NULL: "(unnamed port)". */
    const char *name;

    /** Milliseconds on the stack's monotonic clock. Core computes every
     *  deadline on it; a port with a simulated clock returns simulated time.
     *  NULL: no clock; every wait with a timeout ends at once (SP_ETIMEDOUT),
     *  and sp_stack_now_ms() gives 0. */
    int64_t (*now_ms)(void *state);

    /**
     * Create a socket. Core checked: @p family and @p type are enum values,
     * @p protocol fits the type (0, or 1..255 for raw), the handle table has room.
     * @return 0 and the reference in @p out;
     *         SP_EAFNOSUPPORT the stack lacks @p family;
     *         SP_EPROTONOSUPPORT the stack lacks @p type in that family (core
     *                         then builds sequenced packets over a stream itself,
     *                         and always builds RDM over datagrams);
     *         SP_EACCES       raw sockets need a privilege the program lacks;
     *         SP_ENOBUFS      out of memory or socket records;
     *         SP_EIO          the stack is not running.
     * NULL: SP_EOPNOTSUPP from sp_socket().
     */
    int (*open)(void *state, int family, int type, int protocol, sp_port_sock *out);

    /**
     * Release the socket. Must not block: data already accepted still goes out
     * in the background, unless SP_OPT_LINGER is 0 (then reset the connection).
     * Core forgets the socket whatever this returns.
     * @return 0; SP_EIO the stack reported a failure (the socket is gone anyway).
     * NULL: 0.
     */
    int (*close)(void *state, sp_port_sock sock);

    /**
     * Bind. Core checked: @p addr has the socket's family; the socket is not
     * yet bound, connected or listening.
     * @return 0;
     *         SP_EADDRINUSE    the address or local path is taken;
     *         SP_EADDRNOTAVAIL the address is not one of the stack's;
     *         SP_EACCES        privileged port, or a path not writable;
     *         SP_EINVAL        the stack refuses the address for this socket;
     *         SP_ENOBUFS.
     * NULL: SP_EOPNOTSUPP.
     */
    int (*bind)(void *state, sp_port_sock sock, const sp_addr *addr);

    /**
     * Listen. Core checked: a connection-oriented type, not connected or
     * connecting; @p backlog >= 1. An unbound socket is bound to an ephemeral
     * port of the wildcard address first. On a listening socket it only
     * changes the backlog and returns 0 (as Linux).
     * @return 0;
     *         SP_EADDRINUSE the implicit bind found no free port, or another
     *                       socket listens on the address;
     *         SP_EINVAL     the socket cannot listen in its state;
     *         SP_ENOBUFS.
     * NULL: SP_EOPNOTSUPP.
     */
    int (*listen)(void *state, sp_port_sock sock, int backlog);

    /**
     * Take one queued connection. Core checked: listening, and the handle
     * table has room for the new socket. @p peer is never NULL.
     * @return 0, the new socket in @p out and its peer in @p peer;
     *         SP_EAGAIN       none queued;
     *         SP_ECONNABORTED a queued connection died before it was taken;
     *         SP_EMFILE, SP_ENOBUFS  out of descriptors or memory.
     * NULL: SP_EOPNOTSUPP.
     */
    int (*accept)(void *state, sp_port_sock sock, sp_port_sock *out, sp_addr *peer);

    /**
     * Start connecting; for datagram and raw sockets set the default peer.
     * Core checked: @p addr has the socket's family; a stream socket is
     * neither listening nor connected, and no attempt of its is under way. A
     * stream whose earlier attempt failed (core reported that attempt) is
     * connected anew: a new attempt, from where the user bound it.
     * @return 0              connected already (datagram and raw: always);
     *         SP_EINPROGRESS the attempt goes on (core waits for SP_POLLOUT,
     *                        then asks take_error() how it ended);
     *         SP_ECONNREFUSED nobody listens there (also a full local listener);
     *         SP_ENOENT      a local path that does not exist;
     *         SP_ENETUNREACH, SP_EHOSTUNREACH  no route;
     *         SP_EADDRNOTAVAIL no local address or port to connect from;
     *         SP_EACCES      broadcast without SP_OPT_BROADCAST, or a firewall;
     *         SP_ETIMEDOUT, SP_ENOBUFS.
     *         Never SP_EAGAIN.
     * NULL: SP_EOPNOTSUPP.
     */
    int (*connect)(void *state, sp_port_sock sock, const sp_addr *addr);

    /**
     * Dissolve a datagram or raw socket's association, as Linux's connect()
     * with AF_UNSPEC: no default destination (a send without one is
     * SP_EDESTADDRREQ), datagrams from any sender taken again, an address the
     * user bound kept; unless @p keep_port (the user bound a nonzero port),
     * the port the socket took is given back, so that it is named 0 until the
     * next send or connect takes one. Datagrams already queued stay, and so
     * does a pending error (Linux reports it after the disconnect too). Core
     * calls it for an unconnected socket as well (Linux answers 0 there).
     * @return 0; SP_ENOBUFS.
     * NULL: SP_EAFNOSUPPORT (the caller's SP_AF_UNSPEC address is refused).
     */
    int (*disconnect)(void *state, sp_port_sock sock, bool keep_port);

    /**
     * Return and clear the socket's pending error: how a connect attempt ended,
     * an asynchronous reset, an ICMP error of a connected datagram socket.
     * @return 0 if none; else the error (SP_ECONNREFUSED, SP_ECONNRESET,
     *         SP_ETIMEDOUT, SP_ENETUNREACH, SP_EHOSTUNREACH...), once.
     * NULL: 0 (the port keeps no pending errors).
     */
    int (*take_error)(void *state, sp_port_sock sock);

    /**
     * End a stream's connect attempt that failed, now that sp_connect() has
     * reported the failure: the socket is new again. Linux's connect()
     * disconnects the socket then (a later SO_ERROR alone does not): the
     * address reverts to the one the user bound, or the wildcard, while the
     * port stays named although only a port the user chose is still held;
     * bind, listen and connect work anew. Core has taken the attempt's error
     * (take_error()) before.
     * NULL: nothing to do (the port makes the socket new at its next bind,
     * listen or connect, and names its address as after the failure).
     */
    void (*end_attempt)(void *state, sp_port_sock sock);

    /**
     * Send. @p to is NULL for a connected socket. A stream takes what fits now;
     * a message socket takes all of @p buf or nothing. Core checked: a stream is
     * connected and not shut for writing by sp_shutdown(); a message socket
     * without @p to has a default peer; a UDP or raw message is at most
     * 65 535 bytes (the family's own limit, headers counted, is the port's to
     * check, after the broadcast check as Linux);
     * flags hold only SP_MSG_DONTWAIT (ignore it: never wait anyway).
     * @return the bytes taken (> 0 on a stream; @p len for a message);
     *         SP_EAGAIN     no room now;
     *         SP_EPIPE      the connection is gone (after its reset was reported)
     *                       or the socket is shut for writing;
     *         SP_ECONNRESET the peer reset the connection (once, then SP_EPIPE);
     *         SP_ECONNREFUSED a connected datagram socket's peer port is closed;
     *         SP_EMSGSIZE   a message over the stack's own limit;
     *         SP_EACCES     broadcast without SP_OPT_BROADCAST;
     *         SP_EDESTADDRREQ, SP_ENOBUFS, SP_ENETUNREACH, SP_EHOSTUNREACH.
     * NULL: SP_EOPNOTSUPP.
     */
    ptrdiff_t (*send)(void *state, sp_port_sock sock, const void *buf, size_t len, int flags,
                      const sp_addr *to);

    /**
     * Receive. A stream returns what is there; a message socket one whole
     * message, returning its FULL length even if longer than @p len (core
     * clamps unless the caller asked SP_MSG_TRUNC). @p from may be NULL (core
     * names a connection's peer: connection_peer). flags: SP_MSG_PEEK honoured,
     * SP_MSG_DONTWAIT and SP_MSG_TRUNC ignored.
     * @return bytes (> 0), or the message's full length (>= 0);
     *         0             end of stream (the peer's FIN, or after a reset
     *                       was reported), or this side shut for reading;
     *         SP_EAGAIN     nothing there now;
     *         SP_ECONNRESET the peer reset the connection (once);
     *         SP_ECONNREFUSED a connected datagram socket's peer port is closed;
     *         SP_ENOTCONN   a stream not connected.
     * NULL: SP_EOPNOTSUPP.
     */
    ptrdiff_t (*recv)(void *state, sp_port_sock sock, void *buf, size_t len, int flags,
                      sp_addr *from);

    /**
     * Shut down a direction (enum sp_shutdown_how). Core checked: @p how is
     * valid, and the socket is connected. A shutdown for writing sends the
     * FIN after what is queued.
     * @return 0; SP_ENOTCONN the connection is gone; SP_ENOBUFS.
     * NULL: SP_EOPNOTSUPP.
     */
    int (*shutdown)(void *state, sp_port_sock sock, int how);

    /**
     * The socket's own address (the wildcard, port 0, before bind; a local
     * socket's path, "" when unnamed).
     * @return 0; SP_ENOBUFS. NULL: SP_EOPNOTSUPP.
     */
    int (*local_addr)(void *state, sp_port_sock sock, sp_addr *out);

    /**
     * The connected peer's address.
     * @return 0; SP_ENOTCONN not connected (or no longer: after a reset).
     * NULL: SP_EOPNOTSUPP.
     */
    int (*peer_addr)(void *state, sp_port_sock sock, sp_addr *out);

    /**
     * Portable options that reach the stack (core itself keeps NONBLOCK,
     * RCVTIMEO, SNDTIMEO, TYPE, FAMILY, ERROR and the RDM options). Core
     * checked: the option exists, applies to the socket's family and type
     * (NODELAY only on IP streams, BROADCAST only on message sockets...), and
     * the value is in range.
     * @return 0; SP_ENOPROTOOPT the stack lacks the option; SP_EINVAL the
     *         stack refuses the value.
     * NULL: SP_ENOPROTOOPT.
     */
    int (*set_option)(void *state, sp_port_sock sock, int option, int value);
    /** Read a portable option, as set_option(). @p value is never NULL.
     *  @return 0; SP_ENOPROTOOPT. NULL: SP_ENOPROTOOPT. */
    int (*get_option)(void *state, sp_port_sock sock, int option, int *value);

    /**
     * Native pass-through options: the stack's own levels and names, as its
     * public header (posix.h, lwip.h) documents them. Core checked only the
     * pointers (@p value may be NULL when @p len is 0).
     * @return 0; SP_ENOPROTOOPT unknown level or name; SP_EINVAL a bad value or
     *         length; another code as the port's header documents.
     * NULL: SP_ENOPROTOOPT.
     */
    int (*set_native_option)(void *state, sp_port_sock sock, int level, int name, const void *value,
                             size_t len);
    /** As set_native_option(); @p len is in: room in @p value, out: bytes stored. */
    int (*get_native_option)(void *state, sp_port_sock sock, int level, int name, void *value,
                             size_t *len);

    /**
     * Report readiness of @p n sockets in their revents (see struct
     * sp_port_pollent), waiting up to @p timeout_ms (-1: no limit, 0: just
     * look) for at least one to be ready. While waiting the port keeps its
     * stack running (lwIP: driver input, timers, an idle hook). @p n may be
     * 0: then just run the stack for @p timeout_ms (sp_stack_pump()). Core
     * only ever passes open sockets of this stack, and @p n <= SP_MAX_SOCKETS
     * (a port may size its scratch space by that). A socket may be in more
     * than one entry (an sp_poll() caller listed it twice): each entry is
     * answered for its own events, as poll(2) does.
     * @return the number of entries with revents != 0 (0: the time passed);
     *         SP_ENOBUFS no memory for the wait.
     * NULL: SP_EOPNOTSUPP from every call that has to wait or poll.
     */
    int (*poll)(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms);

    /**
     * Resolve a host name that is neither numeric nor "localhost" (core
     * answers those) to up to @p max addresses of @p family (SP_AF_UNSPEC:
     * any), port 0, within @p timeout_ms. The only operation that may wait:
     * bounded by its timeout, and the lwIP port keeps its stack running meanwhile.
     * @return the number of addresses stored (0 counts as SP_ENONAME);
     *         SP_ENONAME   no such name, or no address of @p family;
     *         SP_ENAMETEMP no answer from the resolver, try later;
     *         SP_ETIMEDOUT no answer within @p timeout_ms;
     *         SP_ENOBUFS.
     * NULL: SP_ENONAME for every such name.
     */
    int (*resolve)(void *state, const char *host, int family, sp_addr *out, size_t max,
                   int timeout_ms);

    /**
     * Fill @p buf with @p len unpredictable bytes: what core draws identifiers
     * from that must differ between runs and reboots (RDM sessions). The host
     * kernel's generator, a hardware RNG, or a board's best weak source (say
     * so in its documentation). Must not block for long.
     * @return 0; SP_EIO no entropy available now.
     * NULL (or SP_EIO): core falls back to mixing the clock with a counter,
     * which a device that reboots may repeat (docs/rdm.md).
     */
    int (*entropy)(void *state, void *buf, size_t len);

    /* A persistent readiness set (sp_poller_*). All four, or none: with none,
     * core holds the set itself and polls every member on each wait. */

    /** Make an empty poller. SP_ENOBUFS when the port has no room for one. */
    int (*poller_open)(void *state, sp_port_poller *out);
    /** Release it; core removed its sockets first. */
    void (*poller_close)(void *state, sp_port_poller poller);
    /** Add @p sock with @p events (SP_POLLIN|SP_POLLOUT, maybe 0), change its
     *  events, or remove it. @p key (< SP_PORT_KEY_NATIVE) is what poller_wait
     *  reports for it. Core checked: the socket is of this stack, added once,
     *  and removed before it is closed. Return 0 or SP_ENOBUFS. */
    int (*poller_ctl)(void *state, sp_port_poller poller, int op, sp_port_sock sock, uint32_t key,
                      short events);
    /** Level-triggered wait, as poll() above: keep the stack running up to
     *  @p timeout_ms until a member is ready, then store up to @p max ready
     *  members in @p out (sock = its key, fd = -1; a native descriptor:
     *  sock = -1, fd = the descriptor) with revents restricted to its
     *  events | SP_POLLERR | SP_POLLHUP. Return how many were stored. When more
     *  are ready than fit, report the others first next time. */
    int (*poller_wait)(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                       int timeout_ms);

    /**
     * Optional, for speed: send() and recv() once more, with the arguments in
     * the order sp_sendto() and sp_recvfrom() take them and the state last,
     * so that core's common path hands on what its caller passed without
     * moving it (and a POSIX-like port hands it on to its system call the
     * same way). The same preconditions, contract and results as send() and
     * recv(), except a failure's where the port has direct_failure (below).
     * Core's common path calls these for a stream or datagram socket
     * whose state core has settled (see enum spc_fast in core/core.h); every
     * other data call goes through send() and recv(). A port that fills
     * these in fills in send and recv as well.
     * NULL: every data call takes core's general path, with all its checks,
     * to send() and recv() (the same results, more instructions per call).
     * Core built for size (-Os) has no fast path and never calls these
     * (SPC_FAST_PATH in core/core.h).
     */
    ptrdiff_t (*send_direct)(sp_port_sock sock, const void *buf, size_t len, int flags,
                             const sp_addr *to, void *state);
    ptrdiff_t (*recv_direct)(sp_port_sock sock, void *buf, size_t len, int flags, sp_addr *from,
                             void *state);
    /**
     * Optional, with send_direct and recv_direct, for a port whose system
     * calls report a failure as -1 with its reason kept elsewhere (errno):
     * then the direct forms may end in a tail call to the system call's
     * wrapper and return what it returned, leaving nothing to do after it.
     * That saves a return on the way back from every call, and a return
     * right after a system call costs a misprediction on hosts whose kernel
     * refills the return predictor (bench/README.md measures it).
     * When this is set, a negative result of send_direct or recv_direct is
     * no code: core calls this right after, before anything that could
     * change the kept reason, with @p receiving true after recv_direct, and
     * takes what it returns as the code send() or recv() would have
     * returned for that failure.
     * NULL: send_direct and recv_direct return codes, as send() and recv().
     */
    int (*direct_failure)(void *state, bool receiving);

    /**
     * The peer of a connection-oriented socket, for sp_recvfrom() (which
     * names a connection's sender even once the peer has reset it): as
     * peer_addr(), but also after the connection was reset or closed by both
     * sides, until close() (peer_addr() says SP_ENOTCONN then, as Linux's
     * getpeername()). Core asks after a recv() of such a socket returned
     * >= 0 for a caller that wants the sender. Keep what it takes outside the
     * per-socket record where RAM is scarce (the lwIP port copies the peer
     * into its shared queue-node pool when lwIP lets go of the connection).
     * @return 0; SP_ENOTCONN never connected, or the port could not keep it
     *         (the caller then gets an unnamed address; say when, in the
     *         port's documentation).
     * NULL: core keeps each connection's peer itself from when it is
     * established, in an array of SP_MAX_SOCKETS peers (24 bytes each) that
     * exists only in builds with SP_KEEP_PEERS (CMake SOCKPORT_KEEP_PEERS:
     * on by default, off when cross-compiling); without it core asks
     * peer_addr(), which cannot answer after a reset.
     */
    int (*connection_peer)(void *state, sp_port_sock sock, sp_addr *out);
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

/**
 * @brief For a port's own extensions of the poller (sp_posix_poller_add_fd()):
 *        the stack and the port's reference of an open poller.
 * @return 0; SP_EBADF not an open poller; SP_EOPNOTSUPP core's generic poller
 *         (the port has no poller operations).
 */
int sp_port_poller_of(int poller, sp_stack **stack, sp_port_poller *native);

/**
 * @brief For a port's own extensions (sp_posix_native_fd()): the stack and the
 *        port's reference of an open socket.
 * @return 0; SP_EBADF not an open handle; SP_EOPNOTSUPP a socket core builds
 *         a service over (its native socket does not carry the user's data as is).
 */
int sp_port_socket_of(int sock, sp_stack **stack, sp_port_sock *native);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_PORT_H */
