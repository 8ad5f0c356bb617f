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

/* Open the listener and the UDP socket on the same port; with port 0 the
 * first socket's ephemeral port is reused for the second. */
static int open_sockets(struct echo_server *s)
{
    sp_addr addr;
    int rc = sp_addr_parse(s->opt->host, &addr);

    if (rc < 0) {
        fprintf(stderr, "echo_server: '%s' is not a numeric address\n", s->opt->host);
        return rc;
    }
    addr.port = s->opt->port;
    if (s->opt->tcp) {
        s->listener =
            service_open_socket(s->stack, SP_SOCK_STREAM, &addr, ECHO_MAX_CLIENTS, "echo_server");
        if (s->listener < 0) {
            return s->listener;
        }
    }
    if (s->opt->udp) {
        s->udp = service_open_socket(s->stack, SP_SOCK_DGRAM, &addr, 0, "echo_server");
        if (s->udp < 0) {
            return s->udp;
        }
    }
    printf("echo_server: %s%s%s on stack %s, ", s->opt->tcp ? "tcp" : "",
           s->opt->tcp && s->opt->udp ? "+" : "", s->opt->udp ? "udp" : "",
           sp_stack_name(s->stack));
    print_addr("listening on ", &addr);
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
        if (s->clients[i] < 0) {
            return i;
        }
    }
    return -1;
}

static void accept_client(struct echo_server *s)
{
    int slot = free_client_slot(s);
    sp_addr peer;
    int sock;

    if (slot < 0) {
        return; /* not polled while full; the connection waits in the backlog */
    }
    sock = service_accept(s->listener, &peer);
    if (sock == SP_EAGAIN) {
        return;
    }
    if (sock < 0) {
        report("accept", sock);
        return;
    }
    s->clients[slot] = sock;
    s->counters.tcp_clients++;
    printf("echo_server: tcp client %d connected from ", slot);
    print_addr("", &peer);
}

static void drop_client(struct echo_server *s, int slot, const char *why)
{
    service_close(&s->clients[slot]);
    s->counters.tcp_finished++;
    printf("echo_server: tcp client %d %s (%d finished)\n", slot, why, s->counters.tcp_finished);
}

static void serve_client(struct echo_server *s, int slot)
{
    ptrdiff_t got = sp_recv(s->clients[slot], s->buffer, sizeof s->buffer, 0);
    int rc;

    if (got == SP_EAGAIN) {
        return;
    }
    if (got == 0) {
        drop_client(s, slot, "closed");
        return;
    }
    if (got < 0) {
        drop_client(s, slot, sp_strerror((int)got));
        return;
    }
    /* The client socket is non-blocking, but sp_send_all() waits on its own
     * deadline: a slow reader delays the others by at most timeout_ms. */
    rc = sp_send_all(s->clients[slot], s->buffer, (size_t)got, s->opt->timeout_ms, NULL);
    if (rc < 0) {
        drop_client(s, slot, sp_strerror(rc));
        return;
    }
    s->counters.tcp_bytes += (long)got;
    printf("echo_server: tcp client %d: echoed %ld bytes\n", slot, (long)got);
}

static void serve_udp(struct echo_server *s)
{
    int i;

    for (i = 0; i < ECHO_UDP_BURST; i++) {
        sp_addr from;
        ptrdiff_t got = sp_recvfrom(s->udp, s->buffer, sizeof s->buffer, 0, &from);
        ptrdiff_t sent;
        char text[SP_ADDR_STRLEN];

        if (got == SP_EAGAIN) {
            return;
        }
        if (got < 0) {
            /* An ICMP error from an earlier reply's peer: not fatal to a server. */
            report("udp receive", (int)got);
            continue;
        }
        sent = sp_sendto(s->udp, s->buffer, (size_t)got, 0, &from);
        if (sp_addr_format(&from, text, sizeof text) < 0) {
            text[0] = '\0';
        }
        if (sent < 0) {
            fprintf(stderr, "echo_server: udp reply to %s: %s\n", text, sp_strerror((int)sent));
        } else {
            s->counters.udp_datagrams++;
            printf("echo_server: udp: echoed %ld bytes to %s\n", (long)got, text);
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
        return s->counters.tcp_finished >= s->opt->count;
    }
    return s->counters.udp_datagrams >= s->opt->count;
}

/* The listener only while a client slot is free: a full server leaves new
 * connections waiting in the backlog. Entry order: listener, UDP, clients. */
static size_t watch(void *self, sp_pollfd *fds, size_t room)
{
    const struct echo_server *s = self;
    size_t n = 0;
    int i;

    if (s->listener >= 0 && free_client_slot(s) >= 0 && n < room) {
        fds[n].sock = s->listener;
        fds[n++].events = SP_POLLIN;
    }
    if (s->udp >= 0 && n < room) {
        fds[n].sock = s->udp;
        fds[n++].events = SP_POLLIN;
    }
    for (i = 0; i < ECHO_MAX_CLIENTS && n < room; i++) {
        if (s->clients[i] >= 0) {
            fds[n].sock = s->clients[i];
            fds[n++].events = SP_POLLIN;
        }
    }
    return n;
}

static int client_slot_of(const struct echo_server *s, int sock)
{
    int i;

    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        if (s->clients[i] == sock) {
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
    struct echo_counters none = {0, 0, 0, 0};
    int rc;
    int i;

    if (s == NULL || stack == NULL || opt == NULL || opt->host == NULL ||
        (!opt->tcp && !opt->udp)) {
        return SP_EINVAL;
    }
    s->stack = stack;
    s->opt = opt;
    s->listener = -1;
    s->udp = -1;
    s->counters = none;
    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        s->clients[i] = -1;
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
        service_close(&s->clients[i]);
    }
    service_close(&s->listener);
    service_close(&s->udp);
}

int echo_server_run(sp_stack *stack, const struct echo_options *opt)
{
    struct echo_server s;
    struct service service;
    int rc = echo_server_open(&s, stack, opt);

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
        printf("echo_server: done: %d tcp clients, %d udp datagrams\n", s.counters.tcp_finished,
               s.counters.udp_datagrams);
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
