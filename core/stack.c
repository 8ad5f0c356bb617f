/* Stacks: the default one, and the calls that act on a stack as a whole. */
#include "core.h"

/* The one sp_set_default_stack() chose, and the port's, built on first use:
 * together, so that code reaches both from one address. */
static struct {
    sp_stack *chosen;
    sp_stack *built;
} spc_default;

sp_stack *sp_default_stack(void)
{
    if (spc_default.chosen != NULL)
        return spc_default.chosen;
    if (spc_default.built == NULL)
        spc_default.built = sp_port_default_stack();
    return spc_default.built;
}

void sp_set_default_stack(sp_stack *stack)
{
    spc_default.chosen = stack;
}

const char *sp_stack_name(const sp_stack *stack)
{
    return stack == NULL ? "(none)" : spc_port_name(stack);
}

int sp_stack_pump(sp_stack *stack, int timeout_ms)
{
    if (stack == NULL || timeout_ms < -1)
        return SP_EINVAL;
    int rc = spc_port_poll(stack, NULL, 0, timeout_ms);
    return rc < 0 ? rc : 0;
}

int64_t sp_stack_now_ms(sp_stack *stack)
{
    return stack == NULL ? 0 : spc_port_now_ms(stack);
}
