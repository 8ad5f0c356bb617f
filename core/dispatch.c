/*
 * The port boundary, crossed in one place: every call core makes into a port
 * goes through one of these functions or the inline ones in dispatch.h, all
 * by SPC_DISPATCH() there or with its rules. A NULL operation means "not
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

ptrdiff_t spc_port_result(ptrdiff_t rc)
{
    if (rc >= 0 || spc_is_error_code(rc))
        return rc;
    assert(!"a port operation returned a code that is not SP_E*");
    return SP_EIO;
}

const char *spc_port_name(const sp_stack *stack)
{
    return stack->ops->name != NULL ? stack->ops->name : "(unnamed port)";
}

int64_t spc_port_now_ms(sp_stack *stack)
{
    /* Without a clock time stands still: spc_deadline_left() then ends timed waits. */
    return stack->ops->now_ms != NULL ? stack->ops->now_ms(stack->state) : 0;
}

int spc_port_peer_addr(sp_stack *stack, sp_port_sock sock, sp_addr *out)
{
    return (int)SPC_DISPATCH(stack, peer_addr, SP_EOPNOTSUPP, sock, out);
}

int spc_port_poll(sp_stack *stack, struct sp_port_pollent *ents, size_t n, int timeout_ms)
{
    return (int)SPC_DISPATCH(stack, poll, SP_EOPNOTSUPP, ents, n, timeout_ms);
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
