/*
 * The socket table: a fixed array sized at build time, so no heap is needed.
 * Handles carry the slot's generation in their upper bits; closing a socket
 * bumps the generation, so an old handle no longer matches and gets SP_EBADF
 * instead of reaching whatever socket reuses the slot.
 */
#include "core.h"

#include <string.h>

#define SPC_INDEX_MASK ((1u << SPC_INDEX_BITS) - 1u)

static struct spc_socket spc_table[SP_MAX_SOCKETS];

int spc_lookup(int handle, struct spc_socket **out)
{
    if (handle < 0)
        return SP_EBADF;
    uint32_t index = (uint32_t)handle & SPC_INDEX_MASK;
    uint32_t generation = (uint32_t)handle >> SPC_INDEX_BITS;
    if (index >= SP_MAX_SOCKETS)
        return SP_EBADF;
    struct spc_socket *s = &spc_table[index];
    if (!s->in_use || s->generation != generation)
        return SP_EBADF;
    *out = s;
    return 0;
}

bool spc_has_free_slot(void)
{
    for (int i = 0; i < SP_MAX_SOCKETS; i++)
        if (!spc_table[i].in_use)
            return true;
    return false;
}

int spc_handle_of(const struct spc_socket *s)
{
    uint32_t index = (uint32_t)(s - spc_table);
    return (int)((s->generation << SPC_INDEX_BITS) | index);
}

int spc_claim(sp_stack *stack, sp_port_sock native, int family, int type, int protocol)
{
    for (int i = 0; i < SP_MAX_SOCKETS; i++) {
        struct spc_socket *s = &spc_table[i];
        if (s->in_use)
            continue;
        uint32_t generation = s->generation;
        memset(s, 0, sizeof(*s));
        /* Generation 0 is never issued, so a zeroed int is never a valid handle. */
        s->generation = (generation >= SPC_GENERATION_MAX || generation == 0) ? 1 : generation;
        s->in_use = true;
        s->stack = stack;
        s->native = native;
        s->family = (uint8_t)family;
        s->type = (uint8_t)type;
        s->protocol = protocol;
        s->state = SPC_IDLE;
        s->rcv_timeout_ms = SP_FOREVER;
        s->snd_timeout_ms = SP_FOREVER;
        return spc_handle_of(s);
    }
    return SP_EMFILE;
}

void spc_release(struct spc_socket *s)
{
    s->in_use = false;
    s->stack = NULL;
    s->generation = s->generation >= SPC_GENERATION_MAX ? 1 : s->generation + 1;
}

struct spc_socket *spc_slot(int index)
{
    return &spc_table[index];
}
