/**
 * @file
 * @brief The data half of core's one point of calling ports (dispatch.c):
 *        inline, because every sp_send() and sp_recv() crosses it.
 *
 * The rules are dispatch.c's: a missing (NULL) operation gives
 * SP_EOPNOTSUPP, and a negative result that is not an SP_E* code is made a
 * documented one by spc_port_result().
 */
#ifndef SOCKPORT_CORE_DISPATCH_H
#define SOCKPORT_CORE_DISPATCH_H

#include <sockport/port.h>

/** What a port returned, made a sockport result (a count or a documented code). */
ptrdiff_t spc_port_result(ptrdiff_t rc);

/* The port's operation @p op, or @p unsupported where the port has none. */
#define SPC_DISPATCH(stack, op, unsupported, ...)                                                  \
    ((stack)->ops->op == NULL ? (unsupported)                                                      \
                              : spc_port_result((stack)->ops->op((stack)->state, __VA_ARGS__)))

/*
 * The operations that only one file of core calls (socket.c; resolve in
 * resolve.c, entropy in rdm.c): inline, so that a firmware image has no
 * forwarder for each (docs/footprint.md). Those that several files call are
 * functions in dispatch.c. Each calls the port's operation of that name or
 * gives what core.h says for a NULL one.
 */
static inline int spc_port_open(sp_stack *stack, int family, int type, int protocol,
                                sp_port_sock *out)
{
    return (int)SPC_DISPATCH(stack, open, SP_EOPNOTSUPP, family, type, protocol, out);
}

static inline int spc_port_close(sp_stack *stack, sp_port_sock sock)
{
    return (int)SPC_DISPATCH(stack, close, 0, sock);
}

static inline int spc_port_bind(sp_stack *stack, sp_port_sock sock, const sp_addr *addr)
{
    return (int)SPC_DISPATCH(stack, bind, SP_EOPNOTSUPP, sock, addr);
}

static inline int spc_port_listen(sp_stack *stack, sp_port_sock sock, int backlog)
{
    return (int)SPC_DISPATCH(stack, listen, SP_EOPNOTSUPP, sock, backlog);
}

static inline int spc_port_accept(sp_stack *stack, sp_port_sock sock, sp_port_sock *out,
                                  sp_addr *peer)
{
    return (int)SPC_DISPATCH(stack, accept, SP_EOPNOTSUPP, sock, out, peer);
}

static inline int spc_port_connect(sp_stack *stack, sp_port_sock sock, const sp_addr *addr)
{
    return (int)SPC_DISPATCH(stack, connect, SP_EOPNOTSUPP, sock, addr);
}

static inline int spc_port_disconnect(sp_stack *stack, sp_port_sock sock, bool keep_port)
{
    return (int)SPC_DISPATCH(stack, disconnect, SP_EAFNOSUPPORT, sock, keep_port);
}

static inline int spc_port_take_error(sp_stack *stack, sp_port_sock sock)
{
    return (int)SPC_DISPATCH(stack, take_error, 0, sock);
}

static inline void spc_port_end_attempt(sp_stack *stack, sp_port_sock sock)
{
    if (stack->ops->end_attempt != NULL)
        stack->ops->end_attempt(stack->state, sock);
}

static inline int spc_port_shutdown(sp_stack *stack, sp_port_sock sock, int how)
{
    return (int)SPC_DISPATCH(stack, shutdown, SP_EOPNOTSUPP, sock, how);
}

static inline int spc_port_local_addr(sp_stack *stack, sp_port_sock sock, sp_addr *out)
{
    return (int)SPC_DISPATCH(stack, local_addr, SP_EOPNOTSUPP, sock, out);
}

/* deadline.c: whether the port has a clock (spc_port_now_ms() in dispatch.c),
 * and the time on the clock of one that has. */
static inline bool spc_port_has_clock(const sp_stack *stack)
{
    return stack->ops->now_ms != NULL;
}

static inline int64_t spc_port_clock_ms(sp_stack *stack)
{
    return stack->ops->now_ms(stack->state);
}

/* io.c: a connection's peer for sp_recvfrom(), also after a reset (port.h,
 * connection_peer); where the port has no such operation, peer_addr. */
static inline bool spc_port_has_connection_peer(const sp_stack *stack)
{
    return stack->ops->connection_peer != NULL;
}

static inline int spc_port_connection_peer(sp_stack *stack, sp_port_sock sock, sp_addr *out)
{
    if (stack->ops->connection_peer == NULL)
        return (int)SPC_DISPATCH(stack, peer_addr, SP_EOPNOTSUPP, sock, out);
    return (int)spc_port_result(stack->ops->connection_peer(stack->state, sock, out));
}

static inline int spc_port_set_option(sp_stack *stack, sp_port_sock sock, int option, int value)
{
    return (int)SPC_DISPATCH(stack, set_option, SP_ENOPROTOOPT, sock, option, value);
}

static inline int spc_port_get_option(sp_stack *stack, sp_port_sock sock, int option, int *value)
{
    return (int)SPC_DISPATCH(stack, get_option, SP_ENOPROTOOPT, sock, option, value);
}

static inline int spc_port_set_native_option(sp_stack *stack, sp_port_sock sock, int level,
                                             int name, const void *value, size_t len)
{
    return (int)SPC_DISPATCH(stack, set_native_option, SP_ENOPROTOOPT, sock, level, name, value,
                             len);
}

static inline int spc_port_get_native_option(sp_stack *stack, sp_port_sock sock, int level,
                                             int name, void *value, size_t *len)
{
    return (int)SPC_DISPATCH(stack, get_native_option, SP_ENOPROTOOPT, sock, level, name, value,
                             len);
}

/* Unpredictable bytes from the port; SP_EIO when it has none (NULL op too). */
static inline int spc_port_entropy(sp_stack *stack, void *buf, size_t len)
{
    return (int)SPC_DISPATCH(stack, entropy, SP_EIO, buf, len);
}

static inline int spc_port_resolve(sp_stack *stack, const char *host, int family, sp_addr *out,
                                   size_t max, int timeout_ms)
{
    return (int)SPC_DISPATCH(stack, resolve, SP_ENONAME, host, family, out, max, timeout_ms);
}

static inline ptrdiff_t spc_port_send(sp_stack *stack, sp_port_sock sock, const void *buf,
                                      size_t len, int flags, const sp_addr *to)
{
    if (stack->ops->send == NULL)
        return SP_EOPNOTSUPP;
    ptrdiff_t rc = stack->ops->send(stack->state, sock, buf, len, flags, to);
    return rc >= 0 ? rc : spc_port_result(rc);
}

static inline ptrdiff_t spc_port_recv(sp_stack *stack, sp_port_sock sock, void *buf, size_t len,
                                      int flags, sp_addr *from)
{
    if (stack->ops->recv == NULL)
        return SP_EOPNOTSUPP;
    ptrdiff_t rc = stack->ops->recv(stack->state, sock, buf, len, flags, from);
    return rc >= 0 ? rc : spc_port_result(rc);
}

/*
 * The port's direct forms of the same calls (port.h: the arguments stay
 * where the public call put them), for a socket whose fast-path bits
 * (core.h, enum spc_fast) already say that the port has them: no test for
 * NULL, and the result as the port gave it, so that success costs nothing
 * more. The caller passes a negative result through spc_port_result().
 */
static inline ptrdiff_t spc_port_send_direct(sp_stack *stack, sp_port_sock sock, const void *buf,
                                             size_t len, int flags, const sp_addr *to)
{
    return stack->ops->send_direct(sock, buf, len, flags, to, stack->state);
}

static inline ptrdiff_t spc_port_recv_direct(sp_stack *stack, sp_port_sock sock, void *buf,
                                             size_t len, int flags, sp_addr *from)
{
    return stack->ops->recv_direct(sock, buf, len, flags, from, stack->state);
}

/* The code of a direct call's failure @p rc: what the port's direct_failure
 * says where it has one (the direct call returned the system's -1), else
 * @p rc itself; either way made a documented code. Called right after the
 * failed call: the port's reason (errno) must still be there. */
static inline ptrdiff_t spc_port_direct_failure(sp_stack *stack, ptrdiff_t rc, bool receiving)
{
    if (stack->ops->direct_failure != NULL)
        rc = stack->ops->direct_failure(stack->state, receiving);
    return spc_port_result(rc);
}

#endif /* SOCKPORT_CORE_DISPATCH_H */
