/*
 * A TCP client with a timeout on every step and an error message for every
 * failure: connect to HOST PORT, send TEXT and a newline, end the sending
 * side, and print what comes back until the server closes.
 *
 *   tcp_client 127.0.0.1 7007 "hello"      (against examples/echo_server)
 *
 * README.md shows this file as the API tour's complete example.
 */
#include <sockport/sockport.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMEOUT_MS 3000

static int fail(const char *what, int err)
{
    fprintf(stderr, "%s: %s (%s)\n", what, sp_strerror(err), sp_err_name(err));
    return 1;
}

int main(int argc, char **argv)
{
    const char *text = argc > 3 ? argv[3] : "hello";
    sp_addr server;
    char buf[256];
    ptrdiff_t got;
    int sock, rc;

    if (argc < 3) {
        fprintf(stderr, "usage: %s HOST PORT [TEXT]\n", argv[0]);
        return 2;
    }
    /* Numeric addresses and names alike; the port comes from the service text. */
    rc = sp_resolve(argv[1], argv[2], SP_AF_UNSPEC, &server, 1, TIMEOUT_MS);
    if (rc < 0) {
        return fail("resolve", rc);
    }
    sock = sp_socket(server.family, SP_SOCK_STREAM, 0);
    if (sock < 0) {
        return fail("socket", sock);
    }
    /* The send timeout bounds connect(), the receive timeout each recv(). */
    sp_setsockopt(sock, SP_OPT_SNDTIMEO, TIMEOUT_MS);
    sp_setsockopt(sock, SP_OPT_RCVTIMEO, TIMEOUT_MS);

    rc = sp_connect(sock, &server);
    if (rc < 0) { /* SP_ECONNREFUSED, SP_ETIMEDOUT, SP_ENETUNREACH... */
        sp_close(sock);
        return fail("connect", rc);
    }
    rc = sp_send_all(sock, text, strlen(text), TIMEOUT_MS, NULL);
    if (rc == 0) {
        rc = sp_send_all(sock, "\n", 1, TIMEOUT_MS, NULL);
    }
    if (rc == 0) {
        rc = sp_shutdown(sock, SP_SHUT_WR); /* the server sees end of stream */
    }
    if (rc < 0) {
        sp_close(sock);
        return fail("send", rc);
    }
    while ((got = sp_recv(sock, buf, sizeof buf, 0)) > 0) {
        fwrite(buf, 1, (size_t)got, stdout);
    }
    sp_close(sock);
    if (got < 0) { /* 0 is the server's end of stream: success */
        return fail("recv", (int)got);
    }
    return EXIT_SUCCESS;
}
