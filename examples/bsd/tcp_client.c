/*
 * A TCP client written the classic way: getaddrinfo, socket, connect, write,
 * read, close. It sends <lines> numbered lines to an echo server and checks
 * that each comes back unchanged. The same file builds for the host kernel,
 * for sockport's lwIP port in-process and as mps2-an385 firmware.
 *
 * usage: tcp_client host port [lines]     (default 100 lines)
 * Exit status 0 when every byte came back in order.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int connect_to(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "tcp_client: %s: %s\n", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        fprintf(stderr, "tcp_client: connect: %s\n", strerror(errno));
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Read exactly len bytes. */
static int read_fully(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0) {
            fprintf(stderr, "tcp_client: read: %s\n", n == 0 ? "end of stream" : strerror(errno));
            return -1;
        }
        got += (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: tcp_client host port [lines]\n");
        return 2;
    }
    int lines = argc > 3 ? atoi(argv[3]) : 100;
    int fd = connect_to(argv[1], argv[2]);
    if (fd < 0) {
        return 1;
    }
    long total = 0;
    for (int i = 0; i < lines; i++) {
        char line[128], echo[128];
        int len = snprintf(line, sizeof line, "line %d of %d: the quick brown fox\n", i + 1, lines);
        if (write(fd, line, (size_t)len) != len) {
            fprintf(stderr, "tcp_client: write: %s\n", strerror(errno));
            return 1;
        }
        if (read_fully(fd, echo, (size_t)len) < 0) {
            return 1;
        }
        if (memcmp(line, echo, (size_t)len) != 0) {
            fprintf(stderr, "tcp_client: line %d came back changed\n", i + 1);
            return 1;
        }
        total += len;
    }
    close(fd);
    printf("tcp_client: OK, %d lines, %ld bytes echoed\n", lines, total);
    return 0;
}
