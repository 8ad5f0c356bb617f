/*
 * Sends BYTES to ADDR:PORT on lwIP (sockport_lwip_tap's default stack, on the
 * TAP device netns_tap.sh names), closes, and returns from main() at once:
 * exit_flush.sh's reader on the kernel's end must still get every byte and
 * the end of the stream (lwip_tap_default.c's flush at exit).
 *
 *   tap_exit_sender ADDR:PORT BYTES
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/sockport.h>

#define SENDER_TIMEOUT_MS 10000

int main(int argc, char **argv)
{
    sp_addr addr;
    if (argc != 3 || sp_addr_parse(argv[1], &addr) != 0) {
        fprintf(stderr, "usage: tap_exit_sender ADDR:PORT BYTES\n");
        return 2;
    }
    size_t total = (size_t)strtoull(argv[2], NULL, 10);
    static char chunk[16384];
    for (size_t i = 0; i < sizeof chunk; i++)
        chunk[i] = (char)('a' + i % 26);
    int sock = sp_socket(addr.family, SP_SOCK_STREAM, 0);
    int rc = sock < 0 ? sock : sp_setsockopt(sock, SP_OPT_SNDTIMEO, SENDER_TIMEOUT_MS);
    if (rc >= 0)
        rc = sp_connect(sock, &addr);
    for (size_t sent = 0; rc >= 0 && sent < total; sent += sizeof chunk) {
        size_t len = total - sent < sizeof chunk ? total - sent : sizeof chunk;
        rc = sp_send_all(sock, chunk, len, SENDER_TIMEOUT_MS, NULL);
    }
    if (rc >= 0)
        rc = sp_close(sock);
    if (rc < 0) {
        fprintf(stderr, "tap_exit_sender: %s\n", sp_err_name(rc));
        return 1;
    }
    printf("tap_exit_sender: %zu bytes handed to lwIP, socket closed, exiting\n", total);
    return 0;
}
