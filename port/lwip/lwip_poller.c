/*
 * The lwIP port's pollers: a ready list per poller, fed by lwIP's callbacks
 * (data, acknowledgements, errors, connections) and by the port's own
 * operations, so that a wait looks only at sockets something happened to, never
 * at the idle ones. Level-triggered as the public header says: a socket stays
 * on the list while it is ready, and leaves it the first time a wait finds it
 * idle; the next callback puts it back. Optional: linked only through
 * sp_lwip_use_poller() (or SP_ALL_SERVICES); without it core's generic poller
 * serves sp_poller_*() through the port's poll operation.
 */
#include "lwip_internal.h"

#define SP_LWIP_NO_LINK 0xFFFFu

struct sp_lwip_poller {
    bool in_use;
    uint16_t head; /* ready list, oldest touch first */
    uint16_t tail;
};

static struct sp_lwip_poller pollers[SP_LWIP_MAX_POLLERS];

static uint16_t index_of(const struct sp_lwip_sock *sock)
{
    return (uint16_t)(sock - sp_lwip_socks);
}

static void poller_mark(struct sp_lwip_sock *sock)
{
    struct sp_lwip_poller *p = &pollers[sock->poller - 1];
    uint16_t index = index_of(sock);
    sock->ready_prev = p->tail;
    sock->ready_next = SP_LWIP_NO_LINK;
    if (p->tail != SP_LWIP_NO_LINK) {
        sp_lwip_socks[p->tail].ready_next = index;
    } else {
        p->head = index;
    }
    p->tail = index;
    sock->on_ready = true;
}

static void poller_unlink(struct sp_lwip_sock *sock)
{
    if (sock->poller == 0 || !sock->on_ready) {
        return;
    }
    struct sp_lwip_poller *p = &pollers[sock->poller - 1];
    if (sock->ready_prev != SP_LWIP_NO_LINK) {
        sp_lwip_socks[sock->ready_prev].ready_next = sock->ready_next;
    } else {
        p->head = sock->ready_next;
    }
    if (sock->ready_next != SP_LWIP_NO_LINK) {
        sp_lwip_socks[sock->ready_next].ready_prev = sock->ready_prev;
    } else {
        p->tail = sock->ready_prev;
    }
    sock->on_ready = false;
}

int sp_lwip_op_poller_open(void *state, sp_port_poller *out)
{
    (void)state;
    for (size_t i = 0; i < SP_LWIP_MAX_POLLERS; i++) {
        if (!pollers[i].in_use) {
            pollers[i] = (struct sp_lwip_poller){true, SP_LWIP_NO_LINK, SP_LWIP_NO_LINK};
            *out = (sp_port_poller)i;
            return 0;
        }
    }
    return SP_ENOBUFS;
}

void sp_lwip_op_poller_close(void *state, sp_port_poller poller)
{
    (void)state;
    pollers[poller].in_use = false; /* core removed every member first */
}

int sp_lwip_op_poller_ctl(void *state, sp_port_poller poller, int op, sp_port_sock ref,
                          uint32_t key, short events)
{
    (void)state;
    struct sp_lwip_sock *sock = sp_lwip_sock_from_ref(ref);
    if (sock == NULL) {
        return SP_EBADF;
    }
    if (op == SP_PORT_POLLER_REMOVE) {
        poller_unlink(sock);
        sock->poller = 0;
        return 0;
    }
    if (key > 0xFFFFu) {
        return SP_EINVAL; /* core's keys are slot indices: 16 bits hold every one */
    }
    sock->poller = (uint8_t)(poller + 1);
    sock->poll_events = (unsigned)events & (SP_POLLIN | SP_POLLOUT);
    sock->poll_key = (uint16_t)key;
    /* Whatever it is now, the next wait finds out: a socket may be ready
     * before it joins (data already queued), with no callback to come. */
    sp_lwip_touch(sock);
    return 0;
}

struct collect_args {
    struct sp_lwip_poller *poller;
    sp_poller_event *out;
    size_t max;
};

/* One pass over the ready list: report the ready, drop the idle. */
static int collect(void *ctx)
{
    struct collect_args *args = ctx;
    struct sp_lwip_poller *p = args->poller;
    size_t n = 0;
    uint16_t index = p->head;
    while (index != SP_LWIP_NO_LINK && n < args->max) {
        struct sp_lwip_sock *sock = &sp_lwip_socks[index];
        uint16_t next = sock->ready_next;
        short revents = sp_lwip_sock_revents(sock, sock->poll_events);
        if (revents != 0) {
            args->out[n++] = (sp_poller_event){(int)sock->poll_key, -1, revents};
        } else if (!sock->memory_waiting) {
            /* A send waiting for memory turns writable by time alone, with no
             * callback to say so: it stays listed until it does. */
            poller_unlink(sock);
        }
        index = next;
    }
    if (index != SP_LWIP_NO_LINK && index != p->head) {
        /* Out of room: the unreported ones go first next time. */
        uint16_t last = sp_lwip_socks[index].ready_prev;
        sp_lwip_socks[p->tail].ready_next = p->head;
        sp_lwip_socks[p->head].ready_prev = p->tail;
        sp_lwip_socks[last].ready_next = SP_LWIP_NO_LINK;
        sp_lwip_socks[index].ready_prev = SP_LWIP_NO_LINK;
        p->head = index;
        p->tail = last;
    }
    return (int)n;
}

int sp_lwip_op_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                           int timeout_ms)
{
    (void)state;
    struct collect_args args = {&pollers[poller], out, max};
    return sp_lwip_run_until(timeout_ms, collect, &args);
}

const struct sp_lwip_poller_calls sp_lwip_poller_ready_lists = {
    .mark = poller_mark,
    .unlink = poller_unlink,
};

void sp_lwip_use_poller(void)
{
    sp_lwip_poller_calls = &sp_lwip_poller_ready_lists;
    sp_lwip_set_ops(&sp_lwip_ops_with_poller);
}
