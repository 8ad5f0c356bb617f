/*
 * Acknowledged datagrams (RDM), built once over any port's datagram sockets.
 * Wire format and guarantees: docs/rdm.md. In short: every data datagram
 * carries the sender's session, a sequence number and a floor (the lowest
 * sequence the sender may still retransmit); the receiver acknowledges what it
 * stored, drops what it has seen, and forgets everything below the floor.
 * The sender retransmits with doubling timeouts until acknowledged or until
 * the message's time is up, and reports either outcome.
 */
#include "core.h"

#include <string.h>

#define SPC_RDM_VERSION 1
#define SPC_RDM_KIND_DATA 1
#define SPC_RDM_KIND_ACK 2
#define SPC_RDM_HEADER 16
#define SPC_RDM_SEQ_SPAN 64 /* receiver's duplicate window, and the sender's limit */
/* As deep as a sender's window, so that a reader draining between polls does
 * not turn a burst into retransmissions. */
#define SPC_RDM_RX_QUEUE SP_RDM_WINDOW
#define SPC_RDM_PEERS 8
#define SPC_RDM_REPORTS 32
#define SPC_RDM_RTO_MAX_MS 1000
#define SPC_RDM_DEFAULT_TIMEOUT_MS 3000
#define SPC_RDM_DEFAULT_RTO_MS 50
/* Datagrams handled per turn, so one busy socket cannot hold a caller forever. */
#define SPC_RDM_BATCH 64

struct spc_rdm_outgoing {
    bool in_use;
    uint32_t seq;
    uint32_t rto_ms;
    int64_t next_try_ms;
    int64_t give_up_ms;
    sp_addr to;
    uint16_t len;
    uint8_t payload[SP_RDM_MAX_MESSAGE];
};

struct spc_rdm_incoming {
    uint16_t len;
    sp_addr from;
    uint8_t payload[SP_RDM_MAX_MESSAGE];
};

/* What the receiver remembers of one sender session. */
struct spc_rdm_peer {
    bool in_use;
    sp_addr addr;
    uint32_t session;
    uint32_t next;       /* every sequence below this one is done with */
    uint64_t seen_above; /* bit i: sequence next + i was stored */
    int64_t last_used_ms;
};

struct spc_rdm {
    bool in_use;
    uint32_t session;
    uint32_t next_seq;
    uint32_t timeout_ms;
    uint32_t rto_ms;
    struct spc_rdm_outgoing out[SP_RDM_WINDOW];
    struct spc_rdm_incoming in[SPC_RDM_RX_QUEUE];
    uint8_t in_head, in_count;
    struct spc_rdm_peer peers[SPC_RDM_PEERS];
    sp_rdm_report reports[SPC_RDM_REPORTS];
    uint8_t report_head, report_count;
    sp_rdm_stats stats;
    uint8_t datagram[SPC_RDM_HEADER + SP_RDM_MAX_MESSAGE];
};

#if SP_RDM_MAX_SOCKETS > SPC_SERVICE_INDEX_MAX + 1
#error "SP_RDM_MAX_SOCKETS must fit a slot's service index (core.h)"
#endif
static struct spc_rdm spc_rdm_pool[SP_RDM_MAX_SOCKETS];
#define SPC_RDM_SEED_AT_BOOT 0x9e3779b9u
/* Only for ports without entropy: a reboot starts it again (docs/rdm.md). */
static uint32_t spc_rdm_seed = SPC_RDM_SEED_AT_BOOT;

/* Sequence numbers wrap after 2^32 messages: they are compared as serial
 * numbers (RFC 1982), by the sign of their 32-bit difference, never with <. */
static bool spc_seq_before(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static struct spc_rdm *spc_rdm(struct spc_socket *s)
{
    return &spc_rdm_pool[spc_service_index(s)];
}

static int64_t spc_rdm_now(struct spc_socket *s)
{
    return spc_port_now_ms(s->stack);
}

static void spc_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t spc_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void spc_rdm_header(uint8_t *p, int kind, uint32_t session, uint32_t seq, uint32_t floor)
{
    p[0] = SPC_RDM_VERSION;
    p[1] = (uint8_t)kind;
    p[2] = 0;
    p[3] = 0;
    spc_put32(p + 4, session);
    spc_put32(p + 8, seq);
    spc_put32(p + 12, floor);
}

/* The lowest sequence this sender may still transmit: older ones are settled. */
static uint32_t spc_rdm_floor(const struct spc_rdm *r)
{
    uint32_t floor = r->next_seq;
    for (int i = 0; i < SP_RDM_WINDOW; i++)
        if (r->out[i].in_use && spc_seq_before(r->out[i].seq, floor))
            floor = r->out[i].seq;
    return floor;
}

static void spc_rdm_report_add(struct spc_rdm *r, uint32_t id, int result)
{
    if (r->report_count == SPC_RDM_REPORTS) {
        r->report_head = (uint8_t)((r->report_head + 1) % SPC_RDM_REPORTS);
        r->report_count--;
        r->stats.reports_lost++;
    }
    int at = (r->report_head + r->report_count) % SPC_RDM_REPORTS;
    r->reports[at].id = id;
    r->reports[at].result = result;
    r->report_count++;
}

static void spc_rdm_transmit(struct spc_socket *s, struct spc_rdm_outgoing *o)
{
    struct spc_rdm *r = spc_rdm(s);
    spc_rdm_header(r->datagram, SPC_RDM_KIND_DATA, r->session, o->seq, spc_rdm_floor(r));
    memcpy(r->datagram + SPC_RDM_HEADER, o->payload, o->len);
    /* A lost or refused send is just another loss: the retransmission covers it. */
    spc_port_send(s->stack, s->native, r->datagram, SPC_RDM_HEADER + o->len, 0, &o->to);
    r->stats.transmissions++;
}

static void spc_rdm_send_ack(struct spc_socket *s, const sp_addr *to, uint32_t session,
                             uint32_t seq)
{
    uint8_t ack[SPC_RDM_HEADER];
    spc_rdm_header(ack, SPC_RDM_KIND_ACK, session, seq, 0);
    spc_port_send(s->stack, s->native, ack, sizeof(ack), 0, to);
}

static struct spc_rdm_peer *spc_rdm_peer_for(struct spc_socket *s, const sp_addr *from,
                                             uint32_t session, uint32_t floor)
{
    struct spc_rdm *r = spc_rdm(s);
    struct spc_rdm_peer *oldest = &r->peers[0];
    for (int i = 0; i < SPC_RDM_PEERS; i++) {
        struct spc_rdm_peer *p = &r->peers[i];
        if (p->in_use && p->session == session && sp_addr_equal(&p->addr, from)) {
            p->last_used_ms = spc_rdm_now(s);
            return p;
        }
        if (!p->in_use || (oldest->in_use && p->last_used_ms < oldest->last_used_ms))
            oldest = p;
    }
    /* A new session (or one evicted: its stale duplicates may then be delivered
     * again; SPC_RDM_PEERS bounds how many senders are tracked at once). */
    memset(oldest, 0, sizeof(*oldest));
    oldest->in_use = true;
    oldest->addr = *from;
    oldest->session = session;
    oldest->next = floor;
    oldest->last_used_ms = spc_rdm_now(s);
    return oldest;
}

/* Moves the peer's window so that it starts at @p next or later. */
static void spc_rdm_peer_advance(struct spc_rdm_peer *p, uint32_t next)
{
    if (spc_seq_before(p->next, next)) {
        uint32_t shift = next - p->next;
        p->seen_above = shift >= 64 ? 0 : p->seen_above >> shift;
        p->next = next;
    }
    while (p->seen_above & 1u) {
        p->seen_above >>= 1;
        p->next++;
    }
}

static void spc_rdm_take_data(struct spc_socket *s, const uint8_t *d, size_t len,
                              const sp_addr *from)
{
    struct spc_rdm *r = spc_rdm(s);
    uint32_t session = spc_get32(d + 4), seq = spc_get32(d + 8), floor = spc_get32(d + 12);
    if (spc_seq_before(seq, floor)) {
        r->stats.malformed++; /* a sender never settles a message it is still sending */
        return;
    }
    struct spc_rdm_peer *p = spc_rdm_peer_for(s, from, session, floor);
    spc_rdm_peer_advance(p, floor);
    bool behind = spc_seq_before(seq, p->next);
    bool ahead = !behind && seq - p->next >= SPC_RDM_SEQ_SPAN;
    if (behind || (!ahead && (p->seen_above >> (seq - p->next) & 1u))) {
        r->stats.duplicates++;
        spc_rdm_send_ack(s, from, session, seq);
        return;
    }
    if (ahead || r->in_count == SPC_RDM_RX_QUEUE) {
        r->stats.overrun++; /* not acknowledged: the sender will try again */
        return;
    }
    struct spc_rdm_incoming *in = &r->in[(r->in_head + r->in_count) % SPC_RDM_RX_QUEUE];
    in->len = (uint16_t)(len - SPC_RDM_HEADER);
    in->from = *from;
    memcpy(in->payload, d + SPC_RDM_HEADER, in->len);
    r->in_count++;
    p->seen_above |= (uint64_t)1u << (seq - p->next);
    spc_rdm_peer_advance(p, p->next);
    spc_rdm_send_ack(s, from, session, seq);
}

static void spc_rdm_take_ack(struct spc_socket *s, const uint8_t *d, const sp_addr *from)
{
    struct spc_rdm *r = spc_rdm(s);
    if (spc_get32(d + 4) != r->session)
        return; /* for an earlier socket that used this port */
    uint32_t seq = spc_get32(d + 8);
    for (int i = 0; i < SP_RDM_WINDOW; i++) {
        struct spc_rdm_outgoing *o = &r->out[i];
        if (o->in_use && o->seq == seq && sp_addr_equal(&o->to, from)) {
            o->in_use = false;
            r->stats.delivered++;
            spc_rdm_report_add(r, seq, 0);
            return;
        }
    }
}

/* Handles what arrived and what is due: the whole protocol, without waiting. */
static void spc_rdm_run(struct spc_socket *s)
{
    struct spc_rdm *r = spc_rdm(s);
    for (int n = 0; n < SPC_RDM_BATCH; n++) {
        sp_addr from;
        ptrdiff_t len =
            spc_port_recv(s->stack, s->native, r->datagram, sizeof(r->datagram), 0, &from);
        if (len == SP_EAGAIN)
            break;
        if (len < 0)
            continue; /* an ICMP error of an earlier send: retransmissions handle it */
        const uint8_t *d = r->datagram;
        bool sized = len >= SPC_RDM_HEADER && (size_t)len <= sizeof(r->datagram);
        if (!sized || d[0] != SPC_RDM_VERSION || d[2] != 0 || d[3] != 0)
            r->stats.malformed++;
        else if (d[1] == SPC_RDM_KIND_DATA)
            spc_rdm_take_data(s, d, (size_t)len, &from);
        else if (d[1] == SPC_RDM_KIND_ACK && len == SPC_RDM_HEADER)
            spc_rdm_take_ack(s, d, &from);
        else
            r->stats.malformed++;
    }

    int64_t now = spc_rdm_now(s);
    for (int i = 0; i < SP_RDM_WINDOW; i++) {
        struct spc_rdm_outgoing *o = &r->out[i];
        if (!o->in_use)
            continue;
        if (now >= o->give_up_ms) {
            o->in_use = false;
            r->stats.timed_out++;
            spc_rdm_report_add(r, o->seq, SP_ETIMEDOUT);
        } else if (now >= o->next_try_ms) {
            spc_rdm_transmit(s, o);
            r->stats.retransmissions++;
            o->rto_ms = o->rto_ms * 2 > SPC_RDM_RTO_MAX_MS ? SPC_RDM_RTO_MAX_MS : o->rto_ms * 2;
            o->next_try_ms = now + o->rto_ms;
        }
    }
}

static struct spc_rdm_outgoing *spc_rdm_free_slot(struct spc_rdm *r)
{
    if (r->next_seq - spc_rdm_floor(r) >= SPC_RDM_SEQ_SPAN)
        return NULL; /* the receiver could not tell the new sequence from an old one */
    for (int i = 0; i < SP_RDM_WINDOW; i++)
        if (!r->out[i].in_use)
            return &r->out[i];
    return NULL;
}

static ptrdiff_t spc_rdm_send(struct spc_socket *s, const void *buf, size_t len, const sp_addr *to)
{
    struct spc_rdm *r = spc_rdm(s);
    if (len > SP_RDM_MAX_MESSAGE)
        return SP_EMSGSIZE;
    sp_addr peer;
    if (to == NULL) {
        int rc = spc_port_peer_addr(s->stack, s->native, &peer);
        if (rc < 0)
            return rc;
        to = &peer;
    }
    spc_rdm_run(s);
    struct spc_rdm_outgoing *o = spc_rdm_free_slot(r);
    if (o == NULL)
        return SP_EAGAIN;
    int64_t now = spc_rdm_now(s);
    o->in_use = true;
    o->seq = r->next_seq++;
    o->to = *to;
    o->len = (uint16_t)len;
    if (len > 0)
        memcpy(o->payload, buf, len);
    o->rto_ms = r->rto_ms;
    o->next_try_ms = now + o->rto_ms;
    o->give_up_ms = now + r->timeout_ms;
    r->stats.sent++;
    spc_rdm_transmit(s, o);
    return (ptrdiff_t)len;
}

static ptrdiff_t spc_rdm_recv(struct spc_socket *s, void *buf, size_t len, int flags, sp_addr *from)
{
    struct spc_rdm *r = spc_rdm(s);
    spc_rdm_run(s);
    if (r->in_count == 0)
        return SP_EAGAIN;
    struct spc_rdm_incoming *in = &r->in[r->in_head];
    size_t copied = len < in->len ? len : in->len;
    if (copied > 0)
        memcpy(buf, in->payload, copied);
    if (from != NULL)
        *from = in->from;
    ptrdiff_t full = in->len;
    if (!(flags & SP_MSG_PEEK)) {
        r->in_head = (uint8_t)((r->in_head + 1) % SPC_RDM_RX_QUEUE);
        r->in_count--;
        r->stats.received++;
    }
    return full;
}

static short spc_rdm_poll(struct spc_socket *s, short port_revents)
{
    (void)port_revents; /* the protocol reads the datagram socket itself */
    struct spc_rdm *r = spc_rdm(s);
    spc_rdm_run(s);
    short revents = 0;
    if (r->in_count > 0)
        revents |= SP_POLLIN;
    if (spc_rdm_free_slot(r) != NULL)
        revents |= SP_POLLOUT;
    return revents;
}

static int spc_rdm_timer_ms(struct spc_socket *s)
{
    struct spc_rdm *r = spc_rdm(s);
    int64_t now = spc_rdm_now(s), soonest = -1;
    for (int i = 0; i < SP_RDM_WINDOW; i++) {
        const struct spc_rdm_outgoing *o = &r->out[i];
        if (!o->in_use)
            continue;
        int64_t due = o->next_try_ms < o->give_up_ms ? o->next_try_ms : o->give_up_ms;
        if (soonest < 0 || due < soonest)
            soonest = due;
    }
    if (soonest < 0)
        return -1;
    return soonest <= now ? 0 : (int)(soonest - now);
}

static short spc_rdm_wants(struct spc_socket *s)
{
    (void)s; /* acknowledgements and data both come in; sends never wait */
    return SP_POLLIN;
}

static void spc_rdm_close(struct spc_socket *s)
{
    spc_rdm(s)->in_use = false;
    s->service = 0;
}

static const struct spc_service spc_rdm_service = {
    .send = spc_rdm_send,
    .recv = spc_rdm_recv,
    .poll = spc_rdm_poll,
    .timer_ms = spc_rdm_timer_ms,
    .wants = spc_rdm_wants,
    .drain = NULL,
    .close = spc_rdm_close,
};

/*
 * A session that differs from every earlier socket's at this address, in this
 * run and in every run before it: otherwise a receiver takes the new socket's
 * first messages (sequence 1, 2...) for duplicates of the old one's, and
 * acknowledges them without delivering them. The port's entropy gives that;
 * without it, the clock mixed with a counter at least differs within a run.
 */
static uint32_t spc_rdm_new_session(struct spc_socket *s, int slot)
{
    uint32_t session;
    if (spc_port_entropy(s->stack, &session, sizeof(session)) == 0)
        return session;
    spc_rdm_seed ^= (uint32_t)spc_port_now_ms(s->stack) + (uint32_t)slot;
    spc_rdm_seed ^= spc_rdm_seed << 13;
    spc_rdm_seed ^= spc_rdm_seed >> 17;
    spc_rdm_seed ^= spc_rdm_seed << 5;
    return spc_rdm_seed;
}

void spc_test_rdm_reboot(void)
{
    spc_rdm_seed = SPC_RDM_SEED_AT_BOOT;
}

static int spc_rdm_attach(struct spc_socket *s)
{
    for (int i = 0; i < SP_RDM_MAX_SOCKETS; i++) {
        struct spc_rdm *r = &spc_rdm_pool[i];
        if (r->in_use)
            continue;
        memset(r, 0, sizeof(*r));
        r->in_use = true;
        r->session = spc_rdm_new_session(s, i);
        r->next_seq = 1;
        r->timeout_ms = SPC_RDM_DEFAULT_TIMEOUT_MS;
        r->rto_ms = SPC_RDM_DEFAULT_RTO_MS;
        spc_service_attach(s, SPC_SERVICE_RDM, &spc_rdm_service, (unsigned)i);
        return 0;
    }
    return SP_ENOBUFS;
}

static struct spc_rdm *spc_rdm_of(int sock, int *rc)
{
    struct spc_socket *s;
    *rc = spc_lookup(sock, &s);
    if (*rc < 0)
        return NULL;
    if (spc_service_of(s) != &spc_rdm_service) {
        *rc = SP_EOPNOTSUPP;
        return NULL;
    }
    spc_rdm_run(s);
    return spc_rdm(s);
}

static int spc_rdm_set_option(struct spc_socket *s, int option, int value)
{
    if (spc_service_of(s) != &spc_rdm_service)
        return SP_ENOPROTOOPT;
    if (value < 1)
        return SP_EINVAL;
    if (option == SP_OPT_RDM_TIMEOUT)
        spc_rdm(s)->timeout_ms = (uint32_t)value;
    else
        spc_rdm(s)->rto_ms = (uint32_t)value;
    return 0;
}

static int spc_rdm_get_option(struct spc_socket *s, int option, int *value)
{
    if (spc_service_of(s) != &spc_rdm_service)
        return SP_ENOPROTOOPT;
    *value = (int)(option == SP_OPT_RDM_TIMEOUT ? spc_rdm(s)->timeout_ms : spc_rdm(s)->rto_ms);
    return 0;
}

ptrdiff_t sp_rdm_sendto(int sock, const void *buf, size_t len, const sp_addr *to, uint32_t *id)
{
    int rc;
    struct spc_rdm *r = spc_rdm_of(sock, &rc);
    if (r == NULL)
        return rc;
    uint32_t seq = r->next_seq;
    ptrdiff_t sent = sp_sendto(sock, buf, len, 0, to);
    if (sent >= 0 && id != NULL)
        *id = seq;
    return sent;
}

int sp_rdm_report_take(int sock, sp_rdm_report *out)
{
    int rc;
    struct spc_rdm *r = spc_rdm_of(sock, &rc);
    if (r == NULL)
        return rc;
    if (out == NULL)
        return SP_EINVAL;
    if (r->report_count == 0)
        return 0;
    *out = r->reports[r->report_head];
    r->report_head = (uint8_t)((r->report_head + 1) % SPC_RDM_REPORTS);
    r->report_count--;
    return 1;
}

int sp_rdm_get_stats(int sock, sp_rdm_stats *out)
{
    int rc;
    struct spc_rdm *r = spc_rdm_of(sock, &rc);
    if (r == NULL)
        return rc;
    if (out == NULL)
        return SP_EINVAL;
    *out = r->stats;
    return 0;
}

const struct spc_rdm_hooks spc_rdm_hooks = {
    .attach = spc_rdm_attach,
    .set_option = spc_rdm_set_option,
    .get_option = spc_rdm_get_option,
};

void sp_use_rdm(void)
{
    spc_registry.rdm = &spc_rdm_hooks;
}
