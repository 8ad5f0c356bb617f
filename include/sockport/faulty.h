/**
 * @file
 * @brief A fault-injecting stack: wraps any stack and drops, duplicates,
 *        reorders and delays the datagrams its sockets send.
 *
 * For testing how code behaves under loss, on any port, deterministically:
 * the faults come from a seeded generator, so a failing run can be replayed.
 * Streams pass through untouched (their stack already repairs loss); only
 * datagram and raw sends are affected, and with them everything built on
 * datagrams (SP_SOCK_RDM).
 *
 * @code
 * static struct sp_faulty lossy;
 * struct sp_faulty_config cfg = {.seed = 42, .drop_permille = 200, .duplicate_permille = 200};
 * sp_stack *stack = sp_faulty_wrap(&lossy, sp_default_stack(), &cfg);
 * int sock = sp_socket_on(stack, SP_AF_INET, SP_SOCK_RDM, 0);
 * @endcode
 */
#ifndef SOCKPORT_FAULTY_H
#define SOCKPORT_FAULTY_H

#include <stdbool.h>

#include <sockport/port.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest datagram the shim can hold back for delay or reordering; larger
 *  ones that would be held are sent at once instead. */
#ifndef SP_FAULTY_MAX_HELD_BYTES
#define SP_FAULTY_MAX_HELD_BYTES 1536
#endif
/** Datagrams held back at once (per wrapped stack). */
#ifndef SP_FAULTY_MAX_HELD
#define SP_FAULTY_MAX_HELD 32
#endif

/** What goes wrong, in parts per thousand of the datagrams sent. */
struct sp_faulty_config {
    uint32_t seed;               /**< the generator's seed; 0 is taken as 1 */
    uint16_t drop_permille;      /**< lost: reported as sent, never delivered */
    uint16_t duplicate_permille; /**< delivered twice */
    uint16_t reorder_permille;   /**< held back until the socket's next datagram has gone */
    uint16_t delay_permille;     /**< held back for delay_min_ms..delay_max_ms */
    uint32_t delay_min_ms;
    uint32_t delay_max_ms;
};

/** What the shim did. */
struct sp_faulty_stats {
    uint32_t datagrams; /**< datagram sends seen */
    uint32_t dropped;
    uint32_t duplicated;
    uint32_t reordered;
    uint32_t delayed;
    uint32_t held_full; /**< would have been held, but no room: sent at once */
};

struct sp_faulty_held {
    bool in_use;
    bool after_next; /**< reordered: goes after the socket's next datagram */
    sp_port_sock sock;
    int64_t due_ms;
    sp_addr to;
    bool has_to;
    uint16_t len;
    uint8_t data[SP_FAULTY_MAX_HELD_BYTES];
};

/** The shim's state. Treat as opaque; the caller provides the storage. */
struct sp_faulty {
    sp_stack stack;
    sp_stack *inner;
    struct sp_faulty_config config;
    uint32_t rng;
    struct sp_faulty_stats stats;
    uint8_t socket_type[SP_MAX_SOCKETS]; /**< by the shim's own socket index; 0 = free */
    sp_port_sock inner_sock[SP_MAX_SOCKETS];
    /** A wait's scratch: the shim's socket of each entry while the inner stack
     *  sees its own (one entry per socket, so one per slot is enough). */
    sp_port_sock poll_outer[SP_MAX_SOCKETS];
    struct sp_faulty_held held[SP_FAULTY_MAX_HELD];
};

/**
 * @brief Wrap @p inner in a fault-injecting stack.
 * @param[out] faulty  storage for the shim; must outlive every socket on it.
 * @param[in]  inner   any started stack.
 * @param[in]  config  the faults; copied.
 * @return the wrapping stack (use it with sp_socket_on()); NULL if a pointer
 *         is NULL or a permille is over 1000 or delay_min_ms > delay_max_ms.
 */
sp_stack *sp_faulty_wrap(struct sp_faulty *faulty, sp_stack *inner,
                         const struct sp_faulty_config *config);

/**
 * @brief What the shim has done so far.
 * @return 0; SP_EINVAL if a pointer is NULL.
 */
int sp_faulty_get_stats(const struct sp_faulty *faulty, struct sp_faulty_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_FAULTY_H */
