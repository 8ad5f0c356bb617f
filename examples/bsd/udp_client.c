/*
 * A UDP client written the classic way: socket, sendto, recvfrom with a
 * receive timeout (SO_RCVTIMEO) and retries, close. It sends <count>
 * numbered datagrams to an echo server, resending one whose echo does not
 * come back in time, and checks every echo; then it sends "quit". The same
 * file builds for the host kernel, for sockport's lwIP port in-process and
 * as mps2-an385 firmware.
 *
 * usage: udp_client host port [count]     (default 50; host numeric)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define TRIES 5

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: udp_client host port [count]\n");
        return 2;
    }
    int count = argc > 3 ? atoi(argv[3]) : 50;
    struct sockaddr_in server;
    memset(&server, 0, sizeof server);
    server.sin_family = AF_INET;
    server.sin_port = htons((unsigned short)atoi(argv[2]));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        fprintf(stderr, "udp_client: %s is not an IPv4 address\n", argv[1]);
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        fprintf(stderr, "udp_client: socket: %s\n", strerror(errno));
        return 1;
    }
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    for (int i = 0; i <= count; i++) {
        char msg[64], echo[64];
        int len = i < count ? snprintf(msg, sizeof msg, "datagram %d of %d", i + 1, count)
                            : snprintf(msg, sizeof msg, "quit");
        int tries = 0;
        for (;;) {
            if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&server, sizeof server) != len) {
                fprintf(stderr, "udp_client: sendto: %s\n", strerror(errno));
                return 1;
            }
            ssize_t n = recvfrom(fd, echo, sizeof echo, 0, NULL, NULL);
            if (n == len && memcmp(msg, echo, (size_t)len) == 0) {
                break;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                fprintf(stderr, "udp_client: recvfrom: %s\n", strerror(errno));
                return 1;
            }
            if (++tries == TRIES) {
                fprintf(stderr, "udp_client: no echo of \"%s\" after %d tries\n", msg, TRIES);
                return 1;
            }
        }
    }
    close(fd);
    printf("udp_client: OK, %d datagrams echoed\n", count);
    return 0;
}
