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
 * Every reply closes its connection (HTTP/1.0, Connection: close), cleanly:
 * the server sends the reply without waiting (a slow reader holds up no
 * one), shuts its side down for sending, and reads and discards what the
 * client still sends (a request body, say) until the client closes too or
 * HTTP_STATUS_LINGER_MS pass. Closing with unread bytes would make the stack
 * reset the connection, and the client could lose the reply.
 *
 * A client that sends no complete request head within
 * HTTP_STATUS_CLIENT_TIMEOUT_MS is dropped; when every slot is taken, a new
 * connection replaces the client that has waited longest, once that one has
 * had HTTP_STATUS_EVICT_AFTER_MS, so idle connections cannot lock others out.
 */
#ifndef SOCKPORT_EXAMPLES_HTTP_STATUS_H
#define SOCKPORT_EXAMPLES_HTTP_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

#include "service.h"

/** Connections served at once; more wait in the listen backlog. */
#define HTTP_STATUS_MAX_CLIENTS 8
/** Room for one request head (request line and headers). */
#define HTTP_STATUS_REQUEST_BYTES 512
/** Room for one reply body. */
#define HTTP_STATUS_PAGE_BYTES 4096
/** Room for one reply: its head and its body. */
#define HTTP_STATUS_REPLY_BYTES (HTTP_STATUS_PAGE_BYTES + 192)
/** How long a client may take to send its request head. */
#define HTTP_STATUS_CLIENT_TIMEOUT_MS 5000
/** A client waiting this long gives way to a new one when all slots are taken. */
#define HTTP_STATUS_EVICT_AFTER_MS 500
/** How long a reply may take to leave without any progress. */
#define HTTP_STATUS_SEND_TIMEOUT_MS 2000
/** How long, after the reply, the server waits for the client to close. */
#define HTTP_STATUS_LINGER_MS 2000
/** Numbers one page shows at most (its own and the reported ones). */
#define HTTP_STATUS_MAX_ITEMS 96
/** Longest method and path the server tells apart; longer ones get 400/404. */
#define HTTP_METHOD_BYTES 8
#define HTTP_PATH_BYTES 64

/** One number on the page: "name: value" in text, "name": value in JSON. */
struct http_status_item {
    const char *name; /**< letters, digits and '_' only (it is not escaped) */
    int64_t value;
};

/** Room for item names that a report builds (such as per-pool counters). */
#define HTTP_STATUS_NAME_BYTES 40

/** What http_request_parse() found. */
enum http_head {
    HTTP_HEAD_INCOMPLETE = 0, /**< no blank line yet: wait for more */
    HTTP_HEAD_OK = 1,         /**< a complete head with a valid request line */
    HTTP_HEAD_BAD = -1,       /**< a complete head, or a line, that is not HTTP/1.x */
};

/** The parts of a request line the server looks at. */
struct http_request {
    char method[HTTP_METHOD_BYTES];
    char path[HTTP_PATH_BYTES];
};

/**
 * @brief Look at the first @p len bytes a client sent (any bytes, NUL too).
 *
 * The head ends at the first blank line ("\r\n\r\n", or "\n\n" for
 * people typing into nc). The request line is "METHOD SP PATH SP HTTP/1.x".
 * @param[out] req  on HTTP_HEAD_OK: the method and path, NUL-terminated,
 *                  without spaces or control characters.
 * @return an enum http_head value.
 */
enum http_head http_request_parse(const char *data, size_t len, struct http_request *req);

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
    /** Called for each accepted connection before it is read, such as
     *  sp_tls_wrap() to serve the page over HTTPS; a negative result drops
     *  the connection. May be NULL (plain HTTP). */
    int (*wrap)(void *ctx, int sock);
    void *wrap_ctx;
};

/** Where a connection is in its life. */
enum http_client_state {
    HTTP_CLIENT_FREE = 0, /**< slot unused */
    HTTP_CLIENT_READING,  /**< its request head arrives */
    HTTP_CLIENT_SENDING,  /**< the reply leaves, as fast as the client reads */
    HTTP_CLIENT_CLOSING,  /**< shut down for sending; discarding input until the client closes */
};

/** One connection. */
struct http_status_client {
    int sock; /**< -1: free slot */
    enum http_client_state state;
    size_t used;
    size_t reply_len;
    size_t reply_sent;
    int64_t since_ms;  /**< when the connection was accepted */
    int64_t active_ms; /**< when it last made progress */
    char request[HTTP_STATUS_REQUEST_BYTES];
    char reply[HTTP_STATUS_REPLY_BYTES];
};

/** The server's state: memory for http_status_open() to fill; the fields
 *  are its own. */
struct http_status {
    sp_stack *stack;
    const struct http_status_options *opt;
    int listener;
    int64_t started_ms;
    uint64_t requests;
    uint64_t clients_dropped; /**< given up on: too slow, or replaced by a new client */
    int quit;
    struct service_log log;
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
