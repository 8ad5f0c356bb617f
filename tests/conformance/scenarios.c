/*
 * The scenarios: each situation written once, as steps on socket slots 0..5.
 * Every step's outcome is compared across backends; the last step is the one
 * the docs show. A row per family in .families.
 *
 * Conventions: slot 0 is the listener or the receiving datagram socket, slot
 * 1 the client, slot 2 the accepted connection. CF_AD_DEAD is a loopback port
 * where nobody of the slot's type is bound.
 */
#include "conformance.h"

#define ST(op, k, a, b, c)                                                                         \
    {                                                                                              \
        (op), (k), CF_EXACT, 0, (a), (b), (c)                                                      \
    }
#define SOCK(k, type) ST(CF_SOCKET, k, type, 0, 0)
#define SOCKP(k, type, proto) ST(CF_SOCKET, k, type, proto, 0)
#define SOCKF(k, family, type, proto) ST(CF_SOCKET, k, type, proto, CF_FAMILY(family))
#define CLOSE(k) ST(CF_CLOSE, k, 0, 0, 0)
#define RESET(k) ST(CF_RESET, k, 0, 0, 0)
#define BIND(k, ad) ST(CF_BIND, k, ad, 0, 0)
#define LISTEN(k, n) ST(CF_LISTEN, k, n, 0, 0)
#define ACCEPT(k, into) ST(CF_ACCEPT, k, into, 0, 0)
#define CONNECT(k, ad) ST(CF_CONNECT, k, ad, 0, 0)
#define SEND(k, len, flags) ST(CF_SEND, k, len, flags, 0)
#define SENDTO(k, len, flags, ad) ST(CF_SENDTO, k, len, flags, ad)
#define RECV(k, len, flags) ST(CF_RECV, k, len, flags, 0)
#define RECVFROM(k, len, flags) ST(CF_RECVFROM, k, len, flags, 0)
#define SHUT(k, how) ST(CF_SHUTDOWN, k, how, 0, 0)
#define SOCKNAME(k) ST(CF_GETSOCKNAME, k, 0, 0, 0)
#define PEERNAME(k) ST(CF_GETPEERNAME, k, 0, 0, 0)
#define SET(k, opt, v) ST(CF_SETOPT, k, opt, v, 0)
#define GET(k, opt) ST(CF_GETOPT, k, opt, 0, 0)
/* An option whose value is the stack's own (buffer sizes): only success is compared. */
#define GET_ANY(k, opt)                                                                            \
    {                                                                                              \
        CF_GETOPT, (k), CF_CLASS, 0, (opt), 0, 0                                                   \
    }
#define POLL(k, ev) ST(CF_POLL, k, ev, 0, 0)
#define SETTLE ST(CF_SETTLE, -1, 0, 0, 0)
#define STALL(k, into) ST(CF_STALL, k, into, 0, 0)
#define FILL(k) ST(CF_FILL, k, 0, 0, 0)
#define PADD(k, ev) ST(CF_POLLER_ADD, k, ev, 0, 0)
#define PMOD(k, ev) ST(CF_POLLER_MODIFY, k, ev, 0, 0)
#define PDEL(k) ST(CF_POLLER_REMOVE, k, 0, 0, 0)
#define PWAIT(k) ST(CF_POLLER_WAIT, k, 0, 0, 0)

#define NB(k) SET(k, SP_OPT_NONBLOCK, 1)
#define STREAM SP_SOCK_STREAM
#define DGRAM SP_SOCK_DGRAM
#define IO (SP_POLLIN | SP_POLLOUT)
#define DW SP_MSG_DONTWAIT
#define SEQ SP_SOCK_SEQPACKET
#define RDM SP_SOCK_RDM
/* Slot 0 receives acknowledged datagrams, slot 1 is connected to it. */
#define RPAIR                                                                                      \
    SOCK(0, RDM), BIND(0, CF_AD_LOOP), SOCK(1, RDM), BIND(1, CF_AD_LOOP), CONNECT(1, CF_AD_NAME(0))

/* Slot 0 listens, slot 1 connects, slot 2 is the accepted end. */
#define PAIR_OF(type)                                                                              \
    SOCK(0, type), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, type), CONNECT(1, CF_AD_NAME(0)),    \
        ACCEPT(0, 2)
#define PAIR PAIR_OF(STREAM)
/* Slot 0 receives, slot 1 is connected to it. */
#define DPAIR                                                                                      \
    SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), BIND(1, CF_AD_LOOP),                      \
        CONNECT(1, CF_AD_NAME(0))
/* Slot 0 listens with the smallest queue; slot 3 is a connect stuck in progress. */
#define CONNECTING SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), STALL(0, 3)
/* Slot 1: a non-blocking connect that was refused, its error not yet taken. */
#define REFUSED_NB SOCK(1, STREAM), NB(1), CONNECT(1, CF_AD_DEAD), SETTLE

/*
 * Where sockport keeps POSIX's answer although Linux gives another: the same
 * reason on both ports (lwip_limit and posix_limit), shown as a sockport rule.
 */
static const char rule_send_unconnected[] =
    "sockport rule: POSIX's SP_ENOTCONN, as Linux's own recv() says; Linux's send() says EPIPE, "
    "which would tell the program a connection broke that never was";
#define RULE_SEND_UNCONNECTED rule_send_unconnected, rule_send_unconnected
static const char rule_shutdown_listener[] =
    "sockport rule: POSIX's SP_ENOTCONN; Linux takes shutdown() on a listener or a connect in "
    "progress and drops them (its source calls that branch a temporary hack for close() in "
    "threads)";
#define RULE_SHUTDOWN_LISTENER rule_shutdown_listener, rule_shutdown_listener
static const char rule_typed_family[] =
    "sockport rule: an address of another family is SP_EAFNOSUPPORT, as sockport.h says; Linux's "
    "dual-stack IPv6 socket takes a plain IPv4 address as mapped: sockport wants the mapped "
    "address itself (::ffff:a.b.c.d), which works (row sendto_mapped_dual_stack)";
#define RULE_TYPED_FAMILY rule_typed_family, rule_typed_family
static const char rule_stream_unspec[] =
    "sockport rule: SP_EAFNOSUPPORT, as sockport.h says; Linux's connect() with AF_UNSPEC returns 0 "
    "on TCP and aborts the connection (or stops listening), which sp_close() says more plainly";
#define RULE_STREAM_UNSPEC rule_stream_unspec, rule_stream_unspec

/* The table is laid out by hand, one scenario to a few lines: clang-format
 * would put every field on a line of its own. */
/* clang-format off */
const struct cf_scenario cf_scenarios[] = {
    /* ---- sp_socket ---------------------------------------------------- */
    {"socket_unspec", "a socket of family SP_AF_UNSPEC", CF_V4, 0, 0, 0,
     {SOCKF(0, SP_AF_UNSPEC, STREAM, 0)}},
    {"socket_unknown_family", "a socket of a family no stack has (99)", CF_V4, 0, 0, 0,
     {SOCKF(0, 99, STREAM, 0)}},
    {"socket_unknown_type", "a socket of a type no stack has (99)", CF_IP, 0, 0, 0, {SOCK(0, 99)}},
    {"socket_stream_udp", "a stream socket asking for UDP", CF_IP, 0, 0, 0,
     {SOCKP(0, STREAM, SP_IPPROTO_UDP)}},
    {"socket_dgram_tcp", "a datagram socket asking for TCP", CF_IP, 0, 0, 0,
     {SOCKP(0, DGRAM, SP_IPPROTO_TCP)}},
    {"socket_raw_no_protocol", "a raw socket without a protocol", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, 0)}},
    {"socket_raw_icmp", "a raw ICMP (ICMPv6) socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP)}},
    {"socket_local_stream", "a local stream socket", CF_LOCAL, 0, 0, 0, {SOCK(0, STREAM)}},

    /* ---- sp_close ----------------------------------------------------- */
    {"close_twice", "closing a handle that is already closed", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), CLOSE(0), CLOSE(0)}},
    {"close_never_issued", "closing a handle never issued (-1)", CF_V4, 0, 0, 0, {CLOSE(0)}},
    {"close_listening_with_queue", "closing a listener with a connection queued; the client then reads",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, STREAM), CONNECT(1, CF_AD_NAME(0)),
      SETTLE, CLOSE(0), SETTLE, RECV(1, 10, DW)}},

    /* ---- sp_bind ------------------------------------------------------ */
    {"bind_twice_stream", "binding a bound stream socket again", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), BIND(0, CF_AD_LOOP)}},
    {"bind_twice_dgram", "binding a bound datagram socket again", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), BIND(0, CF_AD_LOOP)}},
    {"bind_in_use_stream", "binding a stream socket to a port another one is bound to", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), SOCK(1, STREAM), BIND(1, CF_AD_NAME(0))}},
    {"bind_in_use_dgram", "binding a datagram socket to a port another one is bound to", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), BIND(1, CF_AD_NAME(0))}},
    {"bind_other_family", "binding to an address of the other family", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_OTHER)}},
    {"bind_null", "binding to a NULL address", CF_IP, 0, 0, 0, {SOCK(0, STREAM), BIND(0, CF_AD_NULL)}},
    {"bind_listening", "binding a listening socket", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), BIND(0, CF_AD_LOOP)}},
    {"bind_connected_dgram", "binding a connected (so implicitly bound) datagram socket", CF_IP, 0, 0, 0,
     {DPAIR, BIND(1, CF_AD_LOOP)}},
    {"bind_foreign_address", "binding to ::2, an address this host does not have", CF_V6, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_FOREIGN6)}},
    {"bind_closed", "binding a closed handle", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), CLOSE(0), BIND(0, CF_AD_LOOP)}},
    {"bind_reuseaddr_onto_listener", "SP_OPT_REUSEADDR on both, binding onto a listening port", CF_IP, 0, 0,
     0,
     {SOCK(0, STREAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM),
      SET(1, SP_OPT_REUSEADDR, 1), BIND(1, CF_AD_NAME(0))}},
    {"bind_reuseaddr_two_then_listen", "SP_OPT_REUSEADDR on both, both bound to one port, both listen",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), SOCK(1, STREAM),
      SET(1, SP_OPT_REUSEADDR, 1), BIND(1, CF_AD_NAME(0)), LISTEN(0, 1), LISTEN(1, 1)}},
#define LISTEN_REFUSED                                                                             \
    SOCK(0, STREAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), SOCK(1, STREAM),            \
        SET(1, SP_OPT_REUSEADDR, 1), BIND(1, CF_AD_NAME(0)), LISTEN(0, 1), LISTEN(1, 1)
    {"listen_in_use_then_bind", "a listen refused (SP_EADDRINUSE), then binding again", CF_IP, 0, 0, 0,
     {LISTEN_REFUSED, BIND(1, CF_AD_LOOP)}},
    {"listen_in_use_then_sockname", "a listen refused (SP_EADDRINUSE): the address", CF_IP, 0, 0, 0,
     {LISTEN_REFUSED, SOCKNAME(1)}},
    {"listen_in_use_then_again", "a listen refused (SP_EADDRINUSE), then again once the listener closed",
     CF_IP, 0, 0, 0, {LISTEN_REFUSED, CLOSE(0), LISTEN(1, 1), SOCKNAME(1)}},
    {"bind_in_use_then_sockname", "a bind refused (SP_EADDRINUSE): the address, then binding elsewhere",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), BIND(1, CF_AD_NAME(0)),
      SOCKNAME(1), BIND(1, CF_AD_LOOP)}},
    {"bind_in_use_then_connect", "a bind refused (SP_EADDRINUSE), then connecting", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), BIND(1, CF_AD_NAME(0)),
      CONNECT(1, CF_AD_NAME(0))}},
#define TUPLE_TAKEN                                                                                \
    SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, STREAM), SET(1, SP_OPT_REUSEADDR, 1), \
        BIND(1, CF_AD_LOOP), SOCK(3, STREAM), SET(3, SP_OPT_REUSEADDR, 1), BIND(3, CF_AD_NAME(1)),   \
        CONNECT(1, CF_AD_NAME(0)), CONNECT(3, CF_AD_NAME(0))
    {"connect_tuple_taken", "SP_OPT_REUSEADDR on two sockets bound to one port, both connect to one listener",
     CF_IP, 0, 0, 0, {TUPLE_TAKEN}},
    {"connect_tuple_taken_then", "the connect refused at once for a taken port: the address, bind, connect again",
     CF_IP, 0, 0, 0, {TUPLE_TAKEN, SOCKNAME(3), BIND(3, CF_AD_LOOP), CONNECT(3, CF_AD_NAME(0))}},
    {"connect_tuple_taken_listen", "the connect refused at once for a taken port, then listening",
     CF_IP, 0, 0, 0, {TUPLE_TAKEN, LISTEN(3, 1)}},
    {"bind_reuseaddr_dgram", "SP_OPT_REUSEADDR on two datagram sockets bound to one port", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM),
      SET(1, SP_OPT_REUSEADDR, 1), BIND(1, CF_AD_NAME(0))}},
    {"bind_time_wait_reuseaddr", "SP_OPT_REUSEADDR, binding a server's port while a connection of it is in TIME_WAIT",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, STREAM),
      CONNECT(1, CF_AD_NAME(0)), ACCEPT(0, 2), CLOSE(2), SETTLE, RECV(1, 10, 0), CLOSE(1), SETTLE, CLOSE(0),
      SOCK(3, STREAM), SET(3, SP_OPT_REUSEADDR, 1), BIND(3, CF_AD_NAME(0))}},
    {"bind_time_wait_plain", "no SP_OPT_REUSEADDR, binding a server's port while a connection of it is in TIME_WAIT",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_REUSEADDR, 1), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, STREAM),
      CONNECT(1, CF_AD_NAME(0)), ACCEPT(0, 2), CLOSE(2), SETTLE, RECV(1, 10, 0), CLOSE(1), SETTLE, CLOSE(0),
      SOCK(3, STREAM), BIND(3, CF_AD_NAME(0))}},
    {"bind_local_in_use", "binding a local path another socket is bound to", CF_LOCAL, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), SOCK(1, STREAM), BIND(1, CF_AD_NAME(0))}},

    /* ---- sp_listen ---------------------------------------------------- */
    {"listen_dgram", "listening on a datagram socket", CF_IP, 0, 0, 0, {SOCK(0, DGRAM), LISTEN(0, 1)}},
    {"listen_raw", "listening on a raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), LISTEN(0, 1)}},
    {"listen_twice", "listening on a listening socket again", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), LISTEN(0, 4)}},
    {"listen_connected", "listening on a connected socket", CF_IP, 0, 0, 0, {PAIR, LISTEN(1, 1)}},
    {"listen_unbound", "listening unbound: the stack picks a port of the wildcard address", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), LISTEN(0, 1), SOCKNAME(0)}},
    {"listen_closed", "listening on a closed handle", CF_IP, 0, 0, 0, {SOCK(0, STREAM), CLOSE(0), LISTEN(0, 1)}},
    {"listen_connecting", "listening on a socket whose connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, LISTEN(3, 1)}},

    /* ---- sp_accept ---------------------------------------------------- */
    {"accept_not_listening", "accepting on a bound stream socket that does not listen", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), ACCEPT(0, 1)}},
    {"accept_dgram", "accepting on a datagram socket", CF_IP, 0, 0, 0, {SOCK(0, DGRAM), ACCEPT(0, 1)}},
    {"accept_nonblocking_empty", "accepting, non-blocking, with no connection queued", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), NB(0), ACCEPT(0, 1)}},
    {"accept_timeout", "accepting with a 1 ms receive timeout and no connection", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SET(0, SP_OPT_RCVTIMEO, 1), ACCEPT(0, 1)}},
    {"accept_peer", "accepting a connection: the peer's address", CF_IP, 0, 0, 0, {PAIR}},
    {"accept_reset_in_queue", "accepting a connection the client reset while it was queued, then reading",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 4), SOCK(1, STREAM), CONNECT(1, CF_AD_NAME(0)),
      SETTLE, RESET(1), SETTLE, NB(0), ACCEPT(0, 2), RECV(2, 10, DW)}},
    {"accept_closed", "accepting on a closed handle", CF_IP, 0, 0, 0, {SOCK(0, STREAM), CLOSE(0), ACCEPT(0, 1)}},

    /* ---- sp_connect --------------------------------------------------- */
    {"connect_refused", "connecting to a port where nobody listens", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD)}},
    {"connect_again_after_refused", "connecting again, after a refused connect, once a listener is there",
     CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), SOCK(0, STREAM), BIND(0, CF_AD_DEAD), LISTEN(0, 1),
      CONNECT(1, CF_AD_DEAD)}},
    {"connect_refused_twice", "connecting again after a refused connect, still nobody listening", CF_IP, 0, 0,
     0, {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), CONNECT(1, CF_AD_DEAD)}},
    {"connect_nb_refused_error", "non-blocking connect refused: poll, then SP_OPT_ERROR twice", CF_IP, 0, 0, 0,
     {REFUSED_NB, POLL(1, SP_POLLOUT), GET(1, SP_OPT_ERROR), GET(1, SP_OPT_ERROR)}},
    {"connect_nb_refused_reported", "non-blocking connect refused: a second connect reports it", CF_IP, 0, 0, 0,
     {REFUSED_NB, CONNECT(1, CF_AD_DEAD)}},
    {"connect_nb_refused_error_then_connect",
     "non-blocking connect refused, its error taken with SP_OPT_ERROR, then connect again twice", CF_IP, 0, 0,
     0, {REFUSED_NB, GET(1, SP_OPT_ERROR), CONNECT(1, CF_AD_DEAD), CONNECT(1, CF_AD_DEAD)}},
    {"bind_after_refused", "binding, after a refused connect, to the loopback (port 0)", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), BIND(1, CF_AD_LOOP)}},
    {"listen_after_refused", "listening after a refused connect", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), LISTEN(1, 1)}},
    {"sockname_after_refused", "the address of a socket never bound, after a refused connect", CF_IP, 0,
     0, 0, {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), SOCKNAME(1)}},
    {"sockname_bound_after_refused", "the address of a socket bound to the loopback (port 0), after a refused connect",
     CF_IP, 0, 0, 0, {SOCK(1, STREAM), BIND(1, CF_AD_LOOP), CONNECT(1, CF_AD_DEAD), SOCKNAME(1)}},
    {"sockname_any_nb_refused_error",
     "bound to the wildcard (port 0), non-blocking connect refused, its error taken: the address", CF_IP, 0,
     0, 0, {SOCK(1, STREAM), BIND(1, CF_AD_ANY), NB(1), CONNECT(1, CF_AD_DEAD), SETTLE, GET(1, SP_OPT_ERROR),
            SOCKNAME(1)}},
    {"sockname_any_refused", "bound to the wildcard (port 0), a refused connect: the address", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), BIND(1, CF_AD_ANY), CONNECT(1, CF_AD_DEAD), SOCKNAME(1)}},
    {"sockname_nb_refused_error", "non-blocking connect refused, its error taken with SP_OPT_ERROR: the address",
     CF_IP, 0, 0, 0, {REFUSED_NB, GET(1, SP_OPT_ERROR), SOCKNAME(1)}},
    {"sockname_nb_refused_reported", "non-blocking connect refused, a second connect reports it: the address",
     CF_IP, 0, 0, 0, {REFUSED_NB, CONNECT(1, CF_AD_DEAD), SOCKNAME(1)}},
    {"connect_nb_refused_error_then_bind",
     "non-blocking connect refused, its error taken with SP_OPT_ERROR, then binding", CF_IP, 0, 0, 0,
     {REFUSED_NB, GET(1, SP_OPT_ERROR), BIND(1, CF_AD_LOOP)}},
    {"connect_nb_refused_error_then_listen",
     "non-blocking connect refused, its error taken with SP_OPT_ERROR, then listening", CF_IP, 0, 0, 0,
     {REFUSED_NB, GET(1, SP_OPT_ERROR), LISTEN(1, 1)}},
    {"connect_nb_refused_error_then_connect_listen",
     "non-blocking connect refused, its error taken with SP_OPT_ERROR, a connect, then listening", CF_IP, 0,
     0, 0, {REFUSED_NB, GET(1, SP_OPT_ERROR), CONNECT(1, CF_AD_DEAD), LISTEN(1, 1)}},
    {"connect_nb_refused_then_listener", "non-blocking connect refused, then connect again once a listener is there",
     CF_IP, 0, 0, 0,
     {REFUSED_NB, CONNECT(1, CF_AD_DEAD), SOCK(0, STREAM), BIND(0, CF_AD_DEAD), LISTEN(0, 1),
      CONNECT(1, CF_AD_DEAD), SETTLE, CONNECT(1, CF_AD_DEAD)}},
    {"connect_nb_refused_send", "non-blocking connect refused: sending twice", CF_IP, 0, 0, 0,
     {REFUSED_NB, SEND(1, 1, 0), SEND(1, 1, 0)}},
    {"connect_nb_refused_recv", "non-blocking connect refused: receiving twice", CF_IP, 0, 0, 0,
     {REFUSED_NB, RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"connect_nb_refused_error_then_send", "non-blocking connect refused, its error taken: sending", CF_IP, 0,
     0, 0, {REFUSED_NB, GET(1, SP_OPT_ERROR), SEND(1, 1, 0)}},
    {"connect_refused_then_error", "blocking connect refused: then SP_OPT_ERROR and poll", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD), GET(1, SP_OPT_ERROR), POLL(1, IO)}},
    {"connect_nb_refused_reported_poll", "non-blocking connect refused, reported by connect: then poll",
     CF_IP, 0, 0, 0, {REFUSED_NB, CONNECT(1, CF_AD_DEAD), POLL(1, IO)}},
    {"connect_nb_refused_error_poll", "non-blocking connect refused, its error taken: then poll", CF_IP, 0,
     0, 0, {REFUSED_NB, GET(1, SP_OPT_ERROR), POLL(1, IO)}},
    {"connect_nb_then_connect", "a non-blocking connect that succeeded: connect again, twice", CF_IP, 0, 0,
     0, {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), NB(1),
         CONNECT(1, CF_AD_NAME(0)), SETTLE, CONNECT(1, CF_AD_NAME(0)), CONNECT(1, CF_AD_NAME(0))}},
    {"connect_nb_error_then_connect", "a non-blocking connect that succeeded, SP_OPT_ERROR read: connect again",
     CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), NB(1),
      CONNECT(1, CF_AD_NAME(0)), SETTLE, GET(1, SP_OPT_ERROR), CONNECT(1, CF_AD_NAME(0))}},
    {"connect_connected", "connecting a connected stream socket", CF_IP, 0, 0, 0,
     {PAIR, CONNECT(1, CF_AD_NAME(0))}},
    {"connect_listening", "connecting a listening socket", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), BIND(1, CF_AD_LOOP),
      LISTEN(1, 1), CONNECT(1, CF_AD_NAME(0))}},
    {"connect_other_family", "connecting to an address of the other family", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_OTHER)}},
    {"connect_null", "connecting to a NULL address", CF_IP, 0, 0, 0, {SOCK(1, STREAM), CONNECT(1, CF_AD_NULL)}},
    {"connect_in_progress_again", "connecting again while a non-blocking connect is in progress", CF_IP, 0, 0,
     0, {CONNECTING, CONNECT(3, CF_AD_NAME(0))}},
    {"connect_closed", "connecting a closed handle", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CLOSE(1), CONNECT(1, CF_AD_DEAD)}},
    {"connect_dgram_dead_then_recv", "a datagram socket connected to a closed port sends, then reads twice",
     CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), CONNECT(1, CF_AD_DEAD), SEND(1, 4, 0), SETTLE, RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"connect_dgram_again", "connecting a connected datagram socket to another peer", CF_IP, 0, 0, 0,
     {DPAIR, SOCK(2, DGRAM), BIND(2, CF_AD_LOOP), CONNECT(1, CF_AD_NAME(2)), PEERNAME(1)}},
    {"connect_dgram_filters", "a connected datagram socket and a datagram from someone else", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), BIND(1, CF_AD_LOOP), CONNECT(0, CF_AD_NAME(1)),
      SOCK(2, DGRAM), SENDTO(2, 3, 0, CF_AD_NAME(0)), SETTLE, RECV(0, 10, DW)}},
    {"connect_dgram_unspec", "a datagram socket never connected connects to an SP_AF_UNSPEC address",
     CF_IP, 0, 0, 0, {SOCK(1, DGRAM), CONNECT(1, CF_AD_UNSPEC)}},
    {"connect_dgram_unspec_peer", "a connected datagram socket disconnects (SP_AF_UNSPEC): its peer",
     CF_IP, 0, 0, 0, {DPAIR, CONNECT(1, CF_AD_UNSPEC), PEERNAME(1)}},
    {"connect_dgram_unspec_name", "a connected datagram socket disconnects (SP_AF_UNSPEC): its own address",
     CF_IP, 0, 0, 0, {DPAIR, CONNECT(1, CF_AD_UNSPEC), SOCKNAME(1)}},
    {"connect_dgram_unspec_send", "a connected datagram socket disconnects (SP_AF_UNSPEC): a send without address",
     CF_IP, 0, 0, 0, {DPAIR, CONNECT(1, CF_AD_UNSPEC), SEND(1, 4, 0)}},
    {"connect_dgram_unspec_unbound_name", "an unbound datagram socket connects, then disconnects: its own address",
     CF_IP, 0, 0, 0, {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), CONNECT(1, CF_AD_NAME(0)),
                      CONNECT(1, CF_AD_UNSPEC), SOCKNAME(1)}},
    {"connect_dgram_unspec_filters_no_more", "a disconnected datagram socket and a datagram from someone else",
     CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), BIND(1, CF_AD_LOOP), CONNECT(0, CF_AD_NAME(1)),
      CONNECT(0, CF_AD_UNSPEC), SENDTO(0, 1, 0, CF_AD_NAME(1)), SOCK(2, DGRAM), SENDTO(2, 3, 0, CF_AD_NAME(0)),
      SETTLE, RECV(0, 10, DW)}},
    {"connect_stream_unspec", "a connected stream socket connects to an SP_AF_UNSPEC address", CF_IP, 0,
     RULE_STREAM_UNSPEC, {PAIR, CONNECT(1, CF_AD_UNSPEC)}},
    {"connect_local_missing", "connecting to a local path that does not exist", CF_LOCAL, 0, 0, 0,
     {SOCK(1, STREAM), CONNECT(1, CF_AD_DEAD)}},
    {"connect_v4_to_dual_stack", "IPv4 client to an IPv6 wildcard listener with SP_OPT_V6ONLY 0", CF_V6, 0,
     0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_V6ONLY, 0), BIND(0, CF_AD_ANY), LISTEN(0, 1),
      SOCKF(1, SP_AF_INET, STREAM, 0), CONNECT(1, CF_AD_V4_OF(0))}},
    {"connect_v4_to_v6only", "IPv4 client to an IPv6 wildcard listener with SP_OPT_V6ONLY 1", CF_V6, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_V6ONLY, 1), BIND(0, CF_AD_ANY), LISTEN(0, 1),
      SOCKF(1, SP_AF_INET, STREAM, 0), CONNECT(1, CF_AD_V4_OF(0))}},

    {"connect_timeout", "a blocking connect with a 1 ms send timeout to a listener whose queue is full",
     CF_IP, 0, 0, 0, {CONNECTING, SOCK(4, STREAM), SET(4, SP_OPT_SNDTIMEO, 1), CONNECT(4, CF_AD_NAME(0))}},
    {"connect_timeout_twice", "a blocking connect that timed out (1 ms send timeout, full queue), again",
     CF_IP, 0, 0, 0,
     {CONNECTING, SOCK(4, STREAM), SET(4, SP_OPT_SNDTIMEO, 1), CONNECT(4, CF_AD_NAME(0)),
      CONNECT(4, CF_AD_NAME(0))}},
    {"connect_timeout_then_bind", "a blocking connect that timed out, then bind and listen", CF_IP, 0, 0, 0,
     {CONNECTING, SOCK(4, STREAM), SET(4, SP_OPT_SNDTIMEO, 1), CONNECT(4, CF_AD_NAME(0)), BIND(4, CF_AD_LOOP),
      LISTEN(4, 1)}},
    {"connect_mapped_v6only", "an IPv6-only socket connecting to an IPv4-mapped address", CF_V6, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), SOCK(1, STREAM), SET(1, SP_OPT_V6ONLY, 1),
      CONNECT(1, CF_AD_MAPPED(0))}},
    {"connect_bound_client", "a client bound to loopback first, then connected: its address", CF_IP, 0, 0,
     0, {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), BIND(1, CF_AD_LOOP),
         CONNECT(1, CF_AD_NAME(0)), SOCKNAME(1)}},
    {"connect_after_peer_reset", "connecting again after the peer reset the connection", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, CONNECT(1, CF_AD_NAME(0))}},
    /* ---- a connect in progress ----------------------------------------- */
    {"connecting_send", "sending while the connect is in progress (non-blocking)", CF_IP, 0, 0, 0,
     {CONNECTING, SEND(3, 1, 0)}},
    {"connecting_recv", "receiving while the connect is in progress (non-blocking)", CF_IP, 0, 0, 0,
     {CONNECTING, RECV(3, 1, 0)}},
    {"connecting_peername", "the peer's address while the connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, PEERNAME(3)}},
    {"connecting_poll", "polling while the connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, POLL(3, IO)}},
    {"connecting_error", "SP_OPT_ERROR while the connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, GET(3, SP_OPT_ERROR)}},
 {"connecting_shutdown", "shutting down while the connect is in progress", CF_IP, 0,
     RULE_SHUTDOWN_LISTENER, {CONNECTING, SHUT(3, SP_SHUT_WR)}},
    {"connecting_bind", "binding while the connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, BIND(3, CF_AD_LOOP)}},
    {"connecting_sockname", "the address of a socket whose connect is in progress", CF_IP, 0, 0, 0,
     {CONNECTING, SOCKNAME(3)}},
       {"connecting_close", "closing while the connect is in progress", CF_IP, 0, 0, 0, {CONNECTING, CLOSE(3)}},

    /* ---- sp_send / sp_sendto ----------------------------------------- */
    {"send_fresh_stream", "sending on a stream socket never connected", CF_IP, 0, RULE_SEND_UNCONNECTED,
     {SOCK(1, STREAM), SEND(1, 1, 0)}},
    {"send_listening", "sending on a listening socket", CF_IP, 0, RULE_SEND_UNCONNECTED,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SEND(0, 1, 0)}},
    {"send_after_shut_wr", "sending after shutting the sending side", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), SEND(1, 1, 0)}},
    {"send_after_peer_reset", "sending after the peer reset: twice", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, SEND(1, 1, 0), SEND(1, 1, 0)}},
    {"send_after_peer_close", "sending after the peer closed: the data draws a reset, then twice more", CF_IP,
     0, 0, 0, {PAIR, CLOSE(2), SETTLE, SEND(1, 1, 0), SETTLE, SEND(1, 1, 0), SEND(1, 1, 0)}},
    {"send_zero_stream", "sending 0 bytes on a connected stream", CF_IP, 0, 0, 0, {PAIR, SEND(1, 0, 0)}},
    {"send_dgram_no_peer", "sending on an unconnected datagram socket", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), SEND(1, 4, 0)}},
    {"send_dgram_zero", "an empty datagram, then reading it and reading again", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 0, 0), SETTLE, RECV(0, 10, DW), RECV(0, 10, DW)}},
    {"send_closed", "sending on a closed handle", CF_IP, 0, 0, 0, {SOCK(1, DGRAM), CLOSE(1), SEND(1, 1, 0)}},
    {"sendto_oversize", "a datagram of 65528 bytes, one over IPv6's and above IPv4's largest", CF_IP, 0, 0, 0,
     {DPAIR, SENDTO(1, 65528, 0, CF_AD_NAME(0))}},
    {"sendto_largest", "the largest UDP datagram, 65507 bytes", CF_V4, 0, 0, 0,
     {DPAIR, SENDTO(1, CF_LEN_MAX_UDP, 0, CF_AD_NAME(0))}},
    {"sendto_largest_ipv6", "the largest UDP datagram, 65527 bytes", CF_V6, 0,
     "lwIP counts a whole packet, IPv6 header included, in its buffers' 16-bit length: its largest "
     "IPv6 UDP payload is 65487 bytes, above that SP_EMSGSIZE",
     0, {DPAIR, SENDTO(1, CF_LEN_MAX_UDP, 0, CF_AD_NAME(0))}},
    {"sendto_broadcast_denied", "a datagram to 127.255.255.255 without SP_OPT_BROADCAST", CF_V4, 0, 0, 0,
     {SOCK(1, DGRAM), SENDTO(1, 4, 0, CF_AD_BCAST)}},
    {"sendto_broadcast_allowed", "a datagram to 127.255.255.255 with SP_OPT_BROADCAST", CF_V4, 0, 0, 0,
     {SOCK(1, DGRAM), SET(1, SP_OPT_BROADCAST, 1), SENDTO(1, 4, 0, CF_AD_BCAST)}},
    {"sendto_mapped_v6only", "an IPv6-only datagram socket sending to an IPv4-mapped address", CF_V6, 0,
     0, 0, {SOCK(1, DGRAM), SET(1, SP_OPT_V6ONLY, 1), SENDTO(1, 4, 0, CF_AD_MAPPED(1))}},
    {"sendto_mapped_dual_stack", "an IPv6 datagram socket sending to an IPv4 socket by its mapped address",
     CF_V6, 0, 0, 0,
     {SOCKF(0, SP_AF_INET, DGRAM, 0), BIND(0, CF_AD_LOOP), SOCK(1, DGRAM), SENDTO(1, 3, 0, CF_AD_MAPPED(0)),
      SETTLE, RECVFROM(0, 10, DW)}},
    {"send_full_nonblocking", "sending without waiting to a peer that reads nothing, until no room", CF_IP,
     0, 0, 0, {PAIR, FILL(1)}},
    {"send_full_timeout", "with no room, a blocking send with a 1 ms send timeout", CF_IP, 0, 0, 0,
     {PAIR, FILL(1), SET(1, SP_OPT_SNDTIMEO, 1), SEND(1, 1000, 0)}},
    {"sendto_other_family", "a datagram from an IPv4 socket to an IPv6 address", CF_V4, 0, 0, 0,
     {SOCK(1, DGRAM), SENDTO(1, 4, 0, CF_AD_OTHER)}},
    {"sendto_other_family_ipv6", "a datagram from an IPv6 socket to an IPv4 address", CF_V6, 0,
     RULE_TYPED_FAMILY, {SOCK(1, DGRAM), SENDTO(1, 4, 0, CF_AD_OTHER)}},
    {"sendto_connected_stream", "sp_sendto with an address on a connected stream", CF_IP, 0, 0, 0,
     {PAIR, SENDTO(1, 1, 0, CF_AD_NAME(0))}},
    {"sendto_connected_dgram_elsewhere", "sp_sendto to another address on a connected datagram socket", CF_IP,
     0, 0, 0, {DPAIR, SOCK(2, DGRAM), BIND(2, CF_AD_LOOP), SENDTO(1, 2, 0, CF_AD_NAME(2)), SETTLE,
               RECVFROM(2, 10, DW)}},
    {"sendto_local_missing", "a local datagram to a path that does not exist", CF_LOCAL, 0, 0, 0,
     {SOCK(1, DGRAM), SENDTO(1, 4, 0, CF_AD_DEAD)}},

    /* ---- sp_recv / sp_recvfrom ---------------------------------------- */
    {"recv_fresh_stream", "receiving on a stream socket never connected", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), RECV(1, 10, DW)}},
    {"recv_listening", "receiving on a listening socket", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), RECV(0, 10, DW)}},
    {"recv_nonblocking_empty", "receiving, non-blocking, with nothing there", CF_IP, 0, 0, 0,
     {PAIR, NB(1), RECV(1, 10, 0)}},
    {"recv_dontwait_empty", "receiving with SP_MSG_DONTWAIT and nothing there", CF_IP, 0, 0, 0,
     {PAIR, RECV(1, 10, DW)}},
    {"recv_timeout", "receiving with a 1 ms receive timeout and nothing there", CF_IP, 0, 0, 0,
     {PAIR, SET(1, SP_OPT_RCVTIMEO, 1), RECV(1, 10, 0)}},
    {"recv_dgram_timeout", "a datagram socket receiving with a 1 ms timeout and nothing there", CF_IP, 0, 0,
     0, {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SET(0, SP_OPT_RCVTIMEO, 1), RECV(0, 10, 0)}},
    {"recv_after_shut_rd", "receiving after shutting the receiving side", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_RD), RECV(1, 10, DW)}},
    {"recv_after_peer_close", "receiving after the peer closed: twice", CF_IP, 0, 0, 0,
     {PAIR, CLOSE(2), SETTLE, RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"recv_after_peer_reset", "receiving after the peer reset: twice", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"recv_after_peer_close_and_reset", "the peer closed, our data drew its reset: receiving twice", CF_IP, 0,
     0, 0, {PAIR, CLOSE(2), SETTLE, SEND(1, 1, 0), SETTLE, RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"recv_peer_closed_unread", "the peer closes with our data unread: we read", CF_IP, 0, 0, 0,
     {PAIR, SEND(1, 5, 0), SETTLE, CLOSE(2), SETTLE, RECV(1, 10, DW)}},
    {"recv_peek", "peeking, then reading, then reading again", CF_IP, 0, 0, 0,
     {PAIR, SEND(1, 5, 0), SETTLE, RECV(2, 10, SP_MSG_PEEK), RECV(2, 10, 0), RECV(2, 10, DW)}},
    {"recv_stream_partial", "reading a stream in two parts", CF_IP, 0, 0, 0,
     {PAIR, SEND(1, 10, 0), SETTLE, RECV(2, 4, 0), RECV(2, 10, 0)}},
    {"recv_stream_data_then_eof", "data, then the peer's end of stream", CF_IP, 0, 0, 0,
     {PAIR, SEND(1, 3, 0), SHUT(1, SP_SHUT_WR), SETTLE, RECV(2, 10, 0), RECV(2, 10, 0)}},
    {"recv_dgram_truncated", "a 100-byte datagram into 10 bytes, then reading again", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 100, 0), SETTLE, RECV(0, 10, 0), RECV(0, 10, DW)}},
    {"recv_dgram_trunc_flag", "a 100-byte datagram into 10 bytes with SP_MSG_TRUNC", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 100, 0), SETTLE, RECV(0, 10, SP_MSG_TRUNC)}},
    {"recv_dgram_peek_trunc", "peeking a 100-byte datagram into 10 bytes with SP_MSG_TRUNC, then reading it",
     CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 100, 0), SETTLE, RECV(0, 10, SP_MSG_PEEK | SP_MSG_TRUNC), RECV(0, 200, 0)}},
    {"recv_dgram_zero_buffer", "a datagram read with a 0-byte buffer, then reading again", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 8, 0), SETTLE, RECV(0, 0, 0), RECV(0, 10, DW)}},
    {"recv_dgram_boundaries", "two datagrams read as two", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 3, 0), SEND(1, 5, 0), SETTLE, RECV(0, 100, 0), RECV(0, 100, 0)}},
    {"recvfrom_dgram", "the sender's address of a datagram", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 3, 0), SETTLE, RECVFROM(0, 10, 0)}},
    {"recv_closed", "receiving on a closed handle", CF_IP, 0, 0, 0, {SOCK(1, DGRAM), CLOSE(1), RECV(1, 1, 0)}},

    {"bound_recv", "receiving on a bound stream socket", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), BIND(1, CF_AD_LOOP), RECV(1, 10, DW)}},
    {"bound_peername", "the peer of a bound stream socket", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), BIND(1, CF_AD_LOOP), PEERNAME(1)}},
    {"bound_poll", "polling a bound stream socket", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), BIND(1, CF_AD_LOOP), POLL(1, IO)}},
    {"bound_shutdown", "shutting down a bound stream socket", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), BIND(1, CF_AD_LOOP), SHUT(1, SP_SHUT_RD)}},
    {"connected_bind", "binding a connected stream socket", CF_IP, 0, 0, 0, {PAIR, BIND(1, CF_AD_LOOP)}},
    {"half_closed_receives", "after shutting the sending side, the peer's data still arrives", CF_IP, 0, 0,
     0, {PAIR, SHUT(1, SP_SHUT_WR), SEND(2, 3, 0), SETTLE, RECV(1, 10, 0)}},
    {"half_closed_peer_sends", "after the peer shut its sending side, sending to it", CF_IP, 0, 0, 0,
     {PAIR, SHUT(2, SP_SHUT_WR), SETTLE, RECV(1, 10, 0), SEND(1, 3, 0), SETTLE, RECV(2, 10, 0)}},
    {"half_closed_peername", "the peer of a socket that shut its sending side", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), PEERNAME(1)}},
    {"half_closed_both_then_close", "both sides shut their sending side, then each reads", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), SHUT(2, SP_SHUT_WR), SETTLE, RECV(1, 10, 0), RECV(2, 10, 0), POLL(1, IO)}},
    {"sockname_after_peer_reset", "the own address after the peer reset", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, SOCKNAME(1)}},

    /* ---- sp_shutdown -------------------------------------------------- */
    {"shutdown_fresh", "shutting down a stream socket never connected", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), SHUT(1, SP_SHUT_WR)}},
    {"shutdown_listening", "shutting down the sending side of a listening socket", CF_IP, 0,
     RULE_SHUTDOWN_LISTENER,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SHUT(0, SP_SHUT_WR)}},
    {"shutdown_bad_how", "shutting down with how = 7", CF_IP, 0, 0, 0, {PAIR, SHUT(1, 7)}},
    {"shutdown_twice", "shutting the sending side twice", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), SHUT(1, SP_SHUT_WR)}},
    {"shutdown_after_peer_reset", "shutting down after the peer reset", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, SHUT(1, SP_SHUT_WR)}},
    {"shutdown_after_refused", "shutting down after a refused non-blocking connect, then SP_OPT_ERROR", CF_IP,
     0, 0, 0, {REFUSED_NB, SHUT(1, SP_SHUT_RDWR), GET(1, SP_OPT_ERROR)}},
    {"shutdown_wr_peer_reads", "after shutting the sending side: the peer polls and reads", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), SETTLE, POLL(2, IO), RECV(2, 10, 0)}},
    {"shutdown_dgram_connected", "shutting down a connected datagram socket", CF_IP, 0, 0, 0,
     {DPAIR, SHUT(1, SP_SHUT_WR), SEND(1, 1, 0)}},
    {"shutdown_dgram_unconnected", "shutting down an unconnected datagram socket", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), SHUT(1, SP_SHUT_RDWR)}},
    {"shutdown_closed", "shutting down a closed handle", CF_IP, 0, 0, 0,
     {SOCK(1, STREAM), CLOSE(1), SHUT(1, SP_SHUT_RDWR)}},

    /* ---- sp_getsockname / sp_getpeername ------------------------------ */
    {"sockname_fresh", "the address of a fresh socket", CF_IP, 0, 0, 0, {SOCK(0, STREAM), SOCKNAME(0)}},
    {"sockname_bound", "the address of a socket bound to loopback, port 0", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SOCKNAME(0)}},
    {"sockname_client", "the address of a connected client (bound by connect)", CF_IP, 0, 0, 0,
     {PAIR, SOCKNAME(1)}},
    {"sockname_closed", "the address of a closed handle", CF_IP, 0, 0, 0, {SOCK(0, STREAM), CLOSE(0), SOCKNAME(0)}},
    {"peername_fresh", "the peer of a fresh socket", CF_IP, 0, 0, 0, {SOCK(1, STREAM), PEERNAME(1)}},
    {"peername_connected", "the peer of a connected client", CF_IP, 0, 0, 0, {PAIR, PEERNAME(1)}},
    {"peername_accepted", "the peer of an accepted connection", CF_IP, 0, 0, 0, {PAIR, PEERNAME(2)}},
    {"peername_listening", "the peer of a listening socket", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), PEERNAME(0)}},
    {"peername_after_peer_reset", "the peer after it reset the connection", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, PEERNAME(1)}},
    {"peername_after_refused", "the peer after a refused non-blocking connect, then SP_OPT_ERROR", CF_IP, 0, 0,
     0, {REFUSED_NB, PEERNAME(1), GET(1, SP_OPT_ERROR)}},
    {"peername_dgram", "the peer of a connected datagram socket", CF_IP, 0, 0, 0, {DPAIR, PEERNAME(1)}},
    {"peername_local_unnamed", "a local server's view of an unbound client", CF_LOCAL, 0, 0, 0,
     {PAIR, PEERNAME(2)}},

    /* ---- options ------------------------------------------------------ */
    {"opt_nodelay_dgram", "SP_OPT_NODELAY on a datagram socket", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), SET(0, SP_OPT_NODELAY, 1)}},
    {"opt_nodelay_listening", "SP_OPT_NODELAY on a listening socket, then read back", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SET(0, SP_OPT_NODELAY, 1), GET(0, SP_OPT_NODELAY)}},
    {"opt_nodelay_connected", "SP_OPT_NODELAY on a connection, then read back", CF_IP, 0, 0, 0,
     {PAIR, SET(1, SP_OPT_NODELAY, 1), GET(1, SP_OPT_NODELAY)}},
    {"opt_keepalive_stream", "SP_OPT_KEEPALIVE on a stream, then read back", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_KEEPALIVE, 1), GET(0, SP_OPT_KEEPALIVE)}},
    {"opt_keepalive_dgram", "SP_OPT_KEEPALIVE on a datagram socket", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), SET(0, SP_OPT_KEEPALIVE, 1)}},
    {"opt_broadcast_stream", "SP_OPT_BROADCAST on a stream socket", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_BROADCAST, 1)}},
    {"opt_broadcast_roundtrip", "SP_OPT_BROADCAST on a datagram socket, then read back", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), GET(0, SP_OPT_BROADCAST), SET(0, SP_OPT_BROADCAST, 1), GET(0, SP_OPT_BROADCAST)}},
    {"opt_v6only_on_ipv4", "SP_OPT_V6ONLY on an IPv4 socket", CF_V4, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_V6ONLY, 1)}},
    {"opt_v6only_after_bind", "SP_OPT_V6ONLY on a bound IPv6 socket", CF_V6, 0, 0, 0,
     {SOCK(0, DGRAM), BIND(0, CF_AD_LOOP), SET(0, SP_OPT_V6ONLY, 1)}},
    {"opt_reuseaddr_roundtrip", "SP_OPT_REUSEADDR read, set, read", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), GET(0, SP_OPT_REUSEADDR), SET(0, SP_OPT_REUSEADDR, 1), GET(0, SP_OPT_REUSEADDR)}},
    {"opt_linger_roundtrip", "SP_OPT_LINGER read, set to 5, read", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), GET(0, SP_OPT_LINGER), SET(0, SP_OPT_LINGER, 5), GET(0, SP_OPT_LINGER)}},
    {"opt_nonblock_roundtrip", "SP_OPT_NONBLOCK read, set, read", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), GET(0, SP_OPT_NONBLOCK), NB(0), GET(0, SP_OPT_NONBLOCK)}},
    {"opt_buffers", "SP_OPT_RCVBUF and SP_OPT_SNDBUF set to 4096 and read (the stack rounds)", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), SET(0, SP_OPT_RCVBUF, 4096), GET_ANY(0, SP_OPT_RCVBUF), SET(0, SP_OPT_SNDBUF, 4096),
      GET_ANY(0, SP_OPT_SNDBUF)}},
    {"opt_type_family_stream", "SP_OPT_TYPE and SP_OPT_FAMILY of a stream socket", CF_IP | CF_LOCAL, 0, 0, 0,
     {SOCK(0, STREAM), GET(0, SP_OPT_TYPE), GET(0, SP_OPT_FAMILY)}},
    {"opt_type_family_dgram", "SP_OPT_TYPE and SP_OPT_FAMILY of a datagram socket", CF_IP, 0, 0, 0,
     {SOCK(0, DGRAM), GET(0, SP_OPT_TYPE), GET(0, SP_OPT_FAMILY)}},
    {"opt_type_accepted", "SP_OPT_TYPE of an accepted connection", CF_IP, 0, 0, 0, {PAIR, GET(2, SP_OPT_TYPE)}},
    {"opt_error_fresh", "SP_OPT_ERROR of a fresh socket", CF_IP, 0, 0, 0, {SOCK(0, STREAM), GET(0, SP_OPT_ERROR)}},
    {"opt_error_after_peer_reset", "SP_OPT_ERROR after the peer reset, then receiving", CF_IP, 0, 0, 0,
     {PAIR, RESET(2), SETTLE, GET(1, SP_OPT_ERROR), RECV(1, 10, DW)}},
    {"opt_closed", "setting an option on a closed handle", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), CLOSE(0), SET(0, SP_OPT_REUSEADDR, 1)}},
    {"opt_linger_zero_resets", "SP_OPT_LINGER 0 and close with data queued: the peer reads", CF_IP, 0, 0, 0,
     {PAIR, SEND(2, 5, 0), RESET(2), SETTLE, RECV(1, 10, DW)}},

    /* ---- sp_poll ------------------------------------------------------ */
    {"poll_fresh_stream", "polling a fresh stream socket", CF_IP, 0, 0, 0, {SOCK(1, STREAM), POLL(1, IO)}},
    {"poll_fresh_dgram", "polling a fresh datagram socket", CF_IP, 0, 0, 0, {SOCK(1, DGRAM), POLL(1, IO)}},
    {"poll_listening_empty", "polling a listener with nothing queued", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), POLL(0, IO)}},
    {"poll_listening_queued", "polling a listener with a connection queued", CF_IP, 0, 0, 0,
     {SOCK(0, STREAM), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, STREAM), CONNECT(1, CF_AD_NAME(0)), SETTLE,
      POLL(0, IO)}},
    {"poll_connected", "polling an idle connection", CF_IP, 0, 0, 0, {PAIR, SETTLE, POLL(1, IO)}},
    {"poll_readable", "polling a connection with data", CF_IP, 0, 0, 0,
     {PAIR, SEND(2, 1, 0), SETTLE, POLL(1, IO)}},
    {"poll_peer_closed", "polling after the peer closed", CF_IP, 0, 0, 0, {PAIR, CLOSE(2), SETTLE, POLL(1, IO)}},
    {"poll_peer_reset", "polling after the peer reset", CF_IP, 0, 0, 0, {PAIR, RESET(2), SETTLE, POLL(1, IO)}},
    {"poll_shut_wr", "polling after shutting the sending side", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_WR), SETTLE, POLL(1, IO)}},
    {"poll_shut_rdwr", "polling after shutting both sides", CF_IP, 0, 0, 0,
     {PAIR, SHUT(1, SP_SHUT_RDWR), SETTLE, POLL(1, IO)}},
    {"poll_refused", "polling after a refused non-blocking connect", CF_IP, 0, 0, 0, {REFUSED_NB, POLL(1, IO)}},
    {"poll_full", "polling a connection whose send buffer is full", CF_IP, 0, 0, 0,
     {PAIR, FILL(1), POLL(1, IO)}},
    {"poll_closed", "polling a closed handle", CF_IP, 0, 0, 0, {SOCK(1, STREAM), CLOSE(1), POLL(1, IO)}},
    {"poll_dgram_readable", "polling a datagram socket with a datagram queued", CF_IP, 0, 0, 0,
     {DPAIR, SEND(1, 3, 0), SETTLE, POLL(0, IO)}},

    /* ---- sp_poller (the kernel: epoll) ---------------------------------- */
    {"poller_add_twice", "adding a socket to the poller it is in already", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), PADD(1, SP_POLLIN), PADD(1, SP_POLLIN)}},
    {"poller_modify_missing", "changing the interest of a socket not in the poller", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), PMOD(1, SP_POLLIN)}},
    {"poller_remove_twice", "removing a socket from the poller twice", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), PADD(1, SP_POLLIN), PDEL(1), PDEL(1)}},
    {"poller_add_closed", "adding a closed handle to the poller", CF_IP, 0, 0, 0,
     {SOCK(1, DGRAM), CLOSE(1), PADD(1, SP_POLLIN)}},
    {"poller_dgram_readable", "a datagram queued, waited for as readable", CF_IP, 0, 0, 0,
     {DPAIR, PADD(0, SP_POLLIN), PWAIT(0), SEND(1, 3, 0), SETTLE, PWAIT(0)}},
    {"poller_modified_to_writable", "a readable datagram socket whose interest became writable only",
     CF_IP, 0, 0, 0, {DPAIR, PADD(0, SP_POLLIN), SEND(1, 3, 0), SETTLE, PMOD(0, SP_POLLOUT), PWAIT(0)}},
    {"poller_removed_not_reported", "a readable socket taken out of the poller", CF_IP, 0, 0, 0,
     {DPAIR, PADD(0, SP_POLLIN), SEND(1, 3, 0), SETTLE, PDEL(0), PWAIT(0)}},
    {"poller_connected", "an idle connection waited for both ways", CF_IP, 0, 0, 0,
     {PAIR, SETTLE, PADD(1, IO), PWAIT(1)}},
    {"poller_peer_closed", "waiting for input after the peer closed", CF_IP, 0, 0, 0,
     {PAIR, PADD(1, SP_POLLIN), CLOSE(2), SETTLE, PWAIT(1)}},
    {"poller_peer_reset_no_interest", "a member with no interest at all, after the peer reset", CF_IP, 0,
     0, 0, {PAIR, PADD(1, 0), PWAIT(1), RESET(2), SETTLE, PWAIT(1)}},

    /* ---- raw ---------------------------------------------------------- */
    {"raw_send_unconnected", "sending on an unconnected raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), SEND(0, 8, 0)}},
    {"raw_accept", "accepting on a raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), ACCEPT(0, 1)}},
    {"raw_shutdown", "shutting down an unconnected raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), SHUT(0, SP_SHUT_RDWR)}},

    {"raw_sendto_echo", "an 8-byte ICMP echo request to loopback on a raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), SENDTO(0, 8, 0, CF_AD_LOOP)}},
    {"raw_sendto_short", "a 2-byte ICMP message on a raw socket", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), SENDTO(0, 2, 0, CF_AD_LOOP)}},
    {"raw_connect_send", "a connected raw socket sends", CF_IP, 0, 0, 0,
     {SOCKP(0, SP_SOCK_RAW, CF_PROTO_ICMP), CONNECT(0, CF_AD_LOOP), SEND(0, 8, 0)}},

    /* ---- services core builds: the ports must agree ------------------- */
    {"seqpacket_refused", "a sequenced-packet connect to a port where nobody listens", CF_IP, CF_REF_PORTS, 0,
     0, {SOCK(1, SP_SOCK_SEQPACKET), CONNECT(1, CF_AD_DEAD)}},
    {"seqpacket_oversize", "a sequenced-packet record over SP_SEQPACKET_MAX_RECORD", CF_IP, CF_REF_PORTS, 0, 0,
     {PAIR_OF(SP_SOCK_SEQPACKET), SEND(1, SP_SEQPACKET_MAX_RECORD + 1, 0)}},
    {"seqpacket_truncated", "a 100-byte record into 10 bytes with SP_MSG_TRUNC, then the next", CF_IP,
     CF_REF_PORTS, 0, 0,
     {PAIR_OF(SP_SOCK_SEQPACKET), SEND(1, 100, 0), SEND(1, 7, 0), SETTLE, RECV(2, 10, SP_MSG_TRUNC),
      RECV(2, 100, 0)}},
    /* Sequenced packets over IP are core's framing over TCP: connecting,
     * closing and resets must be what the kernel's TCP does. */
    {"seqpacket_refused_then_listen", "sequenced packets: refused, then the address, bind, listen and accept",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, SEQ), CONNECT(1, CF_AD_DEAD), SOCKNAME(1), BIND(1, CF_AD_LOOP), LISTEN(1, 1), SOCK(3, SEQ),
      CONNECT(3, CF_AD_NAME(1)), ACCEPT(1, 2), SEND(3, 5, 0), SETTLE, RECV(2, 10, 0)}},
    {"seqpacket_nb_refused_error_then_connect",
     "sequenced packets: non-blocking refused, SP_OPT_ERROR, connect twice, then the address",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, SEQ), NB(1), CONNECT(1, CF_AD_DEAD), SETTLE, GET(1, SP_OPT_ERROR), SOCKNAME(1),
      CONNECT(1, CF_AD_DEAD), SOCKNAME(1), CONNECT(1, CF_AD_DEAD), SETTLE, CONNECT(1, CF_AD_DEAD)}},
    {"seqpacket_refused_then_listener", "sequenced packets: refused, then connecting again once a listener is there",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, SEQ), CONNECT(1, CF_AD_DEAD), SOCK(0, SEQ), BIND(0, CF_AD_DEAD), LISTEN(0, 1),
      CONNECT(1, CF_AD_DEAD), ACCEPT(0, 2), SEND(1, 3, 0), SETTLE, RECV(2, 10, 0)}},
    {"seqpacket_nb_refused", "sequenced packets: non-blocking connect refused; poll, SP_OPT_ERROR, connect",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, SEQ), NB(1), CONNECT(1, CF_AD_DEAD), SETTLE, POLL(1, SP_POLLOUT), GET(1, SP_OPT_ERROR),
      CONNECT(1, CF_AD_DEAD), CONNECT(1, CF_AD_DEAD)}},
    {"seqpacket_nb_refused_send", "sequenced packets: non-blocking connect refused, then sending twice",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, SEQ), NB(1), CONNECT(1, CF_AD_DEAD), SETTLE, SEND(1, 1, 0), SEND(1, 1, 0)}},
    {"seqpacket_poll_before_connect", "sequenced packets: polled before connecting, then a record goes through",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(0, SEQ), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, SEQ), POLL(1, IO), CONNECT(1, CF_AD_NAME(0)),
      ACCEPT(0, 2), SEND(1, 3, 0), SETTLE, RECV(2, 10, 0)}},
    {"seqpacket_nb_connect", "sequenced packets: a non-blocking connect, polled until it is done",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(0, SEQ), BIND(0, CF_AD_LOOP), LISTEN(0, 1), SOCK(1, SEQ), NB(1), CONNECT(1, CF_AD_NAME(0)),
      SETTLE, POLL(1, SP_POLLOUT), GET(1, SP_OPT_ERROR), CONNECT(1, CF_AD_NAME(0))}},
    {"seqpacket_after_peer_reset", "sequenced packets: the peer reset; sending twice, receiving",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), RESET(2), SETTLE, POLL(1, IO), SEND(1, 1, 0), SEND(1, 1, 0), RECV(1, 10, DW)}},
    {"seqpacket_error_after_peer_reset", "sequenced packets: the peer reset; SP_OPT_ERROR, then receiving",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), RESET(2), SETTLE, GET(1, SP_OPT_ERROR), GET(1, SP_OPT_ERROR), RECV(1, 10, DW)}},
    {"seqpacket_poll_error_after_peer_reset", "sequenced packets: the peer reset; poll, SP_OPT_ERROR, poll",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), RESET(2), SETTLE, POLL(1, IO), GET(1, SP_OPT_ERROR), POLL(1, IO), RECV(1, 10, DW)}},
    {"seqpacket_after_peer_close", "sequenced packets: the peer closed; polling and receiving",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), CLOSE(2), SETTLE, POLL(1, IO), RECV(1, 10, DW), RECV(1, 10, DW)}},
    {"seqpacket_shut_wr", "sequenced packets: a record, then the end of stream; the peer reads both",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), SEND(1, 5, 0), SHUT(1, SP_SHUT_WR), SEND(1, 1, 0), SETTLE, RECV(2, 10, 0),
      RECV(2, 10, 0), POLL(2, IO)}},
    {"seqpacket_states", "sequenced packets: listen twice, connect a listener, accept on a client",
     CF_IP, CF_REF_CARRIER, 0, 0,
     {PAIR_OF(SEQ), LISTEN(0, 4), CONNECT(0, CF_AD_NAME(0)), ACCEPT(1, 3), RECV(0, 10, DW)}},
    {"seqpacket_local_truncated", "a local 100-byte record into 10 bytes with SP_MSG_TRUNC, then the next",
     CF_LOCAL, 0, 0, 0,
     {PAIR_OF(SP_SOCK_SEQPACKET), SEND(1, 100, 0), SEND(1, 7, 0), SETTLE, RECV(2, 10, SP_MSG_TRUNC),
      RECV(2, 100, 0)}},
    /* Acknowledged datagrams are core's protocol over UDP: addresses, binding
     * and the calls' errors must be what the kernel's UDP gives. */
    {"rdm_exchange", "acknowledged datagrams: one message, its sender's address", CF_IP, CF_REF_CARRIER, 0,
     0, {RPAIR, SEND(1, 5, 0), SETTLE, RECVFROM(0, 10, 0)}},
    {"rdm_bind_twice", "acknowledged datagrams: binding twice", CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(0, RDM), BIND(0, CF_AD_LOOP), BIND(0, CF_AD_LOOP)}},
    {"rdm_bind_in_use", "acknowledged datagrams: binding a port another socket has", CF_IP,
     CF_REF_CARRIER, 0, 0, {SOCK(0, RDM), BIND(0, CF_AD_LOOP), SOCK(1, RDM), BIND(1, CF_AD_NAME(0))}},
    {"rdm_send_no_peer", "acknowledged datagrams: sending without a peer", CF_IP, CF_REF_CARRIER, 0, 0,
     {SOCK(1, RDM), SEND(1, 4, 0)}},
    {"rdm_sendto_other_family", "acknowledged datagrams: to an address of the other family", CF_V4,
     CF_REF_CARRIER, 0, 0, {SOCK(1, RDM), SENDTO(1, 4, 0, CF_AD_OTHER)}},
    {"rdm_recv_empty", "acknowledged datagrams: receiving without waiting, nothing there", CF_IP,
     CF_REF_CARRIER, 0, 0, {SOCK(0, RDM), BIND(0, CF_AD_LOOP), RECV(0, 10, DW)}},
    {"rdm_recv_timeout", "acknowledged datagrams: receiving with a 1 ms timeout, nothing there", CF_IP,
     CF_REF_CARRIER, 0, 0,
     {SOCK(0, RDM), BIND(0, CF_AD_LOOP), SET(0, SP_OPT_RCVTIMEO, 1), RECV(0, 10, 0)}},
    {"rdm_peername", "acknowledged datagrams: the peer before and after connecting", CF_IP, CF_REF_CARRIER,
     0, 0, {SOCK(0, RDM), BIND(0, CF_AD_LOOP), SOCK(1, RDM), PEERNAME(1), CONNECT(1, CF_AD_NAME(0)),
            PEERNAME(1)}},
    {"rdm_poll", "acknowledged datagrams: polling a fresh socket, then one with a message", CF_IP,
     CF_REF_CARRIER, 0, 0, {RPAIR, POLL(0, IO), SEND(1, 3, 0), SETTLE, POLL(0, IO)}},
    {"rdm_truncated", "acknowledged datagrams: a 100-byte message into 10 bytes with SP_MSG_TRUNC", CF_IP,
     CF_REF_CARRIER, 0, 0, {RPAIR, SEND(1, 100, 0), SETTLE, RECV(0, 10, SP_MSG_TRUNC), RECV(0, 10, DW)}},
    {"rdm_oversize", "an acknowledged datagram over SP_RDM_MAX_MESSAGE", CF_IP, CF_REF_PORTS, 0, 0,
     {SOCK(0, SP_SOCK_RDM), BIND(0, CF_AD_LOOP), SOCK(1, SP_SOCK_RDM),
      SENDTO(1, SP_RDM_MAX_MESSAGE + 1, 0, CF_AD_NAME(0))}},
    {"rdm_listen", "listening on an acknowledged-datagram socket", CF_IP, CF_REF_PORTS, 0, 0,
     {SOCK(0, SP_SOCK_RDM), LISTEN(0, 1)}},

    /* ---- local sockets (POSIX port; lwIP has none) -------------------- */
    {"local_stream_exchange", "a local stream pair: send and receive", CF_LOCAL, 0, 0, 0,
     {PAIR, SEND(1, 5, 0), RECV(2, 10, 0)}},
    {"local_dgram_exchange", "a local datagram pair: the sender's path", CF_LOCAL, 0, 0, 0,
     {DPAIR, SEND(1, 5, 0), RECVFROM(0, 10, 0)}},
};
/* clang-format on */

const size_t cf_scenario_count = sizeof cf_scenarios / sizeof cf_scenarios[0];
