/*
 * A one-connection TLS peer over sockport's POSIX port, for the interop tests
 * against the host's openssl (openssl_interop.sh). Reads its certificates
 * from files, as a host tool does.
 *
 *   tls_peer client PORT CA_FILE SERVER_NAME   send one line, print the reply line
 *   tls_peer server PORT CERT_FILE KEY_FILE    echo one line back, then close
 *
 * Exits 0 on success; on failure prints the SP_E* name and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/sockport.h>
#include <sockport/tls.h>

#define PEER_TIMEOUT_MS 10000
#define PEER_FILE_MAX 16384

static int fail(const char *what, int rc)
{
    fprintf(stderr, "tls_peer: %s: %s (%s)\n", what, sp_err_name(rc), sp_strerror(rc));
    return 1;
}

static size_t read_file(const char *path, uint8_t *buf)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "tls_peer: cannot open %s\n", path);
        exit(2);
    }
    size_t n = fread(buf, 1, PEER_FILE_MAX, f);
    fclose(f);
    return n;
}

/* Reads up to and including the first newline (bounded by @p cap). */
static ptrdiff_t recv_line(int sock, char *line, size_t cap)
{
    size_t got = 0;
    while (got + 1 < cap) {
        ptrdiff_t n = sp_recv(sock, line + got, 1, 0);
        if (n <= 0)
            return n == 0 ? SP_EEOF : n;
        got++;
        if (line[got - 1] == '\n')
            break;
    }
    line[got] = '\0';
    return (ptrdiff_t)got;
}

static int set_timeouts(int sock)
{
    int rc = sp_setsockopt(sock, SP_OPT_RCVTIMEO, PEER_TIMEOUT_MS);
    return rc < 0 ? rc : sp_setsockopt(sock, SP_OPT_SNDTIMEO, PEER_TIMEOUT_MS);
}

static int run_client(uint16_t port, sp_tls_config *config)
{
    sp_tls_context *ctx;
    int rc = sp_tls_context_new(config, &ctx);
    if (rc < 0)
        return fail("context", rc);
    sp_addr addr;
    sp_addr_loopback(&addr, SP_AF_INET, port);
    int sock = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    if (sock < 0 || (rc = set_timeouts(sock)) < 0 || (rc = sp_connect(sock, &addr)) < 0)
        return fail("connect", sock < 0 ? sock : rc);
    if ((rc = sp_tls_wrap(sock, ctx)) < 0 || (rc = sp_tls_handshake(sock, NULL)) < 0)
        return fail("handshake", rc);
    static const char hello[] = "hello from sockport\n";
    if ((rc = sp_send_all(sock, hello, strlen(hello), PEER_TIMEOUT_MS, NULL)) < 0)
        return fail("send", rc);
    char line[256];
    ptrdiff_t n = recv_line(sock, line, sizeof line);
    if (n < 0)
        return fail("receive", (int)n);
    fputs(line, stdout);
    if ((rc = sp_close(sock)) < 0 || (rc = sp_tls_context_free(ctx)) < 0)
        return fail("close", rc);
    return 0;
}

static int run_server(uint16_t port, sp_tls_config *config)
{
    sp_tls_context *ctx;
    int rc = sp_tls_context_new(config, &ctx);
    if (rc < 0)
        return fail("context", rc);
    sp_addr addr;
    sp_addr_loopback(&addr, SP_AF_INET, port);
    int listener = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    if (listener < 0 || (rc = sp_setsockopt(listener, SP_OPT_REUSEADDR, 1)) < 0 ||
        (rc = sp_bind(listener, &addr)) < 0 || (rc = sp_listen(listener, 1)) < 0 ||
        (rc = sp_setsockopt(listener, SP_OPT_RCVTIMEO, PEER_TIMEOUT_MS)) < 0)
        return fail("listen", listener < 0 ? listener : rc);
    printf("listening\n");
    fflush(stdout);
    int sock = sp_accept(listener, NULL);
    if (sock < 0)
        return fail("accept", sock);
    sp_close(listener);
    if ((rc = set_timeouts(sock)) < 0 || (rc = sp_tls_wrap(sock, ctx)) < 0 ||
        (rc = sp_tls_handshake(sock, NULL)) < 0)
        return fail("handshake", rc);
    char line[256];
    ptrdiff_t n = recv_line(sock, line, sizeof line);
    if (n < 0)
        return fail("receive", (int)n);
    if ((rc = sp_send_all(sock, line, (size_t)n, PEER_TIMEOUT_MS, NULL)) < 0)
        return fail("send", rc);
    if ((rc = sp_close(sock)) < 0 || (rc = sp_tls_context_free(ctx)) < 0)
        return fail("close", rc);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 5 || (strcmp(argv[1], "client") != 0 && strcmp(argv[1], "server") != 0)) {
        fprintf(stderr, "usage: tls_peer client PORT CA_FILE NAME | server PORT CERT KEY\n");
        return 2;
    }
    uint16_t port = (uint16_t)atoi(argv[2]);
    static uint8_t first[PEER_FILE_MAX];
    static uint8_t second[PEER_FILE_MAX];
    sp_tls_config config = {0};
    if (strcmp(argv[1], "client") == 0) {
        config.role = SP_TLS_CLIENT;
        config.ca = first;
        config.ca_len = read_file(argv[3], first);
        config.server_name = argv[4];
        return run_client(port, &config);
    }
    config.role = SP_TLS_SERVER;
    config.cert = first;
    config.cert_len = read_file(argv[3], first);
    config.key = second;
    config.key_len = read_file(argv[4], second);
    return run_server(port, &config);
}
