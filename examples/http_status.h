/**
 * @file
 * @brief A small HTTP/1.0 status page, written against the public sockport
 *        API only, as a service for service_loop_run() (service.h): several
 *        clients at once on non-blocking sockets, no threads, no heap.
 *
 *   GET /             text/plain: the title, the stack's name, uptime, the
 *                     requests served and the numbers other services report
 *   GET /status.json  the same as one JSON object
 *   POST /quit        "bye", then the service is done (ends the loop) if
 *                     quitting is allowed; 403 if not
 *   anything else     404 (an unknown path), 405 (another method) or 400
 *
 * Every reply closes its connection (HTTP/1.0, Connection: close). A client
 * that sends no complete request head within HTTP_STATUS_CLIENT_TIMEOUT_MS
 * is dropped.
 */
#ifndef SOCKPORT_EXAMPLES_HTTP_STATUS_H
#define SOCKPORT_EXAMPLES_HTTP_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

#include "service.h"

/** Connections served at once; more wait in the listen backlog. */
#define HTTP_STATUS_MAX_CLIENTS 4
/** Room for one request head (request line and headers). */
#define HTTP_STATUS_REQUEST_BYTES 512
/** Room for one reply body. */
#define HTTP_STATUS_PAGE_BYTES 1024
/** How long a client may take to send its request head. */
#define HTTP_STATUS_CLIENT_TIMEOUT_MS 5000
/** Bound of sending one reply. */
#define HTTP_STATUS_SEND_TIMEOUT_MS 2000
/** Numbers one page shows at most (its own and the reported ones). */
#define HTTP_STATUS_MAX_ITEMS 16

/** One number on the page: "name: value" in text, "name": value in JSON. */
struct http_status_item {
    const char *name; /**< letters, digits and '_' only (it is not escaped) */
    long value;
};

/** How the page is served. */
struct http_status_options {
    /** Numeric address to bind ("127.0.0.1", "0.0.0.0", "::1"). */
    const char *host;
    /** TCP port; 0 = any (http_status_open() says which). */
    uint16_t port;
    /** The page's first line, such as what runs where; without quotes or
     *  backslashes (the JSON form carries it unescaped). */
    const char *title;
    /** 1: POST /quit ends the loop; 0: it is refused (403). */
    int allow_quit;
    /** Called for each page: writes up to @p max more numbers (another
     *  service's counters) to @p items and returns how many. May be NULL. */
    size_t (*report)(void *ctx, struct http_status_item *items, size_t max);
    void *report_ctx;
};

/** One connection while its request head arrives. */
struct http_status_client {
    int sock; /**< -1: free slot */
    size_t used;
    int64_t since_ms;
    char request[HTTP_STATUS_REQUEST_BYTES];
};

/** The server's state: memory for http_status_open() to fill; the fields
 *  are its own. */
struct http_status {
    sp_stack *stack;
    const struct http_status_options *opt;
    int listener;
    int64_t started_ms;
    long requests;
    int quit;
    struct http_status_client clients[HTTP_STATUS_MAX_CLIENTS];
    char page[HTTP_STATUS_PAGE_BYTES];
};

/**
 * @brief Open the non-blocking listener on @p stack.
 * @param[out] h      filled in; @p opt must outlive it.
 * @param[out] bound  the address served (with the port picked for port 0);
 *                    may be NULL.
 * @return 0; SP_EINVAL for a NULL argument or a host that is not a numeric
 *         address; another SP_E* code if the listener could not be opened,
 *         bound or made to listen (a message on stderr says which call).
 */
int http_status_open(struct http_status *h, sp_stack *stack, const struct http_status_options *opt,
                     sp_addr *bound);

/** The open server as a service: done() is true after an allowed POST /quit. */
struct service http_status_service(struct http_status *h);

/** Close the listener and every client; harmless on a server already closed. */
void http_status_close(struct http_status *h);

#endif /* SOCKPORT_EXAMPLES_HTTP_STATUS_H */
