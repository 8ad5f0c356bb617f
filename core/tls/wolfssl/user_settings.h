/*
 * wolfSSL's build configuration for sockport's TLS layer (WOLFSSL_USER_SETTINGS):
 * what the backend (core/tls/tls_wolfssl.c) uses and nothing more. wolfSSL's
 * sources are Debian's 5.5.4, unmodified; cmake/SockportWolfssl.cmake lists
 * the files compiled.
 */
#ifndef SOCKPORT_WOLFSSL_USER_SETTINGS_H
#define SOCKPORT_WOLFSSL_USER_SETTINGS_H

/* Transport: sockport's own send/recv callbacks, no sockets, no files. */
#define WOLFSSL_USER_IO
#define NO_FILESYSTEM
#define NO_WRITEV

/* A board (no operating system, the mps2-an385 firmware): one thread. Its
 * calendar comes from sockport's hook (sp_tls_set_time, tls_wolfssl.c). */
#if !defined(__unix__)
#define SINGLE_THREADED
#define NO_DEV_RANDOM
#endif

/* Protocols: TLS 1.2 and 1.3; nothing older. */
#define WOLFSSL_TLS13
#define NO_OLD_TLS
#define HAVE_TLS_EXTENSIONS
#define HAVE_SUPPORTED_CURVES
#define HAVE_EXTENDED_MASTER
#define HAVE_ENCRYPT_THEN_MAC
#define HAVE_SERVER_RENEGOTIATION_INFO
#define HAVE_SNI
#define HAVE_ALPN
#define HAVE_HKDF
#define WC_RSA_PSS

/* Algorithms: ECDHE and ECDSA on P-256/P-384, RSA, AES-GCM, ChaCha20-Poly1305, SHA-2. */
#define HAVE_ECC
#define ECC_TIMING_RESISTANT
#define TFM_TIMING_RESISTANT
#define WC_RSA_BLINDING
#define HAVE_AESGCM
#define HAVE_CHACHA
#define HAVE_POLY1305
#define WOLFSSL_SHA384
#define WOLFSSL_SHA512
#define WOLFSSL_SP_MATH_ALL
#define SP_INT_BITS 4096
#define NO_DSA
#define NO_RC4
#define NO_MD4
#define NO_MD5
#define NO_DES3
#define NO_DH
#define NO_PWDBASED
#define WOLFSSL_PEM_TO_DER

/* Entropy: sockport's hook, else the operating system's (tls_wolfssl.c). */
extern int spt_wolfssl_seed(unsigned char *output, unsigned int size);
#define CUSTOM_RAND_GENERATE_SEED spt_wolfssl_seed

#endif /* SOCKPORT_WOLFSSL_USER_SETTINGS_H */
