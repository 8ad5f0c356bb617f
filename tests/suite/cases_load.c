/*
 * Load: many TCP connections and UDP sockets at once, driven step by step by
 * a seeded PRNG through random actions (non-blocking sends and receives of
 * random sizes, peeks, every shutdown, normal and resetting closes, closes
 * with data unread, sp_poll() over everything, new connections while others
 * close), as fuzz_api_lwip found bugs that only long sequences show (a pcb
 * listed twice after a failed connect; closed connections whose unread data
 * held both windows shut, kept by lwIP for ever).
 *
 * Each side keeps what it sent and what it read, so every byte read is
 * checked against the stream it came from (no loss, duplication or
 * reordering), and every result against what Linux does in that situation.
 * Where the outcome depends on timing (a reset that may or may not have
 * arrived yet) every code the situation allows is accepted, and every error
 * code must be one include/sockport/sockport.h lists for the call (read from
 * the header's text, compiled in: tests/conformance/header_codes.c). At the
 * end everything is closed and the fixture's tear-down checks that nothing is
 * left (lwIP: pcbs, buffers and lwIP's lists; POSIX: descriptors).
 *
 * The seeds are fixed; SP_SUITE_LOAD_SEEDS=FIRST,COUNT runs others (local
 * runs only: a failure prints the seed and the step that failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../conformance/header_codes.h"
#include "suite.h"

/* The header's text, compiled in by suite_sources.cmake (boards have no files). */
extern const unsigned char sp_suite_header_text[];

#define LOAD_SEEDS_DEFAULT 8
#define LOAD_MAX_CONNS 64
#define LOAD_CHUNK 16384
#define LOAD_STEPS_PER_CONN 50
/* Stack time a whole run may take: far more than a healthy one needs. */
#define LOAD_RUN_MS 60000

struct load_end;
/* The ends the current stream action is about, for a failure's message. */
static const struct load_end *load_cur[2];
static uint32_t load_state;
static uint32_t load_seed;
static int load_step;
static const char *load_action = "";
static uint8_t load_buf[LOAD_CHUNK];
static uint8_t load_peek[LOAD_CHUNK];
/* What the runs did, printed so that a run that did little shows. */
static struct {
    unsigned long long bytes;
    unsigned accepted, resets, ends, closes, datagrams, refused;
} load_count;

/* xorshift32: the same sequence on every port, so a seed replays a run. */
static uint32_t load_rand(void)
{
    uint32_t x = load_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    load_state = x;
    return x;
}

static uint32_t load_below(uint32_t n)
{
    return n == 0 ? 0 : load_rand() % n;
}

/* SP_SUITE_LOAD_TRACE=1 prints each seed and every datagram action, 2 also
 * every stream step (local debugging). */
static int load_trace;

/* What the run does now, for a failure's message (and the trace). */
static void load_act(const char *action)
{
    load_action = action;
    if (load_trace >= 2)
        print_message("  %s at %lld ms\n", action, (long long)sp_t_now());
}

static void load_begin(uint32_t seed)
{
    const char *trace = getenv("SP_SUITE_LOAD_TRACE");
    load_trace = trace != NULL ? atoi(trace) : 0;
    load_cur[0] = load_cur[1] = NULL;
    load_seed = seed;
    load_state = seed * 2654435761u + 0x9e3779b9u;
    if (load_state == 0)
        load_state = 1;
    load_step = 0;
    load_act("set-up");
}

static void load_describe(void);

#define LOAD_FAIL(...)                                                                             \
    do {                                                                                           \
        print_error("load seed %u, step %d, %s: ", (unsigned)load_seed, load_step, load_action);   \
        print_error(__VA_ARGS__);                                                                  \
        print_error("\n");                                                                         \
        load_describe();                                                                           \
        fail();                                                                                    \
    } while (0)

#define LOAD_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond))                                                                               \
            LOAD_FAIL(__VA_ARGS__);                                                                \
    } while (0)

/* The seeds a case runs: LOAD_SEEDS_DEFAULT fixed ones unless the
 * environment names others (on the board: run_firmware.sh --env). */
static void load_seeds(uint32_t *first, uint32_t *count)
{
    *first = 1;
    *count = LOAD_SEEDS_DEFAULT;
    const char *env = getenv("SP_SUITE_LOAD_SEEDS");
    if (env != NULL && env[0] != '\0') {
        char *end = NULL;
        *first = (uint32_t)strtoul(env, &end, 10);
        if (end != NULL && *end != '\0')
            *count = (uint32_t)strtoul(end + 1, NULL, 10);
        if (*count == 0)
            *count = 1;
    }
}

/* Fails unless @p rc is success or a code the header lists for @p function. */
static void load_listed(const char *function, long long rc)
{
    static int loaded;
    if (!loaded) {
        assert_true(cf_header_parse((const char *)sp_suite_header_text) > 0);
        loaded = 1;
    }
    if (rc < 0 && !cf_header_lists(function, (int)rc)) {
        char listed[512];
        cf_header_describe(function, listed, sizeof listed);
        LOAD_FAIL("%s returned %s, which its header does not list (it lists %s)", function,
                  sp_err_name((int)rc), listed);
    }
}

/* Connections held at once: the fixture's figure, within the socket table
 * (two handles a connection, the listener and pending clients besides). */
static int load_conn_count(void)
{
    int count = sp_test_fixture.load_connections != 0 ? (int)sp_test_fixture.load_connections : 32;
    const char *env = getenv("SP_SUITE_LOAD_CONNECTIONS"); /* local experiments */
    if (env != NULL && atoi(env) > 0)
        count = atoi(env);
    int fits = (SP_MAX_SOCKETS - 8) / 3;
    if (count > fits)
        count = fits;
    if (count > LOAD_MAX_CONNS)
        count = LOAD_MAX_CONNS;
    return count;
}

/* ---- Streams ---- */

enum { LOAD_FREE, LOAD_CONNECTING, LOAD_OPEN };

struct load_end {
    int sock;          /* -1 once closed (or not accepted yet) */
    uint64_t sent;     /* bytes the stack took */
    uint64_t received; /* bytes read, each checked */
    uint8_t shut_rd;
    uint8_t shut_wr;
    uint8_t closed;
    uint8_t eof_seen;   /* a receive returned 0 */
    uint8_t reset_seen; /* a call reported the peer's reset */
    uint8_t may_reset;  /* the peer closed or shut down for reading with data coming: a
                           reset may arrive, and data in flight may be lost */
    sp_addr peer_name;  /* the other end's address */
};

struct load_conn {
    uint8_t state;
    uint16_t client_port;
    struct load_end end[2]; /* the client, the accepted end */
};

static struct load_conn load_conns[LOAD_MAX_CONNS];

static void load_describe_end(const char *name, const struct load_end *e)
{
    print_error("  %s: %s, shut rd %d wr %d, end of stream %d, reset may come %d / seen %d, sent "
                "%llu, read %llu\n",
                name, e->closed ? "closed" : "open", e->shut_rd, e->shut_wr, e->eof_seen,
                e->may_reset, e->reset_seen, (unsigned long long)e->sent,
                (unsigned long long)e->received);
}

static void load_describe(void)
{
    if (load_cur[0] != NULL) {
        load_describe_end("this end", load_cur[0]);
        load_describe_end("its peer", load_cur[1]);
    }
}

static void load_about(const struct load_end *end, const struct load_end *peer)
{
    load_cur[0] = end;
    load_cur[1] = peer;
}
static int load_nconns;
static int load_listener;
static sp_addr load_listen_addr;
static sp_addr load_dead_addr; /* a port nobody listens on */

static int load_open_socks(void)
{
    int n = 1;
    for (int c = 0; c < load_nconns; c++)
        for (int e = 0; e < 2; e++)
            n += load_conns[c].end[e].sock >= 0;
    return n;
}

/* A random end of an open connection that is still open, or NULL. */
static struct load_end *load_pick_end(struct load_conn **conn_out, struct load_end **peer_out)
{
    int start = (int)load_below((uint32_t)load_nconns * 2);
    for (int i = 0; i < load_nconns * 2; i++) {
        int k = (start + i) % (load_nconns * 2);
        struct load_conn *conn = &load_conns[k / 2];
        struct load_end *end = &conn->end[k % 2];
        if (conn->state == LOAD_OPEN && end->sock >= 0) {
            *conn_out = conn;
            *peer_out = &conn->end[1 - k % 2];
            return end;
        }
    }
    return NULL;
}

static void load_conn_maybe_free(struct load_conn *conn)
{
    if (conn->state == LOAD_OPEN && conn->end[0].closed && conn->end[1].closed)
        conn->state = LOAD_FREE;
}

static void load_connect(void)
{
    int pending = 0;
    struct load_conn *slot = NULL;
    for (int c = 0; c < load_nconns; c++) {
        pending += load_conns[c].state == LOAD_CONNECTING;
        if (load_conns[c].state == LOAD_FREE && slot == NULL)
            slot = &load_conns[c];
    }
    if (slot == NULL || pending >= 4)
        return;
    load_act("connect");
    int sock = sp_socket(load_listen_addr.family, SP_SOCK_STREAM, 0);
    load_listed("sp_socket", sock);
    LOAD_CHECK(sock >= 0, "sp_socket: %s with %d sockets open", sp_err_name(sock),
               load_open_socks());
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1), 0);
    int rc;
    if (load_below(4) == 0) {
        /* First a refused attempt: the socket is new again after it, as on
         * Linux (the pcb lwIP listed twice after this, 26f507d). */
        load_act("connect refused first");
        rc = sp_connect(sock, &load_dead_addr);
        load_listed("sp_connect", rc);
        if (rc == SP_EINPROGRESS) {
            LOAD_CHECK(sp_t_wait(sock, SP_POLLOUT, SP_T_SAFETY_MS) != 0,
                       "a refused attempt never ended");
            rc = sp_connect(sock, &load_dead_addr);
            load_listed("sp_connect", rc);
        }
        LOAD_CHECK(rc == SP_ECONNREFUSED, "sp_connect to a closed port: %s", sp_err_name(rc));
    }
    rc = sp_connect(sock, &load_listen_addr);
    load_listed("sp_connect", rc);
    LOAD_CHECK(rc == 0 || rc == SP_EINPROGRESS, "sp_connect to the listener: %s", sp_err_name(rc));
    sp_addr name;
    SP_ASSERT_RC(sp_getsockname(sock, &name), 0);
    LOAD_CHECK(name.port != 0, "a connecting socket has no port");
    memset(slot, 0, sizeof *slot);
    slot->state = LOAD_CONNECTING;
    slot->client_port = name.port;
    slot->end[0].sock = sock;
    slot->end[0].peer_name = load_listen_addr;
    slot->end[1].sock = -1;
}

/* The ports of clients closed before their connection was accepted: the
 * listener may still hand out such a connection (ended or reset), or never. */
#define LOAD_MAX_ORPHANS 64
static uint16_t load_orphans[LOAD_MAX_ORPHANS];
static int load_norphans;

static void load_accept(int must_find)
{
    load_act("accept");
    sp_addr peer;
    int sock = sp_accept(load_listener, &peer);
    load_listed("sp_accept", sock);
    if (sock == SP_EAGAIN) {
        LOAD_CHECK(!must_find, "sp_accept: SP_EAGAIN after sp_poll() said SP_POLLIN");
        return;
    }
    if (sock == SP_ECONNABORTED) {
        LOAD_CHECK(load_norphans > 0, "sp_accept: SP_ECONNABORTED, but no client gave up");
        return;
    }
    LOAD_CHECK(sock >= 0, "sp_accept: %s", sp_err_name(sock));
    struct load_conn *conn = NULL;
    for (int c = 0; c < load_nconns && conn == NULL; c++) {
        if (load_conns[c].state == LOAD_CONNECTING && load_conns[c].client_port == peer.port)
            conn = &load_conns[c];
    }
    for (int i = 0; i < load_norphans; i++) {
        if (conn == NULL && load_orphans[i] == peer.port) {
            /* Its client is gone: nothing to read but the end or a reset. */
            ptrdiff_t rc = sp_recv(sock, load_buf, sizeof load_buf, SP_MSG_DONTWAIT);
            load_listed("sp_recv", rc);
            LOAD_CHECK(rc == 0 || rc == SP_EAGAIN || rc == SP_ECONNRESET || rc == SP_EPIPE,
                       "sp_recv on a connection whose client closed before the accept: %ld",
                       (long)rc);
            SP_ASSERT_RC(sp_close(sock), 0);
            load_orphans[i] = load_orphans[--load_norphans];
            return;
        }
    }
    LOAD_CHECK(conn != NULL, "sp_accept: a connection from port %u, which no client has",
               (unsigned)peer.port);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_NONBLOCK, 1), 0);
    conn->state = LOAD_OPEN;
    conn->end[1].sock = sock;
    conn->end[1].peer_name = peer;
    load_count.accepted++;
}

/* @p end closed or shut down for reading: if data from @p peer is unread or
 * still coming, Linux resets the connection (a closed end; one shut both
 * ways resets itself too), so both may see a reset. */
static void load_peer_may_reset(struct load_end *end, struct load_end *peer)
{
    if (peer->sent > end->received) {
        peer->may_reset = 1;
        end->may_reset = 1;
    }
}

/* One non-blocking send of @p len bytes (0: a random size); returns what sp_send() did. */
static ptrdiff_t load_send(struct load_end *end, struct load_end *peer, size_t len)
{
    load_about(end, peer);
    if (len == 0) {
        load_act("send");
        len = load_below(4) == 0 ? 1 + load_below(LOAD_CHUNK) : 1 + load_below(512);
    }
    sp_t_fill(load_buf, len, end->sent);
    ptrdiff_t rc = sp_send(end->sock, load_buf, len, SP_MSG_DONTWAIT);
    load_listed("sp_send", rc);
    if (end->shut_wr || end->reset_seen) {
        LOAD_CHECK(rc == SP_EPIPE, "sp_send after %s: %s, expected SP_EPIPE",
                   end->shut_wr ? "SP_SHUT_WR" : "a reported reset",
                   rc < 0 ? sp_err_name((int)rc) : "data taken");
        return rc;
    }
    if (rc > 0) {
        LOAD_CHECK((size_t)rc <= len, "sp_send took %ld of %zu bytes", (long)rc, len);
        end->sent += (uint64_t)rc;
        if (peer->closed || peer->shut_rd)
            load_peer_may_reset(peer, end);
        return rc;
    }
    if (rc == SP_EAGAIN)
        return rc;
    LOAD_CHECK((rc == SP_ECONNRESET || rc == SP_EPIPE) && end->may_reset,
               "sp_send: %s (peer %s%s%s)", rc == 0 ? "0" : sp_err_name((int)rc),
               peer->closed ? "closed" : "open", peer->shut_rd ? ", shut for reading" : "",
               peer->shut_wr ? ", shut for writing" : "");
    end->reset_seen = 1;
    load_count.resets++;
    return rc;
}

/* Send until the stack takes no more (the peer's window full, as the
 * windows-shut bugs needed, and maybe this end's buffer too), or 512 KiB (a
 * kernel's buffers grow further). */
static void load_flood(struct load_end *end, struct load_end *peer)
{
    load_act("flood");
    /* Half the floods let the stack move what it took (lwIP's loopback
     * waits for the next pump), so that the buffer takes more, which waits
     * behind the closed window; the others leave exactly a window in flight
     * (whose FINs then go out into the closed windows: 9e28406's storm). */
    int waits = load_below(2) == 0 ? 0 : 2;
    for (int i = 0; i < 32; i++) {
        ptrdiff_t rc = load_send(end, peer, LOAD_CHUNK);
        if (rc == SP_EAGAIN && waits++ < 2) {
            SP_ASSERT_OK(sp_poll(NULL, 0, 1));
            continue;
        }
        if (rc <= 0)
            return;
    }
}

/* One receive of @p len bytes at most; returns what sp_recv() did. */
static ptrdiff_t load_recv_len(struct load_end *end, const struct load_end *peer, size_t len,
                               int flags)
{
    load_about(end, peer);
    uint8_t *into = (flags & SP_MSG_PEEK) ? load_peek : load_buf;
    /* Now and then through sp_recvfrom(), which names the peer (also after a reset). */
    sp_addr from;
    int named = load_below(3) == 0;
    ptrdiff_t rc = named ? sp_recvfrom(end->sock, into, len, flags | SP_MSG_DONTWAIT, &from)
                         : sp_recv(end->sock, into, len, flags | SP_MSG_DONTWAIT);
    if (named && rc > 0)
        LOAD_CHECK(sp_addr_equal(&from, &end->peer_name),
                   "sp_recvfrom named port %u as the sender, not the peer's %u",
                   (unsigned)from.port, (unsigned)end->peer_name.port);
    load_listed("sp_recv", rc);
    if (end->shut_rd || end->eof_seen) {
        LOAD_CHECK(rc == 0, "sp_recv after %s: %s, expected 0",
                   end->shut_rd ? "SP_SHUT_RD" : "end of stream",
                   rc < 0 ? sp_err_name((int)rc) : "data");
        return rc;
    }
    if (rc > 0) {
        LOAD_CHECK((size_t)rc <= len, "sp_recv gave %ld bytes into %zu", (long)rc, len);
        LOAD_CHECK(end->received + (uint64_t)rc <= peer->sent,
                   "sp_recv: %ld bytes at offset %llu, but the peer sent %llu", (long)rc,
                   (unsigned long long)end->received, (unsigned long long)peer->sent);
        size_t bad = sp_t_mismatch(into, (size_t)rc, end->received);
        LOAD_CHECK(bad == (size_t)rc, "sp_recv: byte %llu of the stream is wrong",
                   (unsigned long long)(end->received + bad));
        if (!(flags & SP_MSG_PEEK)) {
            end->received += (uint64_t)rc;
            load_count.bytes += (uint64_t)rc;
        }
        return rc;
    }
    if (rc == 0) {
        int whole = (peer->shut_wr || peer->closed) && end->received == peer->sent;
        LOAD_CHECK(whole || end->may_reset || end->reset_seen,
                   "sp_recv: end of stream after %llu of %llu bytes (peer %s%s)",
                   (unsigned long long)end->received, (unsigned long long)peer->sent,
                   peer->closed ? "closed" : "open", peer->shut_wr ? ", shut for writing" : "");
        end->eof_seen = 1;
        load_count.ends++;
        return rc;
    }
    if (rc == SP_EAGAIN) {
        LOAD_CHECK(!end->reset_seen, "sp_recv: SP_EAGAIN after a reported reset (Linux: 0)");
        return rc;
    }
    /* A reset after the peer's end of stream had arrived is SP_EPIPE, as
     * Linux's tcp_reset() in CLOSE_WAIT (a receive may report it first). */
    LOAD_CHECK((rc == SP_ECONNRESET || rc == SP_EPIPE) && end->may_reset && !end->reset_seen,
               "sp_recv: %s (peer %s%s, reset %s)", sp_err_name((int)rc),
               peer->closed ? "closed" : "open", peer->shut_rd ? ", shut for reading" : "",
               end->reset_seen ? "already reported" : "not expected");
    end->reset_seen = 1;
    load_count.resets++;
    return rc;
}

static void load_recv(struct load_end *end, const struct load_end *peer, int must_progress)
{
    load_act("recv");
    size_t len = load_below(3) == 0 ? 1 + load_below(LOAD_CHUNK) : 1 + load_below(700);
    int peek = load_below(5) == 0;
    ptrdiff_t rc = load_recv_len(end, peer, len, peek ? SP_MSG_PEEK : 0);
    LOAD_CHECK(!must_progress || rc != SP_EAGAIN,
               "sp_recv: SP_EAGAIN after sp_poll() said SP_POLLIN");
    if (peek && rc > 0 && !end->shut_rd) {
        /* What the peek saw is there: the same bytes come next. */
        load_act("recv after peek");
        ptrdiff_t again = load_recv_len(end, peer, (size_t)rc, 0);
        LOAD_CHECK(again == rc, "sp_recv after a peek of %ld bytes: %ld", (long)rc, (long)again);
    }
}

static void load_shutdown(struct load_end *end, struct load_end *peer)
{
    static const int hows[] = {SP_SHUT_WR, SP_SHUT_WR, SP_SHUT_RD, SP_SHUT_RDWR};
    int how = hows[load_below(4)];
    load_act(how == SP_SHUT_WR   ? "shutdown WR"
             : how == SP_SHUT_RD ? "shutdown RD"
                                 : "shutdown RDWR");
    load_about(end, peer);
    int rc = sp_shutdown(end->sock, how);
    load_listed("sp_shutdown", rc);
    /* Linux: a connection that is over (reset, or both ends shut for
     * writing) is TCP_CLOSE, where shutdown() is ENOTCONN. */
    int over =
        end->reset_seen || end->may_reset || (end->shut_wr && (peer->shut_wr || peer->closed));
    LOAD_CHECK(rc == 0 || (rc == SP_ENOTCONN && over),
               "sp_shutdown: %s (this end: shut %d/%d, eof %d, reset %d/%d, sent %llu, read "
               "%llu; peer: closed %d, shut %d/%d, eof %d, sent %llu, read %llu)",
               sp_err_name(rc), end->shut_rd, end->shut_wr, end->eof_seen, end->may_reset,
               end->reset_seen, (unsigned long long)end->sent, (unsigned long long)end->received,
               peer->closed, peer->shut_rd, peer->shut_wr, peer->eof_seen,
               (unsigned long long)peer->sent, (unsigned long long)peer->received);
    if (rc != 0)
        return;
    if (how != SP_SHUT_WR) {
        end->shut_rd = 1;
        load_peer_may_reset(end, peer);
    }
    if (how != SP_SHUT_RD)
        end->shut_wr = 1;
}

/* Both names of an open end: its own always, its peer's until the
 * connection is over (Linux's TCP_CLOSE: SP_ENOTCONN). */
static void load_names(struct load_end *end, const struct load_end *peer)
{
    load_about(end, peer);
    load_act("names");
    sp_addr name;
    SP_ASSERT_RC(sp_getsockname(end->sock, &name), 0);
    LOAD_CHECK(name.port != 0 && name.family == load_listen_addr.family,
               "sp_getsockname: port %u, family %d", (unsigned)name.port, name.family);
    int rc = sp_getpeername(end->sock, &name);
    load_listed("sp_getpeername", rc);
    int over =
        end->reset_seen || end->may_reset || (end->shut_wr && (peer->shut_wr || peer->closed));
    LOAD_CHECK(rc == 0 || (rc == SP_ENOTCONN && over), "sp_getpeername: %s", sp_err_name(rc));
    if (rc == 0)
        LOAD_CHECK(sp_addr_equal(&name, &end->peer_name),
                   "sp_getpeername: port %u, not the peer's %u", (unsigned)name.port,
                   (unsigned)end->peer_name.port);
}

/* kind 0: close; 1: SP_OPT_LINGER 0 first (a reset); 2: only an end with data unread. */
static void load_close_end(struct load_conn *conn, struct load_end *end, struct load_end *peer,
                           int kind)
{
    load_act(kind == 1 ? "close with linger 0" : kind == 2 ? "close with data unread" : "close");
    if (kind == 1)
        SP_ASSERT_RC(sp_setsockopt(end->sock, SP_OPT_LINGER, 0), 0);
    SP_ASSERT_RC(sp_close(end->sock), 0);
    end->sock = -1;
    end->closed = 1;
    load_count.closes++;
    if (kind == 1)
        peer->may_reset = 1;
    load_peer_may_reset(end, peer);
    load_conn_maybe_free(conn);
}

static void load_close_random(int kind)
{
    struct load_conn *conn;
    struct load_end *peer;
    struct load_end *end = load_pick_end(&conn, &peer);
    if (kind == 2) {
        /* Prefer an end with data unread: the case that leaked lwIP's pcbs. */
        for (int c = 0; c < load_nconns; c++) {
            for (int e = 0; e < 2; e++) {
                struct load_conn *k = &load_conns[c];
                if (k->state == LOAD_OPEN && k->end[e].sock >= 0 &&
                    k->end[1 - e].sent > k->end[e].received + 1000) {
                    conn = k;
                    end = &k->end[e];
                    peer = &k->end[1 - e];
                }
            }
        }
    }
    if (end != NULL)
        load_close_end(conn, end, peer, kind);
}

/* A client given up before its connection was accepted. */
static void load_close_connecting(void)
{
    for (int c = 0; c < load_nconns; c++) {
        struct load_conn *conn = &load_conns[c];
        if (conn->state == LOAD_CONNECTING && load_norphans < LOAD_MAX_ORPHANS) {
            load_act("close before accept");
            SP_ASSERT_RC(sp_close(conn->end[0].sock), 0);
            load_orphans[load_norphans++] = conn->client_port;
            conn->state = LOAD_FREE;
            conn->end[0].sock = -1;
            return;
        }
    }
}

/* sp_poll() over every open socket; what it says ready is then used, and
 * must not say SP_EAGAIN. */
static void load_poll(int timeout_ms)
{
    static sp_pollfd fds[LOAD_MAX_CONNS * 2 + 1];
    static struct load_end *ends[LOAD_MAX_CONNS * 2 + 1];
    static struct load_end *peers[LOAD_MAX_CONNS * 2 + 1];
    size_t n = 0;
    fds[n] = (sp_pollfd){.sock = load_listener, .events = SP_POLLIN, .revents = 0};
    ends[n++] = NULL;
    for (int c = 0; c < load_nconns; c++) {
        for (int e = 0; e < 2; e++) {
            struct load_end *end = &load_conns[c].end[e];
            if (end->sock < 0)
                continue;
            short events = load_conns[c].state == LOAD_OPEN ? SP_POLLIN | SP_POLLOUT : SP_POLLOUT;
            fds[n] = (sp_pollfd){.sock = end->sock, .events = events, .revents = 0};
            ends[n] = load_conns[c].state == LOAD_OPEN ? end : NULL;
            peers[n++] = &load_conns[c].end[1 - e];
        }
    }
    load_act("poll");
    int rc = sp_poll(fds, n, timeout_ms);
    load_listed("sp_poll", rc);
    LOAD_CHECK(rc >= 0 && (size_t)rc <= n, "sp_poll over %zu sockets: %d", n, rc);
    int used = 0;
    for (size_t i = 0; i < n; i++) {
        LOAD_CHECK(!(fds[i].revents & SP_POLLNVAL), "sp_poll: SP_POLLNVAL for an open socket");
        if (fds[i].revents == 0 || used >= 4)
            continue;
        if (i == 0) {
            if (fds[0].revents & SP_POLLIN) {
                load_accept(1);
                used++;
            }
        } else if (ends[i] != NULL && (fds[i].revents & SP_POLLIN) && ends[i]->sock >= 0) {
            load_recv(ends[i], peers[i], 1);
            used++;
        } else if (ends[i] != NULL && (fds[i].revents & SP_POLLOUT) && ends[i]->sock >= 0) {
            /* Writable: a send takes something or fails, it does not wait. */
            LOAD_CHECK(load_send(ends[i], peers[i], 0) != SP_EAGAIN,
                       "sp_send: SP_EAGAIN after sp_poll() said SP_POLLOUT");
            used++;
        }
    }
}

static void load_stream_run(int family, uint32_t seed)
{
    load_begin(seed);
    if (load_trace)
        print_message("seed %u\n", (unsigned)seed);
    load_nconns = load_conn_count();
    memset(load_conns, 0, sizeof load_conns);
    for (int c = 0; c < LOAD_MAX_CONNS; c++)
        load_conns[c].end[0].sock = load_conns[c].end[1].sock = -1;
    load_norphans = 0;
    int dead = sp_t_listener(family, SP_SOCK_STREAM, 1, &load_dead_addr);
    SP_ASSERT_RC(sp_close(dead), 0);
    load_listener = sp_t_listener(family, SP_SOCK_STREAM, 8, &load_listen_addr);
    sp_t_setopt(load_listener, SP_OPT_NONBLOCK, 1);
    const int steps = load_nconns * LOAD_STEPS_PER_CONN;
    const int64_t deadline = sp_t_now() + LOAD_RUN_MS;
    struct load_conn *conn;
    struct load_end *peer;
    struct load_end *end;
    for (load_step = 0; load_step < steps && sp_t_now() < deadline; load_step++) {
        uint32_t action = load_below(100);
        if (load_trace >= 2)
            print_message("step %d: %u at %lld ms\n", load_step, (unsigned)action,
                          (long long)sp_t_now());
        if (action < 8) {
            load_connect();
        } else if (action < 12) {
            load_accept(0);
        } else if (action < 37) {
            if ((end = load_pick_end(&conn, &peer)) != NULL)
                load_send(end, peer, 0);
        } else if (action < 40) {
            if ((end = load_pick_end(&conn, &peer)) != NULL)
                load_flood(end, peer);
        } else if (action < 64) {
            if ((end = load_pick_end(&conn, &peer)) != NULL)
                load_recv(end, peer, 0);
        } else if (action < 68) {
            if ((end = load_pick_end(&conn, &peer)) != NULL)
                load_shutdown(end, peer);
        } else if (action < 71) {
            load_close_random(0);
        } else if (action < 73) {
            load_close_random(1);
        } else if (action < 75) {
            load_close_random(2);
        } else if (action < 76) {
            load_close_connecting();
        } else if (action < 78) {
            if ((end = load_pick_end(&conn, &peer)) != NULL)
                load_names(end, peer);
        } else {
            load_poll(load_below(4) == 0 ? (int)load_below(5) : 0);
        }
    }
    LOAD_CHECK(load_step == steps, "the stack's clock passed %d ms", LOAD_RUN_MS);

    /* The end. Some connections are left as they are: both ends closed,
     * with whatever is unread and however shut down (the windows-shut leak
     * of f12b2b0 needed this). On the others every open end stops sending,
     * then both read until the end of the stream, which must come after
     * every byte the other end sent unless a reset was possible. */
    for (int c = 0; c < load_nconns; c++) {
        conn = &load_conns[c];
        if (conn->state != LOAD_OPEN || load_below(2) != 0)
            continue;
        int flood = load_below(4) != 0;
        for (int e = 0; e < 2; e++) {
            end = &conn->end[e];
            if (end->sock >= 0 && flood)
                load_flood(end, &conn->end[1 - e]);
        }
        for (int e = 0; e < 2; e++) {
            end = &conn->end[e];
            if (end->sock >= 0 && load_below(4) != 0)
                load_shutdown(end, &conn->end[1 - e]);
        }
        /* The FINs cross (into closed windows after a flood: 9e28406's storm). */
        load_act("abandon: let time pass");
        SP_ASSERT_OK(sp_poll(NULL, 0, (int)load_below(3)));
        for (int e = 0; e < 2; e++) {
            if (conn->end[e].sock >= 0)
                load_close_end(conn, &conn->end[e], &conn->end[1 - e], (int)load_below(2) * 2);
        }
    }
    load_act("final shutdown");
    for (int c = 0; c < load_nconns; c++) {
        for (int e = 0; e < 2; e++) {
            end = &load_conns[c].end[e];
            if (load_conns[c].state == LOAD_OPEN && end->sock >= 0 && !end->shut_wr) {
                load_about(end, &load_conns[c].end[1 - e]);
                int rc = sp_shutdown(end->sock, SP_SHUT_WR);
                LOAD_CHECK(rc == 0 || (rc == SP_ENOTCONN && (end->may_reset || end->reset_seen)),
                           "sp_shutdown: %s", sp_err_name(rc));
                end->shut_wr = rc == 0;
            }
        }
    }
    const int64_t drain_deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int turn = 0; turn < 100000; turn++) {
        int waiting = 0;
        for (int c = 0; c < load_nconns; c++) {
            for (int e = 0; e < 2; e++) {
                end = &load_conns[c].end[e];
                if (load_conns[c].state != LOAD_OPEN || end->sock < 0 || end->shut_rd ||
                    end->eof_seen || end->reset_seen)
                    continue;
                waiting++;
                load_act("final recv");
                load_recv_len(end, &load_conns[c].end[1 - e], LOAD_CHUNK, 0);
            }
        }
        if (waiting == 0)
            break;
        LOAD_CHECK(sp_t_now() < drain_deadline, "%d ends never saw the end of their stream",
                   waiting);
        load_act("final poll");
        SP_ASSERT_OK(sp_poll(NULL, 0, 2));
    }
    for (int c = 0; c < load_nconns; c++) {
        for (int e = 0; e < 2; e++) {
            end = &load_conns[c].end[e];
            if (end->sock >= 0)
                load_close_end(&load_conns[c], end, &load_conns[c].end[1 - e], (int)load_below(2));
        }
    }
    SP_ASSERT_RC(sp_close(load_listener), 0);
}

SP_CASE(load_many_streams_random_actions)
{
    uint32_t first;
    uint32_t count;
    load_seeds(&first, &count);
    int v6 = (sp_t_caps() & SP_CAP_IPV6) != 0;
    print_message("# %d connections, %d steps, seeds %u..%u\n", load_conn_count(),
                  load_conn_count() * LOAD_STEPS_PER_CONN, (unsigned)first,
                  (unsigned)(first + count - 1));
    memset(&load_count, 0, sizeof load_count);
    for (uint32_t seed = first; seed < first + count; seed++)
        load_stream_run(v6 && (seed & 1) == 0 ? SP_AF_INET6 : SP_AF_INET, seed);
    print_message("# %u accepted, %llu bytes read and checked, %u ends of stream, %u resets, "
                  "%u closes\n",
                  load_count.accepted, load_count.bytes, load_count.ends, load_count.resets,
                  load_count.closes);
}

/* ---- Datagrams ---- */

#define LOAD_DGRAM_MAX_SOCKS 32
#define LOAD_DGRAM_HEADER 16
#define LOAD_DGRAM_MAGIC 0x4c4fu

struct load_dsock {
    int sock;
    sp_addr addr;
    uint16_t gen;       /* how often this slot was opened */
    uint32_t sent;      /* datagrams the stack took in this generation */
    int peer;           /* the slot it is connected to, or -1 */
    sp_addr peer_addr;  /* that slot's address then */
    uint8_t may_refuse; /* sent to a port that closed: as Linux, ICMP may report it */
};

/* What receiver r last read from sender s: generation and sequence + 1. */
struct load_seen {
    uint16_t gen;
    uint32_t next;
};

static struct load_dsock load_dsocks[LOAD_DGRAM_MAX_SOCKS];
static struct load_seen load_seen[LOAD_DGRAM_MAX_SOCKS][LOAD_DGRAM_MAX_SOCKS];
/* What sender s had sent when r connected: later datagrams from s must not reach r. */
static struct load_seen load_at_connect[LOAD_DGRAM_MAX_SOCKS][LOAD_DGRAM_MAX_SOCKS];
static int load_ndsocks;
static int load_dgram_family;
static size_t load_dgram_max;

static void load_put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void load_put32(uint8_t *p, uint32_t v)
{
    load_put16(p, v >> 16);
    load_put16(p + 2, v);
}

static uint32_t load_get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t load_get32(const uint8_t *p)
{
    return load_get16(p) << 16 | load_get16(p + 2);
}

/* The payload's first byte's offset in the test stream: one per datagram. */
static uint64_t load_dgram_offset(uint32_t slot, uint32_t gen, uint32_t seq)
{
    return ((uint64_t)slot << 40) ^ ((uint64_t)gen << 32) ^ ((uint64_t)seq * 7919u);
}

static void load_dopen(int i)
{
    struct load_dsock *d = &load_dsocks[i];
    load_act("dgram open");
    d->sock = sp_t_socket(load_dgram_family, SP_SOCK_DGRAM);
    sp_addr any;
    sp_t_loopback(&any, load_dgram_family);
    SP_ASSERT_RC(sp_bind(d->sock, &any), 0);
    SP_ASSERT_RC(sp_getsockname(d->sock, &d->addr), 0);
    sp_t_setopt(d->sock, SP_OPT_NONBLOCK, 1);
    d->gen++;
    if (load_trace)
        print_message("%d: %d open (port %u)\n", load_step, i, (unsigned)d->addr.port);
    d->sent = 0;
    d->peer = -1;
    d->may_refuse = 0;
    for (int s = 0; s < LOAD_DGRAM_MAX_SOCKS; s++)
        load_seen[i][s] = (struct load_seen){0, 0};
}

static void load_dclose(int i)
{
    load_act("dgram close");
    SP_ASSERT_RC(sp_close(load_dsocks[i].sock), 0);
    load_dsocks[i].sock = -1;
    if (load_trace)
        print_message("%d: %d close\n", load_step, i);
    for (int r = 0; r < load_ndsocks; r++) {
        if (load_dsocks[r].peer == i)
            load_dsocks[r].may_refuse = 1;
    }
}

static void load_dconnect(int i)
{
    struct load_dsock *d = &load_dsocks[i];
    int to = (int)load_below((uint32_t)load_ndsocks);
    if (load_dsocks[to].sock < 0)
        return;
    load_act("dgram connect");
    int rc = sp_connect(d->sock, &load_dsocks[to].addr);
    load_listed("sp_connect", rc);
    LOAD_CHECK(rc == 0, "sp_connect of a datagram socket: %s", sp_err_name(rc));
    d->peer = to;
    d->peer_addr = load_dsocks[to].addr;
    /* A datagram still on its way to this socket from another finds it
     * connected elsewhere now: its sender may hear ICMP (loopback delivers
     * later on lwIP, at once on Linux: timing). */
    for (int r = 0; r < load_ndsocks; r++) {
        if (load_dsocks[r].peer == i && r != to)
            load_dsocks[r].may_refuse = 1;
    }
    if (load_trace)
        print_message("%d: %d connect to %d (port %u)\n", load_step, i, to,
                      (unsigned)d->peer_addr.port);
    for (int s = 0; s < load_ndsocks; s++)
        load_at_connect[i][s] = (struct load_seen){load_dsocks[s].gen, load_dsocks[s].sent};
}

static void load_dsend(int i)
{
    struct load_dsock *d = &load_dsocks[i];
    int to = d->peer >= 0 && load_below(4) != 0 ? -1 : (int)load_below((uint32_t)load_ndsocks);
    const sp_addr *dest = to < 0 ? &d->peer_addr : &load_dsocks[to].addr;
    /* A closed port, or a socket connected to another: as Linux, no socket
     * takes the datagram, and ICMP reports it if this one is connected then. */
    const struct load_dsock *target = to >= 0 ? &load_dsocks[to] : &load_dsocks[d->peer];
    if ((to >= 0 && target->sock < 0) || (to < 0 && target->addr.port != d->peer_addr.port) ||
        (target->peer >= 0 && target->peer_addr.port != d->addr.port))
        d->may_refuse = 1;
    size_t len = LOAD_DGRAM_HEADER + load_below((uint32_t)(load_dgram_max - LOAD_DGRAM_HEADER + 1));
    uint8_t *p = load_buf;
    load_put16(p, LOAD_DGRAM_MAGIC);
    load_put16(p + 2, (uint32_t)i);
    load_put16(p + 4, d->gen);
    load_put16(p + 6, dest->port);
    load_put32(p + 8, d->sent);
    load_put32(p + 12, (uint32_t)len);
    sp_t_fill(p + LOAD_DGRAM_HEADER, len - LOAD_DGRAM_HEADER,
              load_dgram_offset((uint32_t)i, d->gen, d->sent));
    load_act(to < 0 ? "dgram send" : "dgram sendto");
    ptrdiff_t rc = to < 0 ? sp_send(d->sock, p, len, 0) : sp_sendto(d->sock, p, len, 0, dest);
    load_listed(to < 0 ? "sp_send" : "sp_sendto", rc);
    if (load_trace)
        print_message("%d: %d (port %u) %s to %d (port %u): %ld\n", load_step, i,
                      (unsigned)d->addr.port, load_action, to < 0 ? d->peer : to,
                      (unsigned)dest->port, (long)rc);
    if (rc == (ptrdiff_t)len) {
        d->sent++;
        return;
    }
    if (rc == SP_ECONNREFUSED) {
        LOAD_CHECK(
            d->may_refuse,
            "%s to port %u: SP_ECONNREFUSED, but it never sent to a closed port (connected to %d)",
            load_action, (unsigned)dest->port, d->peer);
        load_count.refused++;
        return;
    }
    /* The stack may be out of buffers under load: a datagram may be dropped. */
    LOAD_CHECK(rc == SP_EAGAIN || rc == SP_ENOBUFS, "%s of %zu bytes: %ld (%s)", load_action, len,
               (long)rc, rc < 0 ? sp_err_name((int)rc) : "bytes");
}

/* Checks one datagram @p i read (@p rc as sp_recvfrom() returned it into
 * @p len bytes, from @p from); returns its sender's slot and sequence. */
static void load_dcheck(int i, const uint8_t *p, ptrdiff_t rc, size_t len, int flags,
                        const sp_addr *from, struct load_seen *id_out, int *sender_out)
{
    size_t stored = (size_t)rc < len ? (size_t)rc : len;
    LOAD_CHECK(stored >= LOAD_DGRAM_HEADER, "a datagram of %ld bytes", (long)rc);
    LOAD_CHECK(load_get16(p) == LOAD_DGRAM_MAGIC, "a datagram without the magic");
    uint32_t sender = load_get16(p + 2);
    uint32_t gen = load_get16(p + 4);
    uint32_t seq = load_get32(p + 8);
    uint32_t whole = load_get32(p + 12);
    LOAD_CHECK(sender < (uint32_t)load_ndsocks, "a datagram from sender %u", (unsigned)sender);
    struct load_dsock *s = &load_dsocks[sender];
    LOAD_CHECK(load_get16(p + 6) == load_dsocks[i].addr.port,
               "a datagram for port %u read on port %u", (unsigned)load_get16(p + 6),
               (unsigned)load_dsocks[i].addr.port);
    LOAD_CHECK(gen < s->gen || (gen == s->gen && seq < s->sent),
               "datagram %u of sender %u (generation %u) was never sent", (unsigned)seq,
               (unsigned)sender, (unsigned)gen);
    if (gen == s->gen) {
        LOAD_CHECK(from->family == s->addr.family && from->port == s->addr.port,
                   "datagram %u of sender %u names port %u as its source, not %u", (unsigned)seq,
                   (unsigned)sender, (unsigned)from->port, (unsigned)s->addr.port);
    }
    if (flags & SP_MSG_TRUNC)
        LOAD_CHECK((uint32_t)rc == whole, "SP_MSG_TRUNC gave %ld for a datagram of %u bytes",
                   (long)rc, (unsigned)whole);
    else
        LOAD_CHECK((size_t)rc == (whole < len ? whole : len),
                   "a datagram of %u bytes read as %ld into %zu", (unsigned)whole, (long)rc, len);
    size_t payload = stored - LOAD_DGRAM_HEADER;
    size_t bad = sp_t_mismatch(p + LOAD_DGRAM_HEADER, payload, load_dgram_offset(sender, gen, seq));
    LOAD_CHECK(bad == payload, "datagram %u of sender %u: byte %zu is wrong", (unsigned)seq,
               (unsigned)sender, bad + LOAD_DGRAM_HEADER);
    /* Loopback neither reorders nor duplicates: each sender's datagrams come
     * in the order sent. */
    const struct load_seen *last = &load_seen[i][sender];
    LOAD_CHECK(gen > last->gen || (gen == last->gen && seq + 1 > last->next),
               "datagram %u of sender %u (generation %u) again or out of order (after %u)",
               (unsigned)seq, (unsigned)sender, (unsigned)gen, (unsigned)last->next);
    int peer = load_dsocks[i].peer;
    if (peer >= 0 && from->port != load_dsocks[i].peer_addr.port) {
        const struct load_seen *at = &load_at_connect[i][sender];
        LOAD_CHECK(gen < at->gen || (gen == at->gen && seq < at->next),
                   "a socket connected to %d read datagram %u that %u sent after the connect", peer,
                   (unsigned)seq, (unsigned)sender);
    }
    *id_out = (struct load_seen){(uint16_t)gen, seq + 1};
    *sender_out = (int)sender;
}

static void load_drecv(int i, int must_find)
{
    struct load_dsock *d = &load_dsocks[i];
    size_t len =
        LOAD_DGRAM_HEADER + load_below((uint32_t)(load_dgram_max - LOAD_DGRAM_HEADER + 64));
    int flags = (load_below(4) == 0 ? SP_MSG_TRUNC : 0) | (load_below(5) == 0 ? SP_MSG_PEEK : 0);
    sp_addr from;
    load_act(flags & SP_MSG_PEEK ? "dgram peek" : "dgram recv");
    ptrdiff_t rc = sp_recvfrom(d->sock, load_peek, len, flags, &from);
    load_listed("sp_recvfrom", rc);
    if (load_trace)
        print_message("%d: %d %s: %ld\n", load_step, i, load_action, (long)rc);
    if (rc == SP_EAGAIN) {
        LOAD_CHECK(!must_find, "sp_recvfrom: SP_EAGAIN after sp_poll() said SP_POLLIN");
        return;
    }
    if (rc == SP_ECONNREFUSED) {
        LOAD_CHECK(d->may_refuse,
                   "sp_recvfrom: SP_ECONNREFUSED, but it never sent to a closed port");
        load_count.refused++;
        return;
    }
    LOAD_CHECK(rc >= 0, "sp_recvfrom: %s", sp_err_name((int)rc));
    struct load_seen id;
    int sender;
    load_dcheck(i, load_peek, rc, len, flags, &from, &id, &sender);
    if (flags & SP_MSG_PEEK) {
        /* The peeked datagram is the next one, whole. */
        load_act("dgram recv after peek");
        size_t full = load_get32(load_peek + 12);
        ptrdiff_t again = sp_recvfrom(d->sock, load_buf, full, 0, &from);
        LOAD_CHECK(again == (ptrdiff_t)full, "sp_recvfrom after a peek: %ld, expected %zu",
                   (long)again, full);
        LOAD_CHECK(memcmp(load_buf, load_peek, LOAD_DGRAM_HEADER) == 0,
                   "sp_recvfrom after a peek read another datagram");
        load_dcheck(i, load_buf, again, full, 0, &from, &id, &sender);
    }
    load_seen[i][sender] = id;
    load_count.datagrams++;
}

static void load_dgram_run(uint32_t seed)
{
    load_begin(seed);
    if (load_trace)
        print_message("seed %u\n", (unsigned)seed);
    load_ndsocks = load_conn_count();
    if (load_ndsocks > LOAD_DGRAM_MAX_SOCKS)
        load_ndsocks = LOAD_DGRAM_MAX_SOCKS;
    load_dgram_family =
        (sp_t_caps() & SP_CAP_IPV6) != 0 && (seed & 1) == 0 ? SP_AF_INET6 : SP_AF_INET;
    /* Some over the loopback's MTU (fragmented), within a board's buffers. */
    load_dgram_max = sp_test_fixture.big_transfer_bytes >= (64u << 20) ? 4000 : 1400;
    memset(load_dsocks, 0, sizeof load_dsocks);
    memset(load_seen, 0, sizeof load_seen);
    for (int i = 0; i < load_ndsocks; i++)
        load_dopen(i);
    const int steps = load_ndsocks * LOAD_STEPS_PER_CONN;
    const int64_t deadline = sp_t_now() + LOAD_RUN_MS;
    static sp_pollfd fds[LOAD_DGRAM_MAX_SOCKS];
    for (load_step = 0; load_step < steps && sp_t_now() < deadline; load_step++) {
        int i = (int)load_below((uint32_t)load_ndsocks);
        uint32_t action = load_below(100);
        if (load_dsocks[i].sock < 0) {
            load_dopen(i);
        } else if (action < 40) {
            load_dsend(i);
        } else if (action < 75) {
            load_drecv(i, 0);
        } else if (action < 80) {
            load_dconnect(i);
        } else if (action < 82) {
            load_dclose(i);
        } else {
            size_t n = 0;
            for (int k = 0; k < load_ndsocks; k++) {
                if (load_dsocks[k].sock >= 0)
                    fds[n++] = (sp_pollfd){load_dsocks[k].sock, SP_POLLIN, 0};
            }
            load_act("dgram poll");
            int rc = sp_poll(fds, n, load_below(4) == 0 ? (int)load_below(5) : 0);
            load_listed("sp_poll", rc);
            LOAD_CHECK(rc >= 0, "sp_poll: %s", sp_err_name(rc));
            int used = 0;
            for (size_t k = 0; k < n; k++) {
                LOAD_CHECK(!(fds[k].revents & SP_POLLNVAL), "sp_poll: SP_POLLNVAL");
                for (int r = 0; r < load_ndsocks && (fds[k].revents & SP_POLLIN) && used < 4; r++) {
                    if (load_dsocks[r].sock == fds[k].sock) {
                        load_drecv(r, 1);
                        used++;
                    }
                }
            }
        }
    }
    LOAD_CHECK(load_step == steps, "the stack's clock passed %d ms", LOAD_RUN_MS);
    for (int i = 0; i < load_ndsocks; i++) {
        if (load_dsocks[i].sock >= 0)
            load_dclose(i);
    }
}

SP_CASE(load_many_datagram_sockets_random_actions)
{
    uint32_t first;
    uint32_t count;
    load_seeds(&first, &count);
    memset(&load_count, 0, sizeof load_count);
    for (uint32_t seed = first; seed < first + count; seed++)
        load_dgram_run(seed);
    print_message("# %u datagrams read and checked, %u ICMP port unreachable reported\n",
                  load_count.datagrams, load_count.refused);
}

int sp_suite_group_load(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(load_many_streams_random_actions),
        SP_TEST(load_many_datagram_sockets_random_actions),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("load"), tests, NULL, NULL);
}
