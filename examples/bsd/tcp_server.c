/*
 * A TCP echo server written the classic way: socket, bind, listen, accept,
 * read, write, close. The same file builds for the host kernel, for sockport's
 * lwIP port in-process and as mps2-an385 firmware (examples/bsd/README.md).
 *
 * usage: tcp_server [port [connections]]
 *   port 0 (default) lets the system choose; the first line printed is
 *   "PORT <n>", then "READY". Serves <connections> clients one after the
 *   other (default 1; 0 = forever), echoing each until it closes.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int echo_client(int conn)
{
    char buf[1024];
    for (;;) {
        ssize_t n = read(conn, buf, sizeof buf);
        if (n == 0) {
            return 0;
        }
        if (n < 0) {
            fprintf(stderr, "tcp_server: read: %s\n", strerror(errno));
            return -1;
        }
        for (ssize_t done = 0; done < n;) {
            ssize_t w = write(conn, buf + done, (size_t)(n - done));
            if (w < 0) {
                fprintf(stderr, "tcp_server: write: %s\n", strerror(errno));
                return -1;
            }
            done += w;
        }
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int connections = argc > 2 ? atoi(argv[2]) : 1;

    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0) {
        fprintf(stderr, "tcp_server: socket: %s\n", strerror(errno));
        return 1;
    }
    int on = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((unsigned short)port);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "tcp_server: bind: %s\n", strerror(errno));
        return 1;
    }
    if (listen(listener, 5) < 0) {
        fprintf(stderr, "tcp_server: listen: %s\n", strerror(errno));
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(listener, (struct sockaddr *)&addr, &len);
    printf("PORT %u\nREADY\n", ntohs(addr.sin_port));
    fflush(stdout);

    int status = 0;
    for (int served = 0; connections == 0 || served < connections; served++) {
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        int conn = accept(listener, (struct sockaddr *)&peer, &peer_len);
        if (conn < 0) {
            fprintf(stderr, "tcp_server: accept: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (echo_client(conn) < 0) {
            status = 1;
        }
        close(conn);
    }
    close(listener);
    printf("tcp_server: done, %s\n", status == 0 ? "ok" : "failed");
    return status;
}
