/**
 * @file
 * @brief TLS on a sockport stream socket: the socket keeps its handle.
 *
 * A connected stream socket (the client side) or an accepted one (the server
 * side) is wrapped with sp_tls_wrap(). From then on sp_send(), sp_recv(),
 * sp_send_all(), sp_recv_all(), sp_shutdown(), sp_close() and sp_poll() carry
 * TLS on the same handle, with the socket's timeouts and non-blocking mode:
 * - The handshake runs in sp_tls_handshake(), or implicitly in the first
 *   sp_send()/sp_recv(). A blocking socket finishes it within its receive
 *   timeout (SP_OPT_RCVTIMEO); a non-blocking one takes one step per call and
 *   returns SP_EAGAIN with the direction to wait for (SP_POLLIN/SP_POLLOUT).
 * - sp_poll() reports SP_POLLIN when the TLS library holds decrypted bytes,
 *   even if the network has nothing new, and only once a whole record has
 *   arrived; SP_POLLOUT once the handshake is done and the socket can send.
 *   During the handshake it reports the socket ready (for whatever the caller
 *   polls) once the network is ready in the direction the handshake waits
 *   for; the next sp_tls_handshake(), sp_send() or sp_recv() continues it.
 * - sp_shutdown(SP_SHUT_WR) and sp_close() send close_notify first; every
 *   sp_send() after sp_shutdown() for writing is SP_EPIPE, as on TCP. A clean
 *   end of the peer's stream (close_notify) reads as 0; a TCP end without it
 *   is SP_ETLSTRUNCATED, because an attacker can cut a stream short.
 * - SP_MSG_PEEK is not supported on a TLS socket (SP_EOPNOTSUPP).
 * - After sp_send() returned SP_EAGAIN (or SP_ETIMEDOUT), the next sp_send()
 *   must offer at least the same bytes again, as SSL_write() and
 *   mbedtls_ssl_write() require: the TLS library may already hold them
 *   encrypted. Fewer bytes give SP_EINVAL. (sp_send_all() and blocking sends
 *   do this by themselves.) Closing the socket meanwhile may still deliver them.
 *
 * The TLS failures callers must tell apart have codes of their own
 * (docs/errors.md): SP_ETLSHANDSHAKE, SP_ECERTUNTRUSTED, SP_EHOSTMISMATCH,
 * SP_ETLSTRUNCATED, SP_ETLSPROTO. A backend's own numbers never reach the
 * caller. A TLS failure is final: every later send or receive returns it.
 *
 * The backend (mbedTLS or wolfSSL) is chosen when sockport is built
 * (SOCKPORT_TLS_BACKEND, docs/tls.md); the API is the same. This library is
 * separate (sockport::tls): firmware that never calls it links none of it.
 *
 * Entropy: hosted builds draw on the operating system. A board supplies its
 * hardware RNG with sp_tls_set_entropy(); a board without one may register a
 * source flagged SP_TLS_ENTROPY_TEST_ONLY, which sp_tls_context_new() refuses
 * unless the configuration explicitly allows it (tests only).
 *
 * Time: a certificate is valid only between its dates, so verifying one needs
 * calendar time. Hosted builds use the operating system's clock. A board
 * without a calendar registers one with sp_tls_set_time() (an RTC, SNTP, a
 * time the application trusts). Without any, a context that would verify
 * certificates is refused (SP_EACCES) unless its configuration sets
 * allow_unknown_time; while the registered source reports that it does not
 * know the time, verification fails (SP_ECERTUNTRUSTED) unless
 * allow_unknown_time, which then skips the dates (never the signatures).
 */
#ifndef SOCKPORT_TLS_H
#define SOCKPORT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which end of the handshake a context serves. */
enum sp_tls_role {
    SP_TLS_CLIENT = 0,
    SP_TLS_SERVER = 1,
};

/** Protocol versions for sp_tls_config.min_version (their wire values). */
enum sp_tls_version {
    SP_TLS_VERSION_DEFAULT = 0,  /**< TLS 1.2 or newer */
    SP_TLS_VERSION_1_2 = 0x0303, /**< TLS 1.2 or newer */
    SP_TLS_VERSION_1_3 = 0x0304, /**< TLS 1.3 only, where the backend has it */
};

/**
 * What a context needs. A zeroed structure plus a role and credentials is a
 * safe configuration: peer verification is on unless @c verify_none is set.
 * The context copies what it needs; the buffers may be freed afterwards.
 * Certificates and keys are PEM (with or without the terminating NUL in the
 * length) or DER, in memory: no file system is needed.
 */
typedef struct sp_tls_config {
    int role; /**< enum sp_tls_role */
    /** Trusted CA certificates (PEM, several may follow each other, or one DER).
     *  A client needs them unless it uses a PSK or sets @c verify_none; a
     *  server given them requires and verifies a client certificate. */
    const uint8_t *ca;
    size_t ca_len;
    /** Own certificate (chain) and private key: required on a server without
     *  a PSK; on a client, sent when the server asks for one. */
    const uint8_t *cert;
    size_t cert_len;
    const uint8_t *key;
    size_t key_len;
    /** Client: the name sent as SNI and required in the server's certificate
     *  (hostname verification). NULL: no SNI, no name check. */
    const char *server_name;
    /** Protocols to offer (client) or accept (server) with ALPN, in order of
     *  preference, ended by NULL. NULL: no ALPN. Each 1..255 characters. */
    const char *const *alpn;
    /** enum sp_tls_version: the oldest version allowed. */
    int min_version;
    /** Skip verifying the peer's certificate. For tests and debugging only:
     *  without verification anyone in the path can read the connection. */
    bool verify_none;
    /** Pre-shared key mode (no certificates): the key and its identity. A
     *  server given a PSK accepts only that identity. */
    const uint8_t *psk;
    size_t psk_len;
    const char *psk_identity;
    /** Accept an entropy source registered as SP_TLS_ENTROPY_TEST_ONLY. Only
     *  tests may set this: such a source makes every key predictable. */
    bool allow_test_entropy;
    /** Verify certificates without their validity dates while calendar time
     *  is unknown: no sp_tls_set_time() source on a build without an
     *  operating-system clock (a board), or a source that reports failure.
     *  Off (the default): such a context is refused (SP_EACCES) and such a
     *  verification fails (SP_ECERTUNTRUSTED). Either way the chain, the
     *  signatures and the host name are checked. */
    bool allow_unknown_time;
} sp_tls_config;

/** Parsed credentials and settings, shared by many connections. */
typedef struct sp_tls_context sp_tls_context;

/** How many contexts may exist at once (static pool). */
#ifndef SP_TLS_MAX_CONTEXTS
#define SP_TLS_MAX_CONTEXTS 4
#endif
/** How many TLS connections may exist at once (static pool, 1..256). */
#ifndef SP_TLS_MAX_SESSIONS
#define SP_TLS_MAX_SESSIONS 8
#endif

/**
 * @brief Build a context from @p config: parse its certificates and key and
 *        seed its random generator.
 * @param[in]  config  the settings; read only during the call.
 * @param[out] out     the new context, for sp_tls_wrap().
 * @return 0 on success;
 *         SP_EINVAL if @p config or @p out is NULL, the role is unknown, a
 *         certificate, key or PSK does not parse (with wolfSSL, also a CA
 *         certificate outside its validity dates at a known time), a server has neither a
 *         certificate with key nor a PSK, a client has neither CA, PSK nor
 *         @c verify_none, or an ALPN name is empty or longer than 255;
 *         SP_EOPNOTSUPP if @c min_version asks for a version the backend lacks,
 *         or PSK or ALPN is asked of a backend configuration built without it;
 *         SP_EACCES if the only entropy source is test-only and the config does
 *         not allow it, or if the context would verify certificates (a CA
 *         is given and @c verify_none is not set) while no calendar time can
 *         be known (a build without an operating-system clock and no
 *         sp_tls_set_time() source) and @c allow_unknown_time is not set;
 *         SP_EIO if no entropy source is available (a board must register one);
 *         SP_ENOBUFS if all SP_TLS_MAX_CONTEXTS contexts are taken or memory ran out.
 */
int sp_tls_context_new(const sp_tls_config *config, sp_tls_context **out);

/**
 * @brief Free a context. Connections that use it must be closed first.
 * @return 0; SP_EINVAL if @p ctx is NULL, not a live context, or still used
 *         by a connection (the context is then left as it was).
 */
int sp_tls_context_free(sp_tls_context *ctx);

/**
 * @brief Make @p sock a TLS connection with the role and settings of @p ctx.
 *
 * The socket must be a connected (or accepted) stream socket with no TLS yet.
 * No byte moves yet: the handshake starts with sp_tls_handshake() or the
 * first sp_send()/sp_recv()/sp_poll().
 * @return 0 on success;
 *         SP_EBADF if @p sock is not an open handle;
 *         SP_EINVAL if @p ctx is NULL or not live, or @p sock already carries
 *         TLS or another core service;
 *         SP_EOPNOTSUPP if @p sock is not a stream socket;
 *         SP_ENOTCONN if it is not connected (a non-blocking connect still
 *         under way, or never connected, or listening);
 *         SP_ENOBUFS if all SP_TLS_MAX_SESSIONS connections are taken or
 *         memory ran out.
 */
int sp_tls_wrap(int sock, sp_tls_context *ctx);

/**
 * @brief Run (blocking socket) or advance (non-blocking socket) the handshake.
 * @param[in]  sock      a socket given to sp_tls_wrap().
 * @param[out] wait_for  on SP_EAGAIN: SP_POLLIN or SP_POLLOUT, the readiness
 *                       to poll for before calling again. May be NULL.
 * @return 0 once the handshake is done (also on later calls);
 *         SP_EAGAIN (non-blocking socket) if it must wait for the network;
 *         SP_ETIMEDOUT (blocking socket) if it did not finish within the
 *         socket's receive timeout; the handshake may be resumed;
 *         SP_ETLSHANDSHAKE if the peers found no common version, cipher suite
 *         or key, or the peer sent a fatal alert (it rejected us);
 *         SP_ECERTUNTRUSTED if the peer's certificate does not chain to a
 *         trusted CA, has expired or is not yet valid, or is malformed, or
 *         if its dates cannot be checked because the sp_tls_set_time()
 *         source does not know the time (unless @c allow_unknown_time);
 *         SP_EHOSTMISMATCH if it is trusted but does not name @c server_name;
 *         SP_ETLSPROTO if the peer sent something that is not TLS;
 *         SP_ETLSTRUNCATED if the peer closed the connection mid-handshake;
 *         SP_EBADF if @p sock is not an open handle;
 *         SP_EINVAL if it does not carry TLS;
 *         the transport's own errors (SP_ECONNRESET, ...) as sp_recv gives them.
 */
int sp_tls_handshake(int sock, short *wait_for);

/**
 * @brief The protocol ALPN selected, after the handshake.
 * @param[out] buf  room for the name and its NUL.
 * @return the name's length (0: none was selected);
 *         SP_EBADF, SP_EINVAL (no TLS on @p sock, @p buf NULL),
 *         SP_ENOTCONN if the handshake is not done, SP_ERANGE if @p len is too small.
 */
int sp_tls_alpn(int sock, char *buf, size_t len);

/** Flags of sp_tls_set_entropy(). */
enum sp_tls_entropy_flags {
    /** Not a real random source (a board without a hardware RNG). Contexts
     *  refuse it unless sp_tls_config.allow_test_entropy is set. */
    SP_TLS_ENTROPY_TEST_ONLY = 1,
};

/** Fill @p out with @p len random bytes; return 0, or a negative value on failure. */
typedef int (*sp_tls_entropy_fn)(void *arg, uint8_t *out, size_t len);

/**
 * @brief Register the board's entropy source for contexts created afterwards
 *        (added to the operating system's source where there is one).
 * @param[in] source  the source; NULL removes it.
 * @param[in] flags   enum sp_tls_entropy_flags.
 * @return 0; SP_EINVAL for unknown flags.
 */
int sp_tls_set_entropy(sp_tls_entropy_fn source, void *arg, int flags);

/**
 * Calendar time for certificate validity: set @p unix_seconds to the seconds
 * since 1970-01-01 00:00 UTC and return 0, or return a negative value when
 * the time is not known (yet): no RTC, SNTP not answered.
 */
typedef int (*sp_tls_time_fn)(void *arg, int64_t *unix_seconds);

/**
 * @brief Register the calendar clock that certificates' validity dates are
 *        checked against, in place of the operating system's where there is
 *        one. It is asked at each certificate verification (and by wolfSSL
 *        when a context loads its CA certificates), from the thread that
 *        drives the connection.
 * @param[in] source  the clock; NULL removes it (back to the operating
 *                    system's clock, or none on a board).
 * @return 0.
 */
int sp_tls_set_time(sp_tls_time_fn source, void *arg);

/** @brief The backend's name and version, such as "mbedTLS 2.28.3". Never NULL. */
const char *sp_tls_backend_name(void);

/** @brief How many TLS connections are alive (for leak checks). */
int sp_tls_sessions_in_use(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_TLS_H */
