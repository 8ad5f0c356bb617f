/* See link_faults.h. */
#include "link_faults.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define PROTO_TCP 6
#define PROTO_UDP 17

/* splitmix64: small, seedable, and the same sequence on every machine. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int happens(struct link_faults *dir, unsigned permille)
{
    return permille > 0 && next_random(&dir->rng) % 1000 < permille;
}

static int carries_transport(const uint8_t *frame, size_t len)
{
    if (len < 14)
        return 0;
    unsigned type = (unsigned)frame[12] << 8 | frame[13];
    unsigned proto;
    if (type == ETHERTYPE_IPV4 && len >= 14 + 20)
        proto = frame[14 + 9];
    else if (type == ETHERTYPE_IPV6 && len >= 14 + 40)
        proto = frame[14 + 6]; /* the next header; no extension headers here */
    else
        return 0;
    return proto == PROTO_TCP || proto == PROTO_UDP;
}

void link_faults_init(struct link_faults *dir, link_deliver_fn deliver, void *ctx)
{
    memset(dir, 0, sizeof(*dir));
    dir->deliver = deliver;
    dir->ctx = ctx;
}

static void release_held(struct link_faults *dir)
{
    if (dir->held_len > 0) {
        size_t len = dir->held_len;
        dir->held_len = 0;
        dir->deliver(dir->ctx, dir->held, len);
    }
}

void link_faults_configure(struct link_faults *dir, const struct link_faults_config *config)
{
    release_held(dir);
    dir->config = *config;
    dir->rng = config->seed;
    memset(&dir->counts, 0, sizeof(dir->counts));
}

void link_faults_pass(struct link_faults *dir, const uint8_t *frame, size_t len, int64_t now_ms)
{
    const struct link_faults_config *c = &dir->config;
    if (len > LINK_FRAME_MAX || !carries_transport(frame, len) ||
        (c->loss_permille | c->duplicate_permille | c->reorder_permille) == 0) {
        dir->deliver(dir->ctx, frame, len);
        return;
    }
    dir->counts.frames++;
    if (happens(dir, c->loss_permille)) {
        dir->counts.dropped++;
        return;
    }
    if (dir->held_len == 0 && happens(dir, c->reorder_permille)) {
        dir->counts.reordered++;
        memcpy(dir->held, frame, len);
        dir->held_len = len;
        dir->held_since_ms = now_ms;
        return;
    }
    dir->deliver(dir->ctx, frame, len);
    if (happens(dir, c->duplicate_permille)) {
        dir->counts.duplicated++;
        dir->deliver(dir->ctx, frame, len);
    }
    release_held(dir); /* the held frame overtaken by this one */
}

void link_faults_flush(struct link_faults *dir, int64_t now_ms, int64_t max_hold_ms)
{
    if (dir->held_len > 0 && now_ms - dir->held_since_ms >= max_hold_ms)
        release_held(dir);
}
