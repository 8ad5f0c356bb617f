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

#include <assert.h>

#define SPC_INDEX_MASK ((1u << SPC_INDEX_BITS) - 1u)

/* Not static: core.h's inline spc_lookup() reads it (every call's first step). */
struct spc_socket spc_table[SP_MAX_SOCKETS];
/* Free slots, oldest release first: a list threaded through the free slots
 * themselves, so that it costs no RAM per socket. Positions are byte offsets
 * in the table (no multiplying or dividing by the slot's size): a free
 * slot's native field holds how many bytes on from the slot after it the
 * next free slot is, and the list's end is kept as its distance back from
 * the table's last slot. So the zeroed table at start-up already is the list
 * of every slot in order, and nothing has to set it up. Where the list ends
 * is known from the count of slots off it. With the table's statistics in
 * one structure, so that code reaches them all from one address. */
static struct {
    uintptr_t head;      /* offset of the free slot claimed next, when any is free */
    uintptr_t tail_back; /* offset of the table's last slot - that of the slot released last */
    uint32_t taken;      /* slots off the list: in use, or retired */
    /* For sp_get_table_stats(): a server sees how close it came to a full table. */
    uint32_t peak_in_use;
    uint32_t full_refusals;
} spc_free;

/* The slot @p offset bytes into the table (a multiple of the slot's size, so
 * aligned as the table is). */
static struct spc_socket *spc_slot_at(uintptr_t offset)
{
    return (struct spc_socket *)(void *)((char *)spc_table + offset);
}

/* The byte offset of the table's last slot. */
#define SPC_LAST_OFFSET ((uintptr_t)(SP_MAX_SOCKETS - 1) * sizeof(struct spc_socket))

bool spc_has_free_slot(void)
{
    if (spc_free.taken < SP_MAX_SOCKETS)
        return true;
    /* Every caller refuses its socket with SP_EMFILE now. */
    spc_free.full_refusals++;
    return false;
}

int sp_get_table_stats(sp_table_stats *out)
{
    if (out == NULL)
        return SP_EINVAL;
    out->in_use = spc_free.taken;
    out->max = SP_MAX_SOCKETS;
    out->peak = spc_free.peak_in_use;
    out->refused = spc_free.full_refusals;
    return 0;
}

struct spc_socket *spc_find(int handle)
{
    uint32_t index = (uint32_t)handle & SPC_INDEX_MASK;
    if ((uint32_t)SP_MAX_SOCKETS < (1u << SPC_INDEX_BITS) && index >= (uint32_t)SP_MAX_SOCKETS)
        return NULL;
    struct spc_socket *s = &spc_table[index];
    /* No test of the sign: a negative handle's generation is above
     * SPC_GENERATION_MAX, which no slot reaches. */
    return s->in_use && s->generation == (uint32_t)handle >> SPC_INDEX_BITS ? s : NULL;
}

int spc_handle_of(const struct spc_socket *s)
{
    uint32_t index = (uint32_t)(s - spc_table);
    return (int)((s->generation << SPC_INDEX_BITS) | index);
}

struct spc_socket *spc_claim(sp_stack *stack, sp_port_sock native, int family, int type,
                             int protocol)
{
    assert(spc_free.taken < SP_MAX_SOCKETS); /* the caller's spc_has_free_slot() */
    struct spc_socket *s = spc_slot_at(spc_free.head);
    spc_free.head += sizeof *s + (uintptr_t)s->native;
    if (++spc_free.taken > spc_free.peak_in_use)
        spc_free.peak_in_use = spc_free.taken;
    /* Generation 0 is never issued, so a zeroed int is never a valid handle. */
    uint32_t generation = s->generation == 0 ? 1 : s->generation;
    /* Every field by name instead of a memset and then some: the compiler
     * merges these into a few whole-word stores. */
    s->stack = stack;
    s->native = native;
    s->generation = generation;
    s->rcv_timeout = SPC_TIMEOUT_FOREVER;
    s->snd_timeout = SPC_TIMEOUT_FOREVER;
    s->service = 0;
    s->failure = 0;
    s->fast = 0;
    s->in_use = true;
    s->shut_rd = false;
    s->shut_wr = false;
    s->nonblocking = false;
    s->bound = false;
    s->port_chosen = false;
    s->framed = false;
    s->connect_unreported = false;
    s->protocol = (uint8_t)protocol; /* 0..255: sp_socket_on() checked */
    s->poller = 0;
    s->family = (uint8_t)family;
    s->type = (unsigned)type & 7u;
    s->state = SPC_IDLE;
    s->poll_events = 0;
#if SP_KEEP_PEERS
    spc_peer_forget(s);
#endif
    spc_fast_update(s);
    return s;
}

void spc_release(struct spc_socket *s)
{
    s->in_use = false;
    s->stack = NULL;
    s->fast = 0;
    if (s->generation >= SPC_GENERATION_MAX)
        return; /* retired: its every handle has been issued once */
    s->generation++;
    uintptr_t offset = (uintptr_t)((char *)s - (char *)spc_table);
    if (spc_free.taken-- == SP_MAX_SOCKETS) {
        spc_free.head = offset; /* the list was empty */
    } else {
        uintptr_t tail = SPC_LAST_OFFSET - spc_free.tail_back;
        spc_slot_at(tail)->native = (sp_port_sock)(offset - tail - sizeof *s);
    }
    spc_free.tail_back = SPC_LAST_OFFSET - offset;
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
