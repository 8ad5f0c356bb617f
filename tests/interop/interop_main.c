/*
 * Interop: the POSIX port (the host kernel) and the lwIP port (in this
 * process, on a TAP device) talk to each other across a link inside a network
 * namespace that tests/net/netns_tap.sh creates and deletes. One thread drives
 * both stacks with non-blocking sockets and one sp_poll() over sockets of both.
 *
 * Addresses (inside the namespace only): kernel 10.77.0.1 and fd00:77::1,
 * lwIP 10.77.0.2 and fd00:77::2. The TAP device is the one netns_tap.sh names
 * in SP_LWIP_TAP; the argument "clean" or "lossy" runs only that group of
 * cases (default both).
 *
 * The "lossy" cases make the link lose, duplicate and reorder frames both
 * ways (link_faults.c, seeded: SP_INTEROP_SEED picks another seed) and print
 * what both TCP stacks and RDM retransmitted to get everything across.
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sockport/lwip.h>
#include <sockport/posix.h>
#include <sockport/sockport.h>

#include "../../examples/ping.h"
#include "sha256.h"
#include "tap_netif.h"

#define SAFETY_MS 20000
#define TRANSFER_BYTES (4u * 1024 * 1024)
#define CHUNK 8192

/* The lossy link: 5 % of TCP/UDP frames lost, 1 % doubled, 1 % reordered,
 * each way; RDM gets 20 % loss. */
#define LOSSY_BYTES (16u * 1024 * 1024)
#define LOSSY_MS 45000 /* per transfer; a hang fails here, well before CTest's limit */
#define RDM_LOSSY_MESSAGES 300
#define PROGRESS_MS 5000
#define DEFAULT_SEED 0x50c4907ull

static sp_stack *kernel;
static sp_stack *lwip;
static uint64_t fault_seed = DEFAULT_SEED;
static struct tap_netif_config tap = {
    .device = NULL, /* SP_LWIP_TAP */
    .ipv4 = {10, 77, 0, 2},
    .netmask = {255, 255, 255, 0},
    .ipv6 = {0xfd, 0x00, 0x00, 0x77, [15] = 2},
};

static void addr_of(int family, int lwip_side, uint16_t port, sp_addr *out)
{
    if (family == SP_AF_INET) {
        sp_addr_ipv4(out, 10, 77, 0, lwip_side ? 2 : 1, port);
    } else {
        uint8_t bytes[16] = {0xfd, 0x00, 0x00, 0x77};
        bytes[15] = lwip_side ? 2 : 1;
        sp_addr_ipv6(out, bytes, port, 0);
    }
}

#define OK(call) ok_or_fail((long long)(call), #call, __LINE__)
static long long ok_or_fail(long long rc, const char *what, int line)
{
    if (rc < 0)
        fail_msg("line %d: %s returned %s", line, what, sp_err_name((int)rc));
    return rc;
}

static int64_t now(void)
{
    return sp_stack_now_ms(kernel);
}

static int group_setup(void **state)
{
    (void)state;
    kernel = sp_posix_stack();
    struct sp_lwip_config cfg = {
        .add_netifs = tap_netif_add,
        .poll_netifs = tap_netif_poll,
        .netif_ctx = &tap,
        .idle = tap_netif_idle,
    };
    lwip = sp_lwip_start(&cfg);
    if (lwip == NULL) {
        print_error("lwIP did not start on TAP device %s (run through tests/net/netns_tap.sh)\n",
                    tap.device);
        return -1;
    }
    sp_set_default_stack(kernel);
    /* Let the kernel's IPv6 address settle and ND find its neighbour. */
    sp_stack_pump(lwip, 200);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    uint32_t in, out;
    tap_netif_counts(&in, &out);
    print_message("interop: %u frames from the kernel into lwIP, %u out\n", (unsigned)in,
                  (unsigned)out);
    return sp_lwip_stop(lwip);
}

static int case_teardown(void **state)
{
    (void)state;
    static const struct link_faults_config clean;
    tap_netif_set_faults(&clean); /* a failed lossy case leaves no loss behind */
    int leaked = sp_close_all(kernel) + sp_close_all(lwip);
    return leaked == 0 ? 0 : -1;
}

/* A connected stream pair: server on @p server_stack, client on the other. */
static void connect_pair(int family, int type, sp_stack *server_stack, int *client, int *server)
{
    int server_is_lwip = server_stack == lwip;
    sp_stack *client_stack = server_is_lwip ? kernel : lwip;
    sp_addr addr;
    addr_of(family, server_is_lwip, 0, &addr);
    int listener = (int)OK(sp_socket_on(server_stack, family, type, 0));
    OK(sp_bind(listener, &addr));
    OK(sp_listen(listener, 2));
    OK(sp_getsockname(listener, &addr));
    *client = (int)OK(sp_socket_on(client_stack, family, type, 0));
    OK(sp_setsockopt(*client, SP_OPT_NONBLOCK, 1));
    OK(sp_setsockopt(listener, SP_OPT_NONBLOCK, 1));
    int rc = sp_connect(*client, &addr);
    assert_true(rc == 0 || rc == SP_EINPROGRESS);
    *server = -1;
    int64_t deadline = now() + SAFETY_MS;
    for (int i = 0; i < 100000 && now() < deadline && *server < 0; i++) {
        sp_pollfd fds[2] = {{*client, SP_POLLOUT, 0}, {listener, SP_POLLIN, 0}};
        OK(sp_poll(fds, 2, 50));
        int accepted = sp_accept(listener, NULL);
        if (accepted >= 0)
            *server = accepted;
        else
            assert_int_equal(accepted, SP_EAGAIN);
    }
    assert_true(*server >= 0);
    int err = -1;
    for (int i = 0; i < 1000 && now() < deadline; i++) {
        sp_pollfd fds[1] = {{*client, SP_POLLOUT, 0}};
        if (OK(sp_poll(fds, 1, 20)) > 0)
            break;
    }
    OK(sp_getsockopt(*client, SP_OPT_ERROR, &err));
    assert_int_equal(err, 0);
    OK(sp_close(listener));
    OK(sp_setsockopt(*server, SP_OPT_NONBLOCK, 1));
}

static uint8_t pattern(uint64_t at)
{
    return (uint8_t)((at * 2654435761u) >> 13);
}

/* Streams TRANSFER_BYTES from @p from to @p to with both non-blocking, and
 * checks every byte on arrival. */
static void stream_transfer(int from, int to, const char *label)
{
    static uint8_t out[CHUNK], in[CHUNK];
    uint64_t sent = 0, received = 0;
    int64_t started = now(), deadline = started + SAFETY_MS * 3;
    for (uint32_t i = 0; received < TRANSFER_BYTES && i < 10000000 && now() < deadline; i++) {
        sp_pollfd fds[2] = {{from, sent < TRANSFER_BYTES ? SP_POLLOUT : 0, 0}, {to, SP_POLLIN, 0}};
        OK(sp_poll(fds, 2, 50));
        while (sent < TRANSFER_BYTES) {
            size_t len = TRANSFER_BYTES - sent < CHUNK ? (size_t)(TRANSFER_BYTES - sent) : CHUNK;
            for (size_t k = 0; k < len; k++)
                out[k] = pattern(sent + k);
            ptrdiff_t n = sp_send(from, out, len, 0);
            if (n == SP_EAGAIN)
                break;
            OK(n);
            sent += (uint64_t)n;
        }
        for (;;) {
            ptrdiff_t n = sp_recv(to, in, sizeof(in), 0);
            if (n == SP_EAGAIN)
                break;
            OK(n);
            assert_true(n > 0);
            for (ptrdiff_t k = 0; k < n; k++)
                if (in[k] != pattern(received + (uint64_t)k))
                    fail_msg("%s: byte %llu differs", label,
                             (unsigned long long)(received + (uint64_t)k));
            received += (uint64_t)n;
        }
    }
    assert_int_equal(received, TRANSFER_BYTES);
    print_message("interop %s: %u bytes verified in %lld ms\n", label, TRANSFER_BYTES,
                  (long long)(now() - started));
}

static void tcp_both_ways(int family, const char *label)
{
    int client, server;
    connect_pair(family, SP_SOCK_STREAM, lwip, &client, &server); /* kernel client */
    char text[64];
    snprintf(text, sizeof(text), "%s kernel->lwIP", label);
    stream_transfer(client, server, text);
    snprintf(text, sizeof(text), "%s lwIP->kernel", label);
    stream_transfer(server, client, text);
    OK(sp_close(client));
    OK(sp_close(server));
    connect_pair(family, SP_SOCK_STREAM, kernel, &client, &server); /* lwIP client */
    snprintf(text, sizeof(text), "%s lwIP client->kernel server", label);
    stream_transfer(client, server, text);
    OK(sp_close(client));
    OK(sp_close(server));
}

static void interop_tcp_ipv4_both_ways_4mib(void **state)
{
    (void)state;
    tcp_both_ways(SP_AF_INET, "TCP/IPv4");
}

static void interop_tcp_ipv6_both_ways_4mib(void **state)
{
    (void)state;
    tcp_both_ways(SP_AF_INET6, "TCP/IPv6");
}

static void interop_udp_both_ways(void **state)
{
    (void)state;
    sp_addr a_addr, b_addr, from;
    addr_of(SP_AF_INET, 0, 0, &a_addr);
    addr_of(SP_AF_INET, 1, 0, &b_addr);
    int a = (int)OK(sp_socket_on(kernel, SP_AF_INET, SP_SOCK_DGRAM, 0));
    int b = (int)OK(sp_socket_on(lwip, SP_AF_INET, SP_SOCK_DGRAM, 0));
    OK(sp_bind(a, &a_addr));
    OK(sp_bind(b, &b_addr));
    OK(sp_getsockname(a, &a_addr));
    OK(sp_getsockname(b, &b_addr));
    OK(sp_setsockopt(a, SP_OPT_RCVTIMEO, SAFETY_MS));
    OK(sp_setsockopt(b, SP_OPT_RCVTIMEO, SAFETY_MS));
    char buf[1500];
    for (int round = 0; round < 20; round++) {
        /* The first datagram may wait for ARP; lwIP queues it (ARP_QUEUEING). */
        size_t len = 1 + (size_t)round * 70;
        memset(buf, 'a' + round, len);
        assert_int_equal(OK(sp_sendto(a, buf, len, 0, &b_addr)), len);
        assert_int_equal(OK(sp_recvfrom(b, buf, sizeof(buf), 0, &from)), len);
        assert_true(sp_addr_equal(&from, &a_addr));
        assert_int_equal(OK(sp_sendto(b, buf, len, 0, &from)), len);
        assert_int_equal(OK(sp_recvfrom(a, buf, sizeof(buf), 0, &from)), len);
        assert_true(sp_addr_equal(&from, &b_addr));
        assert_int_equal(buf[len - 1], 'a' + round);
    }
    OK(sp_close(a));
    OK(sp_close(b));
}

static void interop_seqpacket_over_ip_between_ports(void **state)
{
    (void)state;
    int client, server;
    connect_pair(SP_AF_INET, SP_SOCK_SEQPACKET, lwip, &client, &server);
    static uint8_t rec[SP_SEQPACKET_MAX_RECORD];
    int sent = 0, got = 0;
    int64_t deadline = now() + SAFETY_MS;
    for (int i = 0; got < 50 && i < 100000 && now() < deadline; i++) {
        sp_pollfd fds[2] = {{client, SP_POLLOUT, 0}, {server, SP_POLLIN, 0}};
        OK(sp_poll(fds, 2, 20));
        while (sent < 50) {
            size_t len = 1 + (size_t)sent * 311 % SP_SEQPACKET_MAX_RECORD;
            memset(rec, sent, len);
            ptrdiff_t n = sp_send(client, rec, len, 0);
            if (n == SP_EAGAIN)
                break;
            assert_int_equal(OK(n), len);
            sent++;
        }
        for (;;) {
            ptrdiff_t n = sp_recv(server, rec, sizeof(rec), 0);
            if (n == SP_EAGAIN)
                break;
            assert_int_equal(OK(n), 1 + (size_t)got * 311 % SP_SEQPACKET_MAX_RECORD);
            assert_int_equal(rec[n - 1], (uint8_t)got);
            got++;
        }
    }
    assert_int_equal(got, 50);
    OK(sp_close(client));
    OK(sp_close(server));
}

static void interop_rdm_between_ports(void **state)
{
    (void)state;
    enum { MESSAGES = 500 };
    sp_addr k_addr, l_addr;
    addr_of(SP_AF_INET, 0, 0, &k_addr);
    addr_of(SP_AF_INET, 1, 0, &l_addr);
    int k = (int)OK(sp_socket_on(kernel, SP_AF_INET, SP_SOCK_RDM, 0));
    int l = (int)OK(sp_socket_on(lwip, SP_AF_INET, SP_SOCK_RDM, 0));
    OK(sp_bind(k, &k_addr));
    OK(sp_bind(l, &l_addr));
    OK(sp_getsockname(k, &k_addr));
    OK(sp_getsockname(l, &l_addr));
    OK(sp_setsockopt(k, SP_OPT_NONBLOCK, 1));
    OK(sp_setsockopt(l, SP_OPT_NONBLOCK, 1));
    int sent[2] = {0, 0}, received[2] = {0, 0}, delivered[2] = {0, 0};
    int socks[2] = {k, l};
    const sp_addr *peer[2] = {&l_addr, &k_addr};
    int64_t deadline = now() + SAFETY_MS;
    for (int i = 0;
         i < 200000 && now() < deadline && (delivered[0] < MESSAGES || delivered[1] < MESSAGES);
         i++) {
        sp_pollfd fds[2] = {{k, SP_POLLIN | SP_POLLOUT, 0}, {l, SP_POLLIN | SP_POLLOUT, 0}};
        OK(sp_poll(fds, 2, 20));
        for (int side = 0; side < 2; side++) {
            char msg[32];
            while (sent[side] < MESSAGES) {
                int len = snprintf(msg, sizeof(msg), "%d:%d", side, sent[side]);
                ptrdiff_t n = sp_sendto(socks[side], msg, (size_t)len, 0, peer[side]);
                if (n == SP_EAGAIN)
                    break;
                OK(n);
                sent[side]++;
            }
            ptrdiff_t n;
            while ((n = sp_recv(socks[side], msg, sizeof(msg) - 1, 0)) != SP_EAGAIN) {
                OK(n);
                assert_int_equal(msg[0], '0' + (1 - side));
                received[side]++;
            }
            sp_rdm_report report;
            while (OK(sp_rdm_report_take(socks[side], &report)) == 1) {
                assert_int_equal(report.result, 0);
                delivered[side]++;
            }
        }
    }
    print_message("interop RDM: kernel->lwIP %d delivered, lwIP->kernel %d delivered\n",
                  delivered[0], delivered[1]);
    assert_int_equal(received[1], MESSAGES);
    assert_int_equal(received[0], MESSAGES);
    assert_int_equal(delivered[0], MESSAGES);
    assert_int_equal(delivered[1], MESSAGES);
    OK(sp_close(k));
    OK(sp_close(l));
}

/* ---- The lossy link ---------------------------------------------------- */

/* One counter from /proc/net/snmp or /proc/net/netstat: a header line
 * "Tcp: Name Name..." followed by "Tcp: value value...". Read inside the
 * namespace, so the counts are this test's alone. -1 if absent. */
static long long proc_counter(const char *path, const char *section, const char *name)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    static char names[4096], values[4096];
    long long result = -1;
    size_t section_len = strlen(section);
    while (result < 0 && fgets(names, sizeof(names), f) != NULL &&
           fgets(values, sizeof(values), f) != NULL) {
        if (strncmp(names, section, section_len) != 0 || names[section_len] != ':')
            continue;
        char *name_save, *value_save;
        char *n = strtok_r(names + section_len + 1, " \n", &name_save);
        char *v = strtok_r(values + section_len + 1, " \n", &value_save);
        for (; n != NULL && v != NULL;
             n = strtok_r(NULL, " \n", &name_save), v = strtok_r(NULL, " \n", &value_save)) {
            if (strcmp(n, name) == 0) {
                result = strtoll(v, NULL, 10);
                break;
            }
        }
    }
    fclose(f);
    return result;
}

/* What both stacks counted, read before and after a lossy case. */
struct retransmit_counts {
    long long kernel_retrans_segs, kernel_out_segs, kernel_timeouts, kernel_fast_retrans;
    struct sp_lwip_stats lwip;
    struct tap_lwip_mib lwip_mib;
};

static void read_counts(struct retransmit_counts *c)
{
    c->kernel_retrans_segs = proc_counter("/proc/net/snmp", "Tcp", "RetransSegs");
    c->kernel_out_segs = proc_counter("/proc/net/snmp", "Tcp", "OutSegs");
    c->kernel_timeouts = proc_counter("/proc/net/netstat", "TcpExt", "TCPTimeouts");
    c->kernel_fast_retrans = proc_counter("/proc/net/netstat", "TcpExt", "TCPFastRetrans");
    OK(sp_lwip_get_stats(lwip, &c->lwip));
    tap_netif_lwip_mib(&c->lwip_mib);
}

static void print_faults(const char *label)
{
    struct link_faults_counts in, out;
    tap_netif_fault_counts(&in, &out);
    print_message("  %s link, kernel->lwIP: %llu frames, %llu lost, %llu doubled, %llu reordered\n"
                  "  %s link, lwIP->kernel: %llu frames, %llu lost, %llu doubled, %llu reordered\n",
                  label, (unsigned long long)in.frames, (unsigned long long)in.dropped,
                  (unsigned long long)in.duplicated, (unsigned long long)in.reordered, label,
                  (unsigned long long)out.frames, (unsigned long long)out.dropped,
                  (unsigned long long)out.duplicated, (unsigned long long)out.reordered);
    /* The faults must really have happened, or the case proves nothing. */
    assert_true(in.dropped > 0 && out.dropped > 0 && in.duplicated > 0 && out.duplicated > 0 &&
                in.reordered > 0 && out.reordered > 0);
}

static void print_tcp_retransmissions(const char *label, const struct retransmit_counts *before)
{
    struct retransmit_counts after;
    read_counts(&after);
    print_message("  %s kernel TCP: %lld segments out, %lld retransmitted (RetransSegs), "
                  "%lld timeouts, %lld fast retransmits\n",
                  label, after.kernel_out_segs - before->kernel_out_segs,
                  after.kernel_retrans_segs - before->kernel_retrans_segs,
                  after.kernel_timeouts - before->kernel_timeouts,
                  after.kernel_fast_retrans - before->kernel_fast_retrans);
    print_message("  %s lwIP TCP: %u segments out, %u retransmitted (sockport's count, "
                  "all kinds), tcpRetransSegs %u (lwIP MIB-II: fast retransmits), "
                  "%u segments dropped on input\n",
                  label, (unsigned)(after.lwip.tcp_segments_out - before->lwip.tcp_segments_out),
                  (unsigned)(after.lwip.tcp_retransmissions - before->lwip.tcp_retransmissions),
                  (unsigned)(after.lwip_mib.tcp_retrans_segs - before->lwip_mib.tcp_retrans_segs),
                  (unsigned)(after.lwip_mib.tcp_dropped - before->lwip_mib.tcp_dropped));
}

static void set_lossy_link(unsigned loss_permille, unsigned dup_permille, unsigned reorder_permille)
{
    struct link_faults_config faults = {loss_permille, dup_permille, reorder_permille, fault_seed};
    tap_netif_set_faults(&faults);
}

/* A byte stream that both ends can make: the sender sends it, and both sides
 * hash what they sent and what they got. */
struct lossy_stream {
    int from, to;
    uint64_t rng, sent, received;
    uint8_t pending[CHUNK];
    size_t pending_at, pending_len;
    struct sha256 sent_hash, received_hash;
    int eof; /* the receiver saw the end */
};

static void lossy_stream_init(struct lossy_stream *st, int from, int to, uint64_t seed)
{
    memset(st, 0, sizeof(*st));
    st->from = from;
    st->to = to;
    st->rng = seed;
    sha256_init(&st->sent_hash);
    sha256_init(&st->received_hash);
}

static void lossy_stream_send(struct lossy_stream *st)
{
    while (st->sent < LOSSY_BYTES) {
        if (st->pending_at == st->pending_len) {
            size_t len = LOSSY_BYTES - st->sent < CHUNK ? (size_t)(LOSSY_BYTES - st->sent) : CHUNK;
            for (size_t k = 0; k < len; k += 8) {
                st->rng = st->rng * 6364136223846793005u + 1442695040888963407u;
                uint64_t word = st->rng ^ (st->rng >> 29);
                memcpy(st->pending + k, &word, len - k < 8 ? len - k : 8);
            }
            sha256_update(&st->sent_hash, st->pending, len);
            st->pending_at = 0;
            st->pending_len = len;
        }
        ptrdiff_t n =
            sp_send(st->from, st->pending + st->pending_at, st->pending_len - st->pending_at, 0);
        if (n == SP_EAGAIN)
            return;
        OK(n);
        st->pending_at += (size_t)n;
        st->sent += (uint64_t)n;
    }
}

/* What one end of the connection waits for: room while its stream has bytes
 * to send, data until the other's end of stream. A socket with nothing to
 * wait for stays out of the poll, whose always-reported SP_POLLHUP (once the
 * peer's FIN came) would otherwise make it return at once, every time. */
static short lossy_events(const struct lossy_stream *out, const struct lossy_stream *in)
{
    return (short)((out->sent < LOSSY_BYTES ? SP_POLLOUT : 0) | (in->eof ? 0 : SP_POLLIN));
}

static void lossy_stream_receive(struct lossy_stream *st)
{
    static uint8_t in[CHUNK];
    while (!st->eof) {
        ptrdiff_t n = sp_recv(st->to, in, sizeof(in), 0);
        if (n == SP_EAGAIN)
            return;
        OK(n);
        if (n == 0) {
            st->eof = 1;
            return;
        }
        sha256_update(&st->received_hash, in, (size_t)n);
        st->received += (uint64_t)n;
        if (st->received > LOSSY_BYTES)
            fail_msg("more bytes arrived than were sent: %llu", (unsigned long long)st->received);
    }
}

/* Prints how the transfer went; 1 if every byte arrived intact. */
static int lossy_stream_report(struct lossy_stream *st, const char *label)
{
    uint8_t sent[SHA256_DIGEST_SIZE], received[SHA256_DIGEST_SIZE];
    char sent_hex[2 * SHA256_DIGEST_SIZE + 1], received_hex[2 * SHA256_DIGEST_SIZE + 1];
    sha256_final(&st->sent_hash, sent);
    sha256_final(&st->received_hash, received);
    sha256_hex(sent, sent_hex);
    sha256_hex(received, received_hex);
    print_message("  %s: %llu bytes sent, %llu received, SHA-256 %s %s %s\n", label,
                  (unsigned long long)st->sent, (unsigned long long)st->received, sent_hex,
                  strcmp(sent_hex, received_hex) == 0 ? "==" : "!=", received_hex);
    return st->sent == LOSSY_BYTES && st->received == LOSSY_BYTES &&
           strcmp(sent_hex, received_hex) == 0;
}

/* A line every few seconds, so that a slow or stuck transfer shows where it
 * stalled and what the stacks were doing meanwhile. */
static void print_progress(const char *label, int64_t started, const struct lossy_stream *up,
                           const struct lossy_stream *down, const struct retransmit_counts *before)
{
    struct retransmit_counts c;
    read_counts(&c);
    print_message("  %s after %lld ms: kernel->lwIP %llu of %u bytes, lwIP->kernel %llu; "
                  "retransmitted so far: kernel %lld (%lld timeouts), lwIP %u; lwIP pool "
                  "errors %u\n",
                  label, (long long)(now() - started), (unsigned long long)up->received,
                  LOSSY_BYTES, (unsigned long long)down->received,
                  c.kernel_retrans_segs - before->kernel_retrans_segs,
                  c.kernel_timeouts - before->kernel_timeouts,
                  (unsigned)(c.lwip.tcp_retransmissions - before->lwip.tcp_retransmissions),
                  (unsigned)(c.lwip.pool_errors - before->lwip.pool_errors));
}

/* Where a lossy transfer stands: the kernel's view of the connection and its
 * neighbours, lwIP's pcbs, neighbours and the fault injector's held frames. */
static void print_connection_state(void)
{
    fflush(stdout);
    if (system("ss -tanoi; ip neigh show; ip -6 neigh show") != 0)
        print_message("  (ss or ip failed)\n");
    tap_netif_dump_state();
}

/* What a lossy case that did not finish says of where it stuck. */
static void print_stall(const char *label, const struct lossy_stream *up,
                        const struct lossy_stream *down, int shut)
{
    print_message("  %s did not finish: both ends shut down: %s; lwIP (server) saw the "
                  "kernel's end of stream: %s; kernel (client) saw lwIP's: %s\n",
                  label, shut ? "yes" : "no", up->eof ? "yes" : "no", down->eof ? "yes" : "no");
    print_connection_state();
}

/* 16 MiB each way at once over one connection (kernel client, lwIP server);
 * when both have arrived, both ends shut down and read the other's end of
 * stream (the FINs cross the lossy link too). */
static void tcp_lossy(int family, const char *label)
{
    struct retransmit_counts before;
    read_counts(&before);
    set_lossy_link(50, 10, 10);
    int64_t started = now();
    int client, server;
    connect_pair(family, SP_SOCK_STREAM, lwip, &client, &server);
    static struct lossy_stream up, down;
    lossy_stream_init(&up, client, server, fault_seed + 1);   /* kernel -> lwIP */
    lossy_stream_init(&down, server, client, fault_seed + 2); /* lwIP -> kernel */
    int64_t deadline = started + LOSSY_MS;
    int shut = 0;
    uint32_t turns = 0;
    int64_t next_progress = started + PROGRESS_MS;
    uint64_t progress_bytes = 0;
    for (; turns < 50000000 && now() < deadline && !(up.eof && down.eof); turns++) {
        sp_pollfd fds[2];
        size_t nfds = 0;
        short client_events = lossy_events(&up, &down), server_events = lossy_events(&down, &up);
        if (client_events != 0)
            fds[nfds++] = (sp_pollfd){client, client_events, 0};
        if (server_events != 0)
            fds[nfds++] = (sp_pollfd){server, server_events, 0};
        OK(sp_poll(fds, nfds, 50));
        /* lwIP runs only when called: once its socket has nothing left to
         * wait for (it read the kernel's FIN), the poll above no longer runs
         * it, yet its own FIN may still need a retransmission, or the
         * fault injector may hold it back. A NO_SYS main loop keeps the
         * stack going, as sp_stack_pump() is for. */
        OK(sp_stack_pump(lwip, 0));
        lossy_stream_send(&up);
        lossy_stream_send(&down);
        lossy_stream_receive(&up);
        lossy_stream_receive(&down);
        if (now() >= next_progress) {
            print_progress(label, started, &up, &down, &before);
            /* A whole period without a byte either way: say where it waits. */
            if (up.received + down.received == progress_bytes && !(up.eof && down.eof))
                print_connection_state();
            progress_bytes = up.received + down.received;
            next_progress += PROGRESS_MS;
        }
        if (!shut && up.received == LOSSY_BYTES && down.received == LOSSY_BYTES) {
            OK(sp_shutdown(client, SP_SHUT_WR));
            OK(sp_shutdown(server, SP_SHUT_WR));
            shut = 1;
        }
    }
    int64_t took = now() - started;
    char text[80];
    print_message("interop %s at 5%% loss, 1%% duplication, 1%% reordering (seed %#llx): "
                  "%lld ms, %u turns of the loop\n",
                  label, (unsigned long long)fault_seed, (long long)took, (unsigned)turns);
    snprintf(text, sizeof(text), "%s kernel->lwIP", label);
    int up_intact = lossy_stream_report(&up, text);
    snprintf(text, sizeof(text), "%s lwIP->kernel", label);
    int down_intact = lossy_stream_report(&down, text);
    print_tcp_retransmissions(label, &before);
    print_faults(label);
    if (!(up_intact && down_intact && up.eof && down.eof))
        print_stall(label, &up, &down, shut);
    assert_true(up_intact);
    assert_true(down_intact);
    assert_true(up.eof && down.eof);
    OK(sp_close(client));
    OK(sp_close(server));
}

static void interop_tcp_ipv4_lossy_16mib_each_way(void **state)
{
    (void)state;
    tcp_lossy(SP_AF_INET, "TCP/IPv4");
}

static void interop_tcp_ipv6_lossy_16mib_each_way(void **state)
{
    (void)state;
    tcp_lossy(SP_AF_INET6, "TCP/IPv6");
}

/* RDM both ways at 20 % loss: every message delivered exactly once, and
 * every sender told so. */
static void interop_rdm_lossy_exactly_once(void **state)
{
    (void)state;
    enum { MESSAGES = RDM_LOSSY_MESSAGES };
    set_lossy_link(200, 20, 20);
    sp_addr k_addr, l_addr;
    addr_of(SP_AF_INET, 0, 0, &k_addr);
    addr_of(SP_AF_INET, 1, 0, &l_addr);
    int socks[2];
    socks[0] = (int)OK(sp_socket_on(kernel, SP_AF_INET, SP_SOCK_RDM, 0));
    socks[1] = (int)OK(sp_socket_on(lwip, SP_AF_INET, SP_SOCK_RDM, 0));
    OK(sp_bind(socks[0], &k_addr));
    OK(sp_bind(socks[1], &l_addr));
    OK(sp_getsockname(socks[0], &k_addr));
    OK(sp_getsockname(socks[1], &l_addr));
    const sp_addr *peer[2] = {&l_addr, &k_addr};
    for (int side = 0; side < 2; side++) {
        OK(sp_setsockopt(socks[side], SP_OPT_NONBLOCK, 1));
        /* Long enough that no message runs out of tries at 20 % loss: the
         * case is about exactly once, not about giving up. */
        OK(sp_setsockopt(socks[side], SP_OPT_RDM_TIMEOUT, LOSSY_MS));
    }
    static uint8_t seen[2][MESSAGES]; /* [receiving side][message] */
    memset(seen, 0, sizeof(seen));
    int sent[2] = {0, 0}, received[2] = {0, 0}, reported[2] = {0, 0};
    int64_t started = now(), deadline = started + LOSSY_MS;
    /* The count bound is far above what the time bound allows: a fast
     * machine must not run out of turns while retransmissions are still due
     * (a turn with nothing to do waits in sp_poll). Writable is asked for only
     * while a side has more to send; otherwise it is always true and the
     * loop would spin instead of waiting. */
    for (int i = 0; i < 50000000 && now() < deadline &&
                    (reported[0] < MESSAGES || reported[1] < MESSAGES || received[0] < MESSAGES ||
                     received[1] < MESSAGES);
         i++) {
        sp_pollfd fds[2] = {
            {socks[0], (short)(SP_POLLIN | (sent[0] < MESSAGES ? SP_POLLOUT : 0)), 0},
            {socks[1], (short)(SP_POLLIN | (sent[1] < MESSAGES ? SP_POLLOUT : 0)), 0}};
        OK(sp_poll(fds, 2, 20));
        OK(sp_stack_pump(lwip, 0));
        for (int side = 0; side < 2; side++) {
            char msg[32];
            while (sent[side] < MESSAGES) {
                int len = snprintf(msg, sizeof(msg), "%d:%d", side, sent[side]);
                ptrdiff_t n = sp_sendto(socks[side], msg, (size_t)len, 0, peer[side]);
                if (n == SP_EAGAIN)
                    break;
                OK(n);
                sent[side]++;
            }
            ptrdiff_t n;
            while ((n = sp_recv(socks[side], msg, sizeof(msg) - 1, 0)) != SP_EAGAIN) {
                OK(n);
                msg[n] = '\0';
                int from = -1, number = -1;
                if (sscanf(msg, "%d:%d", &from, &number) != 2 || from != 1 - side || number < 0 ||
                    number >= MESSAGES)
                    fail_msg("side %d received a message it was not sent: '%s'", side, msg);
                if (seen[side][number]++)
                    fail_msg("side %d received message %d twice", side, number);
                received[side]++;
            }
            sp_rdm_report report;
            while (OK(sp_rdm_report_take(socks[side], &report)) == 1) {
                assert_int_equal(report.result, 0);
                reported[side]++;
            }
        }
    }
    print_message("interop RDM at 20%% loss, 2%% duplication, 2%% reordering (seed %#llx): "
                  "%lld ms\n",
                  (unsigned long long)fault_seed, (long long)(now() - started));
    const char *name[2] = {"kernel", "lwIP"};
    for (int side = 0; side < 2; side++) {
        sp_rdm_stats st;
        OK(sp_rdm_get_stats(socks[side], &st));
        print_message("  RDM %s side: %u sent, %u transmissions (%u retransmissions), "
                      "%u acknowledged, %u timed out; %u received, %u duplicates dropped\n",
                      name[side], (unsigned)st.sent, (unsigned)st.transmissions,
                      (unsigned)st.retransmissions, (unsigned)st.delivered, (unsigned)st.timed_out,
                      (unsigned)st.received, (unsigned)st.duplicates);
        assert_int_equal(st.timed_out, 0);
        assert_int_equal(st.delivered, MESSAGES);
        assert_int_equal(st.received, MESSAGES);
        assert_true(st.retransmissions > 0); /* the loss really hit it */
    }
    print_faults("RDM");
    for (int side = 0; side < 2; side++) {
        assert_int_equal(sent[side], MESSAGES);
        assert_int_equal(received[side], MESSAGES);
        assert_int_equal(reported[side], MESSAGES);
        for (int m = 0; m < MESSAGES; m++)
            assert_int_equal(seen[side][m], 1);
    }
    OK(sp_close(socks[0]));
    OK(sp_close(socks[1]));
}

/* examples/ping on the lwIP port, across the link: the kernel answers. (The
 * other way round needs lwIP pumped while the kernel's ping waits, which
 * ping_run() on one stack does not do.) */
static void interop_lwip_pings_kernel(void **state)
{
    (void)state;
    struct ping_result result;
    struct ping_options to_kernel = {"10.77.0.1", SP_AF_INET, 3, 10, 2000};
    assert_int_equal(ping_run(lwip, &to_kernel, &result), 0);
    assert_int_equal(result.received, 3);
}

int main(int argc, char **argv)
{
    tap.device = getenv("SP_LWIP_TAP");
    if (tap.device == NULL) {
        fprintf(stderr, "interop: SP_LWIP_TAP must name the TAP device (tests/net/netns_tap.sh)\n");
        return 2;
    }
    const char *group = argc > 1 ? argv[1] : "";
    const char *seed = getenv("SP_INTEROP_SEED");
    if (seed != NULL && *seed != '\0')
        fault_seed = strtoull(seed, NULL, 0);
    const struct CMUnitTest clean[] = {
        cmocka_unit_test_teardown(interop_udp_both_ways, case_teardown),
        cmocka_unit_test_teardown(interop_tcp_ipv4_both_ways_4mib, case_teardown),
        cmocka_unit_test_teardown(interop_tcp_ipv6_both_ways_4mib, case_teardown),
        cmocka_unit_test_teardown(interop_seqpacket_over_ip_between_ports, case_teardown),
        cmocka_unit_test_teardown(interop_rdm_between_ports, case_teardown),
        cmocka_unit_test_teardown(interop_lwip_pings_kernel, case_teardown),
    };
    const struct CMUnitTest lossy[] = {
        cmocka_unit_test_teardown(interop_tcp_ipv4_lossy_16mib_each_way, case_teardown),
        cmocka_unit_test_teardown(interop_tcp_ipv6_lossy_16mib_each_way, case_teardown),
        cmocka_unit_test_teardown(interop_rdm_lossy_exactly_once, case_teardown),
    };
    int failed = 0;
    if (strcmp(group, "lossy") != 0)
        failed += cmocka_run_group_tests_name("interop posix<->lwip, clean link", clean,
                                              group_setup, group_teardown);
    if (strcmp(group, "clean") != 0)
        failed += cmocka_run_group_tests_name("interop posix<->lwip, lossy link", lossy,
                                              group_setup, group_teardown);
    return failed == 0 ? 0 : 1;
}
