/*
 * A small HTTP/1.0 server on the board, written against the public sockport
 * API only, so that plain curl on the host can talk to the lwIP port through
 * the LAN9118 and QEMU's forward:
 *   GET /           a text page: uptime and the driver's counters
 *   GET /bytes/N    N bytes of a known pattern (byte i is 'a' + i % 26)
 *   GET /exit       "bye", then the firmware exits with status 0
 * One connection at a time, every wait bounded; exits with status 1 if no
 * request came for IDLE_EXIT_MS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "board_sockport.h"
#include "lan9118_netif.h"

#define HTTP_PORT 80
#define REQUEST_MAX 1024
#define IO_TIMEOUT_MS 10000
#define IDLE_EXIT_MS 60000
#define MAX_REQUESTS 1000
#define BODY_CHUNK 4096
#define MAX_BODY_BYTES (64u * 1024u * 1024u)

static char page[512];

/* Reads the request head (up to the blank line). Returns its length, or a
 * negative SP_E* code. */
static int read_request(int conn, char *buf, size_t size)
{
    size_t used = 0;
    while (used + 1 < size) {
        ptrdiff_t got = sp_recv(conn, buf + used, size - 1 - used, 0);
        if (got <= 0) {
            return got == 0 ? SP_EEOF : (int)got;
        }
        used += (size_t)got;
        buf[used] = '\0';
        if (strstr(buf, "\r\n\r\n") != NULL) {
            return (int)used;
        }
    }
    return SP_EMSGSIZE;
}

static int send_text(int conn, const char *status, const char *body)
{
    char head[160];
    int head_len = snprintf(head, sizeof head,
                            "HTTP/1.0 %s\r\nContent-Type: text/plain\r\n"
                            "Content-Length: %u\r\nConnection: close\r\n\r\n",
                            status, (unsigned)strlen(body));
    int rc = sp_send_all(conn, head, (size_t)head_len, IO_TIMEOUT_MS, NULL);
    return rc < 0 ? rc : sp_send_all(conn, body, strlen(body), IO_TIMEOUT_MS, NULL);
}

static int send_pattern(int conn, unsigned long count)
{
    static char chunk[BODY_CHUNK];
    char head[160];
    int head_len = snprintf(head, sizeof head,
                            "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n"
                            "Content-Length: %lu\r\nConnection: close\r\n\r\n",
                            count);
    int rc = sp_send_all(conn, head, (size_t)head_len, IO_TIMEOUT_MS, NULL);
    for (unsigned long sent = 0; rc >= 0 && sent < count;) {
        size_t len = count - sent < sizeof chunk ? (size_t)(count - sent) : sizeof chunk;
        for (size_t i = 0; i < len; i++) {
            chunk[i] = (char)('a' + (sent + i) % 26u);
        }
        rc = sp_send_all(conn, chunk, len, IO_TIMEOUT_MS, NULL);
        sent += len;
    }
    return rc;
}

static void describe_board(sp_stack *stack)
{
    struct lan9118_counters c;
    lan9118_netif_get_counters(&c);
    snprintf(page, sizeof page,
             "sockport on mps2-an385 (lwIP port, LAN9118)\n"
             "uptime %lu ms\n"
             "lan9118 rx %lu frames %lu bytes, tx %lu frames %lu bytes, %lu errors\n",
             (unsigned long)sp_stack_now_ms(stack), (unsigned long)c.rx_frames,
             (unsigned long)c.rx_bytes, (unsigned long)c.tx_frames, (unsigned long)c.tx_bytes,
             (unsigned long)(c.rx_errors + c.tx_errors));
}

/* Serves one connection. Returns 1 after GET /exit, else 0. */
static int serve(sp_stack *stack, int conn)
{
    static char request[REQUEST_MAX];
    (void)sp_setsockopt(conn, SP_OPT_RCVTIMEO, IO_TIMEOUT_MS);
    int len = read_request(conn, request, sizeof request);
    if (len < 0) {
        printf("http: bad request: %s\n", sp_err_name(len));
        return 0;
    }
    char path[128];
    if (sscanf(request, "GET %127s HTTP/1.", path) != 1) {
        (void)send_text(conn, "405 Method Not Allowed", "GET only\n");
        return 0;
    }
    printf("http: GET %s\n", path);
    if (strcmp(path, "/") == 0) {
        describe_board(stack);
        (void)send_text(conn, "200 OK", page);
    } else if (strcmp(path, "/exit") == 0) {
        (void)send_text(conn, "200 OK", "bye\n");
        return 1;
    } else if (strncmp(path, "/bytes/", 7) == 0) {
        char *end;
        unsigned long count = strtoul(path + 7, &end, 10);
        if (*end != '\0' || count > MAX_BODY_BYTES) {
            (void)send_text(conn, "400 Bad Request", "/bytes/N with N <= 64 MiB\n");
        } else {
            int rc = send_pattern(conn, count);
            if (rc < 0) {
                printf("http: /bytes/%lu: %s\n", count, sp_err_name(rc));
            }
        }
    } else {
        (void)send_text(conn, "404 Not Found", "no such page\n");
    }
    return 0;
}

int main(void)
{
    sp_stack *stack = board_start_lwip(1);
    if (stack == NULL) {
        return 3;
    }
    int listener = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    sp_addr any;
    sp_addr_any(&any, SP_AF_INET, HTTP_PORT);
    int rc = listener < 0 ? listener : sp_setsockopt(listener, SP_OPT_REUSEADDR, 1);
    rc = rc < 0 ? rc : sp_bind(listener, &any);
    rc = rc < 0 ? rc : sp_listen(listener, 4);
    rc = rc < 0 ? rc : sp_setsockopt(listener, SP_OPT_RCVTIMEO, IDLE_EXIT_MS);
    if (rc < 0) {
        printf("http: cannot listen on port %d: %s\n", HTTP_PORT, sp_err_name(rc));
        return 2;
    }
    printf("READY http on port %d\n", HTTP_PORT);

    int status = 1;
    for (int served = 0; served < MAX_REQUESTS; served++) {
        sp_addr peer;
        int conn = sp_accept(listener, &peer);
        if (conn < 0) {
            printf("http: accept: %s\n", sp_err_name(conn));
            break;
        }
        int leave = serve(stack, conn);
        sp_close(conn);
        if (leave) {
            status = 0;
            break;
        }
    }
    sp_close(listener);
    /* The last reply may still be in flight: let it leave before lwIP stops. */
    sp_stack_pump(stack, 200);
    sp_lwip_stop(stack);
    return status;
}
