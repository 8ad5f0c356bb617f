/*
 * The sockport backend: each step is the public call of the same name on a
 * stack that begin() starts (a fresh lwIP per row) or picks (the POSIX port).
 * Portable: it runs wherever sockport does, a board included.
 */
#include "conformance.h"

#include <stdio.h>

struct cf_sockport {
    sp_stack *(*start)(void);
    void (*stop)(sp_stack *stack);
    sp_stack *stack;
    int poller; /* the row's, once a step needs it; -1 before */
};

/* One backend of each kind lives at a time; two stay apart in two slots. */
static struct cf_sockport cf_sockport_ctx[2];
static int cf_sockport_used;

static int sp_begin(void *ctx)
{
    struct cf_sockport *c = ctx;
    c->stack = c->start();
    if (c->stack == NULL)
        return SP_EIO;
    sp_set_default_stack(c->stack);
    c->poller = -1;
    return 0;
}

static void sp_end(void *ctx)
{
    struct cf_sockport *c = ctx;
    if (c->poller >= 0)
        sp_poller_close(c->poller);
    sp_close_all(c->stack);
    if (c->stop != NULL)
        c->stop(c->stack);
    sp_set_default_stack(NULL);
    c->stack = NULL;
}

static long sp_b_socket(void *ctx, int family, int type, int protocol)
{
    struct cf_sockport *c = ctx;
    return sp_socket_on(c->stack, family, type, protocol);
}

static long sp_b_close(void *ctx, int h)
{
    (void)ctx;
    return sp_close(h);
}

static long sp_b_bind(void *ctx, int h, const sp_addr *addr)
{
    (void)ctx;
    return sp_bind(h, addr);
}

static long sp_b_listen(void *ctx, int h, int backlog)
{
    (void)ctx;
    return sp_listen(h, backlog);
}

static long sp_b_accept(void *ctx, int h, sp_addr *peer)
{
    (void)ctx;
    return sp_accept(h, peer);
}

static long sp_b_connect(void *ctx, int h, const sp_addr *addr)
{
    (void)ctx;
    return sp_connect(h, addr);
}

static long sp_b_sendto(void *ctx, int h, const void *buf, size_t len, int flags, const sp_addr *to)
{
    (void)ctx;
    return to != NULL ? (long)sp_sendto(h, buf, len, flags, to) : (long)sp_send(h, buf, len, flags);
}

static long sp_b_recvfrom(void *ctx, int h, void *buf, size_t len, int flags, sp_addr *from)
{
    (void)ctx;
    return from != NULL ? (long)sp_recvfrom(h, buf, len, flags, from)
                        : (long)sp_recv(h, buf, len, flags);
}

static long sp_b_shutdown(void *ctx, int h, int how)
{
    (void)ctx;
    return sp_shutdown(h, how);
}

static long sp_b_getsockname(void *ctx, int h, sp_addr *out)
{
    (void)ctx;
    return sp_getsockname(h, out);
}

static long sp_b_getpeername(void *ctx, int h, sp_addr *out)
{
    (void)ctx;
    return sp_getpeername(h, out);
}

static long sp_b_setopt(void *ctx, int h, int option, int value)
{
    (void)ctx;
    return sp_setsockopt(h, option, value);
}

static long sp_b_getopt(void *ctx, int h, int option, int *value)
{
    (void)ctx;
    return sp_getsockopt(h, option, value);
}

static long sp_b_poll(void *ctx, int h, int events)
{
    (void)ctx;
    sp_pollfd pfd = {h, (short)events, 0};
    int rc = sp_poll(&pfd, 1, 0);
    return rc < 0 ? rc : pfd.revents;
}

static long sp_b_poller(void *ctx, int op, int h, int events)
{
    struct cf_sockport *c = ctx;
    if (c->poller < 0) {
        c->poller = sp_poller_open(c->stack);
        if (c->poller < 0)
            return c->poller;
    }
    switch (op) {
    case CF_POLLER_ADD:
        return sp_poller_add(c->poller, h, (short)events);
    case CF_POLLER_MODIFY:
        return sp_poller_modify(c->poller, h, (short)events);
    case CF_POLLER_REMOVE:
        return sp_poller_remove(c->poller, h);
    default: {
        sp_poller_event evs[CF_SLOTS];
        int n = sp_poller_wait(c->poller, evs, CF_SLOTS, 0);
        if (n < 0)
            return n;
        for (int i = 0; i < n; i++)
            if (evs[i].sock == h)
                return evs[i].revents;
        return 0;
    }
    }
}

/* The kernel delivers loopback packets inside the call that sends them; lwIP
 * queues them until its stack runs. A few short turns deliver them, and the
 * answers they cause (on lwIP's simulated clock this takes no wall time). */
static void sp_b_settle(void *ctx)
{
    struct cf_sockport *c = ctx;
    for (int i = 0; i < 3; i++)
        sp_stack_pump(c->stack, 1);
}

static const char *sp_b_native_name(void *ctx)
{
    (void)ctx;
    return NULL;
}

struct cf_backend cf_sockport_backend(const char *name, sp_stack *(*stack_start)(void),
                                      void (*stack_stop)(sp_stack *stack))
{
    struct cf_sockport *c = &cf_sockport_ctx[cf_sockport_used++ % 2];
    c->start = stack_start;
    c->stop = stack_stop;
    struct cf_backend be = {
        .name = name,
        .begin = sp_begin,
        .end = sp_end,
        .socket = sp_b_socket,
        .close = sp_b_close,
        .bind = sp_b_bind,
        .listen = sp_b_listen,
        .accept = sp_b_accept,
        .connect = sp_b_connect,
        .sendto = sp_b_sendto,
        .recvfrom = sp_b_recvfrom,
        .shutdown = sp_b_shutdown,
        .getsockname = sp_b_getsockname,
        .getpeername = sp_b_getpeername,
        .setopt = sp_b_setopt,
        .getopt = sp_b_getopt,
        .poll = sp_b_poll,
        .poller = sp_b_poller,
        .settle = sp_b_settle,
        .native_name = sp_b_native_name,
        .ctx = c,
    };
    return be;
}
