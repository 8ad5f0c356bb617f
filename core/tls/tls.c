/*
 * TLS as a core service (struct spc_service): the socket keeps its handle, and
 * core's blocking loop, deadlines and sp_poll() work on it unchanged. This
 * file owns the public contract (<sockport/tls.h>); the TLS library behind it
 * is reached only through tls_backend.h.
 *
 * Readiness is exact: sp_poll() says readable only when a receive will return
 * without waiting. When the port has bytes but the TLS library holds no
 * plaintext, the service reads one byte ahead into a stash, which completes a
 * record if one has arrived, without knowing the backend's internals.
 */
#include "../core.h"
#include "tls_backend.h"

#include <string.h>

/* How long sp_close() waits to push out close_notify and data already taken. */
#define SPT_CLOSE_FLUSH_MS 1000

struct sp_tls_context {
    bool in_use;
    int role;
    int users; /* connections wrapped with it */
    struct spt_backend_ctx *backend;
};

struct spt_session {
    bool in_use;
    bool handshake_done;
    bool close_sent;
    bool rx_eof;  /* close_notify received */
    bool stashed; /* one byte of plaintext read ahead for exact readiness */
    uint8_t stash;
    short want;   /* SP_POLLIN/SP_POLLOUT the last SP_EAGAIN waits for */
    int failed;   /* a TLS failure is final: every later call returns it */
    int io_error; /* the transport's last error, reported instead of the backend's */
    struct spc_socket *sock;
    sp_tls_context *ctx;
    struct spt_backend_conn *conn;
};

static struct sp_tls_context spt_contexts[SP_TLS_MAX_CONTEXTS];
#if SP_TLS_MAX_SESSIONS > SPC_SERVICE_INDEX_MAX + 1
#error "SP_TLS_MAX_SESSIONS must fit a slot's service index (core/core.h)"
#endif
static struct spt_session spt_sessions[SP_TLS_MAX_SESSIONS];

static sp_tls_entropy_fn spt_entropy_fn;
static void *spt_entropy_arg;
static bool spt_entropy_test_only;

static sp_tls_time_fn spt_time_fn;
static void *spt_time_arg;

static struct spt_session *spt_of(struct spc_socket *s)
{
    return &spt_sessions[spc_service_index(s)];
}

/* --- the transport the backend sees ------------------------------------ */

ptrdiff_t spt_transport_send(struct spt_session *t, const void *buf, size_t len)
{
    struct spc_socket *s = t->sock;
    ptrdiff_t n = spc_port_send(s->stack, s->native, buf, len, 0, NULL);
    if (n < 0 && n != SP_EAGAIN)
        t->io_error = (int)n;
    return n;
}

ptrdiff_t spt_transport_recv(struct spt_session *t, void *buf, size_t len)
{
    struct spc_socket *s = t->sock;
    ptrdiff_t n = spc_port_recv(s->stack, s->native, buf, len, 0, NULL);
    if (n < 0 && n != SP_EAGAIN)
        t->io_error = (int)n;
    return n;
}

struct spt_backend_conn *spt_transport_conn(struct spt_session *t)
{
    return t->conn;
}

sp_tls_entropy_fn spt_entropy_source(void **arg, bool *test_only)
{
    *arg = spt_entropy_arg;
    *test_only = spt_entropy_test_only;
    return spt_entropy_fn;
}

enum spt_time spt_calendar_time(int64_t *unix_seconds)
{
    if (spt_time_fn == NULL)
        return SPT_TIME_SYSTEM;
    return spt_time_fn(spt_time_arg, unix_seconds) == 0 ? SPT_TIME_KNOWN : SPT_TIME_UNKNOWN;
}

/* --- results ----------------------------------------------------------- */

/* Turns a backend result into what a caller sees: SP_EAGAIN with the
 * direction noted, or a final failure (the transport's error if it had one). */
static int spt_settle(struct spt_session *t, int rc)
{
    if (rc == SPT_WANT_READ || rc == SPT_WANT_WRITE) {
        t->want = rc == SPT_WANT_READ ? SP_POLLIN : SP_POLLOUT;
        return SP_EAGAIN;
    }
    if (t->io_error != 0)
        rc = t->io_error;
    t->failed = rc;
    return rc;
}

/* Advances the handshake. 0 when done, SP_EAGAIN, or the failure. */
static int spt_step(struct spt_session *t)
{
    if (t->failed != 0)
        return t->failed;
    if (t->handshake_done)
        return 0;
    int rc = spt_backend_handshake(t->conn);
    if (rc == 0) {
        t->handshake_done = true;
        return 0;
    }
    return spt_settle(t, rc);
}

/* One read from the backend: bytes, 0 at close_notify, SP_EAGAIN, or a failure. */
static ptrdiff_t spt_read(struct spt_session *t, void *buf, size_t len)
{
    ptrdiff_t n = spt_backend_read(t->conn, buf, len);
    if (n > 0)
        return n;
    if (n == 0) {
        t->rx_eof = true;
        return 0;
    }
    return spt_settle(t, (int)n);
}

/* --- the service ------------------------------------------------------- */

static ptrdiff_t spt_recv(struct spc_socket *s, void *buf, size_t len, int flags, sp_addr *from)
{
    (void)from; /* a stream: core passes no address back */
    struct spt_session *t = spt_of(s);
    if (flags & SP_MSG_PEEK)
        return SP_EOPNOTSUPP;
    int rc = spt_step(t);
    if (rc < 0)
        return rc;
    if (t->stashed) {
        uint8_t *bytes = buf;
        bytes[0] = t->stash;
        t->stashed = false;
        ptrdiff_t more = 0;
        if (len > 1 && !t->rx_eof && t->failed == 0 && spt_backend_pending(t->conn) > 0)
            more = spt_read(t, bytes + 1, len - 1); /* a failure stays for the next call */
        return 1 + (more > 0 ? more : 0);
    }
    if (t->rx_eof)
        return 0;
    if (t->failed != 0)
        return t->failed;
    return spt_read(t, buf, len);
}

static ptrdiff_t spt_send(struct spc_socket *s, const void *buf, size_t len, const sp_addr *to)
{
    (void)to; /* core rejects an address on a connection-oriented socket */
    struct spt_session *t = spt_of(s);
    int rc = spt_step(t);
    if (rc < 0)
        return rc;
    ptrdiff_t n = spt_backend_write(t->conn, buf, len);
    if (n >= 0)
        return n;
    return spt_settle(t, (int)n);
}

/* Whether a receive would return now: plaintext, end of stream, or a failure.
 * With @p try_network, reads one byte ahead to see whether a record is whole. */
static bool spt_readable(struct spt_session *t, bool try_network)
{
    if (t->stashed || t->rx_eof || t->failed != 0 || spt_backend_pending(t->conn) > 0)
        return true;
    if (!try_network)
        return false;
    ptrdiff_t n = spt_read(t, &t->stash, 1);
    if (n > 0)
        t->stashed = true;
    return n != SP_EAGAIN;
}

static short spt_poll(struct spc_socket *s, short port_revents)
{
    struct spt_session *t = spt_of(s);
    short revents = (short)(port_revents & (SP_POLLERR | SP_POLLHUP));
    if (!t->handshake_done && t->failed == 0) {
        /* Poll moves no handshake byte itself: it wakes the caller (whatever
         * it waits for) once the network is ready in the direction the
         * handshake needs, and the caller's next call continues it. */
        if (port_revents & t->want)
            revents |= SP_POLLIN | SP_POLLOUT;
        return revents;
    }
    if (t->failed != 0)
        return (short)(revents | SP_POLLIN | SP_POLLOUT | SP_POLLERR);
    /* The port's readiness comes after a wait; before it (port_revents 0) a
     * read attempt costs nothing on a non-blocking port either. */
    if (spt_readable(t, true))
        revents |= SP_POLLIN;
    if (port_revents & SP_POLLOUT)
        revents |= SP_POLLOUT; /* a record left behind goes with the next send */
    if (t->failed != 0)
        revents |= SP_POLLIN | SP_POLLOUT | SP_POLLERR;
    return revents;
}

/* What the port must report for the connection to move even while the
 * caller waits for something else: the handshake's direction, and
 * writability while the backend holds a record a send left behind. */
static short spt_wants(struct spc_socket *s)
{
    struct spt_session *t = spt_of(s);
    if (t->failed != 0)
        return 0;
    if (!t->handshake_done)
        return t->want;
    return spt_backend_unsent(t->conn) > 0 ? SP_POLLOUT : 0;
}

static short spt_wait_events(struct spc_socket *s, short events)
{
    struct spt_session *t = spt_of(s);
    return t->want != 0 ? t->want : events;
}

static int spt_timer_ms(struct spc_socket *s)
{
    (void)s;
    return -1;
}

/* Sends close_notify (after a record a send left behind), waiting at most
 * SPT_CLOSE_FLUSH_MS: the peer must learn that the stream ended on purpose. */
static void spt_drain(struct spc_socket *s)
{
    struct spt_session *t = spt_of(s);
    if (t->close_sent || !t->handshake_done || t->failed != 0)
        return;
    struct spc_deadline deadline = spc_deadline_in(SPT_CLOSE_FLUSH_MS);
    for (;;) {
        int rc = spt_backend_flush(t->conn);
        if (rc == 0)
            rc = spt_backend_close_notify(t->conn);
        if (rc == 0) {
            t->close_sent = true;
            return;
        }
        if (rc != SPT_WANT_READ && rc != SPT_WANT_WRITE)
            return;
        t->want = rc == SPT_WANT_READ ? SP_POLLIN : SP_POLLOUT;
        if (spc_wait(s, t->want, &deadline) < 0)
            return;
    }
}

static void spt_close(struct spc_socket *s)
{
    struct spt_session *t = spt_of(s);
    spt_drain(s);
    spt_backend_conn_free(t->conn);
    t->ctx->users--;
    memset(t, 0, sizeof *t);
    s->service = 0;
    spc_fast_update(s);
}

static const struct spc_service spt_service = {
    .send = spt_send,
    .recv = spt_recv,
    .poll = spt_poll,
    .timer_ms = spt_timer_ms,
    .wants = spt_wants,
    .drain = spt_drain,
    .close = spt_close,
    .wait_events = spt_wait_events,
};

/* --- the public API ---------------------------------------------------- */

static bool spt_context_live(const sp_tls_context *ctx)
{
    for (int i = 0; i < SP_TLS_MAX_CONTEXTS; i++)
        if (ctx == &spt_contexts[i])
            return ctx->in_use;
    return false;
}

/* The checks every backend shares: a configuration that cannot work. */
static bool spt_config_ok(const sp_tls_config *c)
{
    bool server = c->role == SP_TLS_SERVER;
    bool has_psk = c->psk != NULL && c->psk_len > 0;
    bool has_cert = c->cert != NULL && c->cert_len > 0;
    bool has_key = c->key != NULL && c->key_len > 0;
    bool has_ca = c->ca != NULL && c->ca_len > 0;
    if (c->role != SP_TLS_CLIENT && !server)
        return false;
    if ((has_psk && c->psk_identity == NULL) || has_cert != has_key)
        return false;
    if (server ? !has_cert && !has_psk : !has_ca && !has_psk && !c->verify_none)
        return false;
    if (c->min_version != SP_TLS_VERSION_DEFAULT && c->min_version != SP_TLS_VERSION_1_2 &&
        c->min_version != SP_TLS_VERSION_1_3)
        return false;
    for (size_t i = 0; c->alpn != NULL && c->alpn[i] != NULL; i++) {
        size_t n = strlen(c->alpn[i]);
        if (n == 0 || n > 255)
            return false;
    }
    return true;
}

/* A context that verifies certificates where no clock can ever say whether
 * they are in date: refused unless the configuration accepts that. */
static bool spt_blind_to_dates(const sp_tls_config *c)
{
    bool verifies = c->ca != NULL && c->ca_len > 0 && !(c->role == SP_TLS_CLIENT && c->verify_none);
    return verifies && !c->allow_unknown_time && spt_time_fn == NULL && !spt_backend_system_clock();
}

int sp_tls_context_new(const sp_tls_config *config, sp_tls_context **out)
{
    if (config == NULL || out == NULL || !spt_config_ok(config))
        return SP_EINVAL;
    if (spt_blind_to_dates(config))
        return SP_EACCES;
    sp_tls_context *ctx = NULL;
    for (int i = 0; i < SP_TLS_MAX_CONTEXTS && ctx == NULL; i++)
        if (!spt_contexts[i].in_use)
            ctx = &spt_contexts[i];
    if (ctx == NULL)
        return SP_ENOBUFS;
    int rc = spt_backend_ctx_new(config, &ctx->backend);
    if (rc < 0)
        return rc;
    ctx->in_use = true;
    ctx->role = config->role;
    ctx->users = 0;
    *out = ctx;
    return 0;
}

int sp_tls_context_free(sp_tls_context *ctx)
{
    if (ctx == NULL || !spt_context_live(ctx) || ctx->users != 0)
        return SP_EINVAL;
    spt_backend_ctx_free(ctx->backend);
    memset(ctx, 0, sizeof *ctx);
    return 0;
}

int sp_tls_wrap(int sock, sp_tls_context *ctx)
{
    struct spc_socket *s;
    int rc = spc_lookup(sock, &s);
    if (rc < 0)
        return rc;
    if (ctx == NULL || !spt_context_live(ctx) || s->service != 0)
        return SP_EINVAL;
    if (s->type != SP_SOCK_STREAM)
        return SP_EOPNOTSUPP;
    rc = spc_settle_connect(s);
    if (rc < 0 && rc != SP_EALREADY)
        return rc;
    if (s->state != SPC_CONNECTED)
        return SP_ENOTCONN;
    struct spt_session *t = NULL;
    for (int i = 0; i < SP_TLS_MAX_SESSIONS && t == NULL; i++)
        if (!spt_sessions[i].in_use)
            t = &spt_sessions[i];
    if (t == NULL)
        return SP_ENOBUFS;
    memset(t, 0, sizeof *t);
    t->sock = s;
    t->ctx = ctx;
    t->want = ctx->role == SP_TLS_CLIENT ? SP_POLLOUT : SP_POLLIN; /* who speaks first */
    rc = spt_backend_conn_new(ctx->backend, t, &t->conn);
    if (rc < 0)
        return rc;
    t->in_use = true;
    ctx->users++;
    spc_service_attach(s, SPC_SERVICE_TLS, &spt_service, (unsigned)(t - spt_sessions));
    spc_fast_update(s); /* its data now goes through TLS, never straight to the port */
    return 0;
}

/* The session on @p sock, or the error sp_tls_* gives for a socket without TLS. */
static int spt_lookup(int sock, struct spc_socket **s, struct spt_session **t)
{
    int rc = spc_lookup(sock, s);
    if (rc < 0)
        return rc;
    if (spc_service_of(*s) != &spt_service)
        return SP_EINVAL;
    *t = spt_of(*s);
    return 0;
}

int sp_tls_handshake(int sock, short *wait_for)
{
    struct spc_socket *s;
    struct spt_session *t;
    int rc = spt_lookup(sock, &s, &t);
    if (rc < 0)
        return rc;
    struct spc_deadline deadline = spc_deadline_in(spc_timeout_unpack(s->rcv_timeout));
    for (;;) {
        rc = spt_step(t);
        if (rc != SP_EAGAIN)
            return rc;
        if (s->nonblocking) {
            if (wait_for != NULL)
                *wait_for = t->want;
            return SP_EAGAIN;
        }
        rc = spc_wait(s, t->want, &deadline);
        if (rc < 0)
            return rc;
    }
}

int sp_tls_alpn(int sock, char *buf, size_t len)
{
    struct spc_socket *s;
    struct spt_session *t;
    int rc = spt_lookup(sock, &s, &t);
    if (rc < 0)
        return rc;
    if (buf == NULL)
        return SP_EINVAL;
    if (!t->handshake_done)
        return SP_ENOTCONN;
    const char *name = spt_backend_alpn(t->conn);
    size_t n = name != NULL ? strlen(name) : 0;
    if (n + 1 > len)
        return SP_ERANGE;
    if (n > 0)
        memcpy(buf, name, n);
    buf[n] = '\0';
    return (int)n;
}

int sp_tls_set_entropy(sp_tls_entropy_fn source, void *arg, int flags)
{
    if ((flags & ~SP_TLS_ENTROPY_TEST_ONLY) != 0)
        return SP_EINVAL;
    spt_entropy_fn = source;
    spt_entropy_arg = arg;
    spt_entropy_test_only = source != NULL && (flags & SP_TLS_ENTROPY_TEST_ONLY) != 0;
    return 0;
}

int sp_tls_set_time(sp_tls_time_fn source, void *arg)
{
    spt_time_fn = source;
    spt_time_arg = source != NULL ? arg : NULL;
    return 0;
}

const char *sp_tls_backend_name(void)
{
    return spt_backend_name();
}

int sp_tls_sessions_in_use(void)
{
    int n = 0;
    for (int i = 0; i < SP_TLS_MAX_SESSIONS; i++)
        n += spt_sessions[i].in_use;
    return n;
}
