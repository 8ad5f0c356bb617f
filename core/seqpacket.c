/*
 * Sequenced packets over a stream, for stacks that lack them (TCP has no
 * record boundaries). Wire format (docs/seqpacket.md): every record is a
 * 4-byte big-endian payload length, then the payload; lengths above
 * SP_SEQPACKET_MAX_RECORD are a protocol violation.
 *
 * Each connection holds a receive buffer (so that a record is handed over only
 * once it is complete: a non-blocking or timed-out receive never loses the
 * part already read) and a send buffer for the unsent rest of a record the
 * stream took only partly (so that a send takes a record whole or not at all).
 */
#include "core.h"

#include <string.h>

#define SPC_SEQ_HEADER 4
/* How long close or shutdown waits to push out the rest of a record already accepted. */
#define SPC_SEQ_CLOSE_FLUSH_MS 1000

struct spc_seqpacket {
    bool in_use;
    /* receive side */
    uint8_t rx_header[SPC_SEQ_HEADER];
    uint8_t rx_header_got;
    uint32_t rx_len;
    uint32_t rx_got;
    bool rx_end; /* the stream ended (cleanly, or with rx_error) */
    /* The stream's error (a reset), or the framing's, not yet reported: as on
     * TCP, the next send or receive reports it once, and poll shows it. */
    int rx_error;
    uint8_t rx_buf[SP_SEQPACKET_MAX_RECORD];
    /* send side: the part of the last record the stream has not taken yet */
    uint32_t tx_len;
    uint32_t tx_sent;
    uint8_t tx_buf[SPC_SEQ_HEADER + SP_SEQPACKET_MAX_RECORD];
};

#if SP_SEQPACKET_MAX_SOCKETS > SPC_SERVICE_INDEX_MAX + 1
#error "SP_SEQPACKET_MAX_SOCKETS must fit a slot's service index (core.h)"
#endif
static struct spc_seqpacket spc_seq_pool[SP_SEQPACKET_MAX_SOCKETS];

static struct spc_seqpacket *spc_seq(struct spc_socket *s)
{
    return &spc_seq_pool[spc_service_index(s)];
}

static int spc_seq_flush(struct spc_socket *s);

static ptrdiff_t spc_seq_port_recv(struct spc_socket *s, void *buf, size_t len)
{
    return spc_port_recv(s->stack, s->native, buf, len, 0, NULL);
}

/* Reports the stored error once: the stream's end is all that is left. */
static int spc_seq_take_error(struct spc_seqpacket *q)
{
    int error = q->rx_error;
    q->rx_error = 0;
    return error;
}

/*
 * Reads what the stream has towards the current record. Returns 1 when a whole
 * record is buffered, 0 once the stream ended (q->rx_error may then hold an
 * error to report), SP_EAGAIN when more must arrive.
 */
static int spc_seq_fill(struct spc_socket *s)
{
    struct spc_seqpacket *q = spc_seq(s);
    for (;;) {
        if (q->rx_end)
            return 0;
        if (q->rx_header_got == SPC_SEQ_HEADER && q->rx_got == q->rx_len)
            return 1;
        ptrdiff_t n;
        if (q->rx_header_got < SPC_SEQ_HEADER) {
            n = spc_seq_port_recv(s, q->rx_header + q->rx_header_got,
                                  SPC_SEQ_HEADER - q->rx_header_got);
            if (n > 0) {
                q->rx_header_got = (uint8_t)(q->rx_header_got + n);
                if (q->rx_header_got == SPC_SEQ_HEADER) {
                    q->rx_len = (uint32_t)q->rx_header[0] << 24 | (uint32_t)q->rx_header[1] << 16 |
                                (uint32_t)q->rx_header[2] << 8 | q->rx_header[3];
                    q->rx_got = 0;
                    if (q->rx_len > SP_SEQPACKET_MAX_RECORD) {
                        q->rx_end = true;
                        q->rx_error = SP_ECONNABORTED; /* the peer broke the framing */
                    }
                }
                continue;
            }
        } else {
            n = spc_seq_port_recv(s, q->rx_buf + q->rx_got, q->rx_len - q->rx_got);
            if (n > 0) {
                q->rx_got += (uint32_t)n;
                continue;
            }
        }
        if (n == SP_EAGAIN)
            return SP_EAGAIN;
        /* End of stream between records is a clean close; inside one, the rest is lost. */
        q->rx_end = true;
        if (n < 0)
            q->rx_error = (int)n;
        else if (q->rx_header_got != 0)
            q->rx_error = SP_ECONNRESET;
    }
}

static ptrdiff_t spc_seq_recv(struct spc_socket *s, void *buf, size_t len, int flags, sp_addr *from)
{
    (void)from; /* core names a connection's peer itself */
    struct spc_seqpacket *q = spc_seq(s);
    /* A request's rest must go out while its sender waits for the answer. */
    spc_seq_flush(s);
    int rc = spc_seq_fill(s);
    if (rc == 0)
        return spc_seq_take_error(q); /* or 0: end of stream */
    if (rc != 1)
        return rc;
    size_t copied = len < q->rx_len ? len : q->rx_len;
    if (copied > 0)
        memcpy(buf, q->rx_buf, copied);
    ptrdiff_t full = (ptrdiff_t)q->rx_len;
    if (!(flags & SP_MSG_PEEK)) {
        q->rx_header_got = 0;
        q->rx_len = 0;
        q->rx_got = 0;
    }
    return full;
}

/* Pushes out the rest of the last record. 0 when nothing is left, else
 * SP_EAGAIN or the stream's error (the rest is then dropped: the stream
 * cannot carry it any more, and nothing must keep waiting to send it). */
static int spc_seq_flush(struct spc_socket *s)
{
    struct spc_seqpacket *q = spc_seq(s);
    while (q->tx_sent < q->tx_len) {
        ptrdiff_t n = spc_port_send(s->stack, s->native, q->tx_buf + q->tx_sent,
                                    q->tx_len - q->tx_sent, 0, NULL);
        if (n == SP_EAGAIN)
            return SP_EAGAIN;
        if (n < 0) {
            q->tx_len = 0;
            q->tx_sent = 0;
            return (int)n;
        }
        q->tx_sent += (uint32_t)n;
    }
    q->tx_len = 0;
    q->tx_sent = 0;
    return 0;
}

static ptrdiff_t spc_seq_send(struct spc_socket *s, const void *buf, size_t len, const sp_addr *to)
{
    (void)to; /* core rejects an address on a connection-oriented socket */
    struct spc_seqpacket *q = spc_seq(s);
    if (len > SP_SEQPACKET_MAX_RECORD)
        return SP_EMSGSIZE;
    if (q->rx_error != 0)
        return spc_seq_take_error(q); /* a reset the reading side met first */
    int rc = spc_seq_flush(s);
    if (rc < 0)
        return rc;
    q->tx_buf[0] = (uint8_t)(len >> 24);
    q->tx_buf[1] = (uint8_t)(len >> 16);
    q->tx_buf[2] = (uint8_t)(len >> 8);
    q->tx_buf[3] = (uint8_t)len;
    if (len > 0)
        memcpy(q->tx_buf + SPC_SEQ_HEADER, buf, len);
    q->tx_len = (uint32_t)(SPC_SEQ_HEADER + len);
    q->tx_sent = 0;
    /* The record is ours now; what the stream does not take yet goes with a later call. */
    rc = spc_seq_flush(s);
    if (rc < 0 && rc != SP_EAGAIN)
        return rc;
    return (ptrdiff_t)len;
}

static short spc_seq_poll(struct spc_socket *s, short port_revents)
{
    /* Before the connection exists the stream is the port's alone: reading
     * it would take a refused connect's error (or store "not connected" as
     * the end of the stream) before core settles the attempt. */
    if (s->state != SPC_CONNECTED) {
        /* While connecting, bytes may already have come: never a whole record yet. */
        return s->state == SPC_CONNECTING ? (short)(port_revents & ~SP_POLLIN) : port_revents;
    }
    short revents = (short)(port_revents & (SP_POLLERR | SP_POLLHUP));
    /* Whatever the caller waits for, the rest of a record goes out (a
     * request's tail must not wait for a poll for writing). */
    bool flushed = spc_seq_flush(s) == 0;
    int rc = spc_seq_fill(s);
    if (rc != SP_EAGAIN)
        revents |= SP_POLLIN; /* a record, end of stream, or an error to read */
    if (spc_seq(s)->rx_error != 0)
        revents |= SP_POLLERR;
    if ((port_revents & SP_POLLOUT) && flushed)
        revents |= SP_POLLOUT;
    /* The stream's data may be only part of a record: readable only when whole. */
    return revents;
}

static int spc_seq_error(struct spc_socket *s)
{
    return spc_seq_take_error(spc_seq(s));
}

static int spc_seq_timer_ms(struct spc_socket *s)
{
    (void)s;
    return -1;
}

static short spc_seq_wants(struct spc_socket *s)
{
    if (s->state != SPC_CONNECTED)
        return 0;
    struct spc_seqpacket *q = spc_seq(s);
    return (short)(SP_POLLIN | (q->tx_sent < q->tx_len ? SP_POLLOUT : 0));
}

static void spc_seq_drain(struct spc_socket *s)
{
    struct spc_seqpacket *q = spc_seq(s);
    if (q->tx_sent < q->tx_len) {
        struct spc_deadline deadline = spc_deadline_in(SPC_SEQ_CLOSE_FLUSH_MS);
        while (spc_seq_flush(s) == SP_EAGAIN && spc_wait(s, SP_POLLOUT, &deadline) == 0)
            ;
    }
}

static void spc_seq_close(struct spc_socket *s)
{
    struct spc_seqpacket *q = spc_seq(s);
    spc_seq_drain(s);
    q->in_use = false;
    s->service = 0;
}

static const struct spc_service spc_seqpacket_service = {
    .send = spc_seq_send,
    .recv = spc_seq_recv,
    .poll = spc_seq_poll,
    .timer_ms = spc_seq_timer_ms,
    .wants = spc_seq_wants,
    .drain = spc_seq_drain,
    .close = spc_seq_close,
    .take_error = spc_seq_error,
};

static bool spc_seqpacket_has_room(void)
{
    for (int i = 0; i < SP_SEQPACKET_MAX_SOCKETS; i++)
        if (!spc_seq_pool[i].in_use)
            return true;
    return false;
}

static int spc_seqpacket_attach(struct spc_socket *s)
{
    for (int i = 0; i < SP_SEQPACKET_MAX_SOCKETS; i++) {
        struct spc_seqpacket *q = &spc_seq_pool[i];
        if (q->in_use)
            continue;
        q->in_use = true;
        q->rx_header_got = 0;
        q->rx_len = 0;
        q->rx_got = 0;
        q->rx_end = false;
        q->rx_error = 0;
        q->tx_len = 0;
        q->tx_sent = 0;
        spc_service_attach(s, SPC_SERVICE_SEQPACKET, &spc_seqpacket_service, (unsigned)i);
        return 0;
    }
    return SP_ENOBUFS;
}

const struct spc_seqpacket_hooks spc_seqpacket_hooks = {
    .attach = spc_seqpacket_attach,
    .has_room = spc_seqpacket_has_room,
};

void sp_use_seqpacket(void)
{
    spc_registry.seqpacket = &spc_seqpacket_hooks;
}
