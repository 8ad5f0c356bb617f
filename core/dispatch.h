/**
 * @file
 * @brief The data half of core's one point of calling ports (dispatch.c):
 *        inline, because every sp_send() and sp_recv() crosses it.
 *
 * The rules are dispatch.c's: a missing (NULL) operation gives
 * SP_EOPNOTSUPP, and a negative result that is not an SP_E* code is made a
 * documented one by spc_port_failure().
 */
#ifndef SOCKPORT_CORE_DISPATCH_H
#define SOCKPORT_CORE_DISPATCH_H

#include <sockport/port.h>

/** What a port returned that is negative, made a documented code. */
ptrdiff_t spc_port_failure(ptrdiff_t rc);

static inline ptrdiff_t spc_port_send(sp_stack *stack, sp_port_sock sock, const void *buf,
                                      size_t len, int flags, const sp_addr *to)
{
    if (stack->ops->send == NULL)
        return SP_EOPNOTSUPP;
    ptrdiff_t rc = stack->ops->send(stack->state, sock, buf, len, flags, to);
    return rc >= 0 ? rc : spc_port_failure(rc);
}

static inline ptrdiff_t spc_port_recv(sp_stack *stack, sp_port_sock sock, void *buf, size_t len,
                                      int flags, sp_addr *from)
{
    if (stack->ops->recv == NULL)
        return SP_EOPNOTSUPP;
    ptrdiff_t rc = stack->ops->recv(stack->state, sock, buf, len, flags, from);
    return rc >= 0 ? rc : spc_port_failure(rc);
}

/*
 * The port's direct forms of the same calls (port.h: the arguments stay
 * where the public call put them), for a socket whose fast-path bits
 * (core.h, enum spc_fast) already say that the port has them: no test for
 * NULL, and the result as the port gave it, so that success costs nothing
 * more. The caller passes a negative result through spc_port_failure().
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

#endif /* SOCKPORT_CORE_DISPATCH_H */
