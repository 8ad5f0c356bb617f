/*
 * The RDM receive path (core/rdm.c, docs/rdm.md) fed arbitrary datagrams on
 * lwIP's loopback: well-formed DATA with chosen sessions, sequence numbers
 * (wrap-around included) and floors, raw bytes of any shape, and ACKs for
 * what the RDM socket sent. Whatever arrives, nothing crashes, every message
 * delivered is one that was sent, byte for byte and from its sender, and no
 * (sender, session, sequence) is delivered twice.
 *
 * Two senders with four sessions each: at most the eight (address, session)
 * pairs the receiver remembers, so forgetting one never excuses a duplicate.
 */
#include "fuzz_lwip.h"

#define SENDERS 2
#define SESSIONS 4
#define MAX_SENT 512
#define HEADER_BYTES 16
#define SERIAL_BYTES 4

struct sent_data {
    int sender;
    uint32_t session;
    uint32_t sequence;
    size_t len;
    uint8_t payload[SERIAL_BYTES + 32];
};

static struct sent_data sent[MAX_SENT];
/* FUZZ_TRACE=1 in the environment: print what an input does (to read a crash). */
static int trace;
static size_t sent_count;
static uint8_t delivered[MAX_SENT];
static uint32_t bases[SENDERS][SESSIONS];
static uint8_t based[SENDERS][SESSIONS];
/* Cleared when raw bytes happen to form a valid DATA: such a datagram may
 * move a tracked session anywhere or push one out of the receiver's memory,
 * after which a second delivery is no longer a bug. */
static int duplicates_checked;

static void put_u32(uint8_t *at, uint32_t value)
{
    at[0] = (uint8_t)(value >> 24);
    at[1] = (uint8_t)(value >> 16);
    at[2] = (uint8_t)(value >> 8);
    at[3] = (uint8_t)value;
}

static uint32_t get_u32(const uint8_t *at)
{
    return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

/* Where a (sender, session)'s sequence numbers start: near 1, near the wrap,
 * or anywhere. Every later number stays within 2^29 of it, as a conforming
 * sender's do: then one number is one message, and a second delivery of it
 * is a duplicate, on either side of the wrap. */
static uint32_t pick_base(struct fuzz_input *in)
{
    static const uint32_t edges[] = {1,           2,           0x7FFFFFC0u, 0x80000000u,
                                     0xFFFFFFC0u, 0xFFFFFFF0u, 0xFFFFFFFEu, 0xFFFFFFFFu};
    uint8_t how = take_u8(in);

    if (how < 64) {
        return how;
    }
    if (how < 192) {
        return edges[how % (sizeof edges / sizeof edges[0])];
    }
    return take_u32(in);
}

static uint32_t pick_sequence(struct fuzz_input *in, uint32_t base)
{
    uint8_t how = take_u8(in);

    if (how < 224) {
        return base + (uint32_t)how - 48u; /* around the base and the 64-wide window */
    }
    return base + (take_u32(in) & 0x1FFFFFFFu);
}

static uint32_t pick_floor(struct fuzz_input *in, uint32_t sequence, uint32_t base)
{
    uint8_t how = take_u8(in) % 4;

    if (how == 0) {
        return sequence;
    }
    if (how == 1) {
        return sequence - (uint32_t)(take_u8(in) % 70);
    }
    if (how == 2) {
        return sequence + 1; /* above the sequence: malformed */
    }
    return base - 48u;
}

static void send_data(struct fuzz_input *in, const int *senders, const uint32_t *sessions)
{
    uint8_t datagram[HEADER_BYTES + sizeof sent[0].payload];
    struct sent_data *d;
    int session_index;
    uint32_t *base;

    if (sent_count == MAX_SENT) {
        return;
    }
    d = &sent[sent_count];
    d->sender = take_u8(in) % SENDERS;
    session_index = take_u8(in) % SESSIONS;
    d->session = sessions[session_index];
    base = &bases[d->sender][session_index];
    if (!based[d->sender][session_index]) {
        *base = pick_base(in);
        based[d->sender][session_index] = 1;
    }
    d->sequence = pick_sequence(in, *base);
    /* The serial makes every payload unique, so a delivery names its datagram. */
    put_u32(d->payload, (uint32_t)sent_count);
    d->len = SERIAL_BYTES + take_bytes(in, d->payload + SERIAL_BYTES, take_u8(in) % 32);
    datagram[0] = 1;
    datagram[1] = 1;
    datagram[2] = 0;
    datagram[3] = 0;
    put_u32(datagram + 4, d->session);
    put_u32(datagram + 8, d->sequence);
    put_u32(datagram + 12, pick_floor(in, d->sequence, *base));
    if (trace) {
        fprintf(stderr, "DATA serial %zu sender %d session %08x seq %08x floor %08x len %zu\n",
                sent_count, d->sender, d->session, d->sequence, get_u32(datagram + 12), d->len);
    }
    memcpy(datagram + HEADER_BYTES, d->payload, d->len);
    if (sp_send(senders[d->sender], datagram, HEADER_BYTES + d->len, 0) ==
        (ptrdiff_t)(HEADER_BYTES + d->len)) {
        sent_count++;
    }
}

static void send_raw(struct fuzz_input *in, const int *senders)
{
    uint8_t datagram[300];
    int sender = senders[take_u8(in) % SENDERS];
    size_t len = take_bytes(in, datagram, take_u8(in));

    if (len >= HEADER_BYTES && datagram[0] == 1 && datagram[1] == 1) {
        duplicates_checked = 0;
    }
    (void)sp_send(sender, datagram, len, 0);
    if (trace) {
        fprintf(stderr, "RAW %zu bytes:", len);
        for (size_t i = 0; i < len && i < 20; i++) {
            fprintf(stderr, " %02x", datagram[i]);
        }
        fputc('\n', stderr);
    }
}

/* Two deliveries of one (sender, session, sequence): the bug this harness is for. */
static void note_delivery(const uint8_t *buf, ptrdiff_t got, size_t stored, const sp_addr *from,
                          const sp_addr *sender_addrs)
{
    uint32_t serial;
    struct sent_data *d;

    if (!duplicates_checked) {
        return; /* raw bytes formed DATA: this delivery may be one of those */
    }
    FUZZ_CHECK(stored >= SERIAL_BYTES, "a delivery of %zu bytes carries no serial", stored);
    serial = get_u32(buf);
    FUZZ_CHECK(serial < sent_count, "delivered serial %u was never sent", serial);
    d = &sent[serial];
    FUZZ_CHECK((size_t)got == d->len || (size_t)got == stored,
               "serial %u: returned %td, sent %zu bytes", serial, got, d->len);
    FUZZ_CHECK(memcmp(buf, d->payload, stored) == 0, "serial %u delivered altered", serial);
    FUZZ_CHECK(sp_addr_equal(from, &sender_addrs[d->sender]), "serial %u from the wrong address",
               serial);
    for (size_t i = 0; i < sent_count; i++) {
        FUZZ_CHECK(!(delivered[i] && sent[i].sender == d->sender && sent[i].session == d->session &&
                     sent[i].sequence == d->sequence),
                   "sender %d session %08x sequence %08x delivered twice (serials %zu and %u)",
                   d->sender, d->session, d->sequence, i, serial);
    }
    delivered[serial] = 1;
    if (trace) {
        fprintf(stderr, "delivered serial %u\n", serial);
    }
}

/* Receive what is there, with buffer sizes and flags the input picks; @p all:
 * everything, into a buffer that holds any message. */
static void drain(struct fuzz_input *in, int rdm, const sp_addr *sender_addrs, int all)
{
    for (int i = 0; i < (all ? 4 * MAX_SENT : 64); i++) {
        uint8_t buf[64];
        sp_addr from;
        uint8_t how = all ? 2 : take_u8(in);
        size_t len = how % 3 == 0 ? 0 : how % 3 == 1 ? SERIAL_BYTES + how % 8 : sizeof buf;
        int flags = (how & 0x10 ? SP_MSG_TRUNC : 0) | (how & 0x20 ? SP_MSG_PEEK : 0);
        ptrdiff_t got = sp_recvfrom(rdm, len == 0 ? NULL : buf, len, flags, &from);

        if (got == SP_EAGAIN) {
            return;
        }
        FUZZ_CHECK(got >= 0, "sp_recvfrom on RDM gave %s", sp_err_name((int)got));
        if (len == 0 || (flags & SP_MSG_PEEK)) {
            /* Discarded unseen (len 0), or left in place (peek): not a delivery we can name. */
            if (len == 0) {
                return;
            }
            continue;
        }
        note_delivery(buf, got, (size_t)got < len ? (size_t)got : len, &from, sender_addrs);
    }
}

/* The RDM socket sends to a sender; the sender acknowledges it, maybe wrongly. */
static void exchange_ack(struct fuzz_input *in, int rdm, const int *senders,
                         const sp_addr *sender_addrs)
{
    uint8_t datagram[HEADER_BYTES + 8];
    int k = take_u8(in) % SENDERS;
    ptrdiff_t got;

    (void)sp_rdm_sendto(rdm, "msg", 3, &sender_addrs[k], NULL);
    sp_stack_pump(fuzz_stack, 0);
    got = sp_recv(senders[k], datagram, sizeof datagram, 0);
    if (got < HEADER_BYTES) {
        return;
    }
    datagram[1] = 2; /* ACK */
    put_u32(datagram + 12, 0);
    if (take_u8(in) & 1) {
        datagram[take_u8(in) % HEADER_BYTES] ^= take_u8(in);
        if (datagram[0] == 1 && datagram[1] == 1) {
            duplicates_checked = 0; /* the "ACK" became a DATA of the harness's making */
        }
    }
    (void)sp_send(senders[k], datagram, HEADER_BYTES, 0);
}

static int bound_dgram(int type, sp_addr *addr)
{
    int sock = sp_socket_on(fuzz_stack, SP_AF_INET, type, 0);

    FUZZ_CHECK(sock >= 0, "socket: %s", sp_err_name(sock));
    sp_addr_loopback(addr, SP_AF_INET, 0);
    FUZZ_CHECK(sp_bind(sock, addr) == 0 && sp_getsockname(sock, addr) == 0, "bind");
    FUZZ_CHECK(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1) == 0, "nonblock");
    return sock;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    sp_addr rdm_addr;
    sp_addr sender_addrs[SENDERS];
    int senders[SENDERS];
    uint32_t sessions[SESSIONS] = {1, 0xFFFFFFFFu, 0, 0};
    int rdm;

    fuzz_lwip_stack();
    trace = getenv("FUZZ_TRACE") != NULL;
    sent_count = 0;
    memset(delivered, 0, sizeof delivered);
    memset(based, 0, sizeof based);
    duplicates_checked = 1;
    /* Four different sessions: one value with two bases is two senders'
     * sequences mixed, not a conforming sender. */
    for (int k = 2; k < SESSIONS; k++) {
        sessions[k] = take_u32(&in);
        for (int j = 0; j < k; j++) {
            if (sessions[k] == sessions[j]) {
                sessions[k] += 0x9E3779B9u;
                j = -1;
            }
        }
    }
    rdm = bound_dgram(SP_SOCK_RDM, &rdm_addr);
    for (int k = 0; k < SENDERS; k++) {
        senders[k] = bound_dgram(SP_SOCK_DGRAM, &sender_addrs[k]);
        /* Only the RDM socket's datagrams, so that exchange_ack reads its DATA. */
        FUZZ_CHECK(sp_connect(senders[k], &rdm_addr) == 0, "connect");
    }
    while (in.left > 0) {
        switch (take_u8(&in) % 6) {
        case 0:
        case 1:
            send_data(&in, senders, sessions);
            break;
        case 2:
            send_raw(&in, senders);
            break;
        case 3:
            drain(&in, rdm, sender_addrs, 0);
            break;
        case 4: {
            int ms = take_u8(&in) * 20;
            if (trace) {
                fprintf(stderr, "pump %d ms\n", ms);
            }
            sp_stack_pump(fuzz_stack, ms);
            break;
        }
        default:
            exchange_ack(&in, rdm, senders, sender_addrs);
            break;
        }
        sp_stack_pump(fuzz_stack, 0);
    }
    drain(&in, rdm, sender_addrs, 1);
    fuzz_lwip_expect_nothing_left();
    return 0;
}
