/*
 * A one-connection TLS peer over sockport, for the interop tests against the
 * host's openssl (openssl_interop.sh). Reads its certificates from files, as
 * a host tool does. Built twice: tls_peer on the POSIX port, tls_peer_lwip on
 * lwIP in this process on the TAP device netns_tap.sh names (sockport_lwip_tap).
 *
 *   tls_peer client ADDR:PORT CA_FILE SERVER_NAME [BYTES]     (ADDR IPv4, or [IPv6])
 *       send one line, print the reply line; with BYTES, send that many bytes
 *       in lines and check that each comes back reversed (openssl s_server -rev)
 *   tls_peer server ADDR:PORT CERT_FILE KEY_FILE [BYTES]
 *       echo one line back (with BYTES: that many bytes), then close
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
/* A bulk client's line, newline included, and how many lines it sends before
 * reading their replies: s_server -rev answers line by line, so a bounded
 * window keeps both sides' buffers from filling up at once. */
#define BULK_LINE 1024
#define BULK_WINDOW 8

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

/* The printable character at offset @p at of the bulk stream. */
static char bulk_char(size_t at)
{
    return (char)('!' + (at * 7 + at / BULK_LINE) % 94);
}

/* Sends @p total bytes as lines of BULK_LINE and checks each reply is the
 * line reversed, BULK_WINDOW lines in flight at most. */
static int exchange_bulk(int sock, size_t total)
{
    static char line[BULK_LINE];
    static char reply[BULK_LINE];
    size_t lines = (total + BULK_LINE - 1) / BULK_LINE;
    size_t sent = 0;
    size_t checked = 0;
    while (checked < lines) {
        for (; sent < lines && sent - checked < BULK_WINDOW; sent++) {
            for (size_t i = 0; i + 1 < BULK_LINE; i++)
                line[i] = bulk_char(sent * BULK_LINE + i);
            line[BULK_LINE - 1] = '\n';
            int rc = sp_send_all(sock, line, BULK_LINE, PEER_TIMEOUT_MS, NULL);
            if (rc < 0)
                return fail("bulk send", rc);
        }
        int rc = sp_recv_all(sock, reply, BULK_LINE, PEER_TIMEOUT_MS, NULL);
        if (rc < 0)
            return fail("bulk receive", rc);
        for (size_t i = 0; i < BULK_LINE; i++) {
            char want =
                i + 1 < BULK_LINE ? bulk_char(checked * BULK_LINE + BULK_LINE - 2 - i) : '\n';
            if (reply[i] != want) {
                fprintf(stderr, "tls_peer: line %zu came back wrong at byte %zu\n", checked, i);
                return 1;
            }
        }
        checked++;
    }
    printf("%zu bytes sent, each line came back reversed\n", lines * BULK_LINE);
    return 0;
}

/* Ends our side (close_notify, FIN), waits for the peer to end its own, then
 * closes. On lwIP in this process the stack moves bytes only while a call
 * pumps it, and the process ends right after sp_close(): bytes still queued
 * then (the window or the congestion window full) would never leave. The peer
 * can only end after all of ours have arrived. Bounded by the receive timeout
 * and a count of reads; how the peer ended goes to stderr. */
static int close_after_peer(int sock, sp_tls_context *ctx)
{
    int rc = sp_shutdown(sock, SP_SHUT_WR);
    if (rc < 0)
        return fail("shutdown", rc);
    static char sink[512];
    ptrdiff_t n = 1;
    for (int reads = 0; n > 0 && reads < 1000; reads++)
        n = sp_recv(sock, sink, sizeof sink, 0);
    fprintf(stderr, "tls_peer: the peer ended with %s\n",
            n == 0  ? "close_notify"
            : n < 0 ? sp_err_name((int)n)
                    : "more data");
    if ((rc = sp_close(sock)) < 0 || (rc = sp_tls_context_free(ctx)) < 0)
        return fail("close", rc);
    return 0;
}

static int run_client(const sp_addr *addr, sp_tls_config *config, size_t bulk)
{
    sp_tls_context *ctx;
    int rc = sp_tls_context_new(config, &ctx);
    if (rc < 0)
        return fail("context", rc);
    int sock = sp_socket(addr->family, SP_SOCK_STREAM, 0);
    if (sock < 0 || (rc = set_timeouts(sock)) < 0 || (rc = sp_connect(sock, addr)) < 0)
        return fail("connect", sock < 0 ? sock : rc);
    if ((rc = sp_tls_wrap(sock, ctx)) < 0 || (rc = sp_tls_handshake(sock, NULL)) < 0)
        return fail("handshake", rc);
    if (bulk > 0) {
        if (exchange_bulk(sock, bulk) != 0)
            return 1;
        return close_after_peer(sock, ctx);
    }
    static const char hello[] = "hello from sockport\n";
    if ((rc = sp_send_all(sock, hello, strlen(hello), PEER_TIMEOUT_MS, NULL)) < 0)
        return fail("send", rc);
    char line[256];
    ptrdiff_t n = recv_line(sock, line, sizeof line);
    if (n < 0)
        return fail("receive", (int)n);
    fputs(line, stdout);
    return close_after_peer(sock, ctx);
}

/* Echoes exactly @p total bytes back as they arrive. */
static int echo_bulk(int sock, size_t total)
{
    static char chunk[4096];
    size_t echoed = 0;
    while (echoed < total) {
        size_t want = total - echoed < sizeof chunk ? total - echoed : sizeof chunk;
        ptrdiff_t n = sp_recv(sock, chunk, want, 0);
        if (n <= 0)
            return fail("bulk receive", n == 0 ? SP_EEOF : (int)n);
        int rc = sp_send_all(sock, chunk, (size_t)n, PEER_TIMEOUT_MS, NULL);
        if (rc < 0)
            return fail("bulk send", rc);
        echoed += (size_t)n;
    }
    printf("echoed %zu bytes\n", echoed);
    return 0;
}

static int run_server(const sp_addr *addr, sp_tls_config *config, size_t bulk)
{
    sp_tls_context *ctx;
    int rc = sp_tls_context_new(config, &ctx);
    if (rc < 0)
        return fail("context", rc);
    int listener = sp_socket(addr->family, SP_SOCK_STREAM, 0);
    if (listener < 0 || (rc = sp_setsockopt(listener, SP_OPT_REUSEADDR, 1)) < 0 ||
        (rc = sp_bind(listener, addr)) < 0 || (rc = sp_listen(listener, 1)) < 0 ||
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
    if (bulk > 0) {
        if (echo_bulk(sock, bulk) != 0)
            return 1;
    } else {
        char line[256];
        ptrdiff_t n = recv_line(sock, line, sizeof line);
        if (n < 0)
            return fail("receive", (int)n);
        if ((rc = sp_send_all(sock, line, (size_t)n, PEER_TIMEOUT_MS, NULL)) < 0)
            return fail("send", rc);
    }
    return close_after_peer(sock, ctx);
}

int main(int argc, char **argv)
{
    sp_addr addr;
    if (argc < 5 || argc > 6 ||
        (strcmp(argv[1], "client") != 0 && strcmp(argv[1], "server") != 0) ||
        sp_addr_parse(argv[2], &addr) != 0) {
        fprintf(stderr, "usage: tls_peer client ADDR:PORT CA_FILE NAME [BYTES]"
                        " | server ADDR:PORT CERT KEY [BYTES]\n");
        return 2;
    }
    size_t bulk = argc == 6 ? (size_t)strtoull(argv[5], NULL, 10) : 0;
    static uint8_t first[PEER_FILE_MAX];
    static uint8_t second[PEER_FILE_MAX];
    sp_tls_config config = {0};
    if (strcmp(argv[1], "client") == 0) {
        config.role = SP_TLS_CLIENT;
        config.ca = first;
        config.ca_len = read_file(argv[3], first);
        config.server_name = argv[4];
        return run_client(&addr, &config, bulk);
    }
    config.role = SP_TLS_SERVER;
    config.cert = first;
    config.cert_len = read_file(argv[3], first);
    config.key = second;
    config.key_len = read_file(argv[4], second);
    return run_server(&addr, &config, bulk);
}
