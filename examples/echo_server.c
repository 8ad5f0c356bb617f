/*
 * TCP and UDP echo server on one port: every byte a TCP client sends comes
 * back to it, every datagram goes back to its sender.
 *
 * One thread serves everyone: all sockets are non-blocking and one sp_poll()
 * call waits for whichever is ready (service.c's loop), so the same code runs
 * on a board, and can share that loop with other services (demo.c).
 */
#include "echo.h"

#include <stdio.h>

/* Datagrams handled per poll turn, so a flood on UDP cannot starve TCP. */
#define ECHO_UDP_BURST 16

static int report(const char *what, int err)
{
    fprintf(stderr, "echo_server: %s: %s (%s)\n", what, sp_strerror(err), sp_err_name(err));
    return err;
}

static void print_addr(const char *prefix, const sp_addr *addr)
{
    char text[SP_ADDR_STRLEN];

    if (sp_addr_format(addr, text, sizeof text) < 0) {
        printf("%s(unprintable address)\n", prefix);
    } else {
        printf("%s%s\n", prefix, text);
    }
}

/* Attempts at a free port for both transports when the port is 0. */
#define ECHO_PORT_TRIES 8

/* Open the listener and the UDP socket on the same port; with port 0 the
 * first socket's ephemeral port is reused for the second. */
static int open_on_one_port(struct echo_server *s, sp_addr *addr)
{
    if (s->opt->tcp) {
        s->listener =
            service_open_socket(s->stack, SP_SOCK_STREAM, addr, ECHO_MAX_CLIENTS, "echo_server");
        if (s->listener < 0) {
            return s->listener;
        }
    }
    if (s->opt->udp) {
        s->udp = service_open_socket(s->stack, SP_SOCK_DGRAM, addr, 0, "echo_server");
        if (s->udp < 0) {
            return s->udp;
        }
    }
    return 0;
}

static int open_sockets(struct echo_server *s)
{
    sp_addr addr;
    int rc = sp_addr_parse(s->opt->host, &addr);
    int try;

    if (rc < 0) {
        fprintf(stderr, "echo_server: '%s' is not a numeric address\n", s->opt->host);
        return rc;
    }
    /* The TCP port the stack picked may be taken for UDP by another program:
     * then pick again. */
    for (try = 1;; try++) {
        addr.port = s->opt->port;
        rc = open_on_one_port(s, &addr);
        if (rc != SP_EADDRINUSE || s->opt->port != 0 || try == ECHO_PORT_TRIES) {
            break;
        }
        service_close(&s->listener);
        service_close(&s->udp);
        printf("echo_server: port %u is taken for one transport; trying another\n",
               (unsigned)addr.port);
    }
    if (rc < 0) {
        return rc;
    }
    printf("echo_server: %s%s%s on stack %s, ", s->opt->tcp ? "tcp" : "",
           s->opt->tcp && s->opt->udp ? "+" : "", s->opt->udp ? "udp" : "",
           sp_stack_name(s->stack));
    print_addr("listening on ", &addr);
    printf("echo_server: udp datagrams of up to %lu bytes are echoed, larger ones reported and "
           "dropped; idle tcp clients dropped after %d ms\n",
           (unsigned long)s->opt->udp_max_datagram, s->opt->client_idle_ms);
    fflush(stdout);
    if (s->opt->on_ready != NULL) {
        s->opt->on_ready(&addr, s->opt->on_ready_ctx);
    }
    return 0;
}

static int free_client_slot(const struct echo_server *s)
{
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        if (s->clients[i].sock < 0) {
            return i;
        }
    }
    return -1;
}

/* The client idle longest, if it has been idle long enough to give way to a
 * new one; -1 if none has. */
static int evictable_client(const struct echo_server *s, int64_t now)
{
    int best = -1;
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        const struct echo_client *c = &s->clients[i];

        if (c->sock >= 0 && now - c->last_active_ms >= ECHO_EVICT_IDLE_MS &&
            (best < 0 || c->last_active_ms < s->clients[best].last_active_ms)) {
            best = i;
        }
    }
    return best;
}

static void drop_client(struct echo_server *s, int slot, const char *why)
{
    char finished[SERVICE_U64_TEXT_BYTES];

    service_close(&s->clients[slot].sock);
    s->counters.tcp_finished++;
    if (service_log_allow(&s->log, s->stack, "echo_server")) {
        printf("echo_server: tcp client %d %s (%s finished)\n", slot, why,
               service_u64_text(s->counters.tcp_finished, finished));
    }
}

static void accept_client(struct echo_server *s)
{
    int slot = free_client_slot(s);
    sp_addr peer;
    int sock;

    if (slot < 0) {
        slot = evictable_client(s, sp_stack_now_ms(s->stack));
        if (slot < 0) {
            return; /* the connection waits in the backlog */
        }
        s->counters.tcp_evicted++;
        drop_client(s, slot, "idle, replaced by a new client");
    }
    sock = service_accept(s->listener, &peer);
    if (sock == SP_EAGAIN) {
        return;
    }
    if (sock < 0) {
        report("accept", sock);
        return;
    }
    s->clients[slot].sock = sock;
    s->clients[slot].pending = 0;
    s->clients[slot].sent = 0;
    s->clients[slot].last_active_ms = sp_stack_now_ms(s->stack);
    s->counters.tcp_clients++;
    if (service_log_allow(&s->log, s->stack, "echo_server")) {
        printf("echo_server: tcp client %d connected from ", slot);
        print_addr("", &peer);
    }
}

/* Write back what is pending without waiting; what does not fit waits for
 * SP_POLLOUT, and the client is not read meanwhile. */
static void flush_client(struct echo_server *s, int slot)
{
    struct echo_client *c = &s->clients[slot];

    while (c->sent < c->pending) {
        ptrdiff_t n = sp_send(c->sock, c->chunk + c->sent, c->pending - c->sent, 0);

        if (n == SP_EAGAIN) {
            return;
        }
        if (n < 0) {
            drop_client(s, slot, sp_strerror((int)n));
            return;
        }
        c->sent += (size_t)n;
        s->counters.tcp_bytes += (uint64_t)n;
        c->last_active_ms = sp_stack_now_ms(s->stack);
    }
    c->pending = 0;
    c->sent = 0;
}

static void serve_client(struct echo_server *s, int slot)
{
    struct echo_client *c = &s->clients[slot];
    ptrdiff_t got;

    if (c->pending > 0) {
        flush_client(s, slot);
        return;
    }
    got = sp_recv(c->sock, c->chunk, sizeof c->chunk, 0);
    if (got == SP_EAGAIN) {
        return;
    }
    if (got == 0) {
        /* Everything it sent was echoed (it is read only then): a clean close. */
        drop_client(s, slot, "closed");
        return;
    }
    if (got < 0) {
        drop_client(s, slot, sp_strerror((int)got));
        return;
    }
    c->pending = (size_t)got;
    c->sent = 0;
    c->last_active_ms = sp_stack_now_ms(s->stack);
    flush_client(s, slot);
}

static void format_peer(const sp_addr *from, char text[SP_ADDR_STRLEN])
{
    if (sp_addr_format(from, text, SP_ADDR_STRLEN) < 0) {
        text[0] = '\0';
    }
}

static void serve_udp(struct echo_server *s)
{
    int i;

    for (i = 0; i < ECHO_UDP_BURST; i++) {
        sp_addr from;
        /* SP_MSG_TRUNC: the datagram's full length, so one too large for the
         * buffer is recognised instead of being echoed cut short. */
        ptrdiff_t got = sp_recvfrom(s->udp, s->datagram, sizeof s->datagram, SP_MSG_TRUNC, &from);
        ptrdiff_t sent;
        char text[SP_ADDR_STRLEN];

        if (got == SP_EAGAIN) {
            return;
        }
        if (got < 0) {
            /* An ICMP error from an earlier reply's peer: not fatal to a server. */
            if (service_log_allow(&s->log, s->stack, "echo_server")) {
                report("udp receive", (int)got);
            }
            continue;
        }
        if (got > s->opt->udp_max_datagram) {
            s->counters.udp_too_large++;
            if (service_log_allow(&s->log, s->stack, "echo_server")) {
                format_peer(&from, text);
                printf("echo_server: udp: a datagram of %ld bytes from %s is larger than the "
                       "%lu this server echoes: dropped, not echoed\n",
                       (long)got, text, (unsigned long)s->opt->udp_max_datagram);
            }
            continue;
        }
        sent = sp_sendto(s->udp, s->datagram, (size_t)got, 0, &from);
        if (sent < 0) {
            if (service_log_allow(&s->log, s->stack, "echo_server")) {
                format_peer(&from, text);
                fprintf(stderr, "echo_server: udp reply of %ld bytes to %s: %s\n", (long)got, text,
                        sp_strerror((int)sent));
            }
        } else {
            s->counters.udp_datagrams++;
            s->counters.udp_bytes += (uint64_t)got;
        }
    }
}

/* Drop the clients that stopped sending (client_idle_ms) or stopped reading
 * their echo (timeout_ms). */
static void drop_stale_clients(struct echo_server *s)
{
    int64_t now = sp_stack_now_ms(s->stack);
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        struct echo_client *c = &s->clients[i];
        int64_t idle = now - c->last_active_ms;

        if (c->sock < 0) {
            continue;
        }
        if (c->pending > 0 && s->opt->timeout_ms > 0 && idle > s->opt->timeout_ms) {
            s->counters.tcp_dropped_idle++;
            drop_client(s, i, "read none of its echo in time");
        } else if (c->pending == 0 && s->opt->client_idle_ms > 0 && idle > s->opt->client_idle_ms) {
            s->counters.tcp_dropped_idle++;
            drop_client(s, i, "idle too long");
        }
    }
}

static int finished(const void *self)
{
    const struct echo_server *s = self;

    if (s->opt->count <= 0) {
        return 0;
    }
    if (s->opt->tcp) {
        return s->counters.tcp_finished >= (uint64_t)s->opt->count;
    }
    return s->counters.udp_datagrams >= (uint64_t)s->opt->count;
}

/* The listener while a client slot is free, or one can be freed for a new
 * client; each client for reading, or for writing while its echo is pending.
 * Entry order: listener, UDP, clients. */
static size_t watch(void *self, sp_pollfd *fds, size_t room)
{
    struct echo_server *s = self;
    size_t n = 0;
    int i;

    drop_stale_clients(s);
    if (s->listener >= 0 && n < room &&
        (free_client_slot(s) >= 0 || evictable_client(s, sp_stack_now_ms(s->stack)) >= 0)) {
        fds[n].sock = s->listener;
        fds[n++].events = SP_POLLIN;
    }
    if (s->udp >= 0 && n < room) {
        fds[n].sock = s->udp;
        fds[n++].events = SP_POLLIN;
    }
    for (i = 0; i < ECHO_MAX_CLIENTS && n < room; i++) {
        if (s->clients[i].sock >= 0) {
            fds[n].sock = s->clients[i].sock;
            fds[n++].events = s->clients[i].pending > 0 ? SP_POLLOUT : SP_POLLIN;
        }
    }
    return n;
}

static int client_slot_of(const struct echo_server *s, int sock)
{
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        if (s->clients[i].sock == sock) {
            return i;
        }
    }
    return -1;
}

static void handle(void *self, const sp_pollfd *fds, size_t n)
{
    struct echo_server *s = self;
    size_t i;

    for (i = 0; i < n; i++) {
        int slot;

        if (fds[i].revents == 0) {
            continue;
        }
        if (fds[i].sock == s->listener) {
            accept_client(s);
        } else if (fds[i].sock == s->udp) {
            serve_udp(s);
        } else if ((slot = client_slot_of(s, fds[i].sock)) >= 0) {
            serve_client(s, slot);
        }
    }
    fflush(stdout);
}

int echo_server_open(struct echo_server *s, sp_stack *stack, const struct echo_options *opt)
{
    struct echo_counters none = {0, 0, 0, 0, 0, 0, 0, 0};
    struct service_log quiet = {0, 0, 0};
    int rc;
    int i;

    if (s == NULL || stack == NULL || opt == NULL || opt->host == NULL ||
        (!opt->tcp && !opt->udp) || opt->udp_max_datagram < 1 ||
        opt->udp_max_datagram > ECHO_UDP_MAX_DATAGRAM) {
        return SP_EINVAL;
    }
    s->stack = stack;
    s->opt = opt;
    s->listener = -1;
    s->udp = -1;
    s->counters = none;
    s->log = quiet;
    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        s->clients[i].sock = -1;
        s->clients[i].pending = 0;
    }
    rc = open_sockets(s);
    if (rc < 0) {
        echo_server_close(s);
    }
    return rc;
}

struct service echo_server_service(struct echo_server *s)
{
    struct service service = {"echo", s, watch, handle, finished};

    return service;
}

void echo_server_close(struct echo_server *s)
{
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        service_close(&s->clients[i].sock);
    }
    service_close(&s->listener);
    service_close(&s->udp);
}

int echo_server_run(sp_stack *stack, const struct echo_options *opt)
{
    /* Static: with its datagram buffer it is too large for a board's stack. */
    static struct echo_server s;
    struct service service;
    int rc = echo_server_open(&s, stack, opt);
    char tcp_text[SERVICE_U64_TEXT_BYTES];
    char udp_text[SERVICE_U64_TEXT_BYTES];

    if (rc < 0) {
        return rc;
    }
    service = echo_server_service(&s);
    rc = service_loop_run(stack, &service, 1, opt->idle_ms);
    if (rc == SP_ETIMEDOUT) {
        fprintf(stderr, "echo_server: no traffic for %d ms, giving up\n", opt->idle_ms);
    } else if (rc < 0) {
        report("poll", rc);
    }
    echo_server_close(&s);
    if (rc == 0) {
        printf("echo_server: done: %s tcp clients, %s udp datagrams\n",
               service_u64_text(s.counters.tcp_finished, tcp_text),
               service_u64_text(s.counters.udp_datagrams, udp_text));
    }
    fflush(stdout);
    return rc;
}

#ifndef ECHO_NO_MAIN
int main(int argc, char **argv)
{
    return echo_main(ECHO_ROLE_SERVER, argc, argv, echo_server_run);
}
#endif
