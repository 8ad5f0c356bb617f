/* sp_resolve(): numeric hosts, services, argument checks, and "localhost"
 * where the port has a resolver that answers without a network. */
#include <string.h>

#include "suite.h"

#define RESOLVE_MS 5000

SP_CASE(resolve_numeric_ipv4)
{
    sp_addr out[4];
    sp_addr want;
    SP_ASSERT_RC(sp_resolve("127.0.0.1", "8080", SP_AF_UNSPEC, out, 4, RESOLVE_MS), 1);
    SP_ASSERT_RC(sp_addr_ipv4(&want, 127, 0, 0, 1, 8080), 0);
    assert_true(sp_addr_equal(&out[0], &want));
    SP_ASSERT_RC(sp_resolve("192.0.2.7", NULL, SP_AF_INET, out, 1, RESOLVE_MS), 1);
    SP_ASSERT_RC(sp_addr_ipv4(&want, 192, 0, 2, 7, 0), 0);
    assert_true(sp_addr_equal(&out[0], &want));
    SP_ASSERT_RC(sp_resolve_on(stack, "10.0.0.1", "1", SP_AF_INET, out, 1, 0), 1);
    SP_ASSERT_RC(sp_addr_ipv4(&want, 10, 0, 0, 1, 1), 0);
    assert_true(sp_addr_equal(&out[0], &want));
}

SP_CASE(resolve_numeric_ipv6_forms)
{
    static const char *const hosts[] = {"::1", "[::1]", "0:0:0:0:0:0:0:1"};
    sp_addr out[2];
    sp_addr want;
    SP_ASSERT_RC(sp_addr_loopback(&want, SP_AF_INET6, 443), 0);
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        SP_ASSERT_RC(sp_resolve(hosts[i], "https", SP_AF_UNSPEC, out, 2, RESOLVE_MS), 1);
        assert_true(sp_addr_equal(&out[0], &want));
        SP_ASSERT_RC(sp_resolve(hosts[i], "443", SP_AF_INET6, out, 2, RESOLVE_MS), 1);
        assert_true(sp_addr_equal(&out[0], &want));
    }
}

SP_CASE(resolve_documented_service_names)
{
    static const struct {
        const char *name;
        uint16_t port;
    } services[] = {
        {"echo", 7},  {"ftp", 21},  {"ssh", 22},    {"telnet", 23}, {"smtp", 25}, {"domain", 53},
        {"http", 80}, {"ntp", 123}, {"https", 443}, {"mqtt", 1883}, {"0", 0},     {"65535", 65535},
    };
    sp_addr out[1];
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        SP_ASSERT_RC(sp_resolve("127.0.0.1", services[i].name, SP_AF_INET, out, 1, RESOLVE_MS), 1);
        assert_int_equal(out[0].port, services[i].port);
    }
}

SP_CASE(resolve_rejects_bad_arguments)
{
    sp_addr out[1];
    static const char *const bad_services[] = {"", "65536", "-1", "80x", "nosuchservice", " 80"};
    SP_ASSERT_RC(sp_resolve(NULL, "80", SP_AF_UNSPEC, out, 1, RESOLVE_MS), SP_EINVAL);
    SP_ASSERT_RC(sp_resolve("127.0.0.1", "80", SP_AF_UNSPEC, NULL, 1, RESOLVE_MS), SP_EINVAL);
    SP_ASSERT_RC(sp_resolve("127.0.0.1", "80", SP_AF_UNSPEC, out, 0, RESOLVE_MS), SP_EINVAL);
    SP_ASSERT_RC(sp_resolve("127.0.0.1", "80", SP_AF_LOCAL, out, 1, RESOLVE_MS), SP_EINVAL);
    SP_ASSERT_RC(sp_resolve("127.0.0.1", "80", 99, out, 1, RESOLVE_MS), SP_EINVAL);
    for (size_t i = 0; i < sizeof bad_services / sizeof bad_services[0]; i++) {
        SP_ASSERT_RC(sp_resolve("127.0.0.1", bad_services[i], SP_AF_UNSPEC, out, 1, RESOLVE_MS),
                     SP_EINVAL);
    }
}

SP_CASE(resolve_numeric_of_other_family_is_enoname)
{
    sp_addr out[1];
    SP_ASSERT_RC(sp_resolve("127.0.0.1", NULL, SP_AF_INET6, out, 1, RESOLVE_MS), SP_ENONAME);
    SP_ASSERT_RC(sp_resolve("::1", NULL, SP_AF_INET, out, 1, RESOLVE_MS), SP_ENONAME);
}

static int is_loopback(const sp_addr *addr)
{
    static const uint8_t v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (addr->family == SP_AF_INET) {
        return addr->u.v4[0] == 127;
    }
    return addr->family == SP_AF_INET6 && memcmp(addr->u.v6, v6_loopback, 16) == 0;
}

SP_CASE(resolve_localhost)
{
    SP_REQUIRE_CAPS(SP_CAP_RESOLVER, "this port's resolver cannot answer \"localhost\" offline");
    sp_addr out[8];
    int n = (int)SP_ASSERT_OK(sp_resolve("localhost", "http", SP_AF_UNSPEC, out, 8, RESOLVE_MS));
    assert_true(n >= 1 && n <= 8);
    for (int i = 0; i < n; i++) {
        assert_true(is_loopback(&out[i]));
        assert_int_equal(out[i].port, 80);
    }
    SP_ASSERT_RC(sp_resolve("localhost", NULL, SP_AF_INET, out, 1, RESOLVE_MS), 1);
    assert_int_equal(out[0].family, SP_AF_INET);
    assert_true(is_loopback(&out[0]));
    assert_int_equal(out[0].port, 0);
    /* A DNS name in any letter case, the root's dot, and names under it (RFC 6761). */
    const char *const spellings[] = {"LocalHost.", "LOCALHOST", "db.localhost", "x.LOCALHOST."};
    for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
        SP_ASSERT_RC(sp_resolve(spellings[i], NULL, SP_AF_INET6, out, 1, RESOLVE_MS), 1);
        assert_int_equal(out[0].family, SP_AF_INET6);
        assert_true(is_loopback(&out[0]));
    }
}

/*
 * sp_resolve() keeps its timeout when the DNS server never answers: the case
 * starts that server itself, a datagram socket on 127.0.0.1 that takes
 * queries and never replies, and points the stack's resolver at it (nothing
 * goes to any other server). The call ends with SP_ETIMEDOUT, not before its
 * timeout and not long after (the bound is generous: no timing is asserted,
 * only that the timeout holds). The POSIX port once waited for glibc's own
 * retries, 10 s and more, whatever the timeout.
 */
SP_CASE(resolve_keeps_its_timeout_when_the_server_is_silent)
{
    enum { TIMEOUT_MS = 500, LATE_MS = 5000 };
    if (sp_test_fixture.set_dns_server == NULL)
        SP_SKIP("the fixture cannot point this port's resolver at a server of its own");
    sp_addr silent_addr, out[4];
    int silent = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    sp_t_loopback(&silent_addr, SP_AF_INET);
    SP_ASSERT_RC(sp_bind(silent, &silent_addr), 0);
    SP_ASSERT_RC(sp_getsockname(silent, &silent_addr), 0);
    SP_ASSERT_RC(sp_test_fixture.set_dns_server(stack, &silent_addr), 0);
    for (int family = SP_AF_UNSPEC; family <= SP_AF_INET6; family++) {
        int64_t started = sp_t_now();
        int rc = sp_resolve("silent.sockport.test", "80", family, out, 4, TIMEOUT_MS);
        int64_t took = sp_t_now() - started;
        print_message("resolve against a silent server (family %d): %s after %lld ms "
                      "(timeout %d ms)\n",
                      family, sp_err_name(rc), (long long)took, TIMEOUT_MS);
        SP_ASSERT_RC(rc, SP_ETIMEDOUT);
        assert_true(took >= TIMEOUT_MS);
        assert_true(took <= TIMEOUT_MS + LATE_MS);
    }
    /* The queries did reach the server the case started. */
    sp_t_setopt(silent, SP_OPT_NONBLOCK, 1);
    assert_true(sp_recv(silent, sp_t_large, 512, 0) > 12); /* a DNS header and more */
    SP_ASSERT_RC(sp_test_fixture.set_dns_server(stack, NULL), 0);
    SP_ASSERT_RC(sp_close(silent), 0);
}

int sp_suite_group_resolve(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(resolve_numeric_ipv4),
        SP_TEST(resolve_numeric_ipv6_forms),
        SP_TEST(resolve_documented_service_names),
        SP_TEST(resolve_rejects_bad_arguments),
        SP_TEST(resolve_numeric_of_other_family_is_enoname),
        SP_TEST(resolve_localhost),
        SP_TEST(resolve_keeps_its_timeout_when_the_server_is_silent),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("resolve"), tests, NULL, NULL);
}
