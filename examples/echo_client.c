/*
 * Client for echo_server: sends numbered messages over UDP, then over TCP,
 * and checks that each one comes back unchanged. Every wait is bounded by
 * --timeout, and every failure is reported with sockport's error name.
 */
#include "echo.h"

#include <stdio.h>
#include <string.h>

/* Room for the message text plus " #n". */
#define ECHO_MESSAGE_BYTES 256
/* A datagram may be lost (not on loopback, but on a real or emulated link). */
#define ECHO_UDP_ATTEMPTS 2

/* How one transport went, for the summary line. */
struct echo_tally {
    int matched;
    int sent;
};

static int report(const char *transport, const char *what, int err)
{
    fprintf(stderr, "echo_client: %s %s: %s (%s)\n", transport, what, sp_strerror(err),
            sp_err_name(err));
    return err;
}

static size_t format_message(char *out, const struct echo_options *opt, int number)
{
    int n = snprintf(out, ECHO_MESSAGE_BYTES, "%s #%d", opt->message, number);

    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return n >= ECHO_MESSAGE_BYTES ? ECHO_MESSAGE_BYTES - 1 : (size_t)n;
}

/* Compare and print one echo; 1 if it matched. */
static int check_echo(const char *transport, const char *sent, size_t sent_len, const char *got,
                      size_t got_len)
{
    int same = got_len == sent_len && memcmp(sent, got, sent_len) == 0;

    printf("echo_client: %s: sent \"%.*s\", got \"%.*s\"%s\n", transport, (int)sent_len, sent,
           (int)got_len, got, same ? "" : "  MISMATCH");
    return same;
}

/* One datagram out, its echo back, retried once if the echo does not come. */
static int udp_exchange(int sock, const char *msg, size_t len, struct echo_tally *tally)
{
    char reply[ECHO_MESSAGE_BYTES];
    ptrdiff_t got = SP_ETIMEDOUT;
    int attempt;

    for (attempt = 0; attempt < ECHO_UDP_ATTEMPTS && got == SP_ETIMEDOUT; attempt++) {
        ptrdiff_t sent = sp_send(sock, msg, len, 0);

        if (sent < 0) {
            return report("udp", "send", (int)sent);
        }
        got = sp_recv(sock, reply, sizeof reply, 0);
    }
    if (got < 0) {
        return report("udp", "receive", (int)got);
    }
    tally->sent++;
    tally->matched += check_echo("udp", msg, len, reply, (size_t)got);
    return 0;
}

static int run_udp(sp_stack *stack, const sp_addr *server, const struct echo_options *opt,
                   struct echo_tally *tally)
{
    char msg[ECHO_MESSAGE_BYTES];
    int sock = sp_socket_on(stack, server->family, SP_SOCK_DGRAM, 0);
    int rc;
    int i;

    if (sock < 0) {
        return report("udp", "socket", sock);
    }
    /* Connecting a datagram socket fixes its peer: replies from anyone else
     * are dropped, and a closed server port shows up as SP_ECONNREFUSED. */
    rc = sp_connect(sock, server);
    if (rc == 0) {
        rc = sp_setsockopt(sock, SP_OPT_RCVTIMEO, opt->timeout_ms);
    }
    if (rc < 0) {
        sp_close(sock);
        return report("udp", "connect", rc);
    }
    for (i = 1; i <= opt->count && rc == 0; i++) {
        rc = udp_exchange(sock, msg, format_message(msg, opt, i), tally);
    }
    sp_close(sock);
    return rc;
}

static int tcp_exchange(int sock, const char *msg, size_t len, int timeout_ms,
                        struct echo_tally *tally)
{
    char reply[ECHO_MESSAGE_BYTES];
    size_t got = 0;
    int rc = sp_send_all(sock, msg, len, timeout_ms, NULL);

    if (rc < 0) {
        return report("tcp", "send", rc);
    }
    /* A stream has no message boundaries: read exactly what was sent. */
    rc = sp_recv_all(sock, reply, len, timeout_ms, &got);
    if (rc < 0) {
        return report("tcp", "receive", rc);
    }
    tally->sent++;
    tally->matched += check_echo("tcp", msg, len, reply, got);
    return 0;
}

/* After our end of stream, the server closes too: a clean goodbye. */
static int tcp_goodbye(int sock)
{
    char extra[1];
    ptrdiff_t got;
    int rc = sp_shutdown(sock, SP_SHUT_WR);

    if (rc < 0) {
        return report("tcp", "shutdown", rc);
    }
    got = sp_recv(sock, extra, sizeof extra, 0);
    if (got < 0) {
        return report("tcp", "waiting for the server to close", (int)got);
    }
    if (got > 0) {
        fprintf(stderr, "echo_client: tcp: unexpected data after the echoes\n");
        return 1;
    }
    return 0;
}

static int run_tcp(sp_stack *stack, const sp_addr *server, const struct echo_options *opt,
                   struct echo_tally *tally)
{
    char msg[ECHO_MESSAGE_BYTES];
    int sock = sp_socket_on(stack, server->family, SP_SOCK_STREAM, 0);
    int rc;
    int i;

    if (sock < 0) {
        return report("tcp", "socket", sock);
    }
    /* The send timeout bounds the connect; the receive timeout the goodbye. */
    rc = sp_setsockopt(sock, SP_OPT_SNDTIMEO, opt->timeout_ms);
    if (rc == 0) {
        rc = sp_setsockopt(sock, SP_OPT_RCVTIMEO, opt->timeout_ms);
    }
    if (rc == 0) {
        rc = sp_setsockopt(sock, SP_OPT_NODELAY, 1);
    }
    if (rc < 0) {
        sp_close(sock);
        return report("tcp", "setsockopt", rc);
    }
    rc = sp_connect(sock, server);
    if (rc < 0) {
        sp_close(sock);
        return report("tcp", "connect", rc);
    }
    for (i = 1; i <= opt->count && rc == 0; i++) {
        rc = tcp_exchange(sock, msg, format_message(msg, opt, i), opt->timeout_ms, tally);
    }
    if (rc == 0) {
        rc = tcp_goodbye(sock);
    }
    sp_close(sock);
    return rc;
}

int echo_client_run(sp_stack *stack, const struct echo_options *opt)
{
    struct echo_tally udp = {0, 0};
    struct echo_tally tcp = {0, 0};
    char text[SP_ADDR_STRLEN];
    sp_addr server;
    int rc;

    if (stack == NULL || opt == NULL || opt->host == NULL || opt->message == NULL ||
        (!opt->tcp && !opt->udp)) {
        return SP_EINVAL;
    }
    rc = sp_resolve_on(stack, opt->host, NULL, SP_AF_UNSPEC, &server, 1, opt->timeout_ms);
    if (rc < 0) {
        fprintf(stderr, "echo_client: cannot resolve '%s': %s (%s)\n", opt->host, sp_strerror(rc),
                sp_err_name(rc));
        return rc;
    }
    server.port = opt->port;
    if (sp_addr_format(&server, text, sizeof text) < 0) {
        text[0] = '\0';
    }
    printf("echo_client: server %s, stack %s\n", text, sp_stack_name(stack));
    rc = 0;
    if (opt->udp) {
        rc = run_udp(stack, &server, opt, &udp);
    }
    if (opt->tcp && rc == 0) {
        rc = run_tcp(stack, &server, opt, &tcp);
    }
    if (opt->udp) {
        printf("echo_client: udp: %d of %d echoes matched\n", udp.matched, opt->count);
    }
    if (opt->tcp) {
        printf("echo_client: tcp: %d of %d echoes matched\n", tcp.matched, opt->count);
    }
    fflush(stdout);
    if (rc != 0) {
        return rc;
    }
    return udp.matched == udp.sent && tcp.matched == tcp.sent ? 0 : 1;
}

#ifndef ECHO_NO_MAIN
int main(int argc, char **argv)
{
    return echo_main(ECHO_ROLE_CLIENT, argc, argv, echo_client_run);
}
#endif
