/*
 * What the lwIP port's files share: the socket record pool, the stack's
 * state, and the helpers one file offers the others. Port-private.
 *
 * What core checked before it calls an operation (include/sockport/port.h),
 * the port does not check again; it relies on:
 * - open: the family is SP_AF_INET, SP_AF_INET6 or SP_AF_LOCAL, the type an
 *   enum value (RDM arrives as SP_SOCK_DGRAM), the protocol fits the type;
 * - bind, connect, send: an address has the socket's family; bind only an
 *   unbound socket;
 * - listen and accept: a stream socket, not connected or connecting, the
 *   backlog >= 1; accept only on a listening one;
 * - connect on a stream: neither listening, connected nor connecting (so
 *   the record is new, or its failed attempt left it SP_LWIP_GONE);
 * - send and recv on a stream: connected (as core saw it: the record is
 *   SP_LWIP_CONNECTED or SP_LWIP_GONE since), not shut that way by
 *   sp_shutdown(), at least one byte; without a destination only on a
 *   connected datagram socket; a datagram of at most 65 535 bytes,
 *   an ICMPv6 message of a raw socket at least 4 bytes (its checksum's);
 *   no @c from for a stream (core names the peer itself);
 * - shutdown: connected, @p how valid; peer_addr: connected;
 * - set_option and get_option: only REUSEADDR, NODELAY (stream only),
 *   KEEPALIVE, BROADCAST, RCVBUF, SNDBUF, LINGER and V6ONLY (IPv6 only), a
 *   boolean 0 or 1, a size >= 1, LINGER >= -1;
 * - every reference is one the port handed out and core has not closed
 *   (the generation check stays: it costs one compare).
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
/* Received datagrams one UDP/raw socket may hold; more are dropped and counted. */
#ifndef SP_LWIP_DGRAM_QUEUE_LEN
#define SP_LWIP_DGRAM_QUEUE_LEN 8
#endif
/* Nodes of the one pool that holds what waits to be received on every socket
 * together: each queued datagram (its pbuf and sender), and the peer of each
 * connection in a listener's queue. A datagram that finds the pool empty is
 * dropped and counted, as one that finds its socket's queue full. */
#ifndef SP_LWIP_QUEUE_NODES
#define SP_LWIP_QUEUE_NODES (8 * SP_LWIP_DGRAM_QUEUE_LEN)
#endif
/* A send that found lwIP's heap or segment pool empty waits this long (or for
 * an acknowledgement, whichever comes first) before it is tried again. */
#ifndef SP_LWIP_MEMORY_RETRY_MS
#define SP_LWIP_MEMORY_RETRY_MS 100
#endif

#ifndef SP_LWIP_PORT
#error "Build the lwIP port through sockport_add_lwip_port() (cmake/SockportLwip.cmake)"
#endif
#if SP_LWIP_MAX_SOCKETS >= 0xFFFF
#error "SP_LWIP_MAX_SOCKETS must fit the 16-bit record links (below 65535)"
#endif
#if SP_LWIP_QUEUE_NODES < 1 || SP_LWIP_QUEUE_NODES >= 0xFFFF
#error "SP_LWIP_QUEUE_NODES must be between 1 and 65534"
#endif
#if SP_LWIP_DGRAM_QUEUE_LEN < 1 || SP_LWIP_DGRAM_QUEUE_LEN > 255
#error "SP_LWIP_DGRAM_QUEUE_LEN must be between 1 and 255"
#endif
/* The receive queue of a TCP socket is one pbuf chain whose tot_len is 16 bits;
 * the window bounds what lwIP hands over before tcp_recved(). */
#if LWIP_TCP && (TCP_WND > 0xFFFF)
#error "The lwIP port keeps unread TCP data in one pbuf chain: TCP_WND must be <= 0xFFFF"
#endif

/* The socket type's own value (lwip_open() keeps it as the kind). */
enum sp_lwip_kind {
    SP_LWIP_KIND_TCP = SP_SOCK_STREAM,
    SP_LWIP_KIND_UDP = SP_SOCK_DGRAM,
    SP_LWIP_KIND_RAW = SP_SOCK_RAW,
};

/* Where a TCP socket is in its life; UDP and raw sockets stay SP_LWIP_OPEN. */
enum sp_lwip_conn_state {
    SP_LWIP_OPEN = 0,   /* pcb exists, not listening or connected */
    SP_LWIP_CONNECTING, /* tcp_connect() called, no answer yet */
    SP_LWIP_CONNECTED,  /* established (also after a FIN from the peer) */
    SP_LWIP_LISTENING,  /* the pcb is a listen pcb */
    SP_LWIP_PENDING,    /* accepted by lwIP, waiting in a listener's queue */
    SP_LWIP_GONE,       /* lwIP freed the pcb (reset, abort, timeout) */
    SP_LWIP_CLOSING,    /* no longer set: a closed record goes at once (tcp_close() cannot fail) */
};

/* "No record" / "no node" in the 16-bit links between records and nodes. */
#define SP_LWIP_NONE 0xFFFFu

/* Where a TCP socket was bound or connected from, by reference to one of
 * lwIP's interfaces instead of a copy of the address (4 bytes, not 26): a
 * local address is always one of theirs, or a wildcard. Kept for after lwIP
 * freed the pcb (getsockname() after a reset; a new pcb after a failed
 * connect binds there again). */
struct sp_lwip_local {
    uint8_t netif; /* netif_get_index(); 0: a wildcard of IP type `slot` */
    uint8_t slot;  /* SP_LWIP_LOCAL_V4: the interface's IPv4 address; else its IPv6 address index */
    uint16_t port;
};
#define SP_LWIP_LOCAL_V4 0xFFu

/*
 * A socket record. Everything per socket lives here, so it is kept small
 * (docs/footprint.md: per-socket RAM): flags are bits, links are 16-bit
 * record or node indices, buffer sizes are powers of two, and what only TCP
 * or only UDP/raw needs shares a union. Received datagrams are not here: they
 * wait in nodes of one shared pool (lwip_dgram.c), linked from the record.
 */
struct sp_lwip_sock {
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
        struct raw_pcb *raw;
        void *any;
    } pcb;
    uint16_t generation; /* bumped at every release: stale references are refused */
    /* Poller membership (lwip_poller.c): the links of its ready list and core's key. */
    uint16_t ready_prev;
    uint16_t ready_next;
    uint16_t poll_key;
    int16_t linger; /* SP_OPT_LINGER: -1 background close, 0 reset, n seconds */
    /* Bits, 16 and then 3 bytes' worth around the options byte, so that the
     * record is 32 bytes on a 32-bit target (checked below): a test of one
     * costs a mask more than a byte. Each 5-bit size and the error stay within
     * one byte (a field across two costs two read-modify-writes). */
    unsigned kind : 2;        /* enum sp_lwip_kind; 0: the record is free */
    unsigned state : 3;       /* enum sp_lwip_conn_state */
    unsigned family : 2;      /* SP_AF_INET or SP_AF_INET6 */
    unsigned poll_events : 2; /* its interest in the poller (SP_POLLIN | SP_POLLOUT) */
    unsigned poller : 4;      /* 1 + index of its poller; 0: none (SP_LWIP_MAX_POLLERS <= 15) */
    bool fin_received : 1;
    bool shut_rd : 1;
    bool shut_wr : 1;
    int pending_error : 7;     /* the error to report once (SP_E*, all >= -64), then 0 */
    bool memory_waiting : 1;   /* TCP: a send met ERR_MEM (retry: sp_lwip_state.memory_retry_at) */
    uint8_t options;           /* SP_LWIP_OPT_*: applied to whichever pcb the socket has */
    unsigned rcvbuf_shift : 5; /* SP_OPT_RCVBUF as set, rounded up to 2^n; 0: not set */
    bool output_pending : 1;   /* TCP: written, tcp_output() still to come (lwip_tcp.c) */
    bool user_bound : 1;       /* TCP: bound by the user to u.tcp.local's address, not a wildcard */
    bool port_chosen : 1;      /* TCP: bound by the user to u.tcp.local's port, not 0 */
    unsigned sndbuf_shift : 5; /* SP_OPT_SNDBUF likewise */
    bool local_known : 1;      /* TCP: u.tcp.local is where the connection (attempt) was */
    bool has_peer : 1;         /* UDP/raw: connected (the peer itself is in the pcb) */
    bool on_ready : 1;         /* on its poller's ready list */
    union {
        struct {
            /* The receive queue: one chain, its head's payload moved past what was read. */
            struct pbuf *rx;
            union {
                /* A listener: connections accepted by lwIP, not yet by the user. */
                struct {
                    uint16_t head;
                    uint16_t tail;
                } queue;
                /* A connection: while in a listener's queue, the next one
                 * there; the node holding its peer while it waits there
                 * (sp_accept() names it even after a reset) and once lwIP has
                 * let go of the pcb (sp_recvfrom() still names it:
                 * connection_peer in port.h), else SP_LWIP_NONE. */
                struct {
                    uint16_t next;
                    uint16_t peer_node;
                } pending;
            } q;
            struct sp_lwip_local local;
        } tcp;
        /* UDP / raw: received datagrams, oldest first (nodes of lwip_dgram.c). */
        struct {
            uint16_t head;
            uint16_t tail;
            uint8_t count; /* at most SP_LWIP_DGRAM_QUEUE_LEN */
        } dgram;
    } u;
};

#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(sizeof(struct sp_lwip_sock) == 32,
               "a socket record is 32 bytes on 32-bit targets (docs/footprint.md, per-socket RAM)");
#endif
#define SP_LWIP_CHECK_ERROR_FITS(name, value, text)                                                \
    _Static_assert((value) <= 64, "SP_E" #name " must fit sp_lwip_sock.pending_error (7 bits)");
SP_ERRNO_MAP(SP_LWIP_CHECK_ERROR_FITS)
#undef SP_LWIP_CHECK_ERROR_FITS

/* The boolean options, bits of sp_lwip_sock.options: those a pcb keeps in
 * its so_options at lwIP's own SOF_* bits (lwip_sock.c checks), so that
 * sp_lwip_set_so_options() copies them with one mask. */
#define SP_LWIP_OPT_NODELAY 0x01u
#define SP_LWIP_OPT_V6ONLY 0x02u
#define SP_LWIP_OPT_REUSEADDR 0x04u /* SOF_REUSEADDR */
#define SP_LWIP_OPT_KEEPALIVE 0x08u /* SOF_KEEPALIVE */
#define SP_LWIP_OPT_BROADCAST 0x20u /* SOF_BROADCAST */

static inline bool sp_lwip_in_use(const struct sp_lwip_sock *sock)
{
    return sock->kind != 0;
}

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
    /* sys_now() at which sends that met ERR_MEM may try again: lwIP's heap and
     * segment pool are shared, so one time serves every waiting socket. */
    uint32_t memory_retry_at;
};

extern struct sp_lwip_state sp_lwip_state;
extern struct sp_lwip_sock sp_lwip_socks[SP_LWIP_MAX_SOCKETS];
/* The operations without a poller of the port's own (core's generic poller
 * serves sp_poller_*()), and with the ready lists of lwip_poller.c: the
 * stack's table is the second only after sp_lwip_use_poller() (or from the
 * start with SP_ALL_SERVICES), so that a firmware that never calls it links
 * none of lwip_poller.c. */
extern const struct sp_port_ops sp_lwip_ops;
extern const struct sp_port_ops sp_lwip_ops_with_poller;

/* ---- lwip_errors.c: the one err_t -> SP_E* table ---- */
int sp_lwip_error(err_t err);
/* The same for a connect or a send: lwIP says ERR_VAL for an address its
 * pcb's IP version cannot reach (a v6-only socket, a mapped address), which
 * is no route (SP_ENETUNREACH), as ERR_RTE is. */
int sp_lwip_route_error(err_t err);

/* ---- lwip_addr.c: sp_addr <-> ip_addr_t at the port's edge ---- */
/* Convert an SP_AF_INET or SP_AF_INET6 address (the caller checked which:
 * core, that it has the socket's family); an IPv4-mapped IPv6 address
 * becomes IPv4. */
void sp_lwip_addr_to_ip(const sp_addr *addr, ip_addr_t *ip, uint16_t *port);
/* Convert for a socket of @p family: IPv4 traffic on an IPv6 socket shows
 * as ::ffff:a.b.c.d, as on a dual-stack host; SP_AF_UNSPEC keeps @p ip's own. */
void sp_lwip_addr_from_ip(int family, const ip_addr_t *ip, uint16_t port, sp_addr *out);
/* ip_addr_cmp(), once: the macro is long, and the port compares in several places. */
bool sp_lwip_ip_equal(const ip_addr_t *a, const ip_addr_t *b);
/* Refer to @p ip (a wildcard or an interface's address) and @p port; false if
 * no interface has that address (so also: whether @p ip is local). */
bool sp_lwip_local_from_ip(const ip_addr_t *ip, uint16_t port, struct sp_lwip_local *out);
/* The address @p local refers to; false if its interface or address is gone. */
bool sp_lwip_local_to_ip(const struct sp_lwip_local *local, ip_addr_t *ip, uint16_t *port);
/* ---- lwip_resolve.c: "localhost", then lwIP's DNS client if built in ---- */
int sp_lwip_op_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                       int timeout_ms);
/* The input hooks saw a UDP datagram from @p source_port: a DNS server's answer? */
void sp_lwip_dns_note_datagram(uint16_t source_port);

/* ---- lwip_sock.c: records ---- */
struct sp_lwip_sock *sp_lwip_sock_alloc(int family, int kind);
void sp_lwip_sock_release(struct sp_lwip_sock *sock);
sp_port_sock sp_lwip_sock_ref(const struct sp_lwip_sock *sock);
struct sp_lwip_sock *sp_lwip_sock_from_ref(sp_port_sock ref);
size_t sp_lwip_sock_count(void);
short sp_lwip_sock_revents(struct sp_lwip_sock *sock, short events);
/* Return and clear the pending error. */
int sp_lwip_take_error(struct sp_lwip_sock *sock);
/* Set the bits of @p which (SOF_*) in a pcb's @p so_options as the socket's
 * options say: REUSEADDR, KEEPALIVE, BROADCAST. */
void sp_lwip_set_so_options(const struct sp_lwip_sock *sock, u8_t *so_options, u8_t which);
/* Convert @p addr (of the socket's family: core checked) for a bind, connect
 * or send: SP_ENETUNREACH for IPv4 on a v6-only socket. */
int sp_lwip_target(const struct sp_lwip_sock *sock, const sp_addr *addr, ip_addr_t *ip,
                   uint16_t *port);
/* SP_OPT_V6ONLY decides what an unbound IPv6 socket's pcb may reach: its
 * wildcard addresses become IPv6 only, or both versions again. */
void sp_lwip_apply_v6only(const struct sp_lwip_sock *sock, ip_addr_t *local, ip_addr_t *remote,
                          u16_t local_port);

/* ---- lwip_tcp.c ---- */
int sp_lwip_tcp_open(struct sp_lwip_sock *sock);
int sp_lwip_tcp_close(struct sp_lwip_sock *sock);
int sp_lwip_tcp_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
int sp_lwip_tcp_listen(struct sp_lwip_sock *sock, int backlog);
/* Take the oldest queued connection, and its peer (kept even if it is gone). */
int sp_lwip_tcp_accept(struct sp_lwip_sock *sock, struct sp_lwip_sock **out, ip_addr_t *peer,
                       uint16_t *peer_port);
int sp_lwip_tcp_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
ptrdiff_t sp_lwip_tcp_send(struct sp_lwip_sock *sock, const void *buf, size_t len);
ptrdiff_t sp_lwip_tcp_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek);
int sp_lwip_tcp_shutdown(struct sp_lwip_sock *sock, int how);
short sp_lwip_tcp_revents(struct sp_lwip_sock *sock);
int sp_lwip_tcp_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port);
/* The peer of a connection, also once lwIP let go of its pcb: 0 or SP_ENOTCONN. */
int sp_lwip_tcp_connection_peer(struct sp_lwip_sock *sock, ip_addr_t *ip, uint16_t *port);
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
/* Abort every TCP pcb lwIP still holds (sp_lwip_stop). */
void sp_lwip_tcp_abort_all(void);
/* Stops lwIP's persist timer on pcbs with nothing left to send; called
 * before lwIP's timers run (lwip_tcp.c says why). */
void sp_lwip_tcp_stop_idle_persist(void);

/* ---- lwip_dgram.c: UDP and raw ---- */
/* Queue a received datagram on the socket @p arg (or drop and count it: its
 * queue or buffer full, or no node free). lwIP's UDP receive callback itself
 * (udp_recv_fn); lwip_raw.c passes no pcb. */
void sp_lwip_dgram_enqueue(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *from,
                           u16_t port);
int sp_lwip_dgram_open(struct sp_lwip_sock *sock, int protocol);
void sp_lwip_dgram_close(struct sp_lwip_sock *sock);
int sp_lwip_dgram_bind(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
int sp_lwip_dgram_connect(struct sp_lwip_sock *sock, const ip_addr_t *ip, uint16_t port);
/* port.h, disconnect: @p keep_port false gives back a port the user did not choose. */
void sp_lwip_dgram_disconnect(struct sp_lwip_sock *sock, bool keep_port);
/* @p to: NULL for the connected peer (core checked there is one). */
ptrdiff_t sp_lwip_dgram_send(struct sp_lwip_sock *sock, const void *buf, size_t len,
                             const sp_addr *to);
/* @p from may be NULL: the sender is not wanted. */
ptrdiff_t sp_lwip_dgram_recv(struct sp_lwip_sock *sock, void *buf, size_t len, bool peek,
                             sp_addr *from);
short sp_lwip_dgram_revents(struct sp_lwip_sock *sock);
int sp_lwip_dgram_addr(struct sp_lwip_sock *sock, bool local, ip_addr_t *ip, uint16_t *port);
void sp_lwip_dgram_flush(struct sp_lwip_sock *sock);
/* Whether a datagram waits on @p sock (inline: every receive asks first). */
static inline bool sp_lwip_dgram_waiting(const struct sp_lwip_sock *sock)
{
    return sock->u.dgram.count > 0;
}
/* A node holding @p ip and @p port (a pending connection's peer); SP_LWIP_NONE
 * if the pool is empty. */
uint16_t sp_lwip_node_hold_peer(const ip_addr_t *ip, uint16_t port);
/* The address a node holds. */
void sp_lwip_node_peer(uint16_t node, ip_addr_t *ip, uint16_t *port);
void sp_lwip_node_free(uint16_t node);
/* Link every node into the free list (sp_lwip_start(), with no socket open). */
void sp_lwip_nodes_init(void);
/* Nodes in use now (sp_lwip_get_stats). */
size_t sp_lwip_nodes_used(void);
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
    void (*disconnect)(struct raw_pcb *pcb);
    /* To @p ip; NULL: to the connected peer. */
    err_t (*send)(struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *ip);
};
extern const struct sp_lwip_raw_calls sp_lwip_raw_calls;
/* NULL until sp_lwip_use_raw() (or from the start with SP_ALL_SERVICES). */
extern const struct sp_lwip_raw_calls *sp_lwip_raw;

/* ---- lwip_native.c: native options, optional ---- */
struct sp_lwip_native_calls {
    int (*set)(void *state, sp_port_sock ref, int level, int name, const void *value, size_t len);
    int (*get)(void *state, sp_port_sock ref, int level, int name, void *value, size_t *len);
};
extern const struct sp_lwip_native_calls sp_lwip_native_options;
/* NULL until sp_lwip_use_native_options() (or from the start with
 * SP_ALL_SERVICES): native options give SP_ENOPROTOOPT. */
extern const struct sp_lwip_native_calls *sp_lwip_native_calls;

/* ---- lwip_poller.c: ready lists fed by lwIP's callbacks ---- */
/* A record names its poller in 4 bits: at most 15 pollers of the port's own
 * (sp_poller_open() says SP_ENOBUFS beyond). */
#ifndef SP_LWIP_MAX_POLLERS
#if SP_MAX_POLLERS < 15
#define SP_LWIP_MAX_POLLERS SP_MAX_POLLERS
#else
#define SP_LWIP_MAX_POLLERS 15
#endif
#endif
#if SP_LWIP_MAX_POLLERS < 1 || SP_LWIP_MAX_POLLERS > 15
#error "SP_LWIP_MAX_POLLERS must be between 1 and 15 (a record's 4-bit poller field)"
#endif
/* What the rest of the port calls of lwip_poller.c, only for a socket in a
 * poller (sock->poller != 0), which only the poller operations of
 * sp_lwip_ops_with_poller make it: reached through sp_lwip_poller_calls, set
 * with that table, so that a firmware without sp_lwip_use_poller() links none
 * of it. */
struct sp_lwip_poller_calls {
    /* Something happened to @p sock that may make it ready: its poller looks
     * at it at the next wait. */
    void (*mark)(struct sp_lwip_sock *sock);
    /* Take @p sock off its poller's ready list (the record is being released). */
    void (*unlink)(struct sp_lwip_sock *sock);
};
extern const struct sp_lwip_poller_calls sp_lwip_poller_ready_lists;
/* NULL until sp_lwip_use_poller() (or from the start with SP_ALL_SERVICES). */
extern const struct sp_lwip_poller_calls *sp_lwip_poller_calls;
/* Called from every lwIP callback and port operation: one function, not an
 * inline copy in each of them. */
void sp_lwip_touch(struct sp_lwip_sock *sock);
/* Sets the stack's operations (lwip_stack.c): sp_lwip_use_poller(). */
void sp_lwip_set_ops(const struct sp_port_ops *ops);
int sp_lwip_op_poller_open(void *state, sp_port_poller *out);
void sp_lwip_op_poller_close(void *state, sp_port_poller poller);
int sp_lwip_op_poller_ctl(void *state, sp_port_poller poller, int op, sp_port_sock ref,
                          uint32_t key, short events);
int sp_lwip_op_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                           int timeout_ms);

/* ---- lwip_stack.c: the clock and the pump ---- */
/* Deliver what waits in the loopback interface's queue (the part of the pump
 * a receive on an open socket can use at once, without timers or a clock read). */
void sp_lwip_deliver_loopback(void);
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
