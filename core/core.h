/**
 * @file
 * @brief Core internals shared by the files of core/: the handle table,
 *        deadlines and the wait loop. Not for ports, not for applications.
 */
#ifndef SOCKPORT_CORE_H
#define SOCKPORT_CORE_H

#include <stdbool.h>

#include <sockport/port.h>

#if SP_MAX_SOCKETS < 1 || SP_MAX_SOCKETS > 1023
#error "SP_MAX_SOCKETS must be between 1 and 1023"
#endif

/** A handle is (generation << SPC_INDEX_BITS) | slot index. 10 index bits
 *  leave 21 generation bits below the sign bit, so handles stay positive. */
#define SPC_INDEX_BITS 10
#define SPC_GENERATION_MAX ((1u << (31 - SPC_INDEX_BITS)) - 1u)

/** Connection state as far as core needs it to give every port the same errors. */
enum spc_state {
    SPC_IDLE = 0,   /**< new, maybe bound */
    SPC_LISTENING,  /**< sp_listen() succeeded */
    SPC_CONNECTING, /**< a connect attempt is under way */
    SPC_CONNECTED,  /**< stream connected, or message socket with a default peer */
};

struct spc_socket {
    sp_stack *stack;
    sp_port_sock native;
    uint32_t generation; /**< of the handle that names this slot now; never 0 */
    bool in_use;
    bool bound;
    bool nonblocking;
    bool shut_rd;
    bool shut_wr;
    uint8_t family;
    uint8_t type;
    uint8_t state; /**< enum spc_state */
    int protocol;
    int rcv_timeout_ms;
    int snd_timeout_ms;
};

/* --- handles.c --------------------------------------------------------- */

/** Find the open socket @p handle names; SP_EBADF if none (never issued, closed, stale). */
int spc_lookup(int handle, struct spc_socket **out);

/** Whether a free slot exists (checked before a port creates anything). */
bool spc_has_free_slot(void);

/** Take a free slot for a socket the port already created; returns the handle.
 *  The caller checked spc_has_free_slot() first. */
int spc_claim(sp_stack *stack, sp_port_sock native, int family, int type, int protocol);

/** Release the slot of @p s; its handle becomes stale. */
void spc_release(struct spc_socket *s);

/** The slot at @p index (0..SP_MAX_SOCKETS-1), in use or not; for iteration. */
struct spc_socket *spc_slot(int index);

/** The handle that currently names @p s. */
int spc_handle_of(const struct spc_socket *s);

/* --- deadline.c -------------------------------------------------------- */

/** An absolute point on a stack's clock, fixed once at the top of a call. */
struct spc_deadline {
    int64_t at_ms;
    bool forever;
};

struct spc_deadline spc_deadline_in(sp_stack *stack, int timeout_ms);

/** Milliseconds left, clamped to int: SP_FOREVER for no limit, 0 once passed. */
int spc_deadline_left(sp_stack *stack, const struct spc_deadline *d);

/**
 * Wait until @p s is ready for @p events or the deadline passes, running the
 * stack meanwhile. 0 when the port reported something (the caller retries
 * its operation); SP_ETIMEDOUT when the deadline has passed; a port error.
 */
int spc_wait(struct spc_socket *s, short events, const struct spc_deadline *d);

/* --- socket.c ---------------------------------------------------------- */

/** Whether @p type keeps message boundaries (datagram, raw, seqpacket, rdm). */
bool spc_is_message_type(int type);

/** Whether @p type is connection-oriented (stream, seqpacket). */
bool spc_is_connection_type(int type);

/**
 * If a connect attempt of @p s is under way, see whether it has ended (without
 * waiting) and update the state. Returns 0 if the socket is not connecting
 * or the attempt succeeded, SP_EALREADY if it is still under way, or the
 * attempt's error (the socket is then idle again).
 */
int spc_settle_connect(struct spc_socket *s);

/* --- addr.c ------------------------------------------------------------ */

/** Parse exactly @p len characters as a dotted-quad IPv4 address. */
bool spc_parse_ipv4(const char *text, size_t len, uint8_t out[4]);

/** Parse exactly @p len characters as an IPv6 address, with an optional
 *  numeric "%zone" suffix when @p scope_id is not NULL. */
bool spc_parse_ipv6(const char *text, size_t len, uint8_t out[16], uint32_t *scope_id);

/** Parse a decimal number of at most @p max (no sign, no leading junk). */
bool spc_parse_uint(const char *text, size_t len, uint32_t max, uint32_t *out);

#endif /* SOCKPORT_CORE_H */
