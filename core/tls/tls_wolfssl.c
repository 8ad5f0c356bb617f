/*
 * The wolfSSL backend (tls_backend.h), for wolfSSL 5.5 built with
 * core/tls/wolfssl/user_settings.h. wolfSSL's error numbers are known here
 * and nowhere else. TLS 1.3 is on; min_version picks 1.2 or 1.3.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/wolfcrypt/settings.h>

#include <wolfssl/internal.h> /* the output bookkeeping of a write cut short (see write) */
#include <wolfssl/error-ssl.h>
#include <wolfssl/ssl.h>
#include <wolfssl/version.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "tls_backend.h"

#define SPT_WOLFSSL_PSK_MAX 64

struct spt_backend_ctx {
    WOLFSSL_CTX *ctx;
    bool server;
    char *server_name;
    char *alpn; /* comma-separated, as wolfSSL_UseALPN() takes it */
    uint8_t psk[SPT_WOLFSSL_PSK_MAX];
    unsigned psk_len;
    char psk_identity[128];
    bool allow_unknown_time;
};

struct spt_backend_conn {
    WOLFSSL *ssl;
    struct spt_backend_ctx *ctx;
    size_t pending; /* bytes of a write cut short that wolfSSL holds encrypted: the
                       next write must offer at least these bytes again */
    char alpn[256];
};

/* --- entropy (CUSTOM_RAND_GENERATE_SEED in user_settings.h) ------------- */

int spt_wolfssl_seed(unsigned char *output, unsigned int size)
{
    void *arg;
    bool test_only;
    sp_tls_entropy_fn source = spt_entropy_source(&arg, &test_only);
    if (source != NULL)
        return source(arg, output, size) == 0 ? 0 : RNG_FAILURE_E;
#if defined(__unix__)
    FILE *f = fopen("/dev/urandom", "rb");
    if (f == NULL)
        return OPEN_RAN_E;
    size_t got = fread(output, 1, size, f);
    fclose(f);
    return got == size ? 0 : READ_RAN_E;
#else
    return RNG_FAILURE_E; /* a board must register its RNG with sp_tls_set_entropy() */
#endif
}

/* --- time (wc_SetTimeCb) ---------------------------------------------- */

bool spt_backend_system_clock(void)
{
#if defined(__unix__)
    return true;
#else
    return false;
#endif
}

/* wolfSSL's clock: sockport's registered source, else the system's. A time
 * that is not known is -1, which fails every date check (wc_ValidateDate). */
static time_t spt_wolfssl_time(time_t *out)
{
    int64_t now = -1;
    enum spt_time known = spt_calendar_time(&now);
    if (known == SPT_TIME_SYSTEM) {
#if defined(__unix__)
        now = (int64_t)time(NULL);
#else
        now = -1;
#endif
    } else if (known == SPT_TIME_UNKNOWN || now < 0 || (int64_t)(time_t)now != now) {
        now = -1;
    }
    if (out != NULL)
        *out = (time_t)now;
    return (time_t)now;
}

static bool spt_time_known(void)
{
    return spt_wolfssl_time(NULL) >= 0;
}

/* Called by wolfSSL when a certificate of the peer's chain failed; a date
 * failure is forgiven only while the time is unknown and the context allows
 * that (wolfSSL has checked the signature before it reports a date). */
static int spt_wolfssl_verify(int preverified, WOLFSSL_X509_STORE_CTX *store)
{
    if (preverified)
        return 1;
    const struct spt_backend_conn *conn = store->userCtx;
    bool date = store->error == ASN_BEFORE_DATE_E || store->error == ASN_AFTER_DATE_E;
    return date && conn != NULL && conn->ctx->allow_unknown_time && !spt_time_known();
}

/* --- errors ------------------------------------------------------------ */

static int spt_wolfssl_error(WOLFSSL *ssl, int ret, bool handshake)
{
    int err = wolfSSL_get_error(ssl, ret);
    switch (err) {
    case WOLFSSL_ERROR_WANT_READ:
    case WANT_READ:
        return SPT_WANT_READ;
    case WOLFSSL_ERROR_WANT_WRITE:
    case WANT_WRITE:
        return SPT_WANT_WRITE;
    case DOMAIN_NAME_MISMATCH:
    case IPADDR_MISMATCH:
        return SP_EHOSTMISMATCH;
    case ASN_NO_SIGNER_E:
    case ASN_AFTER_DATE_E:
    case ASN_BEFORE_DATE_E:
    case ASN_SIG_CONFIRM_E:
    case ASN_SELF_SIGNED_E:
    case VERIFY_CERT_ERROR:
        return SP_ECERTUNTRUSTED;
    case SOCKET_PEER_CLOSED_E:
        return SP_ETLSTRUNCATED;
    case MEMORY_ERROR:
    case MEMORY_E:
        return SP_ENOBUFS;
    case PARSE_ERROR:
    case UNKNOWN_HANDSHAKE_TYPE:
    case UNKNOWN_RECORD_TYPE:
    case LENGTH_ERROR:
    case BUFFER_ERROR:
        return SP_ETLSPROTO;
    default:
        /* A bad MAC or decryption in the handshake is a key the peers do not
         * share; a message out of order there is a peer giving up its own way
         * (a TLS 1.3 server that knows no PSK identity). */
        return handshake ? SP_ETLSHANDSHAKE : SP_ETLSPROTO;
    }
}

/* --- the transport ----------------------------------------------------- */

static int spt_wolfssl_send(WOLFSSL *ssl, char *buf, int len, void *cookie)
{
    (void)ssl;
    ptrdiff_t n = spt_transport_send(cookie, buf, (size_t)len);
    if (n >= 0)
        return (int)n;
    return n == SP_EAGAIN ? WOLFSSL_CBIO_ERR_WANT_WRITE : WOLFSSL_CBIO_ERR_CONN_RST;
}

static int spt_wolfssl_recv(WOLFSSL *ssl, char *buf, int len, void *cookie)
{
    (void)ssl;
    ptrdiff_t n = spt_transport_recv(cookie, buf, (size_t)len);
    if (n > 0)
        return (int)n;
    if (n == 0)
        return WOLFSSL_CBIO_ERR_CONN_CLOSE; /* wolfSSL tells close_notify apart */
    return n == SP_EAGAIN ? WOLFSSL_CBIO_ERR_WANT_READ : WOLFSSL_CBIO_ERR_CONN_RST;
}

/* --- PSK --------------------------------------------------------------- */

static struct spt_backend_ctx *spt_ctx_of(WOLFSSL *ssl)
{
    struct spt_backend_conn *conn = spt_transport_conn(wolfSSL_GetIOReadCtx(ssl));
    return conn != NULL ? conn->ctx : NULL;
}

static unsigned spt_psk_client(WOLFSSL *ssl, const char *hint, char *identity,
                               unsigned identity_len, unsigned char *key, unsigned key_len)
{
    (void)hint;
    struct spt_backend_ctx *c = spt_ctx_of(ssl);
    if (c == NULL || strlen(c->psk_identity) + 1 > identity_len || c->psk_len > key_len)
        return 0;
    size_t n = strlen(c->psk_identity);
    memcpy(identity, c->psk_identity, n + 1);
    memcpy(key, c->psk, c->psk_len);
    return c->psk_len;
}

static unsigned spt_psk_server(WOLFSSL *ssl, const char *identity, unsigned char *key,
                               unsigned key_len)
{
    struct spt_backend_ctx *c = spt_ctx_of(ssl);
    if (c == NULL || identity == NULL || strcmp(identity, c->psk_identity) != 0 ||
        c->psk_len > key_len)
        return 0; /* unknown identity: the handshake fails */
    memcpy(key, c->psk, c->psk_len);
    return c->psk_len;
}

/* --- contexts ---------------------------------------------------------- */

static bool spt_is_pem(const uint8_t *data, size_t len)
{
    static const char begin[] = "-----BEGIN";
    return len >= sizeof begin - 1 && memcmp(data, begin, sizeof begin - 1) == 0;
}

static int spt_format(const uint8_t *data, size_t len)
{
    return spt_is_pem(data, len) ? WOLFSSL_FILETYPE_PEM : WOLFSSL_FILETYPE_ASN1;
}

static char *spt_strdup(const char *text)
{
    size_t n = strlen(text) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, text, n);
    return copy;
}

static int spt_join_alpn(struct spt_backend_ctx *c, const char *const *alpn)
{
    size_t bytes = 1;
    for (size_t i = 0; alpn[i] != NULL; i++)
        bytes += strlen(alpn[i]) + 1;
    c->alpn = malloc(bytes);
    if (c->alpn == NULL)
        return SP_ENOBUFS;
    c->alpn[0] = '\0';
    for (size_t i = 0; alpn[i] != NULL; i++) {
        if (i > 0)
            strcat(c->alpn, ",");
        strcat(c->alpn, alpn[i]);
    }
    return 0;
}

static int spt_configure(struct spt_backend_ctx *c, const sp_tls_config *config)
{
    bool has_psk = config->psk != NULL && config->psk_len > 0;
    bool has_cert = config->cert != NULL && config->cert_len > 0;
    bool has_ca = config->ca != NULL && config->ca_len > 0;
    void *arg;
    bool test_only;
    if (spt_entropy_source(&arg, &test_only) != NULL && test_only && !config->allow_test_entropy)
        return SP_EACCES;
    c->server = config->role == SP_TLS_SERVER;
    c->ctx = wolfSSL_CTX_new(c->server ? wolfSSLv23_server_method() : wolfSSLv23_client_method());
    if (c->ctx == NULL)
        return SP_ENOBUFS;
    int min = config->min_version == SP_TLS_VERSION_1_3 ? WOLFSSL_TLSV1_3 : WOLFSSL_TLSV1_2;
    if (wolfSSL_CTX_SetMinVersion(c->ctx, min) != WOLFSSL_SUCCESS)
        return SP_EOPNOTSUPP;
    wolfSSL_CTX_SetIORecv(c->ctx, spt_wolfssl_recv);
    wolfSSL_CTX_SetIOSend(c->ctx, spt_wolfssl_send);

    int verify = WOLFSSL_VERIFY_PEER;
    if (c->server)
        verify = has_ca ? WOLFSSL_VERIFY_PEER | WOLFSSL_VERIFY_FAIL_IF_NO_PEER_CERT
                        : WOLFSSL_VERIFY_NONE;
    else if (config->verify_none || !has_ca)
        verify = WOLFSSL_VERIFY_NONE; /* a PSK proves the peer without certificates */
    wolfSSL_CTX_set_verify(c->ctx, verify, spt_wolfssl_verify);
    c->allow_unknown_time = config->allow_unknown_time;

    /* wolfSSL checks a CA's own dates once, here; without a known time it
     * cannot, and loads it as it is. */
    word32 load_flags =
        spt_time_known() ? WOLFSSL_LOAD_VERIFY_DEFAULT_FLAGS : WOLFSSL_LOAD_FLAG_DATE_ERR_OKAY;
    if (has_ca && wolfSSL_CTX_load_verify_buffer_ex(c->ctx, config->ca, (long)config->ca_len,
                                                    spt_format(config->ca, config->ca_len), 0,
                                                    load_flags) != WOLFSSL_SUCCESS)
        return SP_EINVAL;
    if (has_cert && (wolfSSL_CTX_use_certificate_chain_buffer_format(
                         c->ctx, config->cert, (long)config->cert_len,
                         spt_format(config->cert, config->cert_len)) != WOLFSSL_SUCCESS ||
                     wolfSSL_CTX_use_PrivateKey_buffer(c->ctx, config->key, (long)config->key_len,
                                                       spt_format(config->key, config->key_len)) !=
                         WOLFSSL_SUCCESS))
        return SP_EINVAL;
    if (has_psk) {
        if (config->psk_len > sizeof c->psk ||
            strlen(config->psk_identity) + 1 > sizeof c->psk_identity)
            return SP_EINVAL;
        memcpy(c->psk, config->psk, config->psk_len);
        c->psk_len = (unsigned)config->psk_len;
        strcpy(c->psk_identity, config->psk_identity);
        if (c->server)
            wolfSSL_CTX_set_psk_server_callback(c->ctx, spt_psk_server);
        else
            wolfSSL_CTX_set_psk_client_callback(c->ctx, spt_psk_client);
    }
    if (config->alpn != NULL && spt_join_alpn(c, config->alpn) < 0)
        return SP_ENOBUFS;
    if (!c->server && config->server_name != NULL) {
        c->server_name = spt_strdup(config->server_name);
        if (c->server_name == NULL)
            return SP_ENOBUFS;
    }
    /* A first random generator now: no entropy means no context. */
    WC_RNG rng;
    if (wc_InitRng(&rng) != 0)
        return SP_EIO;
    wc_FreeRng(&rng);
    return 0;
}

int spt_backend_ctx_new(const sp_tls_config *config, struct spt_backend_ctx **out)
{
    static bool initialised;
    if (!initialised) {
        if (wolfSSL_Init() != WOLFSSL_SUCCESS || wc_SetTimeCb(spt_wolfssl_time) != 0)
            return SP_EIO;
        initialised = true;
    }
    struct spt_backend_ctx *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SP_ENOBUFS;
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
    if (c->ctx != NULL)
        wolfSSL_CTX_free(c->ctx);
    memset(c->psk, 0, sizeof c->psk);
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
    conn->ctx = ctx;
    conn->ssl = wolfSSL_new(ctx->ctx);
    if (conn->ssl == NULL) {
        free(conn);
        return SP_ENOBUFS;
    }
    wolfSSL_SetIOReadCtx(conn->ssl, t);
    wolfSSL_SetIOWriteCtx(conn->ssl, t);
    wolfSSL_SetCertCbCtx(conn->ssl, conn); /* for spt_wolfssl_verify */
    bool ok = true;
    if (ctx->server_name != NULL) {
        ok = wolfSSL_UseSNI(conn->ssl, WOLFSSL_SNI_HOST_NAME, ctx->server_name,
                            (unsigned short)strlen(ctx->server_name)) == WOLFSSL_SUCCESS &&
             wolfSSL_check_domain_name(conn->ssl, ctx->server_name) == WOLFSSL_SUCCESS;
    }
    if (ok && ctx->alpn != NULL)
        ok = wolfSSL_UseALPN(conn->ssl, ctx->alpn, (unsigned)strlen(ctx->alpn),
                             WOLFSSL_ALPN_CONTINUE_ON_MISMATCH) == WOLFSSL_SUCCESS;
    if (!ok) {
        spt_backend_conn_free(conn);
        return SP_ENOBUFS;
    }
    *out = conn;
    return 0;
}

void spt_backend_conn_free(struct spt_backend_conn *conn)
{
    wolfSSL_free(conn->ssl);
    free(conn);
}

int spt_backend_handshake(struct spt_backend_conn *conn)
{
    int ret = conn->ctx->server ? wolfSSL_accept(conn->ssl) : wolfSSL_connect(conn->ssl);
    return ret == WOLFSSL_SUCCESS ? 0 : spt_wolfssl_error(conn->ssl, ret, true);
}

ptrdiff_t spt_backend_read(struct spt_backend_conn *conn, void *buf, size_t len)
{
    int n = wolfSSL_read(conn->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (n > 0)
        return n;
    int err = wolfSSL_get_error(conn->ssl, n);
    if (err == WOLFSSL_ERROR_ZERO_RETURN || err == ZERO_RETURN)
        return 0;
    return spt_wolfssl_error(conn->ssl, n, false);
}

/* wolfSSL encrypts records into its output buffer before it sends them; when
 * the transport is full it keeps them and wants the same write repeated: the
 * caller, told SP_EAGAIN, offers the same bytes again (docs/tls.md). */
ptrdiff_t spt_backend_write(struct spt_backend_conn *conn, const void *buf, size_t len)
{
    if (len < conn->pending)
        return SP_EINVAL; /* not the bytes of the write cut short */
    /* One record per call, so that what a repeat must cover fits flush's buffer. */
    int chunk = len > MAX_RECORD_SIZE ? MAX_RECORD_SIZE : (int)len;
    int n = wolfSSL_write(conn->ssl, buf, chunk);
    if (n > 0) {
        conn->pending = 0;
        return n;
    }
    int rc = spt_wolfssl_error(conn->ssl, n, false);
    if (rc == SPT_WANT_WRITE && conn->ssl->buffers.outputBuffer.length > 0)
        conn->pending = (size_t)conn->ssl->buffers.prevSent + conn->ssl->buffers.plainSz;
    return rc;
}

int spt_backend_flush(struct spt_backend_conn *conn)
{
    if (conn->pending == 0)
        return 0;
    /* The repeat reads none of these bytes: wolfSSL sends what it holds and
     * counts them as already written. */
    static const uint8_t unread[MAX_RECORD_SIZE];
    int n = wolfSSL_write(conn->ssl, unread, (int)conn->pending);
    if (n > 0) {
        conn->pending = 0;
        return 0;
    }
    return spt_wolfssl_error(conn->ssl, n, false);
}

size_t spt_backend_unsent(struct spt_backend_conn *conn)
{
    return conn->pending;
}

size_t spt_backend_pending(struct spt_backend_conn *conn)
{
    int n = wolfSSL_pending(conn->ssl);
    return n > 0 ? (size_t)n : 0;
}

int spt_backend_close_notify(struct spt_backend_conn *conn)
{
    int ret = wolfSSL_shutdown(conn->ssl);
    if (ret == WOLFSSL_SUCCESS || ret == WOLFSSL_SHUTDOWN_NOT_DONE)
        return 0; /* sent; the peer's close_notify is not waited for */
    return spt_wolfssl_error(conn->ssl, ret, false);
}

const char *spt_backend_alpn(struct spt_backend_conn *conn)
{
    char *name = NULL;
    unsigned short size = 0;
    if (wolfSSL_ALPN_GetProtocol(conn->ssl, &name, &size) != WOLFSSL_SUCCESS || name == NULL ||
        size >= sizeof conn->alpn)
        return NULL;
    memcpy(conn->alpn, name, size);
    conn->alpn[size] = '\0';
    return conn->alpn;
}

const char *spt_backend_name(void)
{
    return "wolfSSL " LIBWOLFSSL_VERSION_STRING;
}
