/* Address helpers, parsing and formatting: pure functions, no stack traffic. */
#include <string.h>

#include "suite.h"

/* Texts already in the one form sp_addr_format() writes. */
static const char *const k_canonical[] = {
    "192.0.2.1:80", "0.0.0.0:0", "255.255.255.255:65535", "127.0.0.1:7", "[::1]:443", "[::]:0",
    "[2001:db8::1]:8080",
    "[2001:db8::1:0:0:1]:1",    /* the first of two equal zero runs is the one compressed */
    "[2001:db8:0:1:1:1:1:1]:2", /* a single zero group is not compressed */
    "[fe80::1%3]:80", "[1:2:3:4:5:6:7:8]:9", "/tmp/app.sock", "./relative.sock",
    /* Any other local path carries "unix:", so that it never reads as an IP address. */
    "unix:app.sock", "unix:1.2.3.4", "unix:[::1]:80", "unix:unix:x", "unix:", /* unnamed */
};

SP_CASE(addr_canonical_texts_round_trip)
{
    for (size_t i = 0; i < sizeof k_canonical / sizeof k_canonical[0]; i++) {
        sp_addr addr;
        char text[SP_ADDR_STRLEN];
        SP_ASSERT_RC(sp_addr_parse(k_canonical[i], &addr), 0);
        int len = sp_addr_format(&addr, text, sizeof text);
        assert_int_equal(len, (int)strlen(k_canonical[i]));
        assert_string_equal(text, k_canonical[i]);
    }
}

/* Accepted texts and the canonical form each formats to. */
static const struct {
    const char *in;
    const char *out;
} k_normalised[] = {
    {"192.0.2.1", "192.0.2.1:0"},
    {"2001:db8::1", "[2001:db8::1]:0"},
    {"[2001:db8::1]", "[2001:db8::1]:0"},
    {"2001:DB8:0:0:0:0:0:1", "[2001:db8::1]:0"},
    {"[2001:0db8:0000::0001]:443", "[2001:db8::1]:443"},
    {"::ffff:192.0.2.1", "[::ffff:192.0.2.1]:0"},
    {"[fe80::0:1%12]:1", "[fe80::1%12]:1"},
    {"unix:/tmp/a.sock", "/tmp/a.sock"},
    {"unix:./a.sock", "./a.sock"},
};

SP_CASE(addr_accepted_texts_normalise)
{
    for (size_t i = 0; i < sizeof k_normalised / sizeof k_normalised[0]; i++) {
        sp_addr addr;
        char text[SP_ADDR_STRLEN];
        SP_ASSERT_RC(sp_addr_parse(k_normalised[i].in, &addr), 0);
        SP_ASSERT_OK(sp_addr_format(&addr, text, sizeof text));
        assert_string_equal(text, k_normalised[i].out);
    }
}

SP_CASE(addr_parse_fills_fields)
{
    sp_addr addr;
    SP_ASSERT_RC(sp_addr_parse("10.1.2.3:65535", &addr), 0);
    assert_int_equal(addr.family, SP_AF_INET);
    assert_int_equal(addr.port, 65535);
    static const uint8_t v4[4] = {10, 1, 2, 3};
    assert_memory_equal(addr.u.v4, v4, 4);

    SP_ASSERT_RC(sp_addr_parse("[fe80::a:b%7]:53", &addr), 0);
    assert_int_equal(addr.family, SP_AF_INET6);
    assert_int_equal(addr.port, 53);
    assert_int_equal(addr.scope_id, 7);
    static const uint8_t v6[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a, 0, 0x0b};
    assert_memory_equal(addr.u.v6, v6, 16);

    SP_ASSERT_RC(sp_addr_parse("/tmp/x.sock", &addr), 0);
    assert_int_equal(addr.family, SP_AF_LOCAL);
    assert_string_equal(addr.u.path, "/tmp/x.sock");
}

static const char *const k_rejected[] = {
    "",
    "abc",
    "localhost",
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "1.2.3.-4",
    "1..2.3",
    "1.2.3.4:",
    "1.2.3.4:65536",
    "1.2.3.4:99999999999",
    "1.2.3.4:x",
    "1.2.3.4:80:1",
    " 1.2.3.4",
    "1.2.3.4 ",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "12345::1",
    "[::1",
    "::1]",
    "[::1]:",
    "[::1]x",
    "[::1]:65536",
    "[fe80::1%]:80",
    "[fe80::1%x]:80",
    "[1.2.3.4]:80",
    "app.sock",
    "unix", /* no colon: not the prefix */
    "UNIX:x",
};

SP_CASE(addr_parse_rejects_malformed_and_leaves_output)
{
    sp_addr addr;
    sp_addr untouched;
    memset(&addr, 0xA5, sizeof addr);
    memcpy(&untouched, &addr, sizeof addr);
    for (size_t i = 0; i < sizeof k_rejected / sizeof k_rejected[0]; i++) {
        int rc = sp_addr_parse(k_rejected[i], &addr);
        if (rc != SP_EINVAL) {
            print_error("sp_addr_parse(\"%s\") returned %d, expected SP_EINVAL\n", k_rejected[i],
                        rc);
        }
        assert_int_equal(rc, SP_EINVAL);
        assert_memory_equal(&addr, &untouched, sizeof addr);
    }
}

SP_CASE(addr_parse_path_length_limit)
{
    static char path[SP_LOCAL_PATH_MAX + 2];
    sp_addr addr;
    memset(path, 'p', sizeof path - 1);
    path[0] = '/';
    path[SP_LOCAL_PATH_MAX - 1] = '\0'; /* longest that fits with its NUL */
    SP_ASSERT_RC(sp_addr_parse(path, &addr), 0);
    assert_string_equal(addr.u.path, path);
    SP_ASSERT_RC(sp_addr_local(&addr, path), 0);

    path[SP_LOCAL_PATH_MAX - 1] = 'p';
    path[SP_LOCAL_PATH_MAX] = '\0'; /* one byte too long */
    SP_ASSERT_RC(sp_addr_parse(path, &addr), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_local(&addr, path), SP_EINVAL);
}

/* xorshift32: the property case's addresses, the same on every port. */
static uint32_t addr_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* An address of any family with random contents, built through the helpers
 * (so that unused bytes are zero, as sp_addr_parse() leaves them). IPv6 gets
 * runs of zero groups and IPv4-mapped forms; paths get every byte but NUL,
 * and often look like IP addresses or the "unix:" prefix on purpose. */
static void addr_random(uint32_t *rng, sp_addr *out)
{
    static const char *const tricky[] = {
        "1.2.3.4", "::1", "[::1]:80", "unix:", "unix:x", "0.0.0.0:0",
        ":",       "%",   "app.sock", "",      "[",      "fe80::1%3"};
    uint32_t kind = addr_rand(rng) % 3;
    uint16_t port = (uint16_t)addr_rand(rng);
    if (kind == 0) {
        uint32_t v = addr_rand(rng);
        SP_ASSERT_RC(sp_addr_ipv4(out, (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                                  (uint8_t)v, port),
                     0);
        return;
    }
    if (kind == 1) {
        uint8_t bytes[16];
        for (int g = 0; g < 8; g++) {
            uint32_t r = addr_rand(rng);
            uint16_t group = (r & 3) == 0 ? 0 : (uint16_t)(r >> 8);
            bytes[2 * g] = (uint8_t)(group >> 8);
            bytes[2 * g + 1] = (uint8_t)group;
        }
        if (addr_rand(rng) % 8 == 0) { /* ::ffff:a.b.c.d */
            memset(bytes, 0, 10);
            bytes[10] = bytes[11] = 0xff;
        }
        uint32_t scope = addr_rand(rng) % 4 == 0 ? addr_rand(rng) : 0;
        SP_ASSERT_RC(sp_addr_ipv6(out, bytes, port, scope), 0);
        return;
    }
    char path[SP_LOCAL_PATH_MAX];
    size_t len;
    if (addr_rand(rng) % 4 == 0) {
        const char *t = tricky[addr_rand(rng) % (sizeof tricky / sizeof tricky[0])];
        len = strlen(t);
        memcpy(path, t, len);
    } else {
        len = addr_rand(rng) % SP_LOCAL_PATH_MAX;
        for (size_t i = 0; i < len; i++)
            path[i] = (char)(1 + addr_rand(rng) % 255);
    }
    path[len] = '\0';
    memset(out, 0, sizeof *out);
    out->family = SP_AF_LOCAL;
    memcpy(out->u.path, path, len + 1);
}

/* parse(format(x)) == x for many generated addresses of every family, and the
 * text always fits SP_ADDR_STRLEN. */
SP_CASE(addr_format_then_parse_gives_the_same_address)
{
    uint32_t rng = 20261129;
    for (int i = 0; i < 20000; i++) {
        sp_addr addr;
        sp_addr back;
        char text[SP_ADDR_STRLEN];
        addr_random(&rng, &addr);
        int len = sp_addr_format(&addr, text, sizeof text);
        SP_ASSERT_OK(len);
        assert_true((size_t)len < sizeof text);
        memset(&back, 0xA5, sizeof back);
        int rc = sp_addr_parse(text, &back);
        if (rc != 0 || !sp_addr_equal(&addr, &back)) {
            fail_msg("address %d of family %d: \"%s\" parses back as %s (family %d)", i,
                     addr.family, text, rc == 0 ? "another address" : sp_err_name(rc),
                     rc == 0 ? back.family : -1);
        }
        /* Formatting the result gives the same text again. */
        char again[SP_ADDR_STRLEN];
        SP_ASSERT_RC(sp_addr_format(&back, again, sizeof again), len);
        assert_string_equal(again, text);
    }
}

SP_CASE(addr_null_arguments)
{
    sp_addr addr;
    char text[SP_ADDR_STRLEN];
    SP_ASSERT_RC(sp_addr_parse(NULL, &addr), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_parse("1.2.3.4", NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_ipv4(NULL, 1, 2, 3, 4, 5), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_ipv6(NULL, NULL, 5, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_local(NULL, "/tmp/x"), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_local(&addr, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_local(&addr, ""), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_loopback(NULL, SP_AF_INET, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_any(NULL, SP_AF_INET, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_ipv4(&addr, 1, 2, 3, 4, 5), 0);
    SP_ASSERT_RC(sp_addr_format(NULL, text, sizeof text), SP_EINVAL);
    SP_ASSERT_RC(sp_addr_format(&addr, NULL, sizeof text), SP_EINVAL);
    assert_int_equal(sp_addr_equal(NULL, &addr), 0);
    assert_int_equal(sp_addr_equal(&addr, NULL), 0);
}

SP_CASE(addr_builders_match_parsed)
{
    sp_addr built;
    sp_addr parsed;

    SP_ASSERT_RC(sp_addr_ipv4(&built, 192, 0, 2, 1, 80), 0);
    SP_ASSERT_RC(sp_addr_parse("192.0.2.1:80", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));

    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    SP_ASSERT_RC(sp_addr_ipv6(&built, v6, 443, 0), 0);
    SP_ASSERT_RC(sp_addr_parse("[2001:db8::1]:443", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));

    SP_ASSERT_RC(sp_addr_ipv6(&built, NULL, 9, 0), 0);
    SP_ASSERT_RC(sp_addr_parse("[::]:9", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));

    SP_ASSERT_RC(sp_addr_local(&built, "/tmp/b.sock"), 0);
    SP_ASSERT_RC(sp_addr_parse("/tmp/b.sock", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));

    SP_ASSERT_RC(sp_addr_loopback(&built, SP_AF_INET, 1), 0);
    SP_ASSERT_RC(sp_addr_parse("127.0.0.1:1", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));
    SP_ASSERT_RC(sp_addr_loopback(&built, SP_AF_INET6, 2), 0);
    SP_ASSERT_RC(sp_addr_parse("[::1]:2", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));
    SP_ASSERT_RC(sp_addr_any(&built, SP_AF_INET, 3), 0);
    SP_ASSERT_RC(sp_addr_parse("0.0.0.0:3", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));
    SP_ASSERT_RC(sp_addr_any(&built, SP_AF_INET6, 4), 0);
    SP_ASSERT_RC(sp_addr_parse("[::]:4", &parsed), 0);
    assert_true(sp_addr_equal(&built, &parsed));
}

SP_CASE(addr_loopback_any_reject_other_families)
{
    sp_addr addr;
    static const int families[] = {SP_AF_UNSPEC, SP_AF_LOCAL, 99, -1};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        SP_ASSERT_RC(sp_addr_loopback(&addr, families[i], 0), SP_EAFNOSUPPORT);
        SP_ASSERT_RC(sp_addr_any(&addr, families[i], 0), SP_EAFNOSUPPORT);
    }
}

SP_CASE(addr_equal_compares_every_field)
{
    sp_addr a;
    sp_addr b;
    SP_ASSERT_RC(sp_addr_parse("[fe80::1%2]:80", &a), 0);
    SP_ASSERT_RC(sp_addr_parse("[fe80::1%2]:80", &b), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 1);
    SP_ASSERT_RC(sp_addr_parse("[fe80::1%3]:80", &b), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 0);
    SP_ASSERT_RC(sp_addr_parse("[fe80::1%2]:81", &b), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 0);
    SP_ASSERT_RC(sp_addr_parse("[fe80::2%2]:80", &b), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 0);
    SP_ASSERT_RC(sp_addr_parse("127.0.0.1:80", &a), 0);
    SP_ASSERT_RC(sp_addr_parse("[::ffff:127.0.0.1]:80", &b), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 0); /* families differ */
    SP_ASSERT_RC(sp_addr_local(&a, "/tmp/a"), 0);
    SP_ASSERT_RC(sp_addr_local(&b, "/tmp/a"), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 1);
    SP_ASSERT_RC(sp_addr_local(&b, "/tmp/b"), 0);
    assert_int_equal(sp_addr_equal(&a, &b), 0);
}

SP_CASE(addr_format_buffer_too_small)
{
    sp_addr addr;
    char text[SP_ADDR_STRLEN];
    SP_ASSERT_RC(sp_addr_parse("192.0.2.1:80", &addr), 0);
    const int len = (int)strlen("192.0.2.1:80");

    SP_ASSERT_RC(sp_addr_format(&addr, text, (size_t)len + 1), len);
    memset(text, 'x', sizeof text);
    SP_ASSERT_RC(sp_addr_format(&addr, text, (size_t)len), SP_ERANGE);
    assert_int_equal(strlen(text), (size_t)len - 1); /* truncated, terminated */
    assert_memory_equal(text, "192.0.2.1:8", (size_t)len - 1);
    memset(text, 'x', sizeof text);
    SP_ASSERT_RC(sp_addr_format(&addr, text, 1), SP_ERANGE);
    assert_int_equal(text[0], '\0');
    SP_ASSERT_RC(sp_addr_format(&addr, text, 0), SP_ERANGE);
    assert_int_equal(text[0], '\0'); /* size 0: nothing written */
}

SP_CASE(addr_format_longest_fits_strlen)
{
    sp_addr addr;
    char text[SP_ADDR_STRLEN];
    SP_ASSERT_RC(sp_addr_parse("[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535", &addr),
                 0);
    int len = (int)SP_ASSERT_OK(sp_addr_format(&addr, text, sizeof text));
    assert_true(len < SP_ADDR_STRLEN);
    assert_string_equal(text, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535");
}

SP_CASE(addr_format_rejects_unknown_family)
{
    sp_addr addr;
    char text[SP_ADDR_STRLEN];
    memset(&addr, 0, sizeof addr);
    addr.family = 77;
    SP_ASSERT_RC(sp_addr_format(&addr, text, sizeof text), SP_EINVAL);
    addr.family = SP_AF_UNSPEC;
    SP_ASSERT_RC(sp_addr_format(&addr, text, sizeof text), SP_EINVAL);
}

int sp_suite_group_addr(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(addr_canonical_texts_round_trip),
        SP_TEST(addr_accepted_texts_normalise),
        SP_TEST(addr_parse_fills_fields),
        SP_TEST(addr_parse_rejects_malformed_and_leaves_output),
        SP_TEST(addr_parse_path_length_limit),
        SP_TEST(addr_format_then_parse_gives_the_same_address),
        SP_TEST(addr_null_arguments),
        SP_TEST(addr_builders_match_parsed),
        SP_TEST(addr_loopback_any_reject_other_families),
        SP_TEST(addr_equal_compares_every_field),
        SP_TEST(addr_format_buffer_too_small),
        SP_TEST(addr_format_longest_fits_strlen),
        SP_TEST(addr_format_rejects_unknown_family),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("addr"), tests, NULL, NULL);
}
