/*
 * TCP and UDP echo server on one port: every byte a TCP client sends comes
 * back to it, every datagram goes back to its sender.
 *
 * One thread serves everyone: all sockets are non-blocking and one sp_poll()
 * call waits for whichever is ready, so the same code runs on a board.
 */
#include "echo.h"

#include <stdio.h>

#define ECHO_MAX_CLIENTS 8
/* Datagrams handled per poll turn, so a flood on UDP cannot starve TCP. */
#define ECHO_UDP_BURST 16
/* Small enough for a board's stack. */
#define ECHO_BUFFER_BYTES 512

struct echo_server {
    sp_stack *stack;
    const struct echo_options *opt;
    int listener;
    int udp;
    int clients[ECHO_MAX_CLIENTS];
    int tcp_finished;
    int udp_echoed;
    unsigned char buffer[ECHO_BUFFER_BYTES];
};

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

/* A socket of @p type bound to @p addr, non-blocking. */
static int open_bound(struct echo_server *s, int type, const sp_addr *addr)
{
    const char *name = type == SP_SOCK_STREAM ? "tcp" : "udp";
    int sock = sp_socket_on(s->stack, addr->family, type, 0);
    int rc;

    if (sock < 0) {
        fprintf(stderr, "echo_server: %s socket: %s\n", name, sp_strerror(sock));
        return sock;
    }
    rc = sp_setsockopt(sock, SP_OPT_NONBLOCK, 1);
    if (rc == 0 && type == SP_SOCK_STREAM) {
        /* A restarted server must not wait for the old connections' TIME_WAIT;
         * a stack built without address reuse (lwIP's SO_REUSE 0) still serves. */
        rc = sp_setsockopt(sock, SP_OPT_REUSEADDR, 1);
        if (rc == SP_ENOPROTOOPT) {
            rc = 0;
        }
    }
    if (rc == 0) {
        rc = sp_bind(sock, addr);
    }
    if (rc == 0 && type == SP_SOCK_STREAM) {
        rc = sp_listen(sock, ECHO_MAX_CLIENTS);
    }
    if (rc < 0) {
        fprintf(stderr, "echo_server: %s bind/listen on port %u: %s (%s)\n", name,
                (unsigned)addr->port, sp_strerror(rc), sp_err_name(rc));
        sp_close(sock);
        return rc;
    }
    return sock;
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
        s->listener = open_bound(s, SP_SOCK_STREAM, &addr);
        if (s->listener < 0) {
            return s->listener;
        }
        rc = sp_getsockname(s->listener, &addr);
        if (rc < 0) {
            return report("getsockname", rc);
        }
    }
    if (s->opt->udp) {
        s->udp = open_bound(s, SP_SOCK_DGRAM, &addr);
        if (s->udp < 0) {
            return s->udp;
        }
        rc = sp_getsockname(s->udp, &addr);
        if (rc < 0) {
            return report("getsockname", rc);
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
    sock = sp_accept(s->listener, &peer);
    if (sock == SP_EAGAIN) {
        return;
    }
    if (sock < 0) {
        report("accept", sock);
        return;
    }
    if (sp_setsockopt(sock, SP_OPT_NONBLOCK, 1) < 0) {
        report("set non-blocking", sp_close(sock));
        return;
    }
    s->clients[slot] = sock;
    printf("echo_server: tcp client %d connected from ", slot);
    print_addr("", &peer);
}

static void drop_client(struct echo_server *s, int slot, const char *why)
{
    sp_close(s->clients[slot]);
    s->clients[slot] = -1;
    s->tcp_finished++;
    printf("echo_server: tcp client %d %s (%d finished)\n", slot, why, s->tcp_finished);
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
            s->udp_echoed++;
            printf("echo_server: udp: echoed %ld bytes to %s\n", (long)got, text);
        }
    }
}

static int finished(const struct echo_server *s)
{
    if (s->opt->count <= 0) {
        return 0;
    }
    if (s->opt->tcp) {
        return s->tcp_finished >= s->opt->count;
    }
    return s->udp_echoed >= s->opt->count;
}

/* Fill @p fds with what to wait for; the listener only while a slot is free. */
static size_t build_poll_set(const struct echo_server *s, sp_pollfd *fds, int *slot_of)
{
    size_t n = 0;
    int i;

    if (s->listener >= 0 && free_client_slot(s) >= 0) {
        fds[n].sock = s->listener;
        fds[n].events = SP_POLLIN;
        slot_of[n++] = -1;
    }
    if (s->udp >= 0) {
        fds[n].sock = s->udp;
        fds[n].events = SP_POLLIN;
        slot_of[n++] = -2;
    }
    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        if (s->clients[i] >= 0) {
            fds[n].sock = s->clients[i];
            fds[n].events = SP_POLLIN;
            slot_of[n++] = i;
        }
    }
    return n;
}

static int serve(struct echo_server *s)
{
    sp_pollfd fds[ECHO_MAX_CLIENTS + 2];
    int slot_of[ECHO_MAX_CLIENTS + 2];
    int wait_ms = s->opt->idle_ms > 0 ? s->opt->idle_ms : SP_FOREVER;

    while (!finished(s)) {
        size_t n = build_poll_set(s, fds, slot_of);
        size_t i;
        int ready = sp_poll(fds, n, wait_ms);

        if (ready < 0) {
            return report("poll", ready);
        }
        if (ready == 0) {
            fprintf(stderr, "echo_server: no traffic for %d ms, giving up\n", wait_ms);
            return SP_ETIMEDOUT;
        }
        for (i = 0; i < n; i++) {
            if (fds[i].revents == 0) {
                continue;
            }
            if (slot_of[i] == -1) {
                accept_client(s);
            } else if (slot_of[i] == -2) {
                serve_udp(s);
            } else {
                serve_client(s, slot_of[i]);
            }
        }
        fflush(stdout);
    }
    return 0;
}

int echo_server_run(sp_stack *stack, const struct echo_options *opt)
{
    struct echo_server s;
    int rc;
    int i;

    if (stack == NULL || opt == NULL || opt->host == NULL || (!opt->tcp && !opt->udp)) {
        return SP_EINVAL;
    }
    s.stack = stack;
    s.opt = opt;
    s.listener = -1;
    s.udp = -1;
    s.tcp_finished = 0;
    s.udp_echoed = 0;
    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        s.clients[i] = -1;
    }
    rc = open_sockets(&s);
    if (rc == 0) {
        rc = serve(&s);
    }
    for (i = 0; i < ECHO_MAX_CLIENTS; i++) {
        if (s.clients[i] >= 0) {
            sp_close(s.clients[i]);
        }
    }
    if (s.listener >= 0) {
        sp_close(s.listener);
    }
    if (s.udp >= 0) {
        sp_close(s.udp);
    }
    if (rc == 0) {
        printf("echo_server: done: %d tcp clients, %d udp datagrams\n", s.tcp_finished,
               s.udp_echoed);
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
