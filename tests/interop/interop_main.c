/*
 * Interop: the POSIX port (the host kernel) and the lwIP port (in this
 * process, on a TAP device) talk to each other across a link inside a network
 * namespace that run_interop.sh creates and deletes. One thread drives both
 * stacks with non-blocking sockets and one sp_poll() over sockets of both.
 *
 * Addresses (inside the namespace only): kernel 10.77.0.1 and fd00:77::1,
 * lwIP 10.77.0.2 and fd00:77::2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sockport/lwip.h>
#include <sockport/posix.h>
#include <sockport/sockport.h>

#include "../../examples/ping.h"
#include "tap_netif.h"

#define SAFETY_MS 20000
#define TRANSFER_BYTES (4u * 1024 * 1024)
#define CHUNK 8192

static sp_stack *kernel;
static sp_stack *lwip;
static struct tap_netif_config tap = {
    .device = "sptap0",
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
        print_error("lwIP did not start on TAP device %s (run through run_interop.sh)\n",
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
                    fail_msg("%s: byte %llu differs", label, (unsigned long long)(received + (uint64_t)k));
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
    for (int i = 0; i < 200000 && now() < deadline &&
                    (delivered[0] < MESSAGES || delivered[1] < MESSAGES);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(interop_udp_both_ways, case_teardown),
        cmocka_unit_test_teardown(interop_tcp_ipv4_both_ways_4mib, case_teardown),
        cmocka_unit_test_teardown(interop_tcp_ipv6_both_ways_4mib, case_teardown),
        cmocka_unit_test_teardown(interop_seqpacket_over_ip_between_ports, case_teardown),
        cmocka_unit_test_teardown(interop_rdm_between_ports, case_teardown),
        cmocka_unit_test_teardown(interop_lwip_pings_kernel, case_teardown),
    };
    return cmocka_run_group_tests_name("interop posix<->lwip", tests, group_setup, group_teardown);
}
