/* The HTTP/1.0 status page service; see http_status.h. */
#include "http_status.h"

#include <stdio.h>
#include <string.h>

static void report(struct http_status *h, const char *what, int err)
{
    if (service_log_allow(&h->log, h->stack, "http")) {
        fprintf(stderr, "http_status: %s: %s (%s)\n", what, sp_strerror(err), sp_err_name(err));
    }
}

/* Offset just past the blank line that ends the head, or 0 if there is none
 * yet. A bare "\n\n" counts too, for people typing into nc. */
static size_t head_end(const char *data, size_t len)
{
    size_t i;

    for (i = 1; i < len; i++) {
        if (data[i] == '\n' && data[i - 1] == '\n') {
            return i + 1;
        }
        if (i >= 3 && data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' &&
            data[i - 3] == '\r') {
            return i + 1;
        }
    }
    return 0;
}

/* Copy the word starting at @p *at of the line [*at, end) into @p out (room
 * @p size), stopping at a space; step past that space. 0 if the word is not
 * empty, fits, and holds no control character. */
static int take_word(const char **at, const char *end, char *out, size_t size)
{
    size_t len = 0;

    while (*at + len < end && (*at)[len] != ' ') {
        unsigned char c = (unsigned char)(*at)[len];

        if (c < 0x21 || c == 0x7f || len + 1 >= size) {
            return -1;
        }
        out[len] = (char)c;
        len++;
    }
    if (len == 0 || *at + len == end) {
        return -1;
    }
    out[len] = '\0';
    *at += len + 1;
    return 0;
}

enum http_head http_request_parse(const char *data, size_t len, struct http_request *req)
{
    size_t end = head_end(data, len);
    const char *line_end;
    const char *at = data;

    if (end == 0) {
        return HTTP_HEAD_INCOMPLETE;
    }
    line_end = memchr(data, '\n', end);
    if (line_end > data && line_end[-1] == '\r') {
        line_end--;
    }
    if (take_word(&at, line_end, req->method, sizeof req->method) != 0 ||
        take_word(&at, line_end, req->path, sizeof req->path) != 0) {
        return HTTP_HEAD_BAD;
    }
    if (line_end - at != 8 || memcmp(at, "HTTP/1.", 7) != 0 || at[7] < '0' || at[7] > '9') {
        return HTTP_HEAD_BAD;
    }
    return HTTP_HEAD_OK;
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
    items[n++].value = sp_stack_now_ms(h->stack) - h->started_ms;
    items[n].name = "http_requests";
    items[n++].value = (int64_t)h->requests;
    items[n].name = "http_clients_dropped";
    items[n++].value = (int64_t)h->clients_dropped;
    if (h->opt->report != NULL) {
        n += h->opt->report(h->opt->report_ctx, items + n, HTTP_STATUS_MAX_ITEMS - n);
    }
    return n;
}

/* A signed 64-bit number as text: newlib-nano's printf has no %lld. */
static const char *value_text(int64_t value, char buf[SERVICE_U64_TEXT_BYTES + 1])
{
    if (value < 0) {
        buf[0] = '-';
        service_u64_text(0u - (uint64_t)value, buf + 1);
        return buf;
    }
    return service_u64_text((uint64_t)value, buf);
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
        char number[SERVICE_U64_TEXT_BYTES + 1];

        advance(&len,
                snprintf(h->page + len, sizeof h->page - len, json ? ", \"%s\": %s" : "%s: %s\n",
                         items[i].name, value_text(items[i].value, number)),
                sizeof h->page);
    }
    if (json) {
        advance(&len, snprintf(h->page + len, sizeof h->page - len, "}\n"), sizeof h->page);
    }
    return len;
}

/* Put the reply into the client's buffer; it leaves as the client reads it. */
static void reply(struct http_status_client *c, const char *status, const char *type,
                  const char *body, size_t len)
{
    int head_len = snprintf(c->reply, sizeof c->reply,
                            "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %lu\r\n"
                            "Connection: close\r\n\r\n",
                            status, type, (unsigned long)len);

    c->state = HTTP_CLIENT_SENDING;
    c->reply_sent = 0;
    c->reply_len = 0;
    if (head_len < 0 || (size_t)head_len + len > sizeof c->reply) {
        return; /* cannot happen with our pages; then nothing is sent */
    }
    memcpy(c->reply + head_len, body, len);
    c->reply_len = (size_t)head_len + len;
}

static void reply_text(struct http_status_client *c, const char *status, const char *body)
{
    reply(c, status, "text/plain", body, strlen(body));
}

/* Reply to a parsed request; returns the status code sent. */
static const char *route(struct http_status *h, struct http_status_client *c,
                         const struct http_request *req)
{
    int is_get = strcmp(req->method, "GET") == 0;

    if (is_get && strcmp(req->path, "/") == 0) {
        reply(c, "200 OK", "text/plain", h->page, format_page(h, 0));
        return "200";
    }
    if (is_get && strcmp(req->path, "/status.json") == 0) {
        reply(c, "200 OK", "application/json", h->page, format_page(h, 1));
        return "200";
    }
    if (strcmp(req->method, "POST") == 0 && strcmp(req->path, "/quit") == 0) {
        if (!h->opt->allow_quit) {
            reply_text(c, "403 Forbidden", "quitting is not enabled\n");
            return "403";
        }
        reply_text(c, "200 OK", "bye\n");
        h->quit = 1;
        return "200";
    }
    if (!is_get) {
        reply_text(c, "405 Method Not Allowed", "GET, or POST /quit\n");
        return "405";
    }
    reply_text(c, "404 Not Found", "no such page; try / or /status.json\n");
    return "404";
}

static void answer(struct http_status *h, struct http_status_client *c)
{
    struct http_request req;
    enum http_head head = http_request_parse(c->request, c->used, &req);
    const char *status;

    if (head == HTTP_HEAD_INCOMPLETE) {
        if (c->used == sizeof c->request) {
            reply_text(c, "400 Bad Request", "request head too long\n");
        }
        return;
    }
    h->requests++;
    if (head == HTTP_HEAD_BAD) {
        reply_text(c, "400 Bad Request", "not an HTTP/1.x request line\n");
        if (service_log_allow(&h->log, h->stack, "http")) {
            printf("http: bad request line -> 400\n");
        }
        return;
    }
    status = route(h, c, &req);
    if (service_log_allow(&h->log, h->stack, "http")) {
        printf("http: %s %s -> %s\n", req.method, req.path, status);
    }
}

static void free_slot(struct http_status_client *c)
{
    service_close(&c->sock);
    c->state = HTTP_CLIENT_FREE;
    c->used = 0;
}

static void drop_client(struct http_status *h, struct http_status_client *c, const char *why)
{
    h->clients_dropped++;
    if (service_log_allow(&h->log, h->stack, "http")) {
        printf("http: dropped a client: %s\n", why);
    }
    free_slot(c);
}

/* The reply is out: no more sending; wait for the client to close. */
static void start_closing(struct http_status *h, struct http_status_client *c)
{
    int rc = sp_shutdown(c->sock, SP_SHUT_WR);

    if (rc < 0) {
        /* The client is gone already: nothing to wait for. */
        free_slot(c);
        return;
    }
    c->state = HTTP_CLIENT_CLOSING;
    c->active_ms = sp_stack_now_ms(h->stack);
}

static void send_reply(struct http_status *h, struct http_status_client *c)
{
    while (c->reply_sent < c->reply_len) {
        ptrdiff_t n = sp_send(c->sock, c->reply + c->reply_sent, c->reply_len - c->reply_sent, 0);

        if (n == SP_EAGAIN) {
            return;
        }
        if (n < 0) {
            report(h, "send reply", (int)n);
            free_slot(c);
            return;
        }
        c->reply_sent += (size_t)n;
        c->active_ms = sp_stack_now_ms(h->stack);
    }
    start_closing(h, c);
}

static void read_request(struct http_status *h, struct http_status_client *c)
{
    ptrdiff_t got = sp_recv(c->sock, c->request + c->used, sizeof c->request - c->used, 0);

    if (got == SP_EAGAIN) {
        return;
    }
    if (got <= 0) {
        /* Gone before its request was complete: nothing to answer. */
        free_slot(c);
        return;
    }
    c->used += (size_t)got;
    c->active_ms = sp_stack_now_ms(h->stack);
    answer(h, c);
    if (c->state == HTTP_CLIENT_SENDING) {
        send_reply(h, c);
    }
}

/* After the reply: read and discard until the client closes, so that closing
 * leaves no unread byte behind (which would reset the connection). */
static void discard_input(struct http_status_client *c)
{
    ptrdiff_t got = sp_recv(c->sock, c->request, sizeof c->request, 0);

    if (got != SP_EAGAIN && got <= 0) {
        free_slot(c);
    }
}

static struct http_status_client *free_client(struct http_status *h)
{
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        if (h->clients[i].state == HTTP_CLIENT_FREE) {
            return &h->clients[i];
        }
    }
    return NULL;
}

/* With every slot taken: the one to give way to a new client, if any. A
 * client past its reply goes first, then the one that has waited longest. */
static struct http_status_client *evictable_client(struct http_status *h, int64_t now)
{
    struct http_status_client *best = NULL;
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        struct http_status_client *c = &h->clients[i];

        if (c->state == HTTP_CLIENT_CLOSING) {
            return c;
        }
        if (c->state != HTTP_CLIENT_FREE && now - c->since_ms >= HTTP_STATUS_EVICT_AFTER_MS &&
            (best == NULL || c->since_ms < best->since_ms)) {
            best = c;
        }
    }
    return best;
}

static void accept_client(struct http_status *h)
{
    struct http_status_client *c = free_client(h);
    sp_addr peer;
    int sock;
    int rc;

    if (c == NULL) {
        c = evictable_client(h, sp_stack_now_ms(h->stack));
        if (c == NULL) {
            return;
        }
        if (c->state == HTTP_CLIENT_CLOSING) {
            free_slot(c); /* its reply is out; it only had not closed yet */
        } else {
            drop_client(h, c, "replaced by a new client while it was slow");
        }
    }
    sock = service_accept(h->listener, &peer);
    if (sock == SP_EAGAIN) {
        return;
    }
    if (sock < 0) {
        report(h, "accept", sock);
        return;
    }
    if (h->opt->wrap != NULL && (rc = h->opt->wrap(h->opt->wrap_ctx, sock)) < 0) {
        report(h, "wrap", rc);
        sp_close(sock);
        return;
    }
    c->sock = sock;
    c->state = HTTP_CLIENT_READING;
    c->used = 0;
    c->since_ms = sp_stack_now_ms(h->stack);
    c->active_ms = c->since_ms;
}

static struct http_status_client *client_of(struct http_status *h, int sock)
{
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        if (h->clients[i].state != HTTP_CLIENT_FREE && h->clients[i].sock == sock) {
            return &h->clients[i];
        }
    }
    return NULL;
}

/* Give up on clients that took too long in their state. */
static void expire_clients(struct http_status *h)
{
    int64_t now = sp_stack_now_ms(h->stack);
    size_t i;

    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        struct http_status_client *c = &h->clients[i];

        if (c->state == HTTP_CLIENT_READING && now - c->since_ms > HTTP_STATUS_CLIENT_TIMEOUT_MS) {
            drop_client(h, c, "no request head in time");
        } else if (c->state == HTTP_CLIENT_SENDING &&
                   now - c->active_ms > HTTP_STATUS_SEND_TIMEOUT_MS) {
            drop_client(h, c, "it did not read its reply");
        } else if (c->state == HTTP_CLIENT_CLOSING && now - c->active_ms > HTTP_STATUS_LINGER_MS) {
            /* It got all of its reply and a FIN; whatever it sent since was read. */
            free_slot(c);
        }
    }
}

/* Lists the listener (while a slot is free or can be freed) and every client:
 * for reading, or for writing while its reply leaves. */
static size_t watch(void *self, sp_pollfd *fds, size_t room)
{
    struct http_status *h = self;
    size_t n = 0;
    size_t i;

    expire_clients(h);
    if (h->listener >= 0 && !h->quit && n < room &&
        (free_client(h) != NULL || evictable_client(h, sp_stack_now_ms(h->stack)) != NULL)) {
        fds[n].sock = h->listener;
        fds[n++].events = SP_POLLIN;
    }
    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS && n < room; i++) {
        if (h->clients[i].state != HTTP_CLIENT_FREE) {
            fds[n].sock = h->clients[i].sock;
            fds[n++].events = h->clients[i].state == HTTP_CLIENT_SENDING ? SP_POLLOUT : SP_POLLIN;
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
            if (c->state == HTTP_CLIENT_READING) {
                read_request(h, c);
            } else if (c->state == HTTP_CLIENT_SENDING) {
                send_reply(h, c);
            } else {
                discard_input(c);
            }
        }
    }
    fflush(stdout);
}

/* Done once quitting was asked and the "bye" has left. */
static int quit_asked(const void *self)
{
    const struct http_status *h = self;
    size_t i;

    if (!h->quit) {
        return 0;
    }
    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        if (h->clients[i].state == HTTP_CLIENT_SENDING) {
            return 0;
        }
    }
    return 1;
}

int http_status_open(struct http_status *h, sp_stack *stack, const struct http_status_options *opt,
                     sp_addr *bound)
{
    struct service_log quiet = {0, 0, 0};
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
    h->clients_dropped = 0;
    h->quit = 0;
    h->log = quiet;
    for (i = 0; i < HTTP_STATUS_MAX_CLIENTS; i++) {
        h->clients[i].sock = -1;
        h->clients[i].state = HTTP_CLIENT_FREE;
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
        free_slot(&h->clients[i]);
    }
    service_close(&h->listener);
}
