/**
 * @file
 * @brief sockport error codes: the one table every call, every port and the
 *        documentation draw on.
 *
 * Every sockport call returns a value >= 0 on success and one of the negative
 * SP_E* codes below on failure. The values are sockport's own, fixed for all
 * ports and all platforms: they are deliberately not -errno, because lwIP and
 * the host number errno differently and both ports can live in one process.
 * A port translates its native errors (errno, lwIP err_t) into these codes in
 * one table of its own; native codes never reach the caller.
 *
 * Include <sockport/sockport.h> rather than this header.
 */
#ifndef SOCKPORT_ERRORS_H
#define SOCKPORT_ERRORS_H

/**
 * The error table: XX(NAME, value, "message"). Adding a row adds the enum
 * value SP_E##NAME, its name for sp_err_name() and its sp_strerror() text.
 * Values are stable ABI: never renumber a row, only append.
 */
#define SP_ERRNO_MAP(XX)                                                                           \
    XX(INVAL, 1, "invalid argument")                                                               \
    XX(BADF, 2, "bad or stale socket handle")                                                      \
    XX(MFILE, 3, "socket table full")                                                              \
    XX(NOBUFS, 4, "no buffer space available in the stack")                                        \
    XX(AFNOSUPPORT, 5, "address family not supported by this stack")                               \
    XX(PROTONOSUPPORT, 6, "socket type or protocol not supported by this stack")                   \
    XX(OPNOTSUPP, 7, "operation not supported on this socket")                                     \
    XX(AGAIN, 8, "operation would block")                                                          \
    XX(TIMEDOUT, 9, "operation timed out")                                                         \
    XX(CONNREFUSED, 10, "connection refused")                                                      \
    XX(CONNRESET, 11, "connection reset by peer")                                                  \
    XX(CONNABORTED, 12, "connection aborted")                                                      \
    XX(ADDRINUSE, 13, "address already in use")                                                    \
    XX(ADDRNOTAVAIL, 14, "address not available")                                                  \
    XX(NOTCONN, 15, "socket is not connected")                                                     \
    XX(ISCONN, 16, "socket is already connected")                                                  \
    XX(ALREADY, 17, "connection attempt already in progress")                                      \
    XX(INPROGRESS, 18, "connection attempt started, not yet complete")                             \
    XX(MSGSIZE, 19, "message too long")                                                            \
    XX(NETUNREACH, 20, "network unreachable")                                                      \
    XX(HOSTUNREACH, 21, "host unreachable")                                                        \
    XX(PIPE, 22, "socket is shut down for sending")                                                \
    XX(ACCES, 23, "permission denied")                                                             \
    XX(DESTADDRREQ, 24, "destination address required")                                            \
    XX(NOENT, 25, "no such entry (local socket path, poller member, stats index)")                 \
    XX(NOPROTOOPT, 26, "option not supported by this stack")                                       \
    XX(NONAME, 27, "host or service not known")                                                    \
    XX(NAMETEMP, 28, "temporary failure in name resolution")                                       \
    XX(RANGE, 29, "result does not fit in the buffer given")                                       \
    XX(EOF, 30, "end of stream before the requested length")                                       \
    XX(IO, 31, "unexpected error inside the stack")                                                \
    XX(TLSHANDSHAKE, 32,                                                                           \
       "TLS handshake failed (no common version, cipher or key, or a peer alert)")                 \
    XX(CERTUNTRUSTED, 33, "peer certificate not trusted (unknown issuer, expired or malformed)")   \
    XX(HOSTMISMATCH, 34, "peer certificate does not name the expected server")                     \
    XX(TLSTRUNCATED, 35, "peer closed the TLS connection without close_notify")                    \
    XX(TLSPROTO, 36, "TLS protocol error (malformed or unexpected record)")                        \
    XX(EXIST, 37, "already registered (the socket or descriptor is in a poller already)")

/** Error codes. Each is negative; 0 and positive values mean success. */
enum sp_error {
#define SP_ERROR_ENUM_ROW(name, value, text) SP_E##name = -(value),
    SP_ERRNO_MAP(SP_ERROR_ENUM_ROW)
#undef SP_ERROR_ENUM_ROW
};

/**
 * @brief A human-readable sentence for an error code.
 * @param[in] err  a value returned by a sockport call.
 * @return a static string; "success" for err >= 0, "unknown error" for a
 *         negative value outside the table. Never NULL.
 */
const char *sp_strerror(int err);

/**
 * @brief The symbolic name of an error code, such as "SP_ETIMEDOUT".
 * @param[in] err  a value returned by a sockport call.
 * @return a static string; "SP_OK" for err >= 0, "SP_EUNKNOWN" for a negative
 *         value outside the table. Never NULL.
 */
const char *sp_err_name(int err);

#endif /* SOCKPORT_ERRORS_H */
