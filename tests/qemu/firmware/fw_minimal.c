/*
 * The smallest useful sockport firmware: TCP, UDP, sp_poll(), timeouts and
 * sp_resolve() on the lwIP port over loopback, started by the bare board
 * start-up (sockport_board_mps2_an385_bare: no stdio, no malloc; the test
 * qemu.fw_minimal_link_map checks the link map for them). scripts/footprint.sh
 * measures core and the lwIP port as linked here, and in the variants that
 * also open one optional service's socket (FW_MINIMAL_WITH below).
 * Prints "fw_minimal: all checks passed" and exits 0, or names the line of
 * the check that failed and exits 1.
 */
#include <stdbool.h>
#include <string.h>

#include <sockport/lwip.h>

#include "board.h"
#include "board_sockport.h"

#define FW_MINIMAL_NONE 0
#define FW_MINIMAL_SEQPACKET 1
#define FW_MINIMAL_RDM 2
#define FW_MINIMAL_RAW 3
#ifndef FW_MINIMAL_WITH
#define FW_MINIMAL_WITH FW_MINIMAL_NONE
#endif

#define WAIT_MS 2000
/* Short: the query goes to our own socket, which never answers. */
#define RESOLVE_TIMEOUT_MS 300
#define RECEIVE_TIMEOUT_MS 50

static void say(const char *text)
{
    board_console_write(text, (int)strlen(text));
}

static int failed(int line)
{
    char digits[10];
    int at = (int)sizeof digits;
    unsigned value = (unsigned)line;
    do {
        digits[--at] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value > 0 && at > 0);
    say("fw_minimal: check failed at line ");
    board_console_write(digits + at, (int)sizeof digits - at);
    say("\n");
    return 1;
}

#define CHECK(condition)                                                                           \
    do {                                                                                           \
        if (!(condition))                                                                          \
            return failed(__LINE__);                                                               \
    } while (0)

/* A socket of @p type bound to an ephemeral loopback port, which @p addr receives. */
static int bound_socket(int type, sp_addr *addr)
{
    int sock = sp_socket(SP_AF_INET, type, 0);
    if (sock < 0)
        return sock;
    sp_addr_loopback(addr, SP_AF_INET, 0);
    int rc = sp_bind(sock, addr);
    if (rc == 0)
        rc = sp_getsockname(sock, addr);
    if (rc < 0) {
        sp_close(sock);
        return rc;
    }
    return sock;
}

#if FW_MINIMAL_WITH != FW_MINIMAL_NONE
/* Whether a socket of @p type opens (and closes again): its service is there. */
static bool opens(int type, int protocol)
{
    int sock = sp_socket(SP_AF_INET, type, protocol);
    return sock >= 0 && sp_close(sock) == 0;
}
#endif

/* Unregistered optional services are unsupported types; the variant's one is
 * registered and opens. */
static int check_services(void)
{
#if FW_MINIMAL_WITH == FW_MINIMAL_SEQPACKET
    sp_use_seqpacket();
    CHECK(opens(SP_SOCK_SEQPACKET, 0));
#else
    CHECK(sp_socket(SP_AF_INET, SP_SOCK_SEQPACKET, 0) == SP_EPROTONOSUPPORT);
#endif
#if FW_MINIMAL_WITH == FW_MINIMAL_RDM
    sp_use_rdm();
    CHECK(opens(SP_SOCK_RDM, 0));
#else
    CHECK(sp_socket(SP_AF_INET, SP_SOCK_RDM, 0) == SP_EPROTONOSUPPORT);
#endif
#if FW_MINIMAL_WITH == FW_MINIMAL_RAW
    sp_lwip_use_raw();
    CHECK(opens(SP_SOCK_RAW, SP_IPPROTO_ICMP));
#else
    CHECK(sp_socket(SP_AF_INET, SP_SOCK_RAW, SP_IPPROTO_ICMP) == SP_EPROTONOSUPPORT);
#endif
    return 0;
}

/* "localhost" without a query; another name through lwIP's DNS client to a
 * UDP socket of ours that takes the query and never answers, so the
 * resolver's timeout ends the call, then the socket's receive timeout. */
static int check_resolve_and_timeouts(sp_stack *stack)
{
    sp_addr found[2], loopback;
    CHECK(sp_resolve("localhost", "7", SP_AF_INET, found, 2, RESOLVE_TIMEOUT_MS) == 1);
    sp_addr_loopback(&loopback, SP_AF_INET, 7);
    CHECK(sp_addr_equal(&found[0], &loopback));

    sp_addr server;
    int dns = bound_socket(SP_SOCK_DGRAM, &server);
    CHECK(dns >= 0);
    CHECK(sp_lwip_set_dns_server(stack, 0, &server) == 0);
    CHECK(sp_resolve("minimal.sockport.test", NULL, SP_AF_INET, found, 2, RESOLVE_TIMEOUT_MS) ==
          SP_ETIMEDOUT);
    CHECK(sp_setsockopt(dns, SP_OPT_RCVTIMEO, RECEIVE_TIMEOUT_MS) == 0);
    unsigned char query[512];
    CHECK(sp_recv(dns, query, sizeof query, 0) > 12); /* a DNS header and more */
    CHECK(sp_recv(dns, query, sizeof query, 0) == SP_ETIMEDOUT);
    CHECK(sp_close(dns) == 0);
    return 0;
}

static int check_udp(void)
{
    sp_addr a_addr, b_addr, from;
    int a = bound_socket(SP_SOCK_DGRAM, &a_addr);
    int b = bound_socket(SP_SOCK_DGRAM, &b_addr);
    CHECK(a >= 0 && b >= 0);
    CHECK(sp_sendto(a, "udp", 3, 0, &b_addr) == 3);
    sp_pollfd fd = {b, SP_POLLIN, 0};
    CHECK(sp_poll(&fd, 1, WAIT_MS) == 1 && (fd.revents & SP_POLLIN) != 0);
    char buf[8];
    CHECK(sp_recvfrom(b, buf, sizeof buf, 0, &from) == 3 && memcmp(buf, "udp", 3) == 0);
    CHECK(sp_addr_equal(&from, &a_addr));
    CHECK(sp_close(a) == 0 && sp_close(b) == 0);
    return 0;
}

/* A non-blocking connect that sp_poll() sees through, then a blocking read
 * bounded by its receive timeout. */
static int check_tcp(void)
{
    sp_addr listen_addr;
    int listener = bound_socket(SP_SOCK_STREAM, &listen_addr);
    CHECK(listener >= 0);
    CHECK(sp_listen(listener, 1) == 0);
    int client = sp_socket(SP_AF_INET, SP_SOCK_STREAM, 0);
    CHECK(client >= 0);
    CHECK(sp_setsockopt(client, SP_OPT_NONBLOCK, 1) == 0);
    int rc = sp_connect(client, &listen_addr);
    CHECK(rc == 0 || rc == SP_EINPROGRESS);
    sp_pollfd fds[2] = {{listener, SP_POLLIN, 0}, {client, SP_POLLOUT, 0}};
    for (int turn = 0; turn < 4 && (fds[0].revents == 0 || fds[1].revents == 0); turn++)
        CHECK(sp_poll(fds, 2, WAIT_MS) >= 0);
    CHECK(fds[0].revents == SP_POLLIN && fds[1].revents == SP_POLLOUT);
    int error = -1;
    CHECK(sp_getsockopt(client, SP_OPT_ERROR, &error) == 0 && error == 0);
    int server = sp_accept(listener, NULL);
    CHECK(server >= 0);

    CHECK(sp_setsockopt(server, SP_OPT_RCVTIMEO, WAIT_MS) == 0);
    CHECK(sp_send(client, "tcp", 3, 0) == 3);
    char buf[8];
    CHECK(sp_recv(server, buf, sizeof buf, 0) == 3 && memcmp(buf, "tcp", 3) == 0);
    CHECK(sp_shutdown(client, SP_SHUT_WR) == 0);
    CHECK(sp_recv(server, buf, sizeof buf, 0) == 0);
    CHECK(sp_close(server) == 0 && sp_close(client) == 0 && sp_close(listener) == 0);
    return 0;
}

int main(void)
{
    sp_stack *stack = board_start_lwip(0);
    CHECK(stack != NULL);
    int rc = check_services();
    if (rc == 0)
        rc = check_resolve_and_timeouts(stack);
    if (rc == 0)
        rc = check_udp();
    if (rc == 0)
        rc = check_tcp();
    if (rc == 0)
        say("fw_minimal: all checks passed\n");
    return rc;
}
