/**
 * @file
 * @brief sockport: one socket API over swappable TCP/IP stacks.
 *
 * The only header an application includes. The same program builds on the
 * POSIX port (the host kernel's BSD sockets) and on the lwIP port (lwIP's raw
 * API with NO_SYS=1, bare metal), and sees the same behaviour and the same
 * error codes on both.
 *
 * Conventions that hold for every function below:
 * - Every call returns a value >= 0 on success and a negative SP_E* code
 *   (see <sockport/errors.h>) on failure. Native codes (errno, lwIP err_t)
 *   never reach the caller.
 * - Sockets are int handles. A handle carries a generation, so a handle used
 *   after sp_close() gets SP_EBADF even if its table slot was reused.
 * - Every bad handle (negative, never issued, closed) gives SP_EBADF; every
 *   NULL pointer where one is required, and every length over PTRDIFF_MAX,
 *   gives SP_EINVAL. Checks happen before the stack is touched.
 * - Timeouts are in milliseconds: SP_FOREVER (-1) waits without limit, 0 does
 *   not wait at all. Each call turns its timeout into one deadline at its start,
 *   so a call never takes (much) longer than its timeout, however many partial
 *   steps it makes.
 * - A call that needs an operation the stack's port does not provide (a port
 *   may leave out what its stack cannot do, see <sockport/port.h>) returns
 *   SP_EOPNOTSUPP; options then give SP_ENOPROTOOPT and names SP_ENONAME.
 *   Each call's list below includes these.
 * - Threads: sockport keeps no locks. Call it from one thread, or serialise
 *   the calls yourself. On the lwIP port the calls themselves run the stack.
 */
#ifndef SOCKPORT_SOCKPORT_H
#define SOCKPORT_SOCKPORT_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/errors.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SOCKPORT_VERSION_MAJOR 0
#define SOCKPORT_VERSION_MINOR 1
#define SOCKPORT_VERSION_PATCH 0

/** Wait without limit. */
#define SP_FOREVER (-1)

/* ------------------------------------------------------------------------ */
/* Families, types, protocols                                               */
/* ------------------------------------------------------------------------ */

/** Address families. */
enum sp_family {
    SP_AF_UNSPEC = 0, /**< any family (resolution hints only) */
    SP_AF_INET = 1,   /**< IPv4 */
    SP_AF_INET6 = 2,  /**< IPv6 */
    SP_AF_LOCAL = 3,  /**< local (UNIX-domain) path; not on lwIP */
};

/** Socket types: the four socket types and the acknowledged-datagram service. */
enum sp_type {
    SP_SOCK_STREAM = 1,    /**< connection-oriented byte stream (TCP, local stream) */
    SP_SOCK_DGRAM = 2,     /**< connectionless datagrams (UDP, local datagram) */
    SP_SOCK_RAW = 3,       /**< raw IP packets of one protocol (needs privileges on POSIX) */
    SP_SOCK_SEQPACKET = 4, /**< connection-oriented, record boundaries kept */
    SP_SOCK_RDM = 5,       /**< connectionless with acknowledgement, built in core */
};

/** IANA protocol numbers for sp_socket()'s protocol argument (0 = the type's default). */
enum sp_protocol {
    SP_IPPROTO_DEFAULT = 0,
    SP_IPPROTO_ICMP = 1,
    SP_IPPROTO_TCP = 6,
    SP_IPPROTO_UDP = 17,
    SP_IPPROTO_ICMPV6 = 58,
};

/* ------------------------------------------------------------------------ */
/* Addresses                                                                */
/* ------------------------------------------------------------------------ */

/** Room for a local socket path, including its terminating NUL. 104 is the
 *  smallest sun_path among the supported hosts (macOS, the BSDs). */
#define SP_LOCAL_PATH_MAX 104

/** Longest text sp_addr_format() writes, including the NUL:
 *  "[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255%4294967295]:65535", or "unix:" and
 *  a path of SP_LOCAL_PATH_MAX - 1 bytes. */
#define SP_ADDR_STRLEN 112

/**
 * A socket address, independent of any stack's own address types.
 * Build one with the sp_addr_* helpers or sp_addr_parse(); ports convert at
 * their edge. The port is in host byte order.
 */
typedef struct sp_addr {
    uint8_t family;    /**< enum sp_family */
    uint16_t port;     /**< host byte order; unused for SP_AF_LOCAL */
    uint32_t scope_id; /**< IPv6 zone (interface index); 0 = none */
    union {
        uint8_t v4[4];                /**< network order, v4[0] first */
        uint8_t v6[16];               /**< network order */
        char path[SP_LOCAL_PATH_MAX]; /**< NUL-terminated */
    } u;
} sp_addr;

/**
 * @brief Fill @p out with an IPv4 address.
 * @param[out] out   the address; must not be NULL.
 * @param[in]  a,b,c,d  the four octets, "a.b.c.d".
 * @param[in]  port  host byte order.
 * @return 0, or SP_EINVAL if @p out is NULL.
 */
int sp_addr_ipv4(sp_addr *out, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port);

/**
 * @brief Fill @p out with an IPv6 address.
 * @param[out] out    the address; must not be NULL.
 * @param[in]  bytes  16 bytes in network order; NULL means the unspecified address (::).
 * @param[in]  port   host byte order.
 * @param[in]  scope_id  interface index for link-local addresses, else 0.
 * @return 0, or SP_EINVAL if @p out is NULL.
 */
int sp_addr_ipv6(sp_addr *out, const uint8_t bytes[16], uint16_t port, uint32_t scope_id);

/**
 * @brief Fill @p out with a local (UNIX-domain) path.
 * @return 0; SP_EINVAL if @p out or @p path is NULL, or @p path is empty or
 *         longer than SP_LOCAL_PATH_MAX - 1 bytes.
 */
int sp_addr_local(sp_addr *out, const char *path);

/**
 * @brief Fill @p out with the loopback address of @p family ("127.0.0.1" or "::1").
 * @return 0; SP_EINVAL if @p out is NULL; SP_EAFNOSUPPORT if @p family is not
 *         SP_AF_INET or SP_AF_INET6.
 */
int sp_addr_loopback(sp_addr *out, int family, uint16_t port);

/**
 * @brief Fill @p out with the wildcard address of @p family ("0.0.0.0" or "::").
 * @return 0; SP_EINVAL if @p out is NULL; SP_EAFNOSUPPORT if @p family is not
 *         SP_AF_INET or SP_AF_INET6.
 */
int sp_addr_any(sp_addr *out, int family, uint16_t port);

/**
 * @brief Parse a numeric address with an optional port.
 *
 * Accepted forms: "192.0.2.1", "192.0.2.1:80", "2001:db8::1", "[2001:db8::1]",
 * "[2001:db8::1]:443", "[fe80::1%3]:80" (numeric zone), and local paths:
 * "unix:" followed by any path ("unix:app.sock", "unix:1.2.3.4"; "unix:"
 * alone is an unnamed local socket, as sp_getpeername() may report one), or
 * a path starting with '/' or '.' as it stands ("/tmp/app.sock", "./a.sock").
 * A missing port is 0. No name lookup is done (see sp_resolve()).
 *
 * @param[in]  text  NUL-terminated; must not be NULL.
 * @param[out] out   the address; must not be NULL. Untouched on failure.
 * @return 0; SP_EINVAL if a pointer is NULL or the text is not one of the
 *         forms above (bad octet, port over 65535, stray characters, path too long).
 */
int sp_addr_parse(const char *text, sp_addr *out);

/**
 * @brief Format an address as text in the forms sp_addr_parse() accepts.
 *
 * IPv4 "a.b.c.d:port", IPv6 "[x:x::x]:port" (RFC 5952 shortest form), local
 * the path itself if it starts with '/' or '.', else "unix:" and the path
 * ("unix:app.sock", "unix:" for an unnamed socket). sp_addr_parse() of the
 * result gives back the same address (sp_addr_equal()), for every family.
 * Linux's abstract local names are not supported: ports report them as unnamed.
 *
 * @param[in]  addr  must not be NULL.
 * @param[out] buf   where the text goes; SP_ADDR_STRLEN bytes always suffice.
 * @param[in]  size  size of @p buf in bytes.
 * @return the length of the text (without NUL); SP_EINVAL if a pointer is NULL
 *         or the family is unknown; SP_ERANGE if @p size is too small (then
 *         @p buf holds a truncated, NUL-terminated text if @p size > 0).
 */
int sp_addr_format(const sp_addr *addr, char *buf, size_t size);

/**
 * @brief Compare two addresses: family, port, address bytes and scope (or path).
 * @return 1 if equal, 0 if not (also if either pointer is NULL).
 */
int sp_addr_equal(const sp_addr *a, const sp_addr *b);

/* ------------------------------------------------------------------------ */
/* Stacks                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * A TCP/IP stack instance: a port plus that port's state. Several can live in
 * one process (the POSIX and the lwIP port side by side). Ports create them:
 * see <sockport/posix.h> and <sockport/lwip.h>.
 */
typedef struct sp_stack sp_stack;

/**
 * @brief The stack that sp_socket() and sp_resolve() use.
 *
 * Unless sp_set_default_stack() chose another, this is the stack of the port
 * the library was built with as default (the POSIX port on a host build,
 * the lwIP port on a board), created on first use.
 * @return the stack; NULL only if the default port failed to start.
 */
sp_stack *sp_default_stack(void);

/**
 * @brief Make @p stack the one sp_socket() and sp_resolve() use.
 * @param[in] stack  a started stack; NULL restores the build-time default.
 */
void sp_set_default_stack(sp_stack *stack);

/**
 * @brief The name of a stack's port, such as "posix" or "lwip".
 * @return a static string; "(none)" if @p stack is NULL.
 */
const char *sp_stack_name(const sp_stack *stack);

/**
 * @brief Run the stack for up to @p timeout_ms: process arrived packets and
 *        timers. On lwIP this is how a main loop keeps the stack alive while it
 *        does other work; on POSIX the kernel needs no help and this just waits.
 * @param[in] stack  must not be NULL.
 * @param[in] timeout_ms  0 = process what is pending and return.
 * @return 0; SP_EINVAL if @p stack is NULL or @p timeout_ms < -1;
 *         SP_EOPNOTSUPP the port has no poll operation.
 */
int sp_stack_pump(sp_stack *stack, int timeout_ms);

/**
 * @brief The stack's millisecond clock (monotonic; on lwIP, sys_now()).
 * @return milliseconds since an arbitrary start; 0 if @p stack is NULL (or its
 *         port has no clock).
 */
int64_t sp_stack_now_ms(sp_stack *stack);

/**
 * @brief Close every socket open on @p stack (a test's tear-down, a firmware
 *        restarting its network).
 * @return the number of sockets closed; SP_EINVAL if @p stack is NULL.
 */
int sp_close_all(sp_stack *stack);

/**
 * @brief The stack a socket lives on.
 * @return the stack, or NULL if @p sock is not an open handle.
 */
sp_stack *sp_socket_stack(int sock);

/* ------------------------------------------------------------------------ */
/* Sockets                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * Build-time size of the socket table (override with -DSP_MAX_SOCKETS=n, 1..65536).
 *
 * A handle is a slot index in the low bits (as many as the table needs:
 * 6 for 64 slots, 16 for 65536) and the slot's generation above them, up to
 * bit 30. A generation is never issued twice: a slot serves
 * 2^(31 - index bits) - 1 sockets (33 554 431 with 64 slots, 32 767 with
 * 65536), then retires for good, so a stale handle can never name a newer
 * socket. Closed slots are reused oldest first, so the table runs out
 * (sp_socket() gives SP_EMFILE) only after about 2^31 sockets have been
 * opened in the process's life: at a million a second, after 35 minutes.
 */
#ifndef SP_MAX_SOCKETS
#define SP_MAX_SOCKETS 64
#endif

/** How full the socket table is: what a server shows to make exhaustion visible. */
typedef struct sp_table_stats {
    uint32_t in_use;  /**< handles open now, on every stack */
    uint32_t max;     /**< SP_MAX_SOCKETS */
    uint32_t peak;    /**< most handles open at once since the program started */
    uint32_t refused; /**< sp_socket_on() and sp_accept() calls refused with SP_EMFILE
                           because the table was full, since the program started */
} sp_table_stats;

/**
 * @brief Read the socket table's counters.
 * @param[out] out  must not be NULL.
 * @return 0; SP_EINVAL if @p out is NULL.
 */
int sp_get_table_stats(sp_table_stats *out);

/**
 * @brief Open a socket on the default stack. Same as
 *        sp_socket_on(sp_default_stack(), family, type, protocol).
 */
int sp_socket(int family, int type, int protocol);

/**
 * @brief Open a socket.
 *
 * The socket starts blocking, with no timeouts (SP_FOREVER). For SP_SOCK_RAW,
 * @p protocol names the IP protocol (SP_IPPROTO_ICMP, SP_IPPROTO_ICMPV6);
 * for the other types 0 picks the default.
 *
 * @param[in] stack     must not be NULL.
 * @param[in] family    SP_AF_INET, SP_AF_INET6 or SP_AF_LOCAL.
 * @param[in] type      an enum sp_type value.
 * @param[in] protocol  0, or a protocol that fits @p type.
 * @return the handle (>= 0);
 *         SP_EINVAL      @p stack is NULL, or @p type is not a value of its enum;
 *         SP_EAFNOSUPPORT the stack has no such family (SP_AF_LOCAL on lwIP), or
 *                        @p family is SP_AF_UNSPEC or no enum sp_family value (as Linux);
 *         SP_EPROTONOSUPPORT the stack has no such type in that family, or
 *                         @p protocol does not fit @p type, or the type is an
 *                         optional service this program did not register
 *                         (SP_SOCK_SEQPACKET over IP without sp_use_seqpacket(),
 *                         SP_SOCK_RDM without sp_use_rdm(), SP_SOCK_RAW on lwIP
 *                         without sp_lwip_use_raw(); as Linux's
 *                         ESOCKTNOSUPPORT for a type no loaded module provides);
 *         SP_EACCES      raw socket without the privilege for it;
 *         SP_EMFILE      the socket table (SP_MAX_SOCKETS) is full, or every
 *                        free slot has retired (see SP_MAX_SOCKETS);
 *         SP_ENOBUFS     the stack is out of memory for a new socket, or (for
 *                        SP_SOCK_SEQPACKET over IP and SP_SOCK_RDM) core's pool
 *                        for that service is full;
 *         SP_EIO         the stack is not running (an lwIP stack after sp_lwip_stop());
 *         SP_EOPNOTSUPP  the stack's port cannot open sockets at all.
 */
int sp_socket_on(sp_stack *stack, int family, int type, int protocol);

/**
 * @brief Close a socket and release its handle.
 *
 * The handle is released even when an error is returned: never close twice.
 * Data already accepted by sp_send() is still delivered in the background,
 * unless SP_OPT_LINGER is 0 (then the connection is reset).
 * @return 0; SP_EBADF if @p sock is not an open handle.
 */
int sp_close(int sock);

/**
 * @brief Bind a socket to a local address.
 * After a failed connect attempt, as on Linux, the socket may bind again unless
 * sp_bind() gave it a port of the caller's choice before the attempt (that
 * port stays bound); the port the attempt took is given back.
 * @param[in] addr  of the socket's family; port 0 lets the stack choose.
 * @return 0;
 *         SP_EBADF; SP_EINVAL @p addr NULL, or the socket is already bound,
 *                   connected, connecting or listening;
 *         SP_EAFNOSUPPORT  @p addr is of another family than the socket;
 *         SP_EADDRINUSE    the address (or local path) is taken;
 *         SP_EADDRNOTAVAIL the address is not one of this host's;
 *         SP_EACCES        privileged port or path not writable;
 *         SP_ENOENT        a local path whose directory does not exist;
 *         SP_EOPNOTSUPP    the stack's port cannot bind.
 */
int sp_bind(int sock, const sp_addr *addr);

/**
 * @brief Make a stream or sequenced-packet socket accept connections.
 *
 * An unbound socket is bound to an ephemeral port of the wildcard address first.
 * @param[in] backlog  connections the stack queues before sp_accept(); <= 0 means 1.
 * Listening again only changes the backlog.
 * @return 0; SP_EBADF; SP_EOPNOTSUPP the socket is not connection-oriented;
 *         SP_EINVAL the socket is connected or connecting, or its connect failed
 *                   and no sp_connect() reported that yet (as Linux; once one
 *                   did, the socket is new and may listen);
 *         SP_EADDRINUSE the implicit bind found no free port, or another socket
 *                       listens on this port (SP_OPT_REUSEADDR does not share it);
 *         SP_ENOBUFS the stack has no memory for a listening socket;
 *         SP_EOPNOTSUPP also when the stack's port cannot listen.
 */
int sp_listen(int sock, int backlog);

/**
 * @brief Take a connection from a listening socket's queue.
 *
 * Waits for one until SP_OPT_RCVTIMEO passes (so the receive timeout is the
 * accept timeout), or not at all on a non-blocking socket.
 * The new socket has the listener's options (timeouts, SP_OPT_REUSEADDR,
 * NODELAY, KEEPALIVE, BROADCAST, RCVBUF, SNDBUF, LINGER, V6ONLY), as Linux's
 * accept copies them, but is blocking whatever the listener's SP_OPT_NONBLOCK
 * (as Linux's accept() leaves O_NONBLOCK behind).
 * @param[out] peer  the peer's address; may be NULL.
 * @return the new handle;
 *         SP_EBADF; SP_EINVAL the socket is not listening;
 *         SP_EOPNOTSUPP the socket is not connection-oriented;
 *         SP_EAGAIN non-blocking and none queued;
 *         SP_ETIMEDOUT none arrived before the receive timeout;
 *         SP_EMFILE the socket table is full (the connection stays queued);
 *         SP_ECONNABORTED a queued connection died before it was accepted;
 *         SP_ENOBUFS.
 */
int sp_accept(int sock, sp_addr *peer);

/**
 * @brief Connect a socket to a peer.
 *
 * For stream and sequenced-packet sockets this establishes the connection,
 * waiting until SP_OPT_SNDTIMEO passes (so the send timeout is the connect
 * timeout). A non-blocking socket returns SP_EINPROGRESS at once; sp_poll()
 * for SP_POLLOUT tells when the attempt ended, and SP_OPT_ERROR (or a second
 * sp_connect(), which then returns 0 or the attempt's error) tells how.
 * After SP_ETIMEDOUT the attempt goes on, as on Linux: a later sp_connect()
 * waits for it again (and says SP_EALREADY if it still has not ended), or
 * close the socket.
 * After a failed attempt the socket may connect again, as on Linux: a blocking
 * sp_connect() that failed, or one that reported a non-blocking attempt's
 * failure, leaves the socket new, so the next call starts a new attempt.
 * For datagram and raw sockets it sets the default destination and the only
 * source datagrams are accepted from; it may be called again to change it.
 * An address of family SP_AF_UNSPEC (a zeroed sp_addr) dissolves that
 * association again, as Linux's connect() with AF_UNSPEC: it returns 0,
 * connected or not; then sp_getpeername() says SP_ENOTCONN, sp_send() without
 * a destination SP_EDESTADDRREQ, datagrams from any sender are received,
 * queued datagrams and a pending error stay, and the socket keeps the address
 * and nonzero port the user bound; a port it took itself is given back
 * (sp_getsockname() says port 0 until the next send or sp_connect() takes one,
 * and sp_bind() may bind it again). On Linux (so on POSIX) a raw socket then
 * receives nothing any more (the kernel unhashes it); on lwIP it still does.
 *
 * @param[in] addr  the peer, of the socket's family, or SP_AF_UNSPEC for a
 *                  datagram or raw socket; must not be NULL.
 * @return 0;
 *         SP_EBADF; SP_EINVAL @p addr NULL;
 *         SP_EAFNOSUPPORT @p addr is of another family; SP_AF_UNSPEC on a
 *                       stream, sequenced-packet or RDM socket in any state
 *                       (Linux's connect() with AF_UNSPEC returns 0 on TCP and
 *                       aborts a connection or stops listening: sockport does
 *                       not; close the socket instead), or on a port without a
 *                       disconnect operation;
 *         SP_EISCONN    a stream socket already connected, or a listening socket;
 *         SP_ECONNABORTED a non-blocking attempt failed and SP_OPT_ERROR already
 *                       took its error: this call ends it, the next starts anew;
 *         SP_EALREADY   an earlier attempt is still in progress (non-blocking; or
 *                       blocking, and it did not end within the send timeout);
 *         SP_EINPROGRESS non-blocking: the attempt started;
 *         SP_ECONNREFUSED nobody listens there;
 *         SP_ECONNRESET a non-blocking attempt's connection was reset before a call
 *                       reported its end (as Linux: once; the socket is new again);
 *         SP_ENOENT     local path that does not exist;
 *         SP_EACCES     a datagram or raw socket's peer is a broadcast address and
 *                       SP_OPT_BROADCAST is not set (as Linux: the peer is refused);
 *         SP_ETIMEDOUT  no answer before the send timeout;
 *         SP_ENETUNREACH, SP_EHOSTUNREACH, SP_EADDRNOTAVAIL, SP_ENOBUFS;
 *         SP_EOPNOTSUPP the stack's port cannot connect (or cannot poll, for
 *                       an attempt that has to be waited for).
 */
int sp_connect(int sock, const sp_addr *addr);

/* Flags for sp_send() / sp_recv() and friends. */
#define SP_MSG_PEEK 0x01     /**< recv: look at data without taking it */
#define SP_MSG_DONTWAIT 0x02 /**< this call only: behave as non-blocking */
#define SP_MSG_TRUNC                                                                               \
    0x04 /**< recv on message sockets: return the message's full                                   \
              length even when it was longer than the buffer */

/**
 * @brief Send data on a connected socket.
 *
 * A stream socket may take fewer bytes than offered (a partial send); it
 * blocks only until at least one byte is taken (see sp_send_all()). A
 * message socket sends all of @p buf as one message or nothing.
 * A peer that has gone away never raises a signal.
 *
 * @param[in] buf    may be NULL only if @p len is 0.
 * @param[in] len    0 sends nothing on a stream (returns 0) and an empty datagram
 *                   on a datagram socket.
 * @param[in] flags  0 or SP_MSG_DONTWAIT.
 * @return bytes taken (>= 0);
 *         SP_EBADF; SP_EINVAL bad pointer, length or flag, or a raw ICMP message
 *                       shorter than its type and code (ICMPv6: and its checksum);
 *         SP_ENOTCONN   stream not connected; SP_EDESTADDRREQ datagram without a peer;
 *         SP_EPIPE      shut down for sending (by sp_shutdown(), or the connection is gone
 *                       or never came: a failed connect; a reset after the peer's end
 *                       of stream, as Linux);
 *         SP_ECONNRESET the peer reset the connection (reported once, SP_EPIPE after);
 *         SP_ECONNABORTED a framed sequenced-packet peer broke the framing and no
 *                       receive reported it yet (once, as a reset);
 *         SP_ECONNREFUSED a non-blocking connect was refused and no call reported it
 *                       yet (once; SP_EPIPE after);
 *         SP_EAGAIN     non-blocking and no room;
 *         SP_ETIMEDOUT  no room before SP_OPT_SNDTIMEO passed;
 *         SP_EMSGSIZE   a message larger than the socket type allows;
 *         SP_ENOBUFS, SP_ENETUNREACH, SP_EHOSTUNREACH;
 *         SP_EOPNOTSUPP the stack's port cannot send (or poll, to wait);
 *         on a TLS socket (<sockport/tls.h>) also: the first send runs the
 *         handshake and may end with its failures SP_ETLSHANDSHAKE,
 *         SP_ECERTUNTRUSTED, SP_EHOSTMISMATCH, SP_ETLSTRUNCATED, SP_ETLSPROTO;
 *         SP_ETLSPROTO for a malformed record later. A TLS failure is final.
 */
ptrdiff_t sp_send(int sock, const void *buf, size_t len, int flags);

/**
 * @brief Send a message to @p to (datagram, raw, RDM sockets), or as sp_send()
 *        when @p to is NULL.
 * On a connection-oriented socket @p to is ignored, as Linux and POSIX do.
 * @return as sp_send(), and: SP_EAFNOSUPPORT @p to is of another family;
 *         SP_EACCES broadcast address without SP_OPT_BROADCAST;
 *         SP_ENOENT a local path that does not exist.
 */
ptrdiff_t sp_sendto(int sock, const void *buf, size_t len, int flags, const sp_addr *to);

/**
 * @brief Receive data.
 *
 * A stream socket returns what is there, at least one byte, waiting until
 * SP_OPT_RCVTIMEO passes for some to arrive; 0 means the peer closed its
 * sending side (end of stream), or this side was shut down for reading.
 * A message socket returns one message; the part that does not fit in
 * @p len is discarded, and the return value is the number of bytes stored,
 * or with SP_MSG_TRUNC the message's full length.
 *
 * @param[out] buf  may be NULL only if @p len is 0.
 * @param[in]  len  0 is SP_EINVAL on a stream; on a message socket it takes
 *                  one message and discards it.
 * @param[in]  flags  0 or SP_MSG_PEEK, SP_MSG_DONTWAIT, SP_MSG_TRUNC.
 * @return bytes (see above);
 *         SP_EBADF; SP_EINVAL bad pointer, length or flag;
 *         SP_ENOTCONN   stream not connected, or listening;
 *         SP_EAGAIN     non-blocking and nothing there;
 *         SP_ETIMEDOUT  nothing before SP_OPT_RCVTIMEO passed;
 *         SP_ECONNRESET the peer reset the connection;
 *         SP_EPIPE      the peer reset the connection after its end of stream had
 *                       arrived (as Linux's tcp_reset() in CLOSE_WAIT; once, 0 after);
 *         SP_ECONNABORTED a framed sequenced-packet peer broke the framing (a length
 *                       over SP_SEQPACKET_MAX_RECORD, docs/seqpacket.md);
 *         SP_ECONNREFUSED a connected datagram socket's peer port is closed (ICMP), or a
 *                       stream's non-blocking connect was refused and no call reported
 *                       it yet (once; 0, end of stream, after);
 *         SP_EOPNOTSUPP the stack's port cannot receive (or poll, to wait), or
 *                       SP_MSG_PEEK on a TLS socket;
 *         on a TLS socket (<sockport/tls.h>) also: the first receive runs the
 *         handshake and may end with its failures SP_ETLSHANDSHAKE,
 *         SP_ECERTUNTRUSTED, SP_EHOSTMISMATCH, SP_ETLSTRUNCATED, SP_ETLSPROTO;
 *         SP_ETLSPROTO for a malformed record, SP_ETLSTRUNCATED when the stream
 *         ended without close_notify (0 is the end that came with it). A TLS
 *         failure is final.
 */
ptrdiff_t sp_recv(int sock, void *buf, size_t len, int flags);

/**
 * @brief Receive as sp_recv(), and store the sender's address.
 * @param[out] from  the sender; may be NULL. For a stream or sequenced-packet
 *                   connection, the peer (also once the peer has reset it).
 * @return as sp_recv().
 */
ptrdiff_t sp_recvfrom(int sock, void *buf, size_t len, int flags, sp_addr *from);

/** @brief sp_recv(sock, buf, len, 0). */
ptrdiff_t sp_read(int sock, void *buf, size_t len);

/** @brief sp_send(sock, buf, len, 0). */
ptrdiff_t sp_write(int sock, const void *buf, size_t len);

/**
 * @brief Send all of @p buf, looping over partial sends, within one deadline.
 *
 * The socket's own timeout and non-blocking mode do not apply: @p timeout_ms
 * bounds the whole transfer.
 * @param[out] sent  bytes sent, also on failure; may be NULL.
 * @return 0 when all was sent; SP_ETIMEDOUT when the deadline passed first;
 *         any error of sp_send().
 */
int sp_send_all(int sock, const void *buf, size_t len, int timeout_ms, size_t *sent);

/**
 * @brief Receive exactly @p len bytes from a stream, within one deadline.
 * @param[out] received  bytes received, also on failure; may be NULL.
 * @return 0 when all arrived; SP_EEOF when the stream ended first;
 *         SP_ETIMEDOUT when the deadline passed first; SP_EOPNOTSUPP on a
 *         message socket; any error of sp_recv().
 */
int sp_recv_all(int sock, void *buf, size_t len, int timeout_ms, size_t *received);

/** How sp_shutdown() shuts. */
enum sp_shutdown_how {
    SP_SHUT_RD = 0,   /**< no more receiving: sp_recv() returns 0 */
    SP_SHUT_WR = 1,   /**< no more sending: the peer reads end of stream */
    SP_SHUT_RDWR = 2, /**< both */
};

/**
 * @brief Shut down one or both directions of a connection.
 * @return 0; SP_EBADF; SP_EINVAL @p how is not an enum sp_shutdown_how value;
 *         SP_ENOTCONN the socket is not connected; SP_EOPNOTSUPP the stack's
 *         port cannot shut down.
 */
int sp_shutdown(int sock, int how);

/**
 * @brief The socket's own address (after bind, connect or listen).
 * @return 0; SP_EBADF; SP_EINVAL @p out is NULL; SP_EOPNOTSUPP the stack's
 *         port cannot tell.
 */
int sp_getsockname(int sock, sp_addr *out);

/**
 * @brief The connected peer's address.
 * @return 0; SP_EBADF; SP_EINVAL @p out is NULL; SP_ENOTCONN not connected;
 *         SP_EOPNOTSUPP the stack's port cannot tell.
 */
int sp_getpeername(int sock, sp_addr *out);

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

/** Portable options. Every value is an int. */
enum sp_option {
    SP_OPT_NONBLOCK = 1,  /**< 1: calls return SP_EAGAIN / SP_EINPROGRESS instead of waiting */
    SP_OPT_RCVTIMEO = 2,  /**< ms sp_recv/sp_recvfrom/sp_accept wait; SP_FOREVER (default).
                               Kept in 16 bits: up to 32 767 ms exactly, a longer one
                               rounded up to 12 significant bits (at most 1/2048 more, as
                               Linux rounds up to its tick), at most 2 146 435 072 ms
                               (24.8 days; more is kept as that). sp_getsockopt() returns
                               the value kept, and waits use it. */
    SP_OPT_SNDTIMEO = 3,  /**< ms sp_send/sp_sendto/sp_connect wait; SP_FOREVER (default);
                               kept as SP_OPT_RCVTIMEO */
    SP_OPT_REUSEADDR = 4, /**< 1: bind to a port still in TIME_WAIT */
    SP_OPT_NODELAY = 5,   /**< 1: TCP sends small segments at once (no Nagle) */
    SP_OPT_KEEPALIVE = 6, /**< 1: TCP probes an idle connection (other sockets keep it, as Linux) */
    SP_OPT_BROADCAST = 7, /**< 1: datagrams may go to a broadcast address (any socket takes it) */
    SP_OPT_RCVBUF = 8,    /**< receive buffer size in bytes (the stack may round it) */
    SP_OPT_SNDBUF = 9,    /**< send buffer size in bytes (the stack may round it) */
    SP_OPT_LINGER = 10,   /**< -1 (default): close in the background; 0: close resets;
                               n > 0: linger up to n seconds (ports may treat as background) */
    SP_OPT_ERROR = 11,    /**< read only: take the pending error (0 if none), e.g. of a
                               non-blocking connect */
    SP_OPT_TYPE = 12,     /**< read only: the socket's enum sp_type */
    SP_OPT_FAMILY = 13,   /**< read only: the socket's enum sp_family */
    SP_OPT_V6ONLY = 14,   /**< 1: an IPv6 socket does not also take IPv4-mapped traffic */
    SP_OPT_RDM_TIMEOUT = 15, /**< RDM only: ms a message may go unacknowledged before it is
                                  reported as timed out (default 3000, >= 1) */
    SP_OPT_RDM_RTO = 16,     /**< RDM only: first retransmission timeout in ms (default 50,
                                  >= 1); it doubles on each retry, up to 1000 */
};

/**
 * @brief Set a portable option.
 * @return 0; SP_EBADF; SP_EINVAL unknown option, read-only option, or a value
 *         out of range (negative size, timeout < -1, boolean not 0/1);
 *         SP_ENOPROTOOPT the option does not apply to this socket's type or the
 *         stack lacks it (SP_OPT_NODELAY on a datagram socket).
 */
int sp_setsockopt(int sock, int option, int value);

/**
 * @brief Read a portable option.
 * @param[out] value  must not be NULL.
 * @return 0; SP_EBADF; SP_EINVAL unknown option or NULL @p value; SP_ENOPROTOOPT
 *         as for sp_setsockopt().
 */
int sp_getsockopt(int sock, int option, int *value);

/**
 * @brief Set a stack-specific option, passed through to the port untouched:
 *        setsockopt(level, name) on POSIX; on lwIP see <sockport/lwip.h>.
 * @return 0; SP_EBADF; SP_EINVAL NULL @p value with @p len > 0;
 *         SP_ENOPROTOOPT the port does not know it; another code from the port.
 */
int sp_setsockopt_native(int sock, int level, int name, const void *value, size_t len);

/**
 * @brief Read a stack-specific option (getsockopt(level, name) on POSIX).
 * @param[in,out] len  in: size of @p value; out: bytes stored. Must not be NULL.
 * @return 0; SP_EBADF; SP_EINVAL NULL pointer; SP_ENOPROTOOPT; another port code.
 */
int sp_getsockopt_native(int sock, int level, int name, void *value, size_t *len);

/* ------------------------------------------------------------------------ */
/* Services built in core: sequenced packets and acknowledged datagrams     */
/* ------------------------------------------------------------------------ */

/**
 * Sequenced packets (SP_SOCK_SEQPACKET) keep record boundaries on a
 * connection. On local sockets of the POSIX port they are the kernel's
 * SOCK_SEQPACKET. Over IPv4/IPv6 on every port core builds them over a stream
 * (see docs/seqpacket.md): a record is at most SP_SEQPACKET_MAX_RECORD bytes
 * (sp_send() gives SP_EMSGSIZE above), one sp_send() is one sp_recv() on the
 * other side, and a receive buffer shorter than the record keeps its start and
 * discards the rest (SP_MSG_TRUNC reports the full length), as for datagrams.
 * A zero-length record reads as 0, like end of stream: avoid sending one.
 * At most SP_SEQPACKET_MAX_SOCKETS such connections are open at once
 * (connect/accept give SP_ENOBUFS beyond).
 */
/**
 * Optional services. Sequenced packets over IP, RDM (below) and, on the lwIP
 * port, raw sockets are linked only into programs that register them, so that
 * a firmware that never opens such a socket carries none of their code or
 * static pools (with -ffunction-sections -fdata-sections and --gc-sections;
 * docs/footprint.md gives the sizes). Until registered, sp_socket() of that
 * type gives SP_EPROTONOSUPPORT. Builds configured with
 * SOCKPORT_ALL_SERVICES=ON (the default for hosted builds, OFF when
 * cross-compiling) start with every service registered. Registering is
 * idempotent, cannot fail, and is best done once before the first socket.
 */

/** @brief Register core's sequenced packets over IP (SP_SOCK_SEQPACKET on
 *         SP_AF_INET/SP_AF_INET6; local ones are the kernel's and need no call). */
void sp_use_seqpacket(void);

/** @brief Register core's acknowledged datagrams (SP_SOCK_RDM). */
void sp_use_rdm(void);

#ifndef SP_SEQPACKET_MAX_RECORD
#define SP_SEQPACKET_MAX_RECORD 16384
#endif
/* Framed sequenced-packet connections at once (static pool, 1..256). */
#ifndef SP_SEQPACKET_MAX_SOCKETS
#define SP_SEQPACKET_MAX_SOCKETS 8
#endif

/**
 * Acknowledged datagrams (SP_SOCK_RDM): connectionless, each message is
 * acknowledged by the receiver and retransmitted with backoff until it is, or
 * until SP_OPT_RDM_TIMEOUT passes. The receiver delivers each message exactly
 * once (duplicates are dropped); order is NOT kept. Built in core over any
 * port's datagram sockets (SP_AF_INET / SP_AF_INET6); wire format in docs/rdm.md.
 *
 * sp_sendto() returns once the message is queued (SP_EAGAIN / waiting while
 * SP_RDM_WINDOW messages are unacknowledged); the outcome of each message
 * comes later from sp_rdm_report(). The protocol runs whenever the socket is
 * used: any call on it, or sp_poll() with it in the set.
 */
#ifndef SP_RDM_MAX_MESSAGE
#define SP_RDM_MAX_MESSAGE 1200
#endif
#ifndef SP_RDM_WINDOW
#define SP_RDM_WINDOW 16
#endif
/* RDM sockets at once (static pool, 1..256). */
#ifndef SP_RDM_MAX_SOCKETS
#define SP_RDM_MAX_SOCKETS 4
#endif

/** How one RDM message ended. */
typedef struct sp_rdm_report {
    uint32_t id; /**< as returned by sp_rdm_sendto() */
    int result;  /**< 0: acknowledged by the peer; SP_ETIMEDOUT: not within SP_OPT_RDM_TIMEOUT */
} sp_rdm_report;

/** Counters of one RDM socket. */
typedef struct sp_rdm_stats {
    uint32_t sent;            /**< messages queued by sp_sendto() */
    uint32_t transmissions;   /**< data datagrams sent, first tries and retries */
    uint32_t retransmissions; /**< of which retries */
    uint32_t delivered;       /**< messages acknowledged by the peer */
    uint32_t timed_out;       /**< messages given up on */
    uint32_t received;        /**< messages delivered to this side's reader */
    uint32_t duplicates;      /**< data datagrams dropped as already delivered */
    uint32_t malformed;       /**< datagrams dropped as not RDM (bad version, type, length) */
    uint32_t overrun;         /**< data datagrams dropped unacknowledged: receive queue full */
    uint32_t reports_lost;    /**< reports overwritten before sp_rdm_report() took them */
} sp_rdm_stats;

/**
 * @brief Queue one acknowledged message, as sp_sendto(), and tell its id.
 * @param[in]  to  the receiver; NULL uses the peer set by sp_connect().
 * @param[out] id  the message's id for sp_rdm_report(); may be NULL.
 * @return @p len; the errors of sp_sendto(); SP_EOPNOTSUPP not an RDM socket;
 *         SP_EMSGSIZE @p len over SP_RDM_MAX_MESSAGE; SP_EAGAIN the window is full
 *         (non-blocking), SP_ETIMEDOUT it stayed full until SP_OPT_SNDTIMEO passed.
 */
ptrdiff_t sp_rdm_sendto(int sock, const void *buf, size_t len, const sp_addr *to, uint32_t *id);

/**
 * @brief Take the oldest report of a message that ended (delivered or timed out).
 *        Runs the protocol first (incoming acknowledgements, retransmissions).
 * @param[out] out  must not be NULL.
 * @return 1 if a report was stored, 0 if none is pending; SP_EBADF;
 *         SP_EINVAL NULL @p out; SP_EOPNOTSUPP not an RDM socket.
 */
int sp_rdm_report_take(int sock, sp_rdm_report *out);

/**
 * @brief Read an RDM socket's counters.
 * @return 0; SP_EBADF; SP_EINVAL NULL @p out; SP_EOPNOTSUPP not an RDM socket.
 */
int sp_rdm_get_stats(int sock, sp_rdm_stats *out);

/* ------------------------------------------------------------------------ */
/* Polling                                                                  */
/* ------------------------------------------------------------------------ */

#define SP_POLLIN 0x01  /**< readable: data, a message, a queued connection, or end of stream */
#define SP_POLLOUT 0x02 /**< writable; or a connect attempt has ended */
#define SP_POLLERR 0x04 /**< an error is pending (always reported) */
#define SP_POLLHUP                                                                                 \
    0x08                 /**< the peer closed its side or the connection is gone (always reported) \
                          */
#define SP_POLLNVAL 0x10 /**< not an open handle (always reported) */

/**
 * Entries of one stack that sp_poll() hands its port in one wait
 * (build-time, 1..SP_MAX_SOCKETS): a buffer on the C stack of 8 bytes an
 * entry on a 32-bit microcontroller, 16 on a 64-bit host. The default keeps
 * a small table's (a microcontroller's) to 16 entries, 128 bytes there, and
 * gives a host's table (more than 128 slots) one entry per slot up to 1 024
 * (16 KiB of stack), so that a wait on up to 1 024 sockets of one stack is
 * one wait of the port: the kernel's poll() blocks on all of them, and
 * lwIP's pump runs once per look.
 */
#ifndef SP_POLL_BATCH
#if SP_MAX_SOCKETS <= 16
#define SP_POLL_BATCH SP_MAX_SOCKETS
#elif SP_MAX_SOCKETS <= 128
#define SP_POLL_BATCH 16
#elif SP_MAX_SOCKETS <= 1024
#define SP_POLL_BATCH SP_MAX_SOCKETS
#else
#define SP_POLL_BATCH 1024
#endif
#endif

/** One socket of an sp_poll() call. */
typedef struct sp_pollfd {
    int sock;      /**< a handle; a negative value is ignored (revents 0) */
    short events;  /**< SP_POLLIN | SP_POLLOUT */
    short revents; /**< set by sp_poll() */
} sp_pollfd;

/**
 * @brief Wait until one of the sockets is ready or @p timeout_ms passes.
 *
 * The sockets may live on different stacks. A stack's port is handed up to
 * SP_POLL_BATCH entries per wait (sp_poll() keeps no memory per socket, and
 * allocates none): when the entries name more sockets of one stack, or
 * sockets of several stacks, each turn looks at all of them and waits a
 * short turn (2 ms) on the last ones, so a socket elsewhere is seen at the
 * next turn. A poller (sp_poller_open()) waits on any number of sockets at
 * once.
 * With no socket to watch (@p nfds 0, or every entry negative) it waits out
 * @p timeout_ms as poll(2) does (SP_FOREVER: for ever) and returns 0, running
 * the default stack meanwhile (where its port failed to start, the stack of
 * any open socket; with no stack at all there is no clock to wait by, and it
 * returns 0 at once).
 * @param[in,out] fds  may be NULL only if @p nfds is 0.
 * @return the number of entries with revents != 0 (0 on timeout);
 *         SP_EINVAL NULL @p fds with @p nfds > 0, @p nfds over SP_MAX_SOCKETS * 4,
 *         @p timeout_ms < -1, or sockets of more than 8 stacks in one call;
 *         SP_EOPNOTSUPP a socket's port cannot poll.
 */
int sp_poll(sp_pollfd *fds, size_t nfds, int timeout_ms);

/* ------------------------------------------------------------------------ */
/* Pollers: persistent readiness sets                                       */
/* ------------------------------------------------------------------------ */

/**
 * A poller holds a set of sockets of one stack, each with its interest
 * (SP_POLLIN, SP_POLLOUT), and a wait returns only the sockets that are ready,
 * so that its cost follows the number of ready sockets, not the number held
 * (sp_poll() looks at every socket it is given on every call). Readiness is
 * level-triggered, as sp_poll() and epoll's default: a socket is reported by
 * every wait while it stays ready.
 *
 * How each port waits: POSIX uses epoll (Linux) or kqueue (the BSDs, macOS);
 * the lwIP port keeps a list of sockets that lwIP's callbacks touched since
 * they were last seen idle; a port without such a facility gets core's
 * generic poller, which looks at the sockets it holds on every wait.
 *
 * A socket belongs to at most one poller. Closing it removes it from its
 * poller. Sockets core builds a service over (SP_SOCK_RDM, SP_SOCK_SEQPACKET
 * over IP) may be added too; each wait then also looks at those, because
 * their readiness is core's and not the stack's.
 *
 * On POSIX, a program can also add descriptors of its own (a pipe, a timerfd,
 * stdin) and get a socket's descriptor for another event loop: see
 * <sockport/posix.h>.
 */

/** How many pollers may be open at once (build-time). */
#ifndef SP_MAX_POLLERS
#define SP_MAX_POLLERS 8
#endif

/** One ready entry stored by sp_poller_wait(). */
typedef struct sp_poller_event {
    int sock;      /**< the ready socket's handle; -1 for a native descriptor */
    int fd;        /**< POSIX: the ready native descriptor (sp_posix_poller_add_fd()); else -1 */
    short revents; /**< SP_POLLIN/OUT as asked, SP_POLLERR/HUP always, as sp_poll() */
} sp_poller_event;

/**
 * @brief Open a poller for the sockets of @p stack.
 * @param[in] stack  NULL: the default stack.
 * @return the poller's id (>= 0); SP_EINVAL no stack (NULL and no default);
 *         SP_EMFILE SP_MAX_POLLERS pollers are open;
 *         SP_ENOBUFS the stack could not make one (POSIX: the process is out of descriptors).
 */
int sp_poller_open(sp_stack *stack);

/**
 * @brief Close a poller. Its sockets stay open and can join another poller.
 * @return 0; SP_EBADF @p poller is not an open poller (never opened, closed).
 */
int sp_poller_close(int poller);

/**
 * @brief Add a socket with its interest.
 * @param[in] events  SP_POLLIN and/or SP_POLLOUT, or 0 (then only
 *                    SP_POLLERR and SP_POLLHUP are reported; without
 *                    SP_POLLIN, kqueue (BSD, macOS) reports them once when
 *                    they happen, not at every wait: docs/porting.md).
 * @return 0; SP_EBADF @p poller or @p sock is not open;
 *         SP_EINVAL @p events holds other bits, or the socket lives on another
 *                   stack than the poller;
 *         SP_EEXIST the socket is in a poller already (this one or another),
 *                   as Linux epoll_ctl() says EEXIST;
 *         SP_ENOBUFS the stack has no room for it (POSIX: the kernel's limit).
 */
int sp_poller_add(int poller, int sock, short events);

/**
 * @brief Change the interest of a socket in the poller.
 * @return 0; SP_EBADF @p poller or @p sock is not open;
 *         SP_EINVAL @p events holds other bits than SP_POLLIN and SP_POLLOUT;
 *         SP_ENOENT the socket is not in this poller (as epoll_ctl() says ENOENT).
 */
int sp_poller_modify(int poller, int sock, short events);

/**
 * @brief Take a socket out of the poller (sp_close() does it too).
 * @return 0; SP_EBADF @p poller or @p sock is not open;
 *         SP_ENOENT the socket is not in this poller.
 */
int sp_poller_remove(int poller, int sock);

/**
 * @brief Wait until at least one socket (or descriptor) of the poller is ready,
 *        or @p timeout_ms passes, and store up to @p max ready entries.
 *
 * Runs the stack while it waits, as sp_poll() does. When more than @p max are
 * ready, the next wait starts with those not reported this time.
 * @param[out] out  room for @p max entries.
 * @return the number of entries stored (0 on timeout);
 *         SP_EBADF @p poller is not open;
 *         SP_EINVAL @p out NULL, @p max 0 or over INT_MAX, or @p timeout_ms < -1;
 *         a stack failure while waiting (SP_EIO, SP_ENOBUFS).
 */
int sp_poller_wait(int poller, sp_poller_event *out, size_t max, int timeout_ms);

/* ------------------------------------------------------------------------ */
/* Names                                                                    */
/* ------------------------------------------------------------------------ */

/**
 * @brief Resolve a host and service on the default stack. Same as
 *        sp_resolve_on(sp_default_stack(), ...).
 */
int sp_resolve(const char *host, const char *service, int family, sp_addr *out, size_t max,
               int timeout_ms);

/**
 * @brief Resolve a host name and a service to addresses.
 *
 * Numeric hosts ("192.0.2.1", "::1", "[::1]") are converted without asking
 * anyone; other names go to the stack's resolver (on POSIX c-ares, with the
 * host's resolv.conf and hosts file unless sp_posix_set_dns_server() chose
 * servers; lwIP's DNS client on lwIP), bounded by @p timeout_ms: a call
 * that gets no answer ends with SP_ETIMEDOUT once the timeout has passed, on
 * every port.
 * The service is a decimal port or one of: echo 7, ftp 21, ssh 22, telnet 23,
 * smtp 25, domain 53, http 80, ntp 123, https 443, mqtt 1883; NULL means 0.
 *
 * @param[in] host    must not be NULL.
 * @param[in] family  SP_AF_UNSPEC, SP_AF_INET or SP_AF_INET6.
 * @param[out] out    room for @p max addresses.
 * @param[in] max     at least 1.
 * @return the number of addresses stored (1..max);
 *         SP_EINVAL NULL pointer, @p max 0, bad family or bad service text;
 *         SP_ENONAME the name does not exist (or has no address of @p family);
 *         SP_ENAMETEMP no answer from the resolver, try later;
 *         SP_ETIMEDOUT no answer before @p timeout_ms;
 *         SP_ENOBUFS the resolver ran out of memory.
 */
int sp_resolve_on(sp_stack *stack, const char *host, const char *service, int family, sp_addr *out,
                  size_t max, int timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_SOCKPORT_H */
