/*
 * Deadlines: every call turns its timeout into one absolute point on the
 * stack's clock at its start, so a call that makes many partial steps still
 * ends by its timeout, and a port never writes timeout logic.
 */
#include "core.h"

#include <limits.h>

struct spc_deadline spc_deadline_in(sp_stack *stack, int timeout_ms)
{
    struct spc_deadline d = {0, timeout_ms < 0};
    if (!d.forever)
        d.at_ms = stack->ops->now_ms(stack->state) + timeout_ms;
    return d;
}

int spc_deadline_left(sp_stack *stack, const struct spc_deadline *d)
{
    if (d->forever)
        return SP_FOREVER;
    int64_t left = d->at_ms - stack->ops->now_ms(stack->state);
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int spc_wait(struct spc_socket *s, short events, const struct spc_deadline *d)
{
    int left = spc_deadline_left(s->stack, d);
    if (left == 0)
        return SP_ETIMEDOUT;
    /* A service with a timer (RDM retransmissions) must run when it is due. */
    int timer = s->service != NULL ? s->service->timer_ms(s) : -1;
    if (timer >= 0 && (left < 0 || timer < left))
        left = timer;
    struct sp_port_pollent ent = {s->native, events, 0};
    int rc = s->stack->ops->poll(s->stack->state, &ent, 1, left);
    return rc < 0 ? rc : 0;
}
