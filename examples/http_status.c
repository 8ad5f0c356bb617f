/* The HTTP/1.0 status page service; see http_status.h. */
#include "http_status.h"

#include <stdio.h>
#include <string.h>

/* Longest method and path the server tells apart; longer ones get 400/404. */
#define HTTP_METHOD_BYTES 8
#define HTTP_PATH_BYTES 64

struct http_request {
    char method[HTTP_METHOD_BYTES];
    char path[HTTP_PATH_BYTES];
};

static int report(const char *what, int err)
{
    fprintf(stderr, "http_status: %s: %s (%s)\n", what, sp_strerror(err), sp_err_name(err));
    return err;
}

/* Copy the text up to the next space of @p *text into @p out, and step past
 * that space. 0 if there was a space and the word fit. */
static int take_word(const char **text, char *out, size_t size)
{
    const char *end = strchr(*text, ' ');
    size_t len;

    if (end == NULL) {
        return -1;
    }
    len = (size_t)(end - *text);
    if (len == 0 || len >= size) {
        return -1;
    }
    memcpy(out, *text, len);
    out[len] = '\0';
    *text = end + 1;
    return 0;
}

/* "METHOD PATH HTTP/1.x" on the first line. 0 if it is one. */
static int parse_request_line(const char *head, struct http_request *req)
{
    const char *at = head;

    if (take_word(&at, req->method, sizeof req->method) != 0 ||
        take_word(&at, req->path, sizeof req->path) != 0) {
        return -1;
    }
    return strncmp(at, "HTTP/1.", 7) == 0 ? 0 : -1;
}

/* A blank line ends the head; a bare "\n\n" too, for people typing into nc. */
static int head_complete(const char *request)
{
    return strstr(request, "\r\n\r\n") != NULL || strstr(request, "\n\n") != NULL;
}

/* snprintf() that never runs past the page: a page too long is cut short. */
static void advance(size_t *len, int wrote, size_t size)
{
    if (wrote > 0) {
        *len += (size_t)wrote;
    }
    if (*len >= size) {
        *len = size - 1;
    }
}

static size_t collect_items(struct http_status *h, struct http_status_item *items)
{
    size_t n = 0;

    items[n].name = "uptime_ms";
    items[n++].value = (long)(sp_stack_now_ms(h->stack) - h->started_ms);
    items[n].name = "http_requests";
    items[n++].value = h->requests;
    if (h->opt->report != NULL) {
        n += h->opt->report(h->opt->report_ctx, items + n, HTTP_STATUS_MAX_ITEMS - n);
    }
    return n;
}

/* The page as text ("name: value" lines) or as one JSON object. Titles and
 * port names need no escaping: they are ours, and plain words. */
static size_t format_page(struct http_status *h, int json)
{
    struct http_status_item items[HTTP_STATUS_MAX_ITEMS];
    size_t count = collect_items(h, items);
    size_t len = 0;
    size_t i;

    advance(&len,
            snprintf(h->page, sizeof h->page,
                     json ? "{\"title\": \"%s\", \"stack\": \"%s\"" : "%s\nstack: %s\n",
                     h->opt->title, sp_stack_name(h->stack)),
            sizeof h->page);
    for (i = 0; i < count; i++) {
        advance(&len,
                snprintf(h->page + len, sizeof h->page - len, json ? ", \"%s\": %ld" : "%s: %ld\n",
                         items[i].name, items[i].value),
                sizeof h->page);
    }
    if (json) {
        advance(&len, snprintf(h->page + len, sizeof h->page - len, "}\n"), sizeof h->page);
    }
    return len;
}

static void reply(int sock, const char *status, const char *type, const char *body, size_t len)
{
    char head[192];
    int head_len = snprintf(head, sizeof head,
                            "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
                            "Connection: close\r\n\r\n",
                            status, type, (unsigned long)len);
    int rc;

    if (head_len < 0 || (size_t)head_len >= sizeof head) {
        return;
    }
    /* The socket is non-blocking; sp_send_all() still waits, on its own
     * deadline, so a slow reader holds the loop up for a bounded time. */
    rc = sp_send_all(sock, head, (size_t)head_len, HTTP_STATUS_SEND_TIMEOUT_MS, NULL);
    if (rc == 0) {
        rc = sp_send_all(sock, body, len, HTTP_STATUS_SEND_TIMEOUT_MS, NULL);
    }
    if (rc < 0) {
        report("send reply", rc);
    }
}

static void reply_text(int sock, const char *status, const char *body)
{
    reply(sock, status, "text/plain", body, strlen(body));
}

/* Reply to a parsed request; returns the status code sent. */
static const char *route(struct http_status *h, int sock, const struct http_request *req)
{
    int is_get = strcmp(req->method, "GET") == 0;

    if (is_get && strcmp(req->path, "/") == 0) {
        reply(sock, "200 OK", "text/plain", h->page, format_page(h, 0));
        return "200";
    }
    if (is_get && strcmp(req->path, "/status.json") == 0) {
        reply(sock, "200 OK", "application/json", h->page, format_page(h, 1));
        return "200";
    }
    if (strcmp(req->method, "POST") == 0 && strcmp(req->path, "/quit") == 0) {
        if (!h->opt->allow_quit) {
            reply_text(sock, "403 Forbidden", "quitting is not enabled\n");
            return "403";
        }
        reply_text(sock, "200 OK", "bye\n");
        h->quit = 1;
        return "200";
    }
    if (!is_get) {
        reply_text(sock, "405 Method Not Allowed", "GET, or POST /quit\n");
        return "405";
    }
    reply_text(sock, "404 Not Found", "no such page; try / or /status.json\n");
    return "404";
}

static void answer(struct http_status *h, int sock, const char *head)
{
    struct http_request req;

    if (parse_request_line(head, &req) != 0) {
        reply_text(sock, "400 Bad Request", "not an HTTP/1.x request line\n");
        printf("http: bad request line -> 400\n");
        return;
    }
    h->requests++;
    printf("http: %s %s -> %s\n", req.method, req.path, route(h, sock, &req));
}

static void drop_client(struct http_status_client *c)
{
    service_close(&c->sock);
    c->used = 0;
}

static struct http_status_client *free_client(struct http_status *h)
{
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        if (h->clients[i].sock < 0) {
            return &h->clients[i];
        }
    }
    return NULL;
}

static void accept_client(struct http_status *h)
{
    struct http_status_client *c = free_client(h);
    sp_addr peer;
    int sock;

    if (c == NULL) {
        return;
    }
    sock = service_accept(h->listener, &peer);
    if (sock == SP_EAGAIN) {
        return;
    }
    if (sock < 0) {
        report("accept", sock);
        return;
    }
    c->sock = sock;
    c->used = 0;
    c->request[0] = '\0';
    c->since_ms = sp_stack_now_ms(h->stack);
}

static void read_request(struct http_status *h, struct http_status_client *c)
{
    ptrdiff_t got = sp_recv(c->sock, c->request + c->used, sizeof c->request - 1 - c->used, 0);

    if (got == SP_EAGAIN) {
        return;
    }
    if (got <= 0) {
        /* Gone before its request was complete: nothing to answer. */
        drop_client(c);
        return;
    }
    c->used += (size_t)got;
    c->request[c->used] = '\0';
    if (head_complete(c->request)) {
        answer(h, c->sock, c->request);
        drop_client(c);
    } else if (c->used == sizeof c->request - 1) {
        reply_text(c->sock, "400 Bad Request", "request head too long\n");
        drop_client(c);
    }
}

static struct http_status_client *client_of(struct http_status *h, int sock)
{
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        if (h->clients[i].sock == sock) {
            return &h->clients[i];
        }
    }
    return NULL;
}

/* Drops clients that took too long, then lists the listener (while a slot
 * is free) and the clients still sending their request. */
static size_t watch(void *self, sp_pollfd *fds, size_t room)
{
    struct http_status *h = self;
    int64_t now = sp_stack_now_ms(h->stack);
    size_t n = 0;
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        struct http_status_client *c = &h->clients[i];

        if (c->sock >= 0 && now - c->since_ms > HTTP_STATUS_CLIENT_TIMEOUT_MS) {
            printf("http: dropped a client that sent no request within %d ms\n",
                   HTTP_STATUS_CLIENT_TIMEOUT_MS);
            drop_client(c);
        }
    }
    if (h->listener >= 0 && free_client(h) != NULL && n < room) {
        fds[n].sock = h->listener;
        fds[n++].events = SP_POLLIN;
    }
    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS && n < room; i++) {
        if (h->clients[i].sock >= 0) {
            fds[n].sock = h->clients[i].sock;
            fds[n++].events = SP_POLLIN;
        }
    }
    return n;
}

static void handle(void *self, const sp_pollfd *fds, size_t n)
{
    struct http_status *h = self;
    size_t i;

    for (i = 0; i < n; i++) {
        struct http_status_client *c;

        if (fds[i].revents == 0) {
            continue;
        }
        if (fds[i].sock == h->listener) {
            accept_client(h);
        } else if ((c = client_of(h, fds[i].sock)) != NULL) {
            read_request(h, c);
        }
    }
    fflush(stdout);
}

static int quit_asked(const void *self)
{
    const struct http_status *h = self;

    return h->quit;
}

int http_status_open(struct http_status *h, sp_stack *stack, const struct http_status_options *opt,
                     sp_addr *bound)
{
    sp_addr addr;
    size_t i;

    if (h == NULL || stack == NULL || opt == NULL || opt->host == NULL || opt->title == NULL) {
        return SP_EINVAL;
    }
    if (sp_addr_parse(opt->host, &addr) < 0) {
        fprintf(stderr, "http_status: '%s' is not a numeric address\n", opt->host);
        return SP_EINVAL;
    }
    addr.port = opt->port;
    h->stack = stack;
    h->opt = opt;
    h->started_ms = sp_stack_now_ms(stack);
    h->requests = 0;
    h->quit = 0;
    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        h->clients[i].sock = -1;
        h->clients[i].used = 0;
    }
    h->listener =
        service_open_socket(stack, SP_SOCK_STREAM, &addr, HTTP_STATUS_MAX_CLIENTS, "http_status");
    if (h->listener < 0) {
        return h->listener;
    }
    if (bound != NULL) {
        *bound = addr;
    }
    return 0;
}

struct service http_status_service(struct http_status *h)
{
    struct service service = {"http", h, watch, handle, quit_asked};

    return service;
}

void http_status_close(struct http_status *h)
{
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        service_close(&h->clients[i].sock);
    }
    service_close(&h->listener);
}
