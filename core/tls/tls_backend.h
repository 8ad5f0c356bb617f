/**
 * @file
 * @brief The boundary between sockport's TLS layer (tls.c) and a TLS library.
 *
 * One backend is linked (CMake option SOCKPORT_TLS_BACKEND); it implements
 * every function below and nothing else of sockport. tls.c owns blocking,
 * deadlines, poll, the socket and the public error contract; a backend only
 * drives its library over the two transport functions tls.c gives it, never
 * waits, and returns:
 * - a count (>= 0) or 0 for success,
 * - SPT_WANT_READ / SPT_WANT_WRITE when the library waits for the transport,
 * - or an SP_E* code, already translated from the library's own numbers
 *   (this file is the only place those numbers are known).
 */
#ifndef SOCKPORT_TLS_BACKEND_H
#define SOCKPORT_TLS_BACKEND_H

#include <stddef.h>

#include <sockport/tls.h>

/* Outside the SP_E* range on purpose: never returned to a caller. */
#define SPT_WANT_READ (-1001)
#define SPT_WANT_WRITE (-1002)

struct spt_session; /* tls.c's per-connection state, the transport's cookie */

/** Non-blocking transport send on the wrapped socket: bytes taken, SP_EAGAIN,
 *  or an SP_E* error (which tls.c remembers and reports instead of the
 *  backend's own failure). */
ptrdiff_t spt_transport_send(struct spt_session *t, const void *buf, size_t len);
/** Non-blocking transport receive: bytes (> 0), 0 at the end of the TCP
 *  stream, SP_EAGAIN, or an SP_E* error. */
ptrdiff_t spt_transport_recv(struct spt_session *t, void *buf, size_t len);

/** The backend connection of @p t (NULL before spt_backend_conn_new() returned):
 *  for library callbacks that get only the transport's cookie back. */
struct spt_backend_conn *spt_transport_conn(struct spt_session *t);

/** The registered entropy source (NULL: none) and whether it is test-only. */
sp_tls_entropy_fn spt_entropy_source(void **arg, bool *test_only);

/** What spt_calendar_time() knows. */
enum spt_time {
    SPT_TIME_KNOWN,   /**< a registered source gave the time */
    SPT_TIME_UNKNOWN, /**< a registered source does not know it now */
    SPT_TIME_SYSTEM,  /**< no source registered: the library's own clock, where
                           spt_backend_system_clock() says the build has one */
};
/** The calendar time of the sp_tls_set_time() source, in seconds since the Unix epoch. */
enum spt_time spt_calendar_time(int64_t *unix_seconds);

/** Whether the backend's library was built with the operating system's
 *  calendar clock (hosted builds), used when no source is registered. */
bool spt_backend_system_clock(void);

/** A backend's context: credentials, settings, random generator. */
struct spt_backend_ctx;
/** A backend's connection. */
struct spt_backend_conn;

/** Build a context from a config tls.c has checked (spt_config_ok: roles,
 *  credentials present, versions, ALPN lengths); parsing is the backend's.
 *  Returns 0, SP_EINVAL, SP_EOPNOTSUPP, SP_EACCES, SP_EIO, SP_ENOBUFS as
 *  sp_tls_context_new() documents. */
int spt_backend_ctx_new(const sp_tls_config *config, struct spt_backend_ctx **out);
void spt_backend_ctx_free(struct spt_backend_ctx *ctx);

/** A connection that moves its bytes through spt_transport_*(@p t). */
int spt_backend_conn_new(struct spt_backend_ctx *ctx, struct spt_session *t,
                         struct spt_backend_conn **out);
void spt_backend_conn_free(struct spt_backend_conn *conn);

/** One step of the handshake: 0 when done, SPT_WANT_*, or the failure. */
int spt_backend_handshake(struct spt_backend_conn *conn);

/** Decrypted bytes (> 0), 0 after the peer's close_notify, SPT_WANT_*, or
 *  an error (SP_ETLSTRUNCATED when the TCP stream ended without close_notify). */
ptrdiff_t spt_backend_read(struct spt_backend_conn *conn, void *buf, size_t len);

/**
 * Take up to @p len bytes: the count taken (> 0), SPT_WANT_* when nothing was
 * taken, or an error. After SPT_WANT_WRITE the library may hold those bytes
 * encrypted: the next call must offer at least them again (SP_EINVAL if it
 * offers fewer), as the libraries' own write calls require.
 */
ptrdiff_t spt_backend_write(struct spt_backend_conn *conn, const void *buf, size_t len);

/** Before close_notify: push out a record a write left behind. 0 when nothing
 *  is left, SPT_WANT_*, or an error. */
int spt_backend_flush(struct spt_backend_conn *conn);

/** Bytes of a write cut short that the library holds (the next write repeats them). */
size_t spt_backend_unsent(struct spt_backend_conn *conn);

/** Decrypted bytes held, ready for spt_backend_read() without the network. */
size_t spt_backend_pending(struct spt_backend_conn *conn);

/** Send close_notify: 0 when sent, SPT_WANT_*, or an error. */
int spt_backend_close_notify(struct spt_backend_conn *conn);

/** The ALPN protocol selected, or NULL. */
const char *spt_backend_alpn(struct spt_backend_conn *conn);

/** "mbedTLS 2.28.3", "wolfSSL 5.5.4". */
const char *spt_backend_name(void);

#endif /* SOCKPORT_TLS_BACKEND_H */
