/*
 * mbedTLS 2.28 configuration for the mps2-an385 firmware (Cortex-M3, newlib,
 * no file system, no hardware RNG, no calendar clock), given to mbedTLS with
 * -DMBEDTLS_CONFIG_FILE="mbedtls_config_board.h" in place of its config.h.
 *
 * What the firmware builds of ssl_server2 and ssl_client2 need, nothing more:
 * TLS 1.2 and DTLS 1.2, client and server, ECDHE-RSA and RSA key exchange
 * with AES-GCM, AES-CBC and ChaCha20-Poly1305, and mbedTLS's built-in test
 * certificates (RSA). ECDSA is left out on purpose: with it, ssl_server2 would
 * also offer its built-in EC certificate (tests/data_files/server5.crt),
 * which expired in 2023, and curl and openssl rightly refuse it.
 *
 * The platform parts an integrator supplies (tls/board/):
 *   entropy  MBEDTLS_ENTROPY_HARDWARE_ALT: mbedtls_hardware_poll() in
 *            entropy_test_only.c. The board has no RNG, so that source is
 *            TEST-ONLY and says so on the console.
 *   timing   MBEDTLS_TIMING_ALT: timing_alt.h / timing_alt.c on board_millis().
 *   time     MBEDTLS_PLATFORM_TIME_MACRO: seconds since boot. There is no
 *            calendar (no MBEDTLS_HAVE_TIME_DATE), so mbedTLS itself checks
 *            no validity dates on the board (its programs ssl_client2 and
 *            ssl_server2 accept expired certificates here). sockport's TLS
 *            layer checks them against the clock an application registers
 *            with sp_tls_set_time(), and refuses to verify without one
 *            (docs/tls.md).
 * Sockets: MBEDTLS_NET_C's net_sockets.c, unmodified, over sockport's BSD
 * layer (bsd/); it is compiled with -D__unix__ only, which it needs to see
 * that BSD sockets exist.
 */
#ifndef SOCKPORT_MBEDTLS_CONFIG_BOARD_H
#define SOCKPORT_MBEDTLS_CONFIG_BOARD_H

/* System support. */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_TIME_MACRO sockport_mbedtls_time
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
#define MBEDTLS_TIMING_C
#define MBEDTLS_TIMING_ALT
#define MBEDTLS_NET_C

/* Randomness: entropy pool and CTR-DRBG on top of mbedtls_hardware_poll(). */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* Symmetric cryptography and hashes. */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_CIPHER_C
#define MBEDTLS_CIPHER_MODE_CBC
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_MD_C
#define MBEDTLS_MD5_C  /* the PEM parser's key derivation; TLS does not use it */
#define MBEDTLS_SHA1_C /* certificate fingerprints and older signatures */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C

/* Public keys: RSA for the certificates, ECDH for the key exchange. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_GENPRIME /* the RSA module's self-consistency checks */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C

/* Certificates: X.509 parsing and mbedTLS's built-in test certificates
 * (there is no file system to load others from). */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE
#define MBEDTLS_CERTS_C

/* TLS and DTLS 1.2. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_DTLS
#define MBEDTLS_SSL_DTLS_HELLO_VERIFY
#define MBEDTLS_SSL_DTLS_ANTI_REPLAY
#define MBEDTLS_SSL_DTLS_BADMAC_LIMIT
#define MBEDTLS_SSL_COOKIE_C
#define MBEDTLS_SSL_CACHE_C
#define MBEDTLS_KEY_EXCHANGE_RSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
/* sockport's TLS layer serves the board's page with an ECDSA P-256 test
 * certificate (tests/tls/make_test_certs.sh): far cheaper than RSA here;
 * its suite cases also use the pre-shared key mode. */
#define MBEDTLS_ECDSA_C
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_PSK_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES

/* Diagnostics the programs print (error strings, debug_level=N, version). */
#define MBEDTLS_ERROR_C
#define MBEDTLS_DEBUG_C
#define MBEDTLS_VERSION_C

/* The glue's declarations (mbedtls_time's replacement). */
#include "sockport_mbedtls_board.h"

#include "mbedtls/check_config.h"

#endif /* SOCKPORT_MBEDTLS_CONFIG_BOARD_H */
