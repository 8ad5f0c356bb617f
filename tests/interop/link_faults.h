/* Seeded loss, duplication and reordering of the frames crossing the interop
 * TAP link, one instance per direction. The kernel has no netem inside the
 * test's namespace, so the test's own TAP reader and writer apply them.
 *
 * Only frames carrying TCP or UDP are touched: ARP, neighbour discovery and
 * ICMP pass as they are, so the faults hit the transports under test rather
 * than address resolution. */
#ifndef SOCKPORT_TESTS_LINK_FAULTS_H
#define SOCKPORT_TESTS_LINK_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#define LINK_FRAME_MAX 1518

/** Chances per thousand frames; all zero passes every frame untouched. */
struct link_faults_config {
    unsigned loss_permille;
    unsigned duplicate_permille;
    unsigned reorder_permille;
    uint64_t seed;
};

struct link_faults_counts {
    uint64_t frames;     /**< TCP/UDP frames offered */
    uint64_t dropped;    /**< of which lost */
    uint64_t duplicated; /**< delivered twice */
    uint64_t reordered;  /**< held back behind the next frame */
};

/** Where a direction's surviving frames go (the TAP device, or lwIP). */
typedef void (*link_deliver_fn)(void *ctx, const uint8_t *frame, size_t len);

struct link_faults {
    struct link_faults_config config;
    uint64_t rng;
    link_deliver_fn deliver;
    void *ctx;
    uint8_t held[LINK_FRAME_MAX]; /* a frame waiting to come after the next one */
    size_t held_len;
    int64_t held_since_ms;
    struct link_faults_counts counts;
};

void link_faults_init(struct link_faults *dir, link_deliver_fn deliver, void *ctx);
/** New chances and seed, counts back to zero; a held frame is delivered first. */
void link_faults_configure(struct link_faults *dir, const struct link_faults_config *config);
/** Pass one frame across the link: delivered, dropped, doubled or held back. */
void link_faults_pass(struct link_faults *dir, const uint8_t *frame, size_t len, int64_t now_ms);
/** Deliver a frame held back longer than @p max_hold_ms, so that reordering
 *  never turns into loss when no later frame comes. */
void link_faults_flush(struct link_faults *dir, int64_t now_ms, int64_t max_hold_ms);

#endif
