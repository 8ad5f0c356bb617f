/* The TLS tests' certificates (PEM, NUL-terminated), generated at build time
 * by make_test_certs.sh. One key (sp_t_tls_server_key) serves all three
 * server certificates; the first CA signed them, the other signed nothing. */
#ifndef SOCKPORT_TLS_TEST_CERTS_H
#define SOCKPORT_TLS_TEST_CERTS_H

extern const char sp_t_tls_ca[];
extern const char sp_t_tls_other_ca[];
extern const char sp_t_tls_server_cert[]; /* localhost, valid 2024-2049 */
extern const char sp_t_tls_server_key[];
extern const char sp_t_tls_expired_cert[];    /* localhost, expired in 2020 */
extern const char sp_t_tls_wrong_name_cert[]; /* wrong-name.test */
/* When they were made (seconds since the Unix epoch): the CAs are valid from
 * then for ten years. A board without a calendar uses it as "now". */
extern const long long sp_t_tls_made_at;

#endif
