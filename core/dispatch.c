/*
 * The port boundary, crossed in one place: every call core makes into a port
 * goes through one of these functions. A NULL operation means "not
 * supported" (port.h) and gives the error the public header documents for
 * it, so a port may leave out what its stack cannot do without crashing
 * core. What a port returns is checked: in debug builds an assertion stops
 * at a code that is not sockport's (an errno, an lwIP err_t); in release
 * builds such a code becomes SP_EIO, so that a caller still gets one of the
 * documented codes.
 */
#include "core.h"

#include <assert.h>

static bool spc_is_error_code(ptrdiff_t rc)
{
    switch (rc) {
#define SPC_ERROR_CASE(name, value, text) case SP_E##name:
        SP_ERRNO_MAP(SPC_ERROR_CASE)
#undef SPC_ERROR_CASE
        return true;
    default:
        return false;
    }
}

/* What a port returned, made a sockport result. */
static ptrdiff_t spc_port_result(ptrdiff_t rc)
{
    if (rc >= 0 || spc_is_error_code(rc))
        return rc;
    assert(!"a port operation returned a code that is not SP_E*");
    return SP_EIO;
}

ptrdiff_t spc_port_failure(ptrdiff_t rc)
{
    return spc_port_result(rc);
}

#define SPC_DISPATCH(stack, op, unsupported, ...)                                                  \
    ((stack)->ops->op == NULL ? (unsupported)                                                      \
                              : spc_port_result((stack)->ops->op((stack)->state, __VA_ARGS__)))

const char *spc_port_name(const sp_stack *stack)
{
    return stack->ops->name != NULL ? stack->ops->name : "(unnamed port)";
}

int64_t spc_port_now_ms(sp_stack *stack)
{
    /* Without a clock time stands still: spc_deadline_left() then ends timed waits. */
    return stack->ops->now_ms != NULL ? stack->ops->now_ms(stack->state) : 0;
}

bool spc_port_has_clock(const sp_stack *stack)
{
    return stack->ops->now_ms != NULL;
}

int spc_port_open(sp_stack *stack, int family, int type, int protocol, sp_port_sock *out)
{
    return (int)SPC_DISPATCH(stack, open, SP_EOPNOTSUPP, family, type, protocol, out);
}

int spc_port_close(sp_stack *stack, sp_port_sock sock)
{
    return (int)SPC_DISPATCH(stack, close, 0, sock);
}

int spc_port_bind(sp_stack *stack, sp_port_sock sock, const sp_addr *addr)
{
    return (int)SPC_DISPATCH(stack, bind, SP_EOPNOTSUPP, sock, addr);
}

int spc_port_listen(sp_stack *stack, sp_port_sock sock, int backlog)
{
    return (int)SPC_DISPATCH(stack, listen, SP_EOPNOTSUPP, sock, backlog);
}

int spc_port_accept(sp_stack *stack, sp_port_sock sock, sp_port_sock *out, sp_addr *peer)
{
    return (int)SPC_DISPATCH(stack, accept, SP_EOPNOTSUPP, sock, out, peer);
}

int spc_port_connect(sp_stack *stack, sp_port_sock sock, const sp_addr *addr)
{
    return (int)SPC_DISPATCH(stack, connect, SP_EOPNOTSUPP, sock, addr);
}

int spc_port_take_error(sp_stack *stack, sp_port_sock sock)
{
    return (int)SPC_DISPATCH(stack, take_error, 0, sock);
}

int spc_port_shutdown(sp_stack *stack, sp_port_sock sock, int how)
{
    return (int)SPC_DISPATCH(stack, shutdown, SP_EOPNOTSUPP, sock, how);
}

int spc_port_local_addr(sp_stack *stack, sp_port_sock sock, sp_addr *out)
{
    return (int)SPC_DISPATCH(stack, local_addr, SP_EOPNOTSUPP, sock, out);
}

int spc_port_peer_addr(sp_stack *stack, sp_port_sock sock, sp_addr *out)
{
    return (int)SPC_DISPATCH(stack, peer_addr, SP_EOPNOTSUPP, sock, out);
}

int spc_port_set_option(sp_stack *stack, sp_port_sock sock, int option, int value)
{
    return (int)SPC_DISPATCH(stack, set_option, SP_ENOPROTOOPT, sock, option, value);
}

int spc_port_get_option(sp_stack *stack, sp_port_sock sock, int option, int *value)
{
    return (int)SPC_DISPATCH(stack, get_option, SP_ENOPROTOOPT, sock, option, value);
}

int spc_port_set_native_option(sp_stack *stack, sp_port_sock sock, int level, int name,
                               const void *value, size_t len)
{
    return (int)SPC_DISPATCH(stack, set_native_option, SP_ENOPROTOOPT, sock, level, name, value,
                             len);
}

int spc_port_get_native_option(sp_stack *stack, sp_port_sock sock, int level, int name, void *value,
                               size_t *len)
{
    return (int)SPC_DISPATCH(stack, get_native_option, SP_ENOPROTOOPT, sock, level, name, value,
                             len);
}

int spc_port_poll(sp_stack *stack, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    return (int)SPC_DISPATCH(stack, poll, SP_EOPNOTSUPP, ents, n, timeout_ms);
}

int spc_port_entropy(sp_stack *stack, void *buf, size_t len)
{
    return (int)SPC_DISPATCH(stack, entropy, SP_EIO, buf, len);
}

int spc_port_resolve(sp_stack *stack, const char *host, int family, sp_addr *out, size_t max,
                     int timeout_ms)
{
    return (int)SPC_DISPATCH(stack, resolve, SP_ENONAME, host, family, out, max, timeout_ms);
}

bool spc_port_has_poller(const sp_stack *stack)
{
    const struct sp_port_ops *ops = stack->ops;
    return ops->poller_open != NULL && ops->poller_close != NULL && ops->poller_ctl != NULL &&
           ops->poller_wait != NULL;
}

/* The poller operations are called only when spc_port_has_poller() said yes. */
int spc_port_poller_open(sp_stack *stack, sp_port_poller *out)
{
    return (int)spc_port_result(stack->ops->poller_open(stack->state, out));
}

void spc_port_poller_close(sp_stack *stack, sp_port_poller poller)
{
    stack->ops->poller_close(stack->state, poller);
}

int spc_port_poller_ctl(sp_stack *stack, sp_port_poller poller, int op, sp_port_sock sock,
                        uint32_t key, short events)
{
    return (int)spc_port_result(
        stack->ops->poller_ctl(stack->state, poller, op, sock, key, events));
}

int spc_port_poller_wait(sp_stack *stack, sp_port_poller poller, sp_poller_event *out, size_t max,
                         int timeout_ms)
{
    return (int)spc_port_result(
        stack->ops->poller_wait(stack->state, poller, out, max, timeout_ms));
}
