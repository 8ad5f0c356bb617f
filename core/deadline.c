/*
 * Deadlines: every call turns its timeout into one absolute point on the
 * stack's clock, so a call that makes many partial steps still ends by its
 * timeout, and a port never writes timeout logic. The point is fixed when the
 * call first waits, so the fast path reads no clock.
 */
#include "core.h"

#include <limits.h>

struct spc_deadline spc_deadline_in(int timeout_ms)
{
    struct spc_deadline d = {0, timeout_ms, false};
    return d;
}

int spc_timeout_unpack(uint16_t code)
{
    if (code == SPC_TIMEOUT_FOREVER)
        return SP_FOREVER;
    if (code <= SPC_TIMEOUT_EXACT_MAX)
        return code;
    unsigned e = (code >> SPC_TIMEOUT_MANTISSA_BITS) & 15u;
    uint32_t units = 2048u + (code & ((1u << SPC_TIMEOUT_MANTISSA_BITS) - 1u));
    return (int)(units << (e + 4));
}

int spc_deadline_left(sp_stack *stack, struct spc_deadline *d)
{
    if (d->timeout_ms < 0)
        return SP_FOREVER;
    if (!spc_port_has_clock(stack))
        return 0; /* a port without a clock cannot wait for a time: only look */
    int64_t now = spc_port_clock_ms(stack);
    if (!d->fixed) {
        d->at_ms = now + d->timeout_ms;
        d->fixed = true;
    }
    int64_t left = d->at_ms - now;
    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

int spc_wait(struct spc_socket *s, short events, struct spc_deadline *d)
{
    int left = spc_deadline_left(s->stack, d);
    if (left == 0)
        return SP_ETIMEDOUT;
    /* A service with a timer (RDM retransmissions) must run when it is due,
     * and one that holds unsent bytes must hear when the stream takes them. */
    const struct spc_service *service = spc_service_of(s);
    if (service != NULL) {
        int timer = service->timer_ms(s);
        /* Unsigned, SP_FOREVER (-1) is later than any time, and a timer of -1 never is sooner. */
        if ((unsigned)timer < (unsigned)left)
            left = timer;
        events |= service->wants(s);
        if (service->wait_events != NULL)
            events = service->wait_events(s, events);
    }
    struct sp_port_pollent ent = {s->native, events, 0};
    int rc = spc_port_poll(s->stack, &ent, 1, left);
    return rc < 0 ? rc : 0;
}
