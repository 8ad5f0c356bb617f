/*
 * What the lwIP port's files share: the socket record pool, the stack's
 * state, and the helpers one file offers the others. Port-private.
 */
#ifndef SOCKPORT_LWIP_INTERNAL_H
#define SOCKPORT_LWIP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lwip/err.h"
#include "lwip/ip_addr.h"
#include "lwip/opt.h"
#include "lwip/pbuf.h"

#include <sockport/lwip.h>
#include <sockport/port.h>

#ifndef SP_LWIP_MAX_SOCKETS
#define SP_LWIP_MAX_SOCKETS (SP_MAX_SOCKETS + 8)
#endif
#ifndef SP_LWIP_DGRAM_QUEUE_LEN
#define SP_LWIP_DGRAM_QUEUE_LEN 8
#endif
/* A send that found lwIP's heap or segment pool empty waits this long (or for
 * an acknowledgement, whichever comes first) before it is tried again. */
#ifndef SP_LWIP_MEMORY_RETRY_MS
#define SP_LWIP_MEMORY_RETRY_MS 100
#endif

#ifndef SP_LWIP_PORT
#error "Build the lwIP port through sockport_add_lwip_port() (cmake/SockportLwip.cmake)"
#endif
#if SP_LWIP_MAX_SOCKETS > 0xFFFF
#error "SP_LWIP_MAX_SOCKETS must fit the 16-bit index of a port socket reference"
#endif
/* The receive queue of a TCP socket is one pbuf chain whose tot_len is 16 bits;
 * the window bounds what lwIP hands over before tcp_recved(). */
#if LWIP_TCP && (TCP_WND > 0xFFFF)
#error "The lwIP port keeps unread TCP data in one pbuf chain: TCP_WND must be <= 0xFFFF"
#endif

enum sp_lwip_kind { SP_LWIP_KIND_TCP = 1, SP_LWIP_KIND_UDP, SP_LWIP_KIND_RAW };

/* Where a TCP socket is in its life; UDP and raw sockets stay SP_LWIP_OPEN. */
enum sp_lwip_conn_state {
    SP_LWIP_OPEN = 0,   /* pcb exists, not listening or connected */
    SP_LWIP_CONNECTING, /* tcp_connect() called, no answer yet */
    SP_LWIP_CONNECTED,  /* established (also after a FIN from the peer) */
    SP_LWIP_LISTENING,  /* the pcb is a listen pcb */
    SP_LWIP_PENDING,    /* accepted by lwIP, waiting in a listener's queue */
    SP_LWIP_GONE,       /* lwIP freed the pcb (reset, abort, timeout) */
    SP_LWIP_CLOSING,    /* the user closed it; tcp_close() still to succeed */
};

/* One queued datagram: the pbuf and who sent it. */
struct sp_lwip_dgram {
    struct pbuf *packet;
    ip_addr_t from;
    uint16_t from_port;
};

struct sp_lwip_sock {
    uint16_t generation; /* bumped at every release: stale references are refused */
    bool in_use;
    uint8_t family; /* enum sp_family */
    uint8_t type;   /* enum sp_type */
    uint8_t kind;   /* enum sp_lwip_kind */
    uint8_t state;  /* enum sp_lwip_conn_state */
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
        struct raw_pcb *raw;
        void *any;
    } pcb;

    /* The error to report once (SP_E*), then 0. */
    int pending_error;
    bool fin_received;
    bool shut_rd;
    bool shut_wr;
    /* Options kept here and applied to whichever pcb the socket has. */
    bool v6only;
    bool opt_nodelay;
    bool opt_keepalive;
    bool opt_reuseaddr;
    bool opt_broadcast;
    int linger; /* SP_OPT_LINGER: -1 background close, 0 reset, n seconds */
    int rcvbuf;
    int sndbuf;
    /* sys_now() at which a send that met ERR_MEM may try again; 0: not waiting. */
    uint32_t memory_retry_at;
    bool memory_waiting;

    /* TCP receive queue: one chain; rx_offset bytes of the head pbuf are read. */
    struct pbuf *rx;
    uint16_t rx_offset;
    size_t rx_bytes;

    /* Listener: connections accepted by lwIP, not yet by the user. */
    struct sp_lwip_sock *queue_head;
    struct sp_lwip_sock *queue_tail;
    /* Pending connection: its listener and the next one in the queue. */
    struct sp_lwip_sock *listener;
    struct sp_lwip_sock *queue_next;

    /* UDP / raw: a bounded ring of received datagrams. */
    struct sp_lwip_dgram dgrams[SP_LWIP_DGRAM_QUEUE_LEN];
    uint8_t dgram_head;
    uint8_t dgram_count;
    /* TCP: the local address while the pcb lived, for getsockname() after
     * lwIP freed it (a reset), as a POSIX host still answers then. */
    bool local_known;
    ip_addr_t local_ip;
    uint16_t local_port;
    /* TCP: the peer while the pcb lived, for sp_accept() of a connection the
     * peer reset in the queue (Linux still names the peer then). */
    bool remote_known;
    ip_addr_t remote_ip;
    uint16_t remote_port;
    /* TCP: where the user bound the socket, to bind a new pcb there when a
     * connect is tried again after a failed one. */
    bool user_bound;
    ip_addr_t bound_ip;
    uint16_t bound_port;
    /* Connected UDP/raw: the default peer (lwIP filters on it too). */
    bool has_peer;
    ip_addr_t peer;
    uint16_t peer_port;

    /* Poller membership (lwip_poller.c): the poller (1 + index, 0: none),
     * the interest, core's key, and the links of its ready list. */
    uint8_t poller;
    uint8_t poll_events;
    bool output_pending; /* TCP: written, tcp_output() still to come (lwip_tcp.c) */
    bool on_ready;
    uint16_t ready_prev;
    uint16_t ready_next;
    uint32_t poll_key;
};

/* The running stack. */
struct sp_lwip_state {
    bool started;
    bool initialised; /* lwip_init() ran (it runs once per process) */
    struct sp_lwip_config config;
    /* Clock: sys_now() is clock_base + (source - source_base), never backwards. */
    int64_t now_ms;
    int64_t simulated_ms;
    uint32_t last_source_ms;
    /* Counters reported by sp_lwip_get_stats(), and baselines of lwIP's own. */
    uint32_t datagrams_dropped;
    uint32_t tcp_retransmissions; /* counted by the TCP output hook */
    uint32_t pool_errors_base;
    uint32_t segments_out_base;
};

extern struct sp_lwip_state sp_lwip_state;
extern struct sp_lwip_sock sp_lwip_socks[SP_LWIP_MAX_SOCKETS];
extern const struct sp_port_ops sp_lwip_ops;

/* ---- lwip_errors.c: the one err_t -> SP_E* table ---- */
int sp_lwip_error(err_t err);

/* ---- lwip_addr.c: sp_addr <-> ip_addr_t at the port's edge ---- */
/* Convert for a socket of @p family; an IPv4-mapped IPv6 address becomes IPv4.
 * Returns 0 or SP_EAFNOSUPPORT / SP_EINVAL. */
int sp_lwip_addr_to_ip(const sp_addr *addr, ip_addr_t *ip, uint16_t *port);
/* Convert for a socket of @p family: IPv4 traffic on an IPv6 socket shows
 * as ::ffff:a.b.c.d, as on a dual-stack host. */
void sp_lwip_addr_from_ip(int family, const ip_addr_t *ip, uint16_t port, sp_addr *out);
/* 1 if @p ip is the wildcard or an address of one of lwIP's interfaces. */
bool sp_lwip_ip_is_local(const ip_addr_t *ip);
/* ---- lwip_resolve.c: "localhost", then lwIP's DNS client if built in ---- */
int sp_lwip_op_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                       int timeout_ms);
/* The input hooks saw a UDP datagram from @p source_port: a DNS server's answer? */
void sp_lwip_dns_note_datagram(uint16_t source_port);

/* ---- lwip_sock.c: records ---- */
struct sp_lwip_sock *sp_lwip_sock_alloc(int family, int type, int kind);
void sp_lwip_sock_release(struct sp_lwip_sock *sock);
sp_port_sock sp_lwip_sock_ref(const struct sp_lwip_sock *sock);
struct sp_lwip_sock *sp_lwip_sock_from_ref(sp_port_sock ref);
size_t sp_lwip_sock_count(void);
short sp_lwip_sock_revents(struct sp_lwip_sock *sock, short events);
/* Return and clear the pending error. */
int sp_lwip_take_error(struct sp_lwip_sock *sock);

/* ---- lwip_tcp.c ---- */
int sp_lwip_tcp_open(struct sp_lwip_sock *sock);
int sp_lwip_tcp_close(struct sp_lwip_sock *sock);
int sp_lwip_tcp_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
int sp_lwip_tcp_listen(struct sp_lwip_sock *sock, int backlog);
int sp_lwip_tcp_accept(struct sp_lwip_sock *sock, struct sp_lwip_sock **out);
int sp_lwip_tcp_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
ptrdiff_t sp_lwip_tcp_send(struct sp_lwip_sock *sock, const void *buf, size_t len);
ptrdiff_t sp_lwip_tcp_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek);
int sp_lwip_tcp_shutdown(struct sp_lwip_sock *sock, int how);
short sp_lwip_tcp_revents(struct sp_lwip_sock *sock);
int sp_lwip_tcp_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port);
/* The peer of a connection taken from a listener's queue, even if it is gone. */
int sp_lwip_tcp_accepted_peer(struct sp_lwip_sock *sock, ip_addr_t *ip, uint16_t *port);
/* Apply the socket's options that live in the pcb (nodelay, keepalive...). */
void sp_lwip_tcp_apply_options(struct sp_lwip_sock *sock);
/* Send what was written since the last call (one tcp_output() per connection). */
void sp_lwip_flush_output(void);
/* Whether anything waits for sp_lwip_flush_output() (inline: every receive asks). */
extern size_t sp_lwip_output_pending_count;
static inline bool sp_lwip_output_waiting(void)
{
    return sp_lwip_output_pending_count > 0;
}
/* The record is going: drop it from the connections waiting for output. */
void sp_lwip_forget_output(struct sp_lwip_sock *sock);
/* Retry closes that met ERR_MEM; called on every turn of the pump. */
void sp_lwip_tcp_retry_closes(void);
/* Abort every TCP pcb lwIP still holds (sp_lwip_stop). */
void sp_lwip_tcp_abort_all(void);

/* ---- lwip_dgram.c: UDP and raw ---- */
/* Queue a received datagram on @p sock (or drop and count it: ring full). */
void sp_lwip_dgram_enqueue(struct sp_lwip_sock *sock, struct pbuf *p, const ip_addr_t *from,
                           u16_t port);
int sp_lwip_dgram_open(struct sp_lwip_sock *sock, int protocol);
void sp_lwip_dgram_close(struct sp_lwip_sock *sock);
int sp_lwip_dgram_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
int sp_lwip_dgram_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
ptrdiff_t sp_lwip_dgram_send(struct sp_lwip_sock *sock, const void *buf, size_t len,
                             const ip_addr_t *to, uint16_t to_port);
/* @p from and @p from_port may be NULL: the sender is not wanted. */
ptrdiff_t sp_lwip_dgram_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek,
                             ip_addr_t *from, uint16_t *from_port);
short sp_lwip_dgram_revents(struct sp_lwip_sock *sock);
int sp_lwip_dgram_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port);
void sp_lwip_dgram_flush(struct sp_lwip_sock *sock);
void sp_lwip_dgram_apply_options(struct sp_lwip_sock *sock);
/* An ICMP error arrived for a datagram from @p local to @p remote (connected sockets). */
void sp_lwip_dgram_icmp_error(const ip_addr_t *local, uint16_t local_port, const ip_addr_t *remote,
                              uint16_t remote_port, int error);

/* ---- lwip_raw.c: the raw pcb calls, linked only when registered ---- */
struct sp_lwip_raw_calls {
    /* Create the raw pcb of @p sock and take its packets: 0 or SP_ENOBUFS. */
    int (*open)(struct sp_lwip_sock *sock, int protocol);
    void (*remove)(struct raw_pcb *pcb);
    err_t (*bind)(struct raw_pcb *pcb, const ip_addr_t *ip);
    err_t (*connect)(struct raw_pcb *pcb, const ip_addr_t *ip);
    err_t (*send)(struct raw_pcb *pcb, struct pbuf *p);
    err_t (*sendto)(struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *ip);
};
extern const struct sp_lwip_raw_calls sp_lwip_raw_calls;
/* NULL until sp_lwip_use_raw() (or from the start with SP_ALL_SERVICES). */
extern const struct sp_lwip_raw_calls *sp_lwip_raw;

/* ---- lwip_poller.c: ready lists fed by lwIP's callbacks ---- */
#ifndef SP_LWIP_MAX_POLLERS
#define SP_LWIP_MAX_POLLERS SP_MAX_POLLERS
#endif
/* Something happened to @p sock that may make it ready: its poller looks at
 * it at the next wait. Called from every lwIP callback and port operation. */
void sp_lwip_poller_mark(struct sp_lwip_sock *sock);
static inline void sp_lwip_touch(struct sp_lwip_sock *sock)
{
    if (sock->poller != 0 && !sock->on_ready) {
        sp_lwip_poller_mark(sock);
    }
}
/* Take @p sock off its poller's ready list (the record is being released). */
void sp_lwip_poller_unlink(struct sp_lwip_sock *sock);
int sp_lwip_op_poller_open(void *state, sp_port_poller *out);
void sp_lwip_op_poller_close(void *state, sp_port_poller poller);
int sp_lwip_op_poller_ctl(void *state, sp_port_poller poller, int op, sp_port_sock ref,
                          uint32_t key, short events);
int sp_lwip_op_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                           int timeout_ms);

/* ---- lwip_stack.c: the clock and the pump ---- */
/* Deliver what waits in the loopback interface's queue (the part of the pump
 * a receive on this host can use at once, without timers or a clock read).
 * Returns whether there was anything. */
bool sp_lwip_deliver_loopback(void);
int64_t sp_lwip_op_now_ms(void *state);
int sp_lwip_op_entropy(void *state, void *buf, size_t len);
int sp_lwip_op_poll(void *state, struct sp_port_pollent *ents, size_t n, int timeout_ms);
/* Run the stack until @p look finds something (returns > 0) or @p timeout_ms
 * passes, as sp_lwip_op_poll() does; returns what @p look returned last. */
int sp_lwip_run_until(int timeout_ms, int (*look)(void *ctx), void *ctx);
uint32_t sp_lwip_now32(void);
/* Ask the pump to wake by sys_now() == @p at_ms even if no timer is due. */
void sp_lwip_wake_at(uint32_t at_ms);

#endif /* SOCKPORT_LWIP_INTERNAL_H */
