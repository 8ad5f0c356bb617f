/*
 * The socket table: a fixed array sized at build time, so no heap is needed.
 * Handles carry the slot's generation in their upper bits; closing a socket
 * bumps the generation, so an old handle no longer matches and gets SP_EBADF
 * instead of reaching whatever socket reuses the slot.
 *
 * A generation must never repeat, or an old handle would match again: a slot
 * that has issued SPC_GENERATION_MAX retires instead of wrapping. Free slots
 * wait in a FIFO, so every slot is used in turn and each retires as late as
 * possible (after about 2^31 sockets in all, see SP_MAX_SOCKETS).
 */
#include "core.h"

#include <string.h>

#define SPC_INDEX_MASK ((1u << SPC_INDEX_BITS) - 1u)

/* Not static: core.h's inline spc_lookup() reads it (every call's first step). */
struct spc_socket spc_table[SP_MAX_SOCKETS];
/* Free slots, oldest release first: a list threaded through the free slots
 * themselves (each free slot's native field holds the next one's index), so
 * that it costs no RAM per socket. Filled with every slot on first use.
 * With the table's statistics in one structure, so that code reaches them
 * all from one address. */
#define SPC_FREE_END ((sp_port_sock)-1)
static struct {
    sp_port_sock head;
    sp_port_sock tail;
    uint32_t count;
    bool ready;
    /* For sp_get_table_stats(): a server sees how close it came to a full table. */
    uint32_t peak_in_use;
    uint32_t full_refusals;
} spc_free;

static void spc_free_init(void)
{
    if (spc_free.ready)
        return;
    for (uint32_t i = 0; i < SP_MAX_SOCKETS; i++)
        spc_table[i].native = i + 1 < SP_MAX_SOCKETS ? (sp_port_sock)(i + 1) : SPC_FREE_END;
    spc_free.head = 0;
    spc_free.tail = SP_MAX_SOCKETS - 1;
    spc_free.count = SP_MAX_SOCKETS;
    spc_free.ready = true;
}

bool spc_has_free_slot(void)
{
    spc_free_init();
    if (spc_free.count > 0)
        return true;
    /* Every caller refuses its socket with SP_EMFILE now. */
    spc_free.full_refusals++;
    return false;
}

static uint32_t spc_count_in_use(void)
{
    spc_free_init();
    return SP_MAX_SOCKETS - spc_free.count;
}

int sp_get_table_stats(sp_table_stats *out)
{
    if (out == NULL)
        return SP_EINVAL;
    out->in_use = spc_count_in_use();
    out->max = SP_MAX_SOCKETS;
    out->peak = spc_free.peak_in_use;
    out->refused = spc_free.full_refusals;
    return 0;
}

struct spc_socket *spc_find(int handle)
{
    struct spc_socket *s;
    spc_lookup(handle, &s);
    return s;
}

int spc_handle_of(const struct spc_socket *s)
{
    uint32_t index = (uint32_t)(s - spc_table);
    return (int)((s->generation << SPC_INDEX_BITS) | index);
}

int spc_claim(sp_stack *stack, sp_port_sock native, int family, int type, int protocol)
{
    spc_free_init();
    if (spc_free.count == 0)
        return SP_EMFILE;
    struct spc_socket *s = &spc_table[spc_free.head];
    spc_free.head = s->native;
    if (--spc_free.count == 0)
        spc_free.tail = SPC_FREE_END;
    uint32_t in_use = SP_MAX_SOCKETS - spc_free.count;
    if (in_use > spc_free.peak_in_use)
        spc_free.peak_in_use = in_use;
    /* Generation 0 is never issued, so a zeroed int is never a valid handle. */
    uint32_t generation = s->generation == 0 ? 1 : s->generation;
    memset(s, 0, sizeof(*s));
    s->generation = generation;
    s->in_use = true;
    s->stack = stack;
    s->native = native;
    s->family = (uint8_t)family;
    s->type = (unsigned)type & 7u;
    s->protocol = (uint8_t)protocol; /* 0..255: sp_socket_on() checked */
    s->state = SPC_IDLE;
    s->rcv_timeout = SPC_TIMEOUT_FOREVER;
    s->snd_timeout = SPC_TIMEOUT_FOREVER;
#if SP_KEEP_PEERS
    spc_peer_forget(s);
#endif
    spc_fast_update(s);
    return spc_handle_of(s);
}

void spc_release(struct spc_socket *s)
{
    s->in_use = false;
    s->stack = NULL;
    s->fast = 0;
    if (s->generation >= SPC_GENERATION_MAX)
        return; /* retired: its every handle has been issued once */
    s->generation++;
    sp_port_sock index = (sp_port_sock)(s - spc_table);
    s->native = SPC_FREE_END;
    if (spc_free.count++ == 0)
        spc_free.head = index;
    else
        spc_table[spc_free.tail].native = index;
    spc_free.tail = index;
}

int spc_test_set_generation(int index, uint32_t generation)
{
    if (index < 0 || index >= SP_MAX_SOCKETS || spc_table[index].in_use || generation == 0 ||
        generation > SPC_GENERATION_MAX)
        return SP_EINVAL;
    spc_table[index].generation = generation;
    return 0;
}

struct spc_socket *spc_slot(int index)
{
    return &spc_table[index];
}
