/*
 * A UDP echo server written the classic way: socket, bind, recvfrom, sendto,
 * close. The same file builds for the host kernel, for sockport's lwIP port
 * in-process and as mps2-an385 firmware.
 *
 * usage: udp_server [port [datagrams]]
 *   port 0 (default) lets the system choose; the first line printed is
 *   "PORT <n>", then "READY". Echoes <datagrams> datagrams (default 0 =
 *   forever) and stops at the first datagram that says "quit".
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    int datagrams = argc > 2 ? atoi(argv[2]) : 0;

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        fprintf(stderr, "udp_server: socket: %s\n", strerror(errno));
        return 1;
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        fprintf(stderr, "udp_server: bind: %s\n", strerror(errno));
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    printf("PORT %u\nREADY\n", ntohs(addr.sin_port));
    fflush(stdout);

    int echoed = 0;
    while (datagrams == 0 || echoed < datagrams) {
        char buf[1500];
        struct sockaddr_in peer;
        socklen_t peer_len = sizeof peer;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &peer_len);
        if (n < 0) {
            fprintf(stderr, "udp_server: recvfrom: %s\n", strerror(errno));
            close(fd);
            return 1;
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, peer_len) != n) {
            fprintf(stderr, "udp_server: sendto: %s\n", strerror(errno));
        }
        echoed++;
        if (n == 4 && memcmp(buf, "quit", 4) == 0) {
            break;
        }
    }
    close(fd);
    printf("udp_server: done, %d datagrams echoed\n", echoed);
    return 0;
}
