/**
 * @file
 * @brief Every difference between the mbedTLS 2.28 and 3.6 APIs that the
 *        mbedTLS backend meets, in one place (docs/tls.md lists them).
 *
 * tls_mbedtls.c is written against the names below; only this file looks at
 * MBEDTLS_VERSION_MAJOR. Debian 12's 2.28 is what the tests build; the 3.x
 * branch follows 3.6's documented API (it is not built here).
 *
 * 1. Configuration header: 2.28 has <mbedtls/config.h>; 3.x <mbedtls/build_info.h>.
 * 2. mbedtls_pk_parse_key() takes a random generator in 3.x (for blinding).
 * 3. mbedtls_ssl_conf_min_version(major, minor) became
 *    mbedtls_ssl_conf_min_tls_version(); 3.6 has TLS 1.3
 *    (MBEDTLS_SSL_PROTO_TLS1_3), 2.28's is an incomplete prototype we refuse.
 * 4. Structure fields are private in 3.x (MBEDTLS_PRIVATE()): the one field read,
 *    the output bytes not yet sent (out_left), goes through SPT_MBEDTLS_OUT_LEFT.
 * 5. The handshake's parse errors: 2.28 has one per message
 *    (MBEDTLS_ERR_SSL_BAD_HS_*); 3.x folded them into MBEDTLS_ERR_SSL_DECODE_ERROR
 *    and MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE.
 * 6. 3.x with TLS 1.3 may return MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
 *    from a read: not an error, read again.
 */
#ifndef SOCKPORT_TLS_MBEDTLS_COMPAT_H
#define SOCKPORT_TLS_MBEDTLS_COMPAT_H

#include <stdbool.h>

#include <mbedtls/version.h>

#if MBEDTLS_VERSION_MAJOR >= 3
#include <mbedtls/build_info.h>
#else
#if !defined(MBEDTLS_CONFIG_FILE)
#include <mbedtls/config.h>
#else
#include MBEDTLS_CONFIG_FILE
#endif
#endif

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#if MBEDTLS_VERSION_MAJOR >= 3

#define SPT_MBEDTLS_OUT_LEFT(ssl) ((ssl)->MBEDTLS_PRIVATE(out_left))

static inline int spt_mbedtls_parse_key(mbedtls_pk_context *pk, const unsigned char *key,
                                        size_t len, mbedtls_ctr_drbg_context *drbg)
{
    return mbedtls_pk_parse_key(pk, key, len, NULL, 0, mbedtls_ctr_drbg_random, drbg);
}

/* 0, or SP_EOPNOTSUPP-worthy -1 when the version is not built in. */
static inline int spt_mbedtls_min_version(mbedtls_ssl_config *conf, bool tls13)
{
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
    mbedtls_ssl_conf_min_tls_version(conf, tls13 ? MBEDTLS_SSL_VERSION_TLS1_3
                                                 : MBEDTLS_SSL_VERSION_TLS1_2);
    return 0;
#else
    if (tls13)
        return -1;
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    return 0;
#endif
}

/* Whether @p rc says the peer sent something that does not parse. */
static inline bool spt_mbedtls_is_parse_error(int rc)
{
    return rc == MBEDTLS_ERR_SSL_DECODE_ERROR || rc == MBEDTLS_ERR_SSL_INVALID_RECORD ||
           rc == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE || rc == MBEDTLS_ERR_SSL_UNEXPECTED_RECORD;
}

#define SPT_MBEDTLS_READ_AGAIN(rc) ((rc) == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)

#else /* 2.28 */

#define SPT_MBEDTLS_OUT_LEFT(ssl) ((ssl)->out_left)

static inline int spt_mbedtls_parse_key(mbedtls_pk_context *pk, const unsigned char *key,
                                        size_t len, mbedtls_ctr_drbg_context *drbg)
{
    (void)drbg;
    return mbedtls_pk_parse_key(pk, key, len, NULL, 0);
}

static inline int spt_mbedtls_min_version(mbedtls_ssl_config *conf, bool tls13)
{
    if (tls13)
        return -1;
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    return 0;
}

static inline bool spt_mbedtls_is_parse_error(int rc)
{
    return rc == MBEDTLS_ERR_SSL_INVALID_RECORD || rc == MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE ||
           rc == MBEDTLS_ERR_SSL_UNEXPECTED_RECORD || rc == MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO ||
           rc == MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO;
}

#define SPT_MBEDTLS_READ_AGAIN(rc) 0

#endif

#endif /* SOCKPORT_TLS_MBEDTLS_COMPAT_H */
