/*
 * The mbedTLS backend (tls_backend.h). Written against mbedTLS 2.28; the few
 * places where 3.6 differs go through tls_mbedtls_compat.h. mbedTLS's own
 * error numbers are known here and nowhere else.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tls_mbedtls_compat.h"

#include "tls_backend.h"

struct spt_backend_ctx {
    mbedtls_ssl_config conf;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt cert;
    mbedtls_pk_context key;
    char *server_name;
    const char **alpn; /* NULL-terminated; the names follow the pointers */
    bool allow_unknown_time;
};

struct spt_backend_conn {
    mbedtls_ssl_context ssl;
    size_t pending; /* length of a write cut short (its record waits in mbedTLS's output
                       buffer): the next write must offer at least these bytes again */
};

/* --- errors ------------------------------------------------------------ */

static int spt_mbedtls_error(const mbedtls_ssl_context *ssl, int rc, bool handshake)
{
    if (rc == MBEDTLS_ERR_SSL_WANT_READ)
        return SPT_WANT_READ;
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE)
        return SPT_WANT_WRITE;
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
        uint32_t flags = mbedtls_ssl_get_verify_result(ssl);
        if (flags == MBEDTLS_X509_BADCERT_CN_MISMATCH)
            return SP_EHOSTMISMATCH;
        return SP_ECERTUNTRUSTED;
    }
    if (rc == MBEDTLS_ERR_SSL_CONN_EOF)
        return SP_ETLSTRUNCATED;
    if (rc == MBEDTLS_ERR_SSL_ALLOC_FAILED)
        return SP_ENOBUFS;
    if (spt_mbedtls_is_parse_error(rc))
        return SP_ETLSPROTO;
    /* A bad MAC in the handshake is a key the peers do not share (a wrong PSK). */
    return handshake ? SP_ETLSHANDSHAKE : SP_ETLSPROTO;
}

/* --- the transport ----------------------------------------------------- */

static int spt_mbedtls_send(void *cookie, const unsigned char *buf, size_t len)
{
    ptrdiff_t n = spt_transport_send(cookie, buf, len);
    if (n >= 0)
        return (int)n;
    return n == SP_EAGAIN ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int spt_mbedtls_recv(void *cookie, unsigned char *buf, size_t len)
{
    ptrdiff_t n = spt_transport_recv(cookie, buf, len);
    if (n >= 0)
        return (int)n; /* 0: the TCP stream ended; mbedTLS tells close_notify apart */
    return n == SP_EAGAIN ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* --- certificate dates against sockport's clock ---------------------- */

bool spt_backend_system_clock(void)
{
#if defined(MBEDTLS_HAVE_TIME_DATE)
    return true;
#else
    return false;
#endif
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no gmtime() is needed on a board. */
static int64_t spt_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int64_t spt_x509_seconds(const mbedtls_x509_time *t)
{
    return spt_days_from_civil(t->year, t->mon, t->day) * 86400 + t->hour * 3600 + t->min * 60 +
           t->sec;
}

/*
 * Called by mbedTLS for each certificate of the chain it verified, with the
 * flags it found. mbedTLS judged the dates by its own clock (a hosted build)
 * or not at all (a board: no MBEDTLS_HAVE_TIME_DATE); once a clock is
 * registered with sp_tls_set_time(), or where mbedTLS has none, the dates
 * are judged here instead.
 */
static int spt_mbedtls_verify(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    const struct spt_backend_ctx *c = arg;
    (void)depth;
    int64_t now = 0;
    enum spt_time known = spt_calendar_time(&now);
    if (known == SPT_TIME_SYSTEM && spt_backend_system_clock())
        return 0;
    *flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    if (known == SPT_TIME_KNOWN) {
        if (now > spt_x509_seconds(&crt->valid_to))
            *flags |= MBEDTLS_X509_BADCERT_EXPIRED;
        if (now < spt_x509_seconds(&crt->valid_from))
            *flags |= MBEDTLS_X509_BADCERT_FUTURE;
    } else if (!c->allow_unknown_time) {
        *flags |= MBEDTLS_X509_BADCERT_OTHER; /* its dates cannot be checked */
    }
    return 0;
}

/* --- contexts ---------------------------------------------------------- */

static int spt_mbedtls_entropy(void *data, unsigned char *out, size_t len, size_t *olen)
{
    (void)data;
    void *arg;
    bool test_only;
    sp_tls_entropy_fn source = spt_entropy_source(&arg, &test_only);
    if (source == NULL || source(arg, out, len) != 0)
        return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    *olen = len;
    return 0;
}

static bool spt_is_pem(const uint8_t *data, size_t len)
{
    static const char begin[] = "-----BEGIN";
    return len >= sizeof begin - 1 && memcmp(data, begin, sizeof begin - 1) == 0;
}

/*
 * Runs @p parse over @p data, giving PEM the terminating NUL mbedTLS requires
 * (callers may count it or not). Returns mbedTLS's result, or
 * MBEDTLS_ERR_SSL_ALLOC_FAILED.
 */
static int spt_parse_buffer(const uint8_t *data, size_t len,
                            int (*parse)(void *target, const unsigned char *buf, size_t len,
                                         void *extra),
                            void *target, void *extra)
{
    if (!spt_is_pem(data, len) || data[len - 1] == '\0')
        return parse(target, data, len, extra);
    unsigned char *copy = malloc(len + 1);
    if (copy == NULL)
        return MBEDTLS_ERR_SSL_ALLOC_FAILED;
    memcpy(copy, data, len);
    copy[len] = '\0';
    int rc = parse(target, copy, len + 1, extra);
    memset(copy, 0, len + 1); /* may be a private key */
    free(copy);
    return rc;
}

static int spt_parse_crt(void *target, const unsigned char *buf, size_t len, void *extra)
{
    (void)extra;
    return mbedtls_x509_crt_parse(target, buf, len);
}

static int spt_parse_key(void *target, const unsigned char *buf, size_t len, void *extra)
{
    return spt_mbedtls_parse_key(target, buf, len, extra);
}

static char *spt_strdup(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, text, n);
    return copy;
}

#if defined(MBEDTLS_SSL_ALPN)
/* Copies the ALPN list into one allocation that lives as long as the context. */
static int spt_copy_alpn(struct spt_backend_ctx *c, const char *const *alpn)
{
    size_t count = 0;
    size_t bytes = 0;
    for (; alpn[count] != NULL; count++)
        bytes += strlen(alpn[count]) + 1; /* lengths checked by tls.c */
    size_t pointers = (count + 1) * sizeof(char *);
    c->alpn = malloc(pointers + bytes);
    if (c->alpn == NULL)
        return SP_ENOBUFS;
    char *names = (char *)c->alpn + pointers;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(alpn[i]) + 1;
        memcpy(names, alpn[i], n);
        c->alpn[i] = names;
        names += n;
    }
    c->alpn[count] = NULL;
    return mbedtls_ssl_conf_alpn_protocols(&c->conf, c->alpn) == 0 ? 0 : SP_EINVAL;
}
#endif

static int spt_seed(struct spt_backend_ctx *c, const sp_tls_config *config)
{
    void *arg;
    bool test_only;
    if (spt_entropy_source(&arg, &test_only) != NULL) {
        if (test_only && !config->allow_test_entropy)
            return SP_EACCES;
        if (mbedtls_entropy_add_source(&c->entropy, spt_mbedtls_entropy, NULL, 32,
                                       MBEDTLS_ENTROPY_SOURCE_STRONG) != 0)
            return SP_ENOBUFS;
    }
    static const unsigned char personal[] = "sockport-tls";
    if (mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func, &c->entropy, personal,
                              sizeof personal - 1) != 0)
        return SP_EIO; /* no source gave entropy: a board must register one */
    return 0;
}

static int spt_configure(struct spt_backend_ctx *c, const sp_tls_config *config)
{
    bool server = config->role == SP_TLS_SERVER;
    bool has_psk = config->psk != NULL && config->psk_len > 0;
    bool has_cert = config->cert != NULL && config->cert_len > 0;
    bool has_ca = config->ca != NULL && config->ca_len > 0;
    int rc = spt_seed(c, config);
    if (rc < 0)
        return rc;
    if (mbedtls_ssl_config_defaults(&c->conf,
                                    server ? MBEDTLS_SSL_IS_SERVER : MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT) != 0)
        return SP_ENOBUFS;
    mbedtls_ssl_conf_rng(&c->conf, mbedtls_ctr_drbg_random, &c->drbg);
    if (spt_mbedtls_min_version(&c->conf, config->min_version == SP_TLS_VERSION_1_3) < 0)
        return SP_EOPNOTSUPP;

    int authmode = MBEDTLS_SSL_VERIFY_REQUIRED;
    if (server)
        authmode = has_ca ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE;
    else if (config->verify_none || !has_ca)
        authmode = MBEDTLS_SSL_VERIFY_NONE; /* a PSK proves the peer without certificates */
    mbedtls_ssl_conf_authmode(&c->conf, authmode);
    c->allow_unknown_time = config->allow_unknown_time;
    mbedtls_ssl_conf_verify(&c->conf, spt_mbedtls_verify, c);

    if (has_ca) {
        if (spt_parse_buffer(config->ca, config->ca_len, spt_parse_crt, &c->ca, NULL) != 0)
            return SP_EINVAL;
        mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
    }
    if (has_cert) {
        if (spt_parse_buffer(config->cert, config->cert_len, spt_parse_crt, &c->cert, NULL) != 0 ||
            spt_parse_buffer(config->key, config->key_len, spt_parse_key, &c->key, &c->drbg) != 0 ||
            mbedtls_ssl_conf_own_cert(&c->conf, &c->cert, &c->key) != 0)
            return SP_EINVAL;
    }
    if (has_psk) {
#if defined(MBEDTLS_KEY_EXCHANGE_SOME_PSK_ENABLED)
        if (mbedtls_ssl_conf_psk(&c->conf, config->psk, config->psk_len,
                                 (const unsigned char *)config->psk_identity,
                                 strlen(config->psk_identity)) != 0)
            return SP_EINVAL;
#else
        return SP_EOPNOTSUPP; /* this mbedTLS configuration has no PSK key exchange */
#endif
    }
    if (config->alpn != NULL) {
#if defined(MBEDTLS_SSL_ALPN)
        rc = spt_copy_alpn(c, config->alpn);
        if (rc < 0)
            return rc;
#else
        return SP_EOPNOTSUPP;
#endif
    }
    if (!server && config->server_name != NULL) {
        c->server_name = spt_strdup(config->server_name);
        if (c->server_name == NULL)
            return SP_ENOBUFS;
    }
    return 0;
}

int spt_backend_ctx_new(const sp_tls_config *config, struct spt_backend_ctx **out)
{
    struct spt_backend_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SP_ENOBUFS;
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_entropy_init(&c->entropy);
    mbedtls_ctr_drbg_init(&c->drbg);
    mbedtls_x509_crt_init(&c->ca);
    mbedtls_x509_crt_init(&c->cert);
    mbedtls_pk_init(&c->key);
    int rc = spt_configure(c, config);
    if (rc < 0) {
        spt_backend_ctx_free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void spt_backend_ctx_free(struct spt_backend_ctx *c)
{
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_x509_crt_free(&c->ca);
    mbedtls_x509_crt_free(&c->cert);
    mbedtls_pk_free(&c->key);
    mbedtls_ctr_drbg_free(&c->drbg);
    mbedtls_entropy_free(&c->entropy);
    free(c->server_name);
    free(c->alpn);
    free(c);
}

/* --- connections ------------------------------------------------------- */

int spt_backend_conn_new(struct spt_backend_ctx *ctx, struct spt_session *t,
                         struct spt_backend_conn **out)
{
    struct spt_backend_conn *conn = calloc(1, sizeof *conn);
    if (conn == NULL)
        return SP_ENOBUFS;
    mbedtls_ssl_init(&conn->ssl);
    if (mbedtls_ssl_setup(&conn->ssl, &ctx->conf) != 0 ||
        (ctx->server_name != NULL && mbedtls_ssl_set_hostname(&conn->ssl, ctx->server_name) != 0)) {
        spt_backend_conn_free(conn);
        return SP_ENOBUFS;
    }
    mbedtls_ssl_set_bio(&conn->ssl, t, spt_mbedtls_send, spt_mbedtls_recv, NULL);
    *out = conn;
    return 0;
}

void spt_backend_conn_free(struct spt_backend_conn *conn)
{
    mbedtls_ssl_free(&conn->ssl);
    free(conn);
}

int spt_backend_handshake(struct spt_backend_conn *conn)
{
    int rc = mbedtls_ssl_handshake(&conn->ssl);
    return rc == 0 ? 0 : spt_mbedtls_error(&conn->ssl, rc, true);
}

ptrdiff_t spt_backend_read(struct spt_backend_conn *conn, void *buf, size_t len)
{
    for (;;) {
        int rc = mbedtls_ssl_read(&conn->ssl, buf, len);
        if (rc > 0)
            return rc;
        if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
            return 0;
        if (rc == 0)
            return SP_ETLSTRUNCATED; /* mbedTLS's "transport ended without close_notify" */
        if (SPT_MBEDTLS_READ_AGAIN(rc))
            continue;
        return spt_mbedtls_error(&conn->ssl, rc, false);
    }
}

ptrdiff_t spt_backend_write(struct spt_backend_conn *conn, const void *buf, size_t len)
{
    if (conn->pending > 0) {
        if (len < conn->pending)
            return SP_EINVAL; /* not the bytes of the write cut short */
        len = conn->pending;  /* mbedTLS sends the record it holds, reading nothing */
    }
    int rc = mbedtls_ssl_write(&conn->ssl, buf, len);
    if (rc >= 0) {
        conn->pending = 0;
        return rc;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE && conn->pending == 0 &&
        SPT_MBEDTLS_OUT_LEFT(&conn->ssl) > 0) {
        /* The record is encrypted and partly sent: mbedTLS wants the same
         * call repeated, and the caller, told SP_EAGAIN, offers the same
         * bytes again (docs/tls.md). */
        int max = mbedtls_ssl_get_max_out_record_payload(&conn->ssl);
        conn->pending = max > 0 && (size_t)max < len ? (size_t)max : len;
    }
    return spt_mbedtls_error(&conn->ssl, rc, false);
}

int spt_backend_flush(struct spt_backend_conn *conn)
{
    if (conn->pending == 0 || SPT_MBEDTLS_OUT_LEFT(&conn->ssl) == 0) {
        conn->pending = 0;
        return 0;
    }
    /* With output pending, mbedtls_ssl_write() only flushes: the byte is not read. */
    static const unsigned char unused = 0;
    int rc = mbedtls_ssl_write(&conn->ssl, &unused, 1);
    if (rc >= 0) {
        conn->pending = 0;
        return 0;
    }
    return spt_mbedtls_error(&conn->ssl, rc, false);
}

size_t spt_backend_unsent(struct spt_backend_conn *conn)
{
    return conn->pending;
}

size_t spt_backend_pending(struct spt_backend_conn *conn)
{
    return mbedtls_ssl_get_bytes_avail(&conn->ssl);
}

int spt_backend_close_notify(struct spt_backend_conn *conn)
{
    int rc = mbedtls_ssl_close_notify(&conn->ssl);
    return rc == 0 ? 0 : spt_mbedtls_error(&conn->ssl, rc, false);
}

const char *spt_backend_alpn(struct spt_backend_conn *conn)
{
#if defined(MBEDTLS_SSL_ALPN)
    return mbedtls_ssl_get_alpn_protocol(&conn->ssl);
#else
    (void)conn;
    return NULL;
#endif
}

const char *spt_backend_name(void)
{
    return MBEDTLS_VERSION_STRING_FULL;
}
