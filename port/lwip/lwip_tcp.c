/*
 * TCP sockets over lwIP's raw API. lwIP's callback rules (src/include/lwip/tcp.h)
 * shape everything here:
 * - the error callback runs after lwIP freed the pcb (ERR_ABRT: its timers gave
 *   up), or just before (ERR_RST, ERR_CLSD: tcp_in.c frees it right after):
 *   drop the pointer, and use it only in those two cases;
 * - a NULL pbuf in the receive callback is the peer's FIN;
 * - tcp_recved() only as the application consumes data, so the window is the
 *   receive buffer and a slow reader slows the sender;
 * - tcp_write() copies into lwIP's heap up to tcp_sndbuf(); the sent callback
 *   says room came back;
 * - a pcb handed to lwIP for closing is lwIP's: detach every callback first.
 */
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#include "lwip_internal.h"

/* Before 2.0.2, tcp_close() could fail for want of memory for the FIN (its
 * bug #47485); the port lets the record go at once, as tcp_close() now always
 * succeeds (it sends the FIN from its timer, TF_CLOSEPEND). */
#if LWIP_VERSION_MAJOR < 2 ||                                                                      \
    (LWIP_VERSION_MAJOR == 2 && LWIP_VERSION_MINOR == 0 && LWIP_VERSION_REVISION < 2)
#error "The lwIP port needs lwIP 2.0.2 or later (tcp_close() that cannot fail)"
#endif

/* Out of line although small: -Os would copy it into each caller, which
 * costs more than the call (measured on Cortex-M3 and M0+). */
#define TCP_APART __attribute__((noinline))

/* ---- Callbacks ---- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static void on_error(void *arg, err_t err);
static int reopen(struct sp_lwip_sock *sock);

/* The callbacks are set by storing the pcb's fields, as tcp_arg(),
 * tcp_recv(), tcp_sent(), tcp_err() and tcp_accept() do (tcp.c: they only
 * store, after a NULL check and assertions the port's callers already meet):
 * a call each would cost more code than the store. */
TCP_APART static void attach(struct sp_lwip_sock *sock, struct tcp_pcb *pcb)
{
    sock->pcb.tcp = pcb;
    pcb->callback_arg = sock;
    pcb->recv = on_recv;
    pcb->sent = on_sent;
    pcb->errf = on_error;
}

/* Hand the pcb to lwIP: from now on lwIP alone frees it (tcp_recv_null reads
 * and drops what still arrives). */
static void detach(struct sp_lwip_sock *sock)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    if (pcb == NULL) {
        return;
    }
    /* A listen pcb is only ever handed to tcp_close(), which frees it at
     * once without calling anything: its accept callback can stay. */
    if (pcb->state != LISTEN) {
        pcb->callback_arg = NULL;
        pcb->recv = NULL; /* lwIP's tcp_recv_null() takes what still arrives */
        pcb->sent = NULL;
        pcb->errf = NULL;
    }
    sock->pcb.tcp = NULL;
}

/* Keep (a reference to) the local address for after the pcb is gone. */
TCP_APART static void remember_local(struct sp_lwip_sock *sock, const struct tcp_pcb *pcb)
{
    sock->local_known = sp_lwip_local_from_ip(&pcb->local_ip, pcb->local_port, &sock->u.tcp.local);
}

static struct sp_lwip_sock *record(uint16_t index)
{
    return &sp_lwip_socks[index];
}

static uint16_t index_of(const struct sp_lwip_sock *sock)
{
    return (uint16_t)(sock - sp_lwip_socks);
}

/* Copy a connection's peer into a node of the shared pool while lwIP still
 * has the pcb, for sp_recvfrom() after it lets go (connection_peer in port.h:
 * a node only for connections that ended, never a copy in every record). An
 * empty pool leaves it unnamed (docs/lwip.md). */
static void keep_peer(struct sp_lwip_sock *sock, const struct tcp_pcb *pcb)
{
    if (sock->state == SP_LWIP_CONNECTED && sock->u.tcp.q.pending.peer_node == SP_LWIP_NONE) {
        sock->u.tcp.q.pending.peer_node = sp_lwip_node_hold_peer(&pcb->remote_ip, pcb->remote_port);
    }
}

/* Both directions have finished: lwIP takes the pcb through LAST_ACK or
 * TIME_WAIT and frees it without telling anyone, so the socket lets go now. */
static void release_if_both_closed(struct sp_lwip_sock *sock)
{
    /* The local address is known since the connection was made (on_connected,
     * on_accept), and a connection's does not change. */
    if (sock->fin_received && sock->shut_wr && sock->pcb.tcp != NULL) {
        keep_peer(sock, sock->pcb.tcp);
        detach(sock);
        sock->state = SP_LWIP_GONE;
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sp_lwip_sock *sock = arg;
    (void)err; /* always ERR_OK in lwIP 2.x */
    sp_lwip_touch(sock);
    if (p == NULL) {
        sock->fin_received = true;
        release_if_both_closed(sock);
        return ERR_OK;
    }
    if (sock->shut_rd) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (sock->u.tcp.rx != NULL) {
        if ((uint32_t)sock->u.tcp.rx->tot_len + p->tot_len > 0xFFFFu) {
            /* The chain's 16-bit length is full: lwIP keeps the segment and offers it again. */
            return ERR_MEM;
        }
        pbuf_cat(sock->u.tcp.rx, p);
    } else {
        sock->u.tcp.rx = p;
    }
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct sp_lwip_sock *sock = arg;
    (void)pcb;
    (void)len;
    sock->memory_waiting = false;
    sp_lwip_touch(sock);
    return ERR_OK;
}

/* lwIP calls it with ERR_ABRT (tcp_abandon(), its timers), ERR_RST or ERR_CLSD
 * (tcp_in.c) only. */
static void on_error(void *arg, err_t err)
{
    struct sp_lwip_sock *sock = arg;
    struct tcp_pcb *pcb = sock->pcb.tcp;
    sock->pcb.tcp = NULL; /* freed, or about to be: never used again */
    if (err != ERR_ABRT && pcb != NULL) {
        keep_peer(sock, pcb); /* lwIP frees the pcb after this call returns */
    }
    int error = 0; /* ERR_CLSD: both sides closed in order, no error, just the end */
    if (err == ERR_ABRT) {
        /* An abort not asked for is lwIP giving up: on SYN retries, or its
         * retransmission or keepalive timer. */
        error = SP_ETIMEDOUT;
    } else if (err == ERR_RST) {
        /* A reset answering our SYN is a refusal. After the peer had closed,
         * our data drew its reset: Linux says EPIPE (a reset in CLOSE_WAIT),
         * and reads still end in end of stream. */
        error = sock->state == SP_LWIP_CONNECTING ? SP_ECONNREFUSED
                : sock->fin_received              ? SP_EPIPE
                                                  : SP_ECONNRESET;
    }
    sock->pending_error = (int8_t)error;
    sock->state = SP_LWIP_GONE;
    sp_lwip_touch(sock);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sp_lwip_sock *sock = arg;
    (void)err; /* always ERR_OK: failures come through on_error */
    sock->state = SP_LWIP_CONNECTED;
    remember_local(sock, pcb);
    sp_lwip_touch(sock);
    return ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    struct sp_lwip_sock *listener = arg; /* set with the callback, kept until tcp_close() */
    (void)err; /* not ERR_OK only with no pcb: lwIP had none for the connection */
    if (newpcb == NULL) {
        return ERR_MEM; /* lwIP ignores what this call returns */
    }
    struct sp_lwip_sock *conn = sp_lwip_sock_alloc(listener->family, SP_LWIP_KIND_TCP);
    if (conn == NULL) {
        return ERR_MEM; /* lwIP aborts the connection: the peer sees a reset */
    }
    /* The peer waits in a node until sp_accept(), which names it even if the
     * connection is reset in the meantime and lwIP freed the pcb. */
    uint16_t peer_node = sp_lwip_node_hold_peer(&newpcb->remote_ip, newpcb->remote_port);
    if (peer_node == SP_LWIP_NONE) {
        sp_lwip_sock_release(conn);
        return ERR_MEM;
    }
    conn->state = SP_LWIP_PENDING;
    /* q.pending.next: SP_LWIP_NONE from sp_lwip_sock_alloc() */
    conn->u.tcp.q.pending.peer_node = peer_node;
    /* All the listener's options, as Linux's accept clones its socket (lwIP
     * itself passes on only SOF_REUSEADDR and SOF_KEEPALIVE). */
    conn->options = listener->options;
    conn->rcvbuf_shift = listener->rcvbuf_shift;
    conn->sndbuf_shift = listener->sndbuf_shift;
    conn->linger = listener->linger;
    attach(conn, newpcb);
    remember_local(conn, newpcb);
    sp_lwip_tcp_apply_options(conn);
    /* Counted against the backlog until sp_accept() takes it: lwIP then
     * drops SYNs beyond the backlog, as a full queue does on Linux. */
    tcp_backlog_delayed(newpcb);
    if (listener->u.tcp.q.queue.head != SP_LWIP_NONE) {
        record(listener->u.tcp.q.queue.tail)->u.tcp.q.pending.next = index_of(conn);
    } else {
        listener->u.tcp.q.queue.head = index_of(conn);
    }
    listener->u.tcp.q.queue.tail = index_of(conn);
    sp_lwip_touch(listener);
    return ERR_OK;
}

/* ---- Operations ---- */

int sp_lwip_tcp_open(struct sp_lwip_sock *sock)
{
    u8_t type = sock->family == SP_AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY;
    struct tcp_pcb *pcb = tcp_new_ip_type(type);
    if (pcb == NULL) {
        return SP_ENOBUFS;
    }
    attach(sock, pcb);
    return 0;
}

void sp_lwip_tcp_apply_options(struct sp_lwip_sock *sock)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    if (pcb == NULL) {
        return;
    }
    sp_lwip_set_so_options(sock, &pcb->so_options, SOF_REUSEADDR | SOF_KEEPALIVE);
    if (pcb->state == LISTEN) {
        return; /* a listen pcb has no flags field */
    }
    if ((sock->options & SP_LWIP_OPT_NODELAY) != 0) {
        tcp_nagle_disable(pcb);
    } else {
        tcp_nagle_enable(pcb);
    }
    if (sock->state == SP_LWIP_OPEN) {
        sp_lwip_apply_v6only(sock, &pcb->local_ip, &pcb->remote_ip, pcb->local_port);
    }
}

/* Connections with data written since their last tcp_output(): sent in one
 * go by sp_lwip_flush_output(), so that small writes share segments as they
 * do in a raw-API program that calls tcp_output() once per turn. */
#define SP_LWIP_OUTPUT_PENDING_MAX 16
static struct sp_lwip_sock *output_pending[SP_LWIP_OUTPUT_PENDING_MAX];
size_t sp_lwip_output_pending_count;

static void output_later(struct sp_lwip_sock *sock)
{
    if (sock->output_pending) {
        return;
    }
    if (sp_lwip_output_pending_count == SP_LWIP_OUTPUT_PENDING_MAX) {
        tcp_output(sock->pcb.tcp); /* no room to remember it: send now */
        return;
    }
    sock->output_pending = true;
    output_pending[sp_lwip_output_pending_count++] = sock;
}

void sp_lwip_flush_output(void)
{
    for (size_t i = 0; i < sp_lwip_output_pending_count; i++) {
        struct sp_lwip_sock *sock = output_pending[i];
        sock->output_pending = false;
        /* If this fails for memory, lwIP retries from its fast timer (TF_NAGLEMEMERR). */
        if (sock->pcb.tcp != NULL) {
            tcp_output(sock->pcb.tcp);
        }
    }
    sp_lwip_output_pending_count = 0;
}

void sp_lwip_forget_output(struct sp_lwip_sock *sock)
{
    if (!sock->output_pending) {
        return;
    }
    for (size_t i = 0; i < sp_lwip_output_pending_count; i++) {
        if (output_pending[i] == sock) {
            output_pending[i] = output_pending[--sp_lwip_output_pending_count];
            break;
        }
    }
    sock->output_pending = false;
}

/* Hand the socket's pcb (if lwIP has not freed it) to lwIP, to abort (silently
 * for us, a reset for the peer) or to close, and let the record go. Neither
 * fails: tcp_close() since lwIP 2.0.2 sends a FIN it has no memory for from
 * its timer (TF_CLOSEPEND) instead of failing. tcp_abort() also gives a
 * connection still in a listener's queue its backlog slot back (tcp_abandon()). */
TCP_APART static void let_go(struct sp_lwip_sock *sock, bool abort)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    if (pcb != NULL) {
        detach(sock);
        if (abort) {
            tcp_abort(pcb);
        } else {
            (void)tcp_close(pcb);
        }
    }
    sp_lwip_sock_release(sock);
}

int sp_lwip_tcp_close(struct sp_lwip_sock *sock)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    /* What was written goes out before the FIN or the reset, as on a host
     * (the record's release then forgets it in output_pending[]). */
    if (sock->output_pending && pcb != NULL) {
        tcp_output(pcb);
    }
    bool listening = sock->state == SP_LWIP_LISTENING;
    if (listening) {
        /* Nobody will accept these. The listener itself is released while
         * still LISTENING, so that the release does not take queue.tail
         * (peer_node's place) for a node to free. */
        for (uint16_t next = sock->u.tcp.q.queue.head; next != SP_LWIP_NONE;) {
            struct sp_lwip_sock *conn = record(next);
            next = conn->u.tcp.q.pending.next;
            let_go(conn, true);
        }
    }
    /* A close with unread data resets the connection, as Linux's does in every
     * state. lwIP's tcp_close() would reset only ESTABLISHED and CLOSE_WAIT;
     * after a shutdown for writing (FIN_WAIT_1, CLOSING...) it would keep a
     * pcb whose window the dropped data holds shut: two such ends, both
     * closed, kept probing each other for ever (found by fuzz_api_lwip). */
    bool unread = sock->u.tcp.rx != NULL;
    if (unread) {
        pbuf_free(sock->u.tcp.rx);
        sock->u.tcp.rx = NULL;
    }
    /* A listen pcb is only closed. */
    let_go(sock, (sock->linger == 0 || unread) && !listening);
    return 0;
}

void sp_lwip_tcp_abort_all(void)
{
    /* Listeners first: closing one aborts the connections still in its queue. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < SP_LWIP_MAX_SOCKETS; i++) {
            struct sp_lwip_sock *sock = &sp_lwip_socks[i];
            bool listener = sock->state == SP_LWIP_LISTENING;
            if (sock->kind == SP_LWIP_KIND_TCP && listener == (pass == 0)) {
                sock->linger = 0;
                sp_lwip_tcp_close(sock);
            }
        }
    }
    /* What lwIP still owns on its own: closing connections and TIME_WAIT. */
    while (tcp_active_pcbs != NULL) {
        tcp_abort(tcp_active_pcbs);
    }
    while (tcp_tw_pcbs != NULL) {
        tcp_abort(tcp_tw_pcbs);
    }
}

int sp_lwip_tcp_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    /* Core binds only a new socket or one whose connect attempt failed; lwIP
     * freed that one's pcb, and Linux gave back a port the user let it choose
     * (a chosen one core keeps bound): a fresh pcb, bound afresh. */
    if (sock->state == SP_LWIP_GONE) {
        sock->user_bound = false;
        sock->port_chosen = false;
        int rc = reopen(sock);
        if (rc < 0) {
            return rc;
        }
    } else if (sock->pcb.tcp->local_port != 0) {
        /* Core's view and lwIP's must agree that it is unbound: tcp_bind()
         * would list the pcb twice (an endless loop in lwIP later on). */
        return SP_EINVAL;
    }
    /* SO_REUSEADDR lets lwIP bind beside a listener; Linux never does. */
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l != NULL && port != 0;
         l = l->next) {
        if (l->local_port == port && (ip_addr_isany(&l->local_ip) || ip_addr_isany(ip) ||
                                      sp_lwip_ip_equal(&l->local_ip, ip))) {
            return SP_EADDRINUSE;
        }
    }
    /* The pcb has the socket's options (SO_REUSEADDR for tcp_bind()): every
     * option set is applied to it at once. */
    err_t err = tcp_bind(sock->pcb.tcp, ip, port);
    if (err == ERR_OK) {
        /* As Linux's two locks of a bind: after a failed attempt it keeps a
         * chosen port (not 0) and a chosen address (not the wildcard), and
         * gives the rest back. */
        sock->user_bound = sp_lwip_local_from_ip(ip, port, &sock->u.tcp.local) &&
                           sock->u.tcp.local.netif != 0; /* 0: a wildcard */
        sock->port_chosen = port != 0;
    }
    return sp_lwip_error(err);
}

int sp_lwip_tcp_listen(struct sp_lwip_sock *sock, int backlog)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    u8_t limit = (u8_t)(backlog > 255 ? 255 : backlog); /* core: >= 1 */
    if (sock->state == SP_LWIP_LISTENING) {
        /* Listening again only changes the queue, as on Linux (tcp_backlog_set()
         * without its assertion: the pcb is a listen pcb). */
        ((struct tcp_pcb_listen *)pcb)->backlog = limit;
        return 0;
    }
    if (sock->state == SP_LWIP_GONE) {
        /* A connect attempt failed and core reported it: lwIP freed the
         * pcb; Linux listens then, where the user bound the socket. */
        int rc = reopen(sock);
        if (rc < 0) {
            /* The chosen port went free with lwIP's pcb, and another socket
             * took it (docs/lwip.md): taken, as Linux's listen says. */
            return rc == SP_EADDRNOTAVAIL ? SP_EADDRINUSE : rc;
        }
        pcb = sock->pcb.tcp;
    }
    if (pcb->local_port == 0) {
        /* An unbound pcb's own address is the wildcard of the right type:
         * IPv4, both versions, or IPv6 only (sp_lwip_apply_v6only()). */
        if (tcp_bind(pcb, &pcb->local_ip, 0) != ERR_OK) {
            /* Its only failure here (a CLOSED pcb, port 0): no free port. */
            return SP_EADDRINUSE;
        }
    }
    err_t err; /* always set by tcp_listen_with_backlog_and_err() */
    struct tcp_pcb *lpcb = tcp_listen_with_backlog_and_err(pcb, limit, &err);
    if (lpcb == NULL) {
        return sp_lwip_error(err);
    }
    /* tcp_listen() freed the old pcb and made a smaller listen pcb. */
    sock->pcb.tcp = lpcb;
    sock->state = SP_LWIP_LISTENING;
    sock->u.tcp.q.queue.head = SP_LWIP_NONE;
    sock->u.tcp.q.queue.tail = SP_LWIP_NONE;
    lpcb->callback_arg = sock;
    ((struct tcp_pcb_listen *)(void *)lpcb)->accept = on_accept;
    return 0;
}

int sp_lwip_tcp_accept(struct sp_lwip_sock *sock, struct sp_lwip_sock **out, ip_addr_t *peer,
                       uint16_t *peer_port)
{
    uint16_t head = sock->u.tcp.q.queue.head; /* core: a listening socket */
    if (head == SP_LWIP_NONE) {
        return SP_EAGAIN;
    }
    struct sp_lwip_sock *conn = record(head);
    /* The queue's tail means something only while its head does (on_accept). */
    sock->u.tcp.q.queue.head = conn->u.tcp.q.pending.next;
    uint16_t peer_node = conn->u.tcp.q.pending.peer_node;
    sp_lwip_node_peer(peer_node, peer, peer_port);
    /* Out of the queue: q.pending.next means nothing now; peer_node stays
     * only while lwIP has let go of the pcb (connection_peer): then
     * on_error() made the connection SP_LWIP_GONE. */
    struct tcp_pcb *pcb = conn->pcb.tcp;
    if (pcb != NULL) {
        /* The pcb names the peer from now on. Not shut for writing yet:
         * release_if_both_closed() has nothing to do. */
        sp_lwip_node_free(peer_node);
        conn->u.tcp.q.pending.peer_node = SP_LWIP_NONE;
        tcp_backlog_accepted(pcb);
        conn->state = SP_LWIP_CONNECTED;
    }
    *out = conn;
    return 0;
}

int sp_lwip_tcp_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port)
{
    /* Core connects only a socket neither listening, connected nor
     * connecting: this one is new (its pcb has the options: set_option
     * applies them), or its earlier attempt failed. */
    if (sock->state == SP_LWIP_GONE) {
        /* An attempt that failed (core reported it): lwIP freed that pcb, so
         * the new attempt gets a new one, where the user bound the socket. */
        int rc = reopen(sock);
        if (rc < 0) {
            return rc;
        }
    }
    /* A pcb always: new sockets get one, and only a failed attempt (GONE,
     * reopened above) loses it. (If not, lwIP says ERR_ARG: SP_EINVAL.) */
    struct tcp_pcb *pcb = sock->pcb.tcp;
    err_t err = tcp_connect(pcb, ip, port, on_connected);
    if (err != ERR_OK) {
        /* tcp_connect() says ERR_VAL for an address its pcb's IP version
         * cannot reach, and ERR_USE when its port is connected to that peer
         * already or no port is free: Linux's EADDRNOTAVAIL. */
        return err == ERR_USE ? SP_EADDRNOTAVAIL : sp_lwip_route_error(err);
    }
    /* Where the attempt is made from, named after it failed (lwIP frees the
     * pcb first) as Linux names it: the address the user bound, else the
     * one the route chose (the wildcard once sp_connect() reported the
     * failure: lwip_end_attempt() in lwip_sock.c), with the attempt's port. */
    if (sock->user_bound) {
        sock->u.tcp.local.port = pcb->local_port;
    } else {
        remember_local(sock, pcb);
    }
    sock->state = SP_LWIP_CONNECTING;
    return SP_EINPROGRESS;
}

/* A fresh pcb for a socket whose failed connect attempt lwIP freed. */
static int reopen(struct sp_lwip_sock *sock)
{
    int rc = sp_lwip_tcp_open(sock);
    if (rc < 0) {
        return rc;
    }
    sock->state = SP_LWIP_OPEN;
    sock->pending_error = 0;
    sock->fin_received = false;
    if (sock->u.tcp.q.pending.peer_node != SP_LWIP_NONE) {
        sp_lwip_node_free(sock->u.tcp.q.pending.peer_node);
        sock->u.tcp.q.pending.peer_node = SP_LWIP_NONE;
    }
    /* local_known stays: until the socket binds, listens or connects again,
     * Linux names the failed attempt's address and port (sp_lwip_tcp_addr). */
    sp_lwip_tcp_apply_options(sock);
    if (sock->user_bound || sock->port_chosen) {
        ip_addr_t ip;
        uint16_t port;
        bool known = sp_lwip_local_to_ip(&sock->u.tcp.local, &ip, &port);
        /* Bound to the wildcard: the fresh pcb's, of the type the options gave. */
        const ip_addr_t *at = sock->user_bound ? &ip : &sock->pcb.tcp->local_ip;
        if (known && !sock->port_chosen) {
            /* Linux keeps the address but gives the port back: the socket is
             * unbound until it connects or listens (where lwIP picks a port),
             * and free to bind if this attempt fails at once. A tcp_bind()
             * here would leave lwIP's pcb bound where core has none. */
            ip_addr_copy(sock->pcb.tcp->local_ip, ip);
        } else if (!known || tcp_bind(sock->pcb.tcp, at, port) != ERR_OK) {
            /* The chosen port went free with the failed attempt's pcb and is
             * taken meanwhile (docs/lwip.md): sp_connect says EADDRNOTAVAIL,
             * as Linux's connect for a port it cannot have. The socket stays
             * without a pcb, as the attempt left it, so that the next call
             * tries the same port again instead of forgetting it. */
            struct tcp_pcb *fresh = sock->pcb.tcp;
            detach(sock);
            tcp_close(fresh); /* CLOSED and unbound: freed at once, no callback */
            sock->state = SP_LWIP_GONE;
            return SP_EADDRNOTAVAIL;
        }
    }
    return 0;
}

/* The error a send or receive reports on a connection lwIP has freed: the
 * reason once, then SP_EPIPE (send) or end of stream (receive), as Linux does. */
static int gone_error(struct sp_lwip_sock *sock, bool sending)
{
    int error = sp_lwip_take_error(sock);
    if (error != 0) {
        return error;
    }
    return sending ? SP_EPIPE : 0;
}

/* Whether a send could take something now: a pcb, room in its send buffer
 * and segment queue, and no wait for memory (a send met ERR_MEM) still running. */
static bool can_write(const struct sp_lwip_sock *sock)
{
    const struct tcp_pcb *pcb = sock->pcb.tcp;
    return pcb != NULL && tcp_sndbuf(pcb) > 0 && tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN &&
           (!sock->memory_waiting ||
            (int32_t)(sp_lwip_now32() - sp_lwip_state.memory_retry_at) >= 0);
}

ptrdiff_t sp_lwip_tcp_send(struct sp_lwip_sock *sock, const void *buf, size_t len)
{
    /* Core sends only on a connection it saw established and not shut for
     * writing, never 0 bytes: it is connected, or lwIP freed it since. */
    struct tcp_pcb *pcb = sock->pcb.tcp;
    if (pcb == NULL) {
        return gone_error(sock, true);
    }
    if (!can_write(sock)) {
        return SP_EAGAIN;
    }
    sock->memory_waiting = false;
    size_t room = tcp_sndbuf(pcb);
    size_t chunk = len < room ? len : room;
    if (sizeof(tcpwnd_size_t) > 2 && chunk > 0xFFFFu) { /* window scaling: tcp_write() takes u16 */
        chunk = 0xFFFFu;
    }
    err_t err;
    for (;;) {
        err = tcp_write(pcb, buf, (u16_t)chunk, TCP_WRITE_FLAG_COPY);
        if (err != ERR_MEM || chunk <= TCP_MSS) {
            break;
        }
        chunk /= 2; /* less may still fit in the heap or the segment queue */
    }
    if (err == ERR_MEM) {
        /* Backpressure, not failure: retry once an acknowledgement frees
         * memory (the sent callback) or the retry time has passed. */
        sock->memory_waiting = true;
        sp_lwip_state.memory_retry_at = sp_lwip_now32() + SP_LWIP_MEMORY_RETRY_MS;
        sp_lwip_wake_at(sp_lwip_state.memory_retry_at);
        tcp_output(pcb);
        return SP_EAGAIN;
    }
    if (err != ERR_OK) {
        return err == ERR_CONN ? SP_EPIPE : sp_lwip_error(err);
    }
    /* Not tcp_output() now: the next writes may fill the same segment. The
     * pump, a wait, or a receive on this stack sends it (sp_lwip_flush_output). */
    output_later(sock);
    return (ptrdiff_t)chunk;
}

/* Drop @p count bytes from the head of the receive queue, freeing each pbuf
 * only once all its bytes are consumed, and open the window by as much. A
 * head read in part keeps its rest: its payload moves past what was read
 * (pbuf_remove_header), so the record needs no read offset. */
static void consume(struct sp_lwip_sock *sock, size_t count)
{
    size_t left = count;
    while (left > 0 && sock->u.tcp.rx != NULL) {
        struct pbuf *head = sock->u.tcp.rx;
        if (left < head->len) {
            pbuf_remove_header(head, left); /* < len <= 0xFFFF: cannot fail */
            break;
        }
        left -= head->len;
        struct pbuf *next = head->next;
        if (next != NULL) {
            pbuf_ref(next); /* keep the rest of the chain alive when the head goes */
        }
        pbuf_free(head);
        sock->u.tcp.rx = next;
    }
    if (sock->pcb.tcp != NULL) {
        /* At most the chain's 16-bit length (TCP_WND <= 0xFFFF, lwip_internal.h). */
        tcp_recved(sock->pcb.tcp, (u16_t)count);
    }
}

/* Unread bytes: the chain's length (consume() drops what was read). */
static size_t unread(const struct sp_lwip_sock *sock)
{
    return sock->u.tcp.rx != NULL ? (size_t)sock->u.tcp.rx->tot_len : 0;
}

ptrdiff_t sp_lwip_tcp_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek)
{
    /* Core receives only on a connection it saw established and not shut
     * for reading, into at least one byte. */
    size_t available = unread(sock);
    if (available == 0) {
        if (sock->fin_received) {
            return 0; /* the peer's end of stream came before anything that followed */
        }
        if (sock->state == SP_LWIP_GONE) {
            return gone_error(sock, false);
        }
        return SP_EAGAIN;
    }
    /* Both fit the chain's 16-bit length. */
    size_t copied =
        pbuf_copy_partial(sock->u.tcp.rx, buf, (u16_t)(len < available ? len : available), 0);
    if (!peek) {
        consume(sock, copied);
    }
    return (ptrdiff_t)copied;
}

int sp_lwip_tcp_shutdown(struct sp_lwip_sock *sock, int how)
{
    /* Core shuts only a connection it saw established, with a valid @p how. A
     * connection lwIP freed since (reset, or both sides closed) is closed, as on Linux. */
    if (sock->state == SP_LWIP_GONE) {
        return SP_ENOTCONN;
    }
    if (how != SP_SHUT_WR) {
        /* lwIP's own shut_rx resets the connection when more data comes; a
         * POSIX host just stops delivering it. So drop it here instead. */
        sock->shut_rd = true;
        if (unread(sock) > 0) {
            consume(sock, unread(sock));
        }
    }
    if (how != SP_SHUT_RD && !sock->shut_wr) {
        /* Not GONE: connected with its pcb (lwIP letting go makes it GONE). */
        err_t err = tcp_shutdown(sock->pcb.tcp, 0, 1);
        if (err != ERR_OK) {
            return sp_lwip_error(err);
        }
        sock->shut_wr = true;
        release_if_both_closed(sock);
    }
    return 0;
}

int sp_lwip_tcp_connection_peer(struct sp_lwip_sock *sock, ip_addr_t *ip, uint16_t *port)
{
    if (sock->state != SP_LWIP_LISTENING && sock->u.tcp.q.pending.peer_node != SP_LWIP_NONE) {
        sp_lwip_node_peer(sock->u.tcp.q.pending.peer_node, ip, port);
        return 0;
    }
    return sp_lwip_tcp_addr(sock, false, ip, port);
}

short sp_lwip_tcp_revents(struct sp_lwip_sock *sock)
{
    unsigned state = sock->state;
    if (state == SP_LWIP_LISTENING) {
        return sock->u.tcp.q.queue.head != SP_LWIP_NONE ? SP_POLLIN : 0;
    }
    if (state == SP_LWIP_GONE) {
        return SP_POLLIN | SP_POLLOUT | SP_POLLHUP;
    }
    if (state != SP_LWIP_CONNECTED) {
        /* Connecting: nothing yet. Neither connected nor listening: as on
         * Linux, writable and hung up. */
        return state == SP_LWIP_CONNECTING ? 0 : SP_POLLOUT | SP_POLLHUP;
    }
    short ready = 0;
    if (sock->u.tcp.rx != NULL || sock->fin_received || sock->shut_rd) {
        ready |= SP_POLLIN;
    }
    if (sock->fin_received || (sock->shut_rd && sock->shut_wr)) {
        ready |= SP_POLLHUP; /* Linux: the peer's FIN (POLLRDHUP), or both ways shut */
    }
    /* Shut for writing: a send would not block, it fails at once. */
    if (sock->shut_wr || can_write(sock)) {
        ready |= SP_POLLOUT;
    }
    return ready;
}

int sp_lwip_tcp_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port)
{
    struct tcp_pcb *pcb = sock->pcb.tcp;
    /* Without a pcb, or with the unbound one of an attempt that failed at
     * once after an earlier one (reopen()), Linux names the earlier
     * attempt's address and port, or the address the user bound it to. */
    if (pcb == NULL || (local && pcb->local_port == 0)) {
        if (local && (sock->local_known || sock->user_bound) &&
            sp_lwip_local_to_ip(&sock->u.tcp.local, ip, port)) {
            return 0;
        }
        if (pcb == NULL) {
            return SP_ENOTCONN;
        }
    }
    /* Core asks for the peer only of a connection it saw established: with
     * a pcb, it is connected. */
    /* A listen pcb (struct tcp_pcb_listen) has a local_port but no
     * remote_port: read only the side asked for. */
    const ip_addr_t *from = &pcb->remote_ip;
    const u16_t *from_port = &pcb->remote_port;
    if (local) {
        from = &pcb->local_ip;
        from_port = &pcb->local_port;
    }
    *ip = *from;
    *port = *from_port;
    return 0;
}

/* lwIP 2.1.3 frees the unsent segments that the ACK of a zero-window probe
 * covers (the probe's byte, or a FIN sent as the probe) without stopping the
 * persist timer, whose next tick then fails lwIP's assertion "persist
 * ticking with empty send buffer" (found by fuzz_api_lwip): stopped here, as
 * tcp_output() stops it once it can send, before the timers run. With
 * nothing to send there is nothing to probe; new data starts it again. */
void sp_lwip_tcp_stop_idle_persist(void)
{
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->unsent == NULL) {
            pcb->persist_backoff = 0;
        }
    }
}
