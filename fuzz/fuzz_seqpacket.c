/*
 * The sequenced-packet framing (core/seqpacket.c, docs/seqpacket.md) fed an
 * arbitrary byte stream: a plain TCP connection on lwIP's loopback writes the
 * input's bytes to a framed SP_SOCK_SEQPACKET socket, which reads with buffer
 * sizes and flags the input picks, polls, and sends records back.
 *
 * The harness parses the same bytes by docs/seqpacket.md's table and
 * requires exactly those records, in order, each whole or cut as the buffer
 * says (SP_MSG_TRUNC: the full length), never one before its last byte was
 * written; SP_POLLIN only when a receive then does not say SP_EAGAIN; and at
 * the end of the stream: 0 between records, SP_ECONNRESET inside one,
 * SP_ECONNABORTED from an over-long length on. Nothing crashes or leaks.
 */
#include "fuzz_lwip.h"

#define STREAM_MAX 8192

static uint8_t stream[STREAM_MAX]; /* every byte the plain side wrote */
static size_t written;
static size_t consumed;    /* stream offset of the next record the framed side owes */
static int abort_reported; /* SP_ECONNABORTED for an over-long length was returned */

static uint32_t length_at(size_t offset)
{
    return (uint32_t)stream[offset] << 24 | (uint32_t)stream[offset + 1] << 16 |
           (uint32_t)stream[offset + 2] << 8 | stream[offset + 3];
}

/* What the next receive owes, judged from the bytes written so far. */
enum next_kind { NEXT_RECORD, NEXT_INCOMPLETE, NEXT_TOO_LONG };

static enum next_kind next_record(uint32_t *len)
{
    if (written - consumed < 4) {
        return NEXT_INCOMPLETE;
    }
    *len = length_at(consumed);
    if (*len > SP_SEQPACKET_MAX_RECORD) {
        return NEXT_TOO_LONG;
    }
    return written - consumed - 4 >= *len ? NEXT_RECORD : NEXT_INCOMPLETE;
}

/* One receive on the framed side; @p ended: the plain side has shut down and
 * everything it wrote has had time to arrive. */
static void receive(int framed, size_t len, int flags, int ended)
{
    static uint8_t buf[SP_SEQPACKET_MAX_RECORD + 16];
    uint32_t record = 0;
    enum next_kind kind = next_record(&record);
    ptrdiff_t got = sp_recv(framed, len == 0 ? NULL : buf, len, flags | SP_MSG_DONTWAIT);

    if (kind == NEXT_TOO_LONG) {
        /* Reported once, then end of stream, as TCP reports a reset. */
        if (abort_reported) {
            FUZZ_CHECK(got == 0, "after SP_ECONNABORTED, recv gave %td (%s)", got,
                       sp_err_name((int)got));
            return;
        }
        FUZZ_CHECK(got == SP_ECONNABORTED || (!ended && got == SP_EAGAIN),
                   "a length of %u (over the limit) read as %td (%s)", record, got,
                   sp_err_name((int)got));
        abort_reported = got == SP_ECONNABORTED;
        return;
    }
    if (kind == NEXT_INCOMPLETE) {
        if (!ended) {
            FUZZ_CHECK(got == SP_EAGAIN, "with %zu of a record's bytes written, recv gave %td (%s)",
                       written - consumed, got, sp_err_name((int)got));
        } else if (written == consumed) {
            FUZZ_CHECK(got == 0, "end of stream between records read as %td (%s)", got,
                       sp_err_name((int)got));
        } else {
            FUZZ_CHECK(got == SP_ECONNRESET, "end of stream inside a record read as %td (%s)", got,
                       sp_err_name((int)got));
        }
        return;
    }
    if (got == SP_EAGAIN && !ended) {
        return; /* written, not yet through lwIP's loopback */
    }
    size_t want = len < record ? len : record;
    FUZZ_CHECK(got >= 0, "a complete %u-byte record read as %s", record, sp_err_name((int)got));
    FUZZ_CHECK((size_t)got == ((flags & SP_MSG_TRUNC) ? record : want),
               "a %u-byte record into %zu bytes (flags %x) gave %td", record, len, flags, got);
    FUZZ_CHECK(want == 0 || memcmp(buf, stream + consumed + 4, want) == 0,
               "a %u-byte record arrived altered", record);
    if (!(flags & SP_MSG_PEEK)) {
        consumed += 4 + record;
    }
}

static void write_plain(struct fuzz_input *in, int plain)
{
    uint8_t chunk[512];
    size_t n = take_bytes(in, chunk, (size_t)take_u8(in) * 2 + 1);
    size_t sent = 0;

    if (written + n > STREAM_MAX) {
        return;
    }
    /* A length field near the limit now and then, so over-long records show up. */
    if (n >= 4 && (chunk[0] & 0xC0) == 0x40) {
        chunk[0] = 0;
        chunk[1] = 0;
        chunk[2] = (uint8_t)(SP_SEQPACKET_MAX_RECORD >> 8);
    }
    int rc = sp_send_all(plain, chunk, n, 5000, &sent);
    FUZZ_CHECK(rc == 0 && sent == n, "the plain side could not write %zu bytes: %s", n,
               sp_err_name(rc));
    memcpy(stream + written, chunk, n);
    written += n;
}

/* SP_POLLIN means a record (or the end, or an error) is there: a receive
 * right after must not say SP_EAGAIN. */
static void poll_framed(int framed)
{
    sp_pollfd pfd = {framed, SP_POLLIN | SP_POLLOUT, 0};
    int n = sp_poll(&pfd, 1, 0);
    uint8_t byte;

    FUZZ_CHECK(n >= 0, "sp_poll: %s", sp_err_name(n));
    if (pfd.revents & SP_POLLIN) {
        ptrdiff_t got = sp_recv(framed, &byte, 1, SP_MSG_PEEK | SP_MSG_DONTWAIT);
        FUZZ_CHECK(got != SP_EAGAIN, "SP_POLLIN, then SP_EAGAIN");
        /* An error is reported once, peek or not. */
        abort_reported |= got == SP_ECONNABORTED;
    }
}

/* A record the other way: the plain side must read the header and payload. */
static void send_framed(struct fuzz_input *in, int framed, int plain)
{
    uint8_t record[300];
    uint8_t wire[4 + sizeof record];
    size_t n = take_bytes(in, record, take_u8(in));
    size_t got = 0;

    ptrdiff_t sent = sp_send(framed, record, n, 0);
    FUZZ_CHECK(sent == (ptrdiff_t)n, "a %zu-byte record was sent as %td (%s)", n, sent,
               sp_err_name((int)sent));
    int rc = sp_recv_all(plain, wire, 4 + n, 5000, &got);
    FUZZ_CHECK(rc == 0, "the plain side got %zu of %zu framed bytes: %s", got, 4 + n,
               sp_err_name(rc));
    FUZZ_CHECK(wire[0] == 0 && wire[1] == 0 && (size_t)(wire[2] << 8 | wire[3]) == n &&
                   memcmp(wire + 4, record, n) == 0,
               "a %zu-byte record left as other bytes", n);
}

static void connect_pair(int *plain, int *framed)
{
    sp_addr addr;
    int listener = sp_socket_on(fuzz_stack, SP_AF_INET, SP_SOCK_SEQPACKET, 0);

    FUZZ_CHECK(listener >= 0, "seqpacket socket: %s", sp_err_name(listener));
    sp_addr_loopback(&addr, SP_AF_INET, 0);
    FUZZ_CHECK(sp_bind(listener, &addr) == 0 && sp_listen(listener, 1) == 0 &&
                   sp_getsockname(listener, &addr) == 0,
               "listen");
    *plain = sp_socket_on(fuzz_stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    FUZZ_CHECK(*plain >= 0 && sp_connect(*plain, &addr) == 0, "connect");
    FUZZ_CHECK(sp_setsockopt(listener, SP_OPT_RCVTIMEO, 5000) == 0, "timeout");
    *framed = sp_accept(listener, NULL);
    FUZZ_CHECK(*framed >= 0, "accept: %s", sp_err_name(*framed));
    sp_close(listener);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    static const size_t lens[] = {0, 1, 3, 4, 16, 255, SP_SEQPACKET_MAX_RECORD + 16};
    int plain;
    int framed;

    fuzz_lwip_stack();
    written = 0;
    consumed = 0;
    abort_reported = 0;
    connect_pair(&plain, &framed);
    while (in.left > 0) {
        uint8_t op = take_u8(&in);
        switch (op % 5) {
        case 0:
        case 1:
            write_plain(&in, plain);
            break;
        case 2: {
            uint8_t how = take_u8(&in);
            receive(framed, lens[how % 7],
                    (how & 0x10 ? SP_MSG_TRUNC : 0) | (how & 0x20 ? SP_MSG_PEEK : 0), 0);
            break;
        }
        case 3:
            poll_framed(framed);
            break;
        default:
            send_framed(&in, framed, plain);
            break;
        }
        sp_stack_pump(fuzz_stack, 0);
    }
    FUZZ_CHECK(sp_shutdown(plain, SP_SHUT_WR) == 0, "shutdown");
    sp_stack_pump(fuzz_stack, 10);
    /* Every record, then the end: at most one receive per record and one more. */
    for (size_t turn = 0; turn <= STREAM_MAX / 4 + 1; turn++) {
        size_t before = consumed;
        uint32_t record;
        enum next_kind kind = next_record(&record);
        receive(framed, SP_SEQPACKET_MAX_RECORD + 16, 0, 1);
        if (kind != NEXT_RECORD || consumed == before) {
            break;
        }
    }
    fuzz_lwip_expect_nothing_left();
    return 0;
}
