/*
 * Name resolution on the POSIX port, through c-ares.
 *
 * getaddrinfo() has no deadline: how long it takes is up to the host's
 * resolver (glibc: 5 s per try, 2 tries per server), so sp_resolve() could
 * outlive its timeout by far. glibc's getaddrinfo_a() has a deadline of
 * sorts, but it is glibc's alone (no macOS, no BSD), and a timed-out request
 * goes on in a thread of its own that cannot be cancelled. c-ares is
 * portable (Debian's libc-ares-dev, Homebrew, the BSDs' ports), runs in the
 * calling thread over non-blocking sockets, and is cancelled cleanly: the
 * call polls its sockets until the answer or the deadline, then cancels.
 * It reads resolv.conf and the hosts file as the host's resolver does,
 * unless sp_posix_set_dns_server() named servers.
 */
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <sockport/posix.h>

#include "posix_addr.h"
#include "posix_errors.h"

/* What sp_posix_set_dns_server() chose; family 0: the slot is empty. */
static sp_addr posix_dns_servers[SP_POSIX_DNS_MAX_SERVERS];
static bool posix_ares_ready;

struct posix_lookup {
    bool done;
    int status;
    struct ares_addrinfo *result;
};

static void lookup_done(void *arg, int status, int timeouts, struct ares_addrinfo *result)
{
    struct posix_lookup *lookup = arg;
    (void)timeouts;
    lookup->done = true;
    lookup->status = status;
    lookup->result = result;
}

static int64_t monotonic_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int sp_posix_set_dns_server(unsigned index, const sp_addr *server)
{
    if (index >= SP_POSIX_DNS_MAX_SERVERS)
        return SP_EINVAL;
    if (server == NULL) {
        memset(&posix_dns_servers[index], 0, sizeof posix_dns_servers[index]);
        return 0;
    }
    if (server->family != SP_AF_INET && server->family != SP_AF_INET6)
        return SP_EAFNOSUPPORT;
    posix_dns_servers[index] = *server;
    return 0;
}

/* Hands c-ares the servers the program chose, if it chose any. */
static int use_chosen_servers(ares_channel channel)
{
    struct ares_addr_port_node nodes[SP_POSIX_DNS_MAX_SERVERS];
    struct ares_addr_port_node *first = NULL, **link = &first;
    for (unsigned i = 0; i < SP_POSIX_DNS_MAX_SERVERS; i++) {
        const sp_addr *server = &posix_dns_servers[i];
        if (server->family == 0)
            continue;
        struct ares_addr_port_node *node = &nodes[i];
        memset(node, 0, sizeof *node);
        if (server->family == SP_AF_INET) {
            node->family = AF_INET;
            memcpy(&node->addr.addr4, server->u.v4, sizeof server->u.v4);
        } else {
            node->family = AF_INET6;
            memcpy(&node->addr.addr6, server->u.v6, sizeof server->u.v6);
        }
        node->udp_port = server->port != 0 ? server->port : 53;
        node->tcp_port = node->udp_port;
        *link = node;
        link = &node->next;
    }
    if (first == NULL)
        return 0;
    int status = ares_set_servers_ports(channel, first);
    return status == ARES_SUCCESS ? 0 : sp_posix_resolve_error(status);
}

/* Runs c-ares's sockets and timers until @p lookup is done or @p deadline
 * (-1: none) passes; then cancels it, which completes it as ARES_ECANCELLED. */
static int run_until_done(ares_channel channel, struct posix_lookup *lookup, int64_t deadline)
{
    while (!lookup->done) {
        int64_t left = deadline < 0 ? -1 : deadline - monotonic_ms();
        if (deadline >= 0 && left <= 0) {
            ares_cancel(channel);
            break;
        }
        ares_socket_t socks[ARES_GETSOCK_MAXNUM];
        /* The bits as ares.h lays them out, read unsigned: its own
         * ARES_GETSOCK_WRITABLE() shifts a signed 1 into the sign bit for the
         * last socket, which is undefined (clang's UBSan stops there). */
        unsigned bits = (unsigned)ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
        struct pollfd fds[ARES_GETSOCK_MAXNUM];
        nfds_t n = 0;
        for (unsigned i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
            bool readable = (bits >> i) & 1u;
            bool writable = (bits >> (i + ARES_GETSOCK_MAXNUM)) & 1u;
            short events = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
            if (events == 0)
                continue;
            fds[n].fd = socks[i];
            fds[n].events = events;
            fds[n].revents = 0;
            n++;
        }
        /* c-ares's next retransmission bounds the wait, as does the deadline. */
        struct timeval cap = {1, 0}, room;
        struct timeval *next = ares_timeout(channel, &cap, &room);
        int64_t wait = (int64_t)next->tv_sec * 1000 + next->tv_usec / 1000 + 1;
        if (left >= 0 && left < wait)
            wait = left;
        int rc = poll(n > 0 ? fds : NULL, n, (int)wait);
        if (rc < 0 && errno != EINTR)
            return sp_posix_error(SP_POSIX_CALL_ANY, errno);
        if (rc <= 0) {
            ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timers only */
            continue;
        }
        for (nfds_t i = 0; i < n; i++) {
            ares_socket_t readable =
                (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ? fds[i].fd : ARES_SOCKET_BAD;
            ares_socket_t writable = (fds[i].revents & POLLOUT) ? fds[i].fd : ARES_SOCKET_BAD;
            if (readable != ARES_SOCKET_BAD || writable != ARES_SOCKET_BAD)
                ares_process_fd(channel, readable, writable);
        }
    }
    return 0;
}

static int already_listed(const sp_addr *list, size_t count, const sp_addr *addr)
{
    for (size_t i = 0; i < count; i++) {
        if (sp_addr_equal(&list[i], addr))
            return 1;
    }
    return 0;
}

static int collect(const struct ares_addrinfo *result, sp_addr *out, size_t max)
{
    size_t count = 0;
    for (const struct ares_addrinfo_node *ai = result->nodes; ai != NULL && count < max;
         ai = ai->ai_next) {
        union sp_posix_sockaddr native;
        if (ai->ai_addr == NULL || (size_t)ai->ai_addrlen > sizeof native)
            continue;
        memcpy(&native, ai->ai_addr, ai->ai_addrlen);
        sp_addr addr;
        if (sp_posix_addr_from_native(&native, ai->ai_addrlen, &addr) != 0 ||
            addr.family == SP_AF_LOCAL)
            continue;
        addr.port = 0;
        if (!already_listed(out, count, &addr))
            out[count++] = addr;
    }
    return count > 0 ? (int)count : SP_ENONAME;
}

int sp_posix_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                     int timeout_ms)
{
    (void)state;
    int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
    if (!posix_ares_ready) {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
            return SP_ENOBUFS;
        posix_ares_ready = true;
    }
    /* Short tries, and more of them than the call's time holds (c-ares
     * doubles the wait after each round of servers), so that the deadline,
     * not c-ares, ends a lookup that gets no answer. */
    struct ares_options options;
    memset(&options, 0, sizeof options);
    options.timeout = timeout_ms < 0 ? 2000 : timeout_ms / 4 < 100 ? 100 : timeout_ms / 4;
    if (options.timeout > 2000)
        options.timeout = 2000;
    options.tries = 8;
    ares_channel channel;
    int status = ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (status != ARES_SUCCESS)
        return sp_posix_resolve_error(status);
    int rc = use_chosen_servers(channel);
    struct posix_lookup lookup = {false, ARES_SUCCESS, NULL};
    if (rc == 0) {
        struct ares_addrinfo_hints hints;
        memset(&hints, 0, sizeof hints);
        hints.ai_family = family == SP_AF_UNSPEC ? AF_UNSPEC : sp_posix_native_family(family);
        hints.ai_socktype = SOCK_STREAM; /* one entry per address, not one per socket type */
        ares_getaddrinfo(channel, host, NULL, &hints, lookup_done, &lookup);
        rc = run_until_done(channel, &lookup, deadline);
    }
    ares_destroy(channel); /* completes a lookup still going, as cancelled */
    if (rc == 0 && lookup.status != ARES_SUCCESS)
        rc = sp_posix_resolve_error(lookup.status);
    if (rc == 0)
        rc = lookup.result != NULL ? collect(lookup.result, out, max) : SP_ENONAME;
    if (lookup.result != NULL)
        ares_freeaddrinfo(lookup.result);
    return rc;
}
