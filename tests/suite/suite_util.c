/* Helpers the cases share; public API only (see suite.h). */
#include <stdio.h>
#include <string.h>

#include "suite.h"

uint8_t sp_t_large[SP_T_LARGE_BYTES];

void sp_t_assert_rc(long long got, long long expected, const char *call, const char *file,
                    int line)
{
    if (got == expected) {
        return;
    }
    print_error("%s returned %lld (%s), expected %lld (%s)\n", call, got,
                got < 0 ? sp_err_name((int)got) : "value", expected,
                expected < 0 ? sp_err_name((int)expected) : "value");
    _fail(file, line);
}

long long sp_t_assert_ok(long long got, const char *call, const char *file, int line)
{
    if (got < 0) {
        print_error("%s failed: %s (%s)\n", call, sp_err_name((int)got), sp_strerror((int)got));
        _fail(file, line);
    }
    return got;
}

uint32_t sp_t_caps(void)
{
    uint32_t caps = sp_test_fixture.caps;
    if (sp_test_fixture.runtime_caps != NULL) {
        caps |= sp_test_fixture.runtime_caps();
    }
    return caps;
}

int64_t sp_t_now(void)
{
    return sp_stack_now_ms(sp_default_stack());
}

void sp_t_loopback(sp_addr *out, int family)
{
    SP_ASSERT_RC(sp_addr_loopback(out, family, 0), 0);
}

void sp_t_local_addr(sp_addr *out, const char *tag)
{
    static unsigned serial;
    char path[SP_LOCAL_PATH_MAX];

    assert_non_null(sp_test_fixture.local_dir);
    int n = snprintf(path, sizeof path, "%s/sp%u-%s", sp_test_fixture.local_dir, serial++, tag);
    assert_true(n > 0 && (size_t)n < sizeof path);
    SP_ASSERT_RC(sp_addr_local(out, path), 0);
    sp_t_local_cleanup(out);
}

void sp_t_local_cleanup(const sp_addr *addr)
{
    if (addr->family == SP_AF_LOCAL && sp_test_fixture.remove_local_path != NULL) {
        sp_test_fixture.remove_local_path(addr->u.path);
    }
}

void sp_t_any_local_addr(sp_addr *out, int family, const char *tag)
{
    if (family == SP_AF_LOCAL) {
        sp_t_local_addr(out, tag);
    } else {
        sp_t_loopback(out, family);
    }
}

int sp_t_socket(int family, int type)
{
    return (int)SP_ASSERT_OK(sp_socket(family, type, 0));
}

void sp_t_setopt(int sock, int option, int value)
{
    SP_ASSERT_RC(sp_setsockopt(sock, option, value), 0);
}

int sp_t_getopt(int sock, int option)
{
    int value = -12345;
    SP_ASSERT_RC(sp_getsockopt(sock, option, &value), 0);
    return value;
}

uint16_t sp_t_port(int sock)
{
    sp_addr addr;
    SP_ASSERT_RC(sp_getsockname(sock, &addr), 0);
    return addr.port;
}

int sp_t_listener(int family, int type, int backlog, sp_addr *bound)
{
    sp_addr addr;
    int sock = sp_t_socket(family, type);
    sp_t_any_local_addr(&addr, family, "listen");
    SP_ASSERT_RC(sp_bind(sock, &addr), 0);
    SP_ASSERT_RC(sp_listen(sock, backlog), 0);
    if (family == SP_AF_LOCAL) {
        *bound = addr;
    } else {
        SP_ASSERT_RC(sp_getsockname(sock, bound), 0);
        assert_int_not_equal(bound->port, 0);
    }
    return sock;
}

int sp_t_wait(int sock, short events, int timeout_ms)
{
    const int64_t deadline = sp_t_now() + timeout_ms;
    for (int i = 0; i < 10000; i++) {
        sp_pollfd pfd = {.sock = sock, .events = events, .revents = 0};
        int64_t left = deadline - sp_t_now();
        if (left < 0) {
            left = 0;
        }
        int n = (int)SP_ASSERT_OK(sp_poll(&pfd, 1, (int)left));
        if (n > 0) {
            return pfd.revents;
        }
        if (left == 0) {
            break;
        }
    }
    return 0;
}

int sp_t_connect_nb(int client, const sp_addr *addr, int timeout_ms)
{
    sp_t_setopt(client, SP_OPT_NONBLOCK, 1);
    int rc = sp_connect(client, addr);
    if (rc != SP_EINPROGRESS) {
        return rc; /* done at once: 0, or refused */
    }
    int revents = sp_t_wait(client, SP_POLLOUT, timeout_ms);
    if (revents == 0) {
        return SP_ETIMEDOUT;
    }
    return sp_t_getopt(client, SP_OPT_ERROR);
}

void sp_t_pair(int family, int type, int *client, int *server)
{
    sp_addr addr;
    int listener = sp_t_listener(family, type, 4, &addr);
    int c = sp_t_socket(family, type);

    SP_ASSERT_RC(sp_t_connect_nb(c, &addr, SP_T_SAFETY_MS), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    int s = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    SP_ASSERT_RC(sp_close(listener), 0);
    sp_t_local_cleanup(&addr);

    sp_t_setopt(c, SP_OPT_NONBLOCK, 0);
    for (int i = 0; i < 2; i++) {
        int sock = i == 0 ? c : s;
        sp_t_setopt(sock, SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
        sp_t_setopt(sock, SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    }
    *client = c;
    *server = s;
}

void sp_t_dgram_pair(int family, int *a, sp_addr *addr_a, int *b, sp_addr *addr_b)
{
    int socks[2];
    sp_addr *addrs[2] = {addr_a, addr_b};
    for (int i = 0; i < 2; i++) {
        sp_addr local;
        socks[i] = sp_t_socket(family, SP_SOCK_DGRAM);
        sp_t_any_local_addr(&local, family, i == 0 ? "dgram-a" : "dgram-b");
        SP_ASSERT_RC(sp_bind(socks[i], &local), 0);
        if (family == SP_AF_LOCAL) {
            *addrs[i] = local;
        } else {
            SP_ASSERT_RC(sp_getsockname(socks[i], addrs[i]), 0);
        }
        sp_t_setopt(socks[i], SP_OPT_RCVTIMEO, SP_T_SAFETY_MS);
        sp_t_setopt(socks[i], SP_OPT_SNDTIMEO, SP_T_SAFETY_MS);
    }
    *a = socks[0];
    *b = socks[1];
}

void sp_t_dgram_refused_by_closed_port(int family)
{
    int a;
    int b;
    sp_addr addr_a;
    sp_addr addr_b;
    char buf[8];
    sp_t_dgram_pair(family, &a, &addr_a, &b, &addr_b);
    SP_ASSERT_RC(sp_close(b), 0); /* its port is now closed */
    SP_ASSERT_RC(sp_connect(a, &addr_b), 0);
    SP_ASSERT_RC(sp_send(a, "anyone?", 7, 0), 7);
    sp_t_setopt(a, SP_OPT_RCVTIMEO, 2000);
    SP_ASSERT_RC(sp_recv(a, buf, sizeof buf, 0), SP_ECONNREFUSED);
    SP_ASSERT_RC(sp_close(a), 0);
}

void sp_t_close_both(int a, int b)
{
    SP_ASSERT_RC(sp_close(a), 0);
    SP_ASSERT_RC(sp_close(b), 0);
}

void sp_t_recv_exact(int sock, void *buf, size_t len)
{
    size_t received = 0;
    SP_ASSERT_RC(sp_recv_all(sock, buf, len, SP_T_SAFETY_MS, &received), 0);
    assert_int_equal(received, len);
}

uint8_t sp_t_pattern(uint64_t offset)
{
    /* A multiplicative hash of the offset: a lost, repeated or reordered block
     * of any size shows up, unlike with a short repeating pattern. */
    uint32_t x = (uint32_t)(offset ^ (offset >> 32)) * 2654435761u;
    return (uint8_t)(x >> 24);
}

void sp_t_fill(uint8_t *buf, size_t len, uint64_t offset)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = sp_t_pattern(offset + i);
    }
}

size_t sp_t_mismatch(const uint8_t *buf, size_t len, uint64_t offset)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != sp_t_pattern(offset + i)) {
            return i;
        }
    }
    return len;
}

uint32_t sp_t_checksum(uint32_t running, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        running = (running ^ buf[i]) * 16777619u;
    }
    return running;
}
