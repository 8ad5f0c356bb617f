/*
 * sp_addr_parse() against the C library's inet_pton() on the same texts:
 * a bare IPv6 address (two colons or more) and a bare IPv4 address (no
 * colon) are what inet_pton() reads for AF_INET6 and AF_INET, and core's
 * parser has been rewritten for size several times (groups, "::", embedded
 * IPv4, leading zeros). The texts are made from a fixed seed, so a run
 * repeats exactly: random strings over the characters addresses use, and
 * well-formed addresses (inet_ntop() of random bytes, with more zeros than
 * chance gives) cut, extended or with a character changed. Failures print
 * the text. glibc's inet_pton() refuses leading zeros in a dotted quad and a
 * group of more than four digits, as core does; a C library that differs
 * there is not the reference.
 */
#define _POSIX_C_SOURCE 200809L

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <sockport/sockport.h>

/* How many texts of each kind: about a second in all under ASan. */
#define RANDOM_TEXTS 200000
#define MUTATED_TEXTS 200000

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static size_t colons_in(const char *text)
{
    size_t n = 0;
    for (; *text != '\0'; text++)
        n += *text == ':';
    return n;
}

static size_t compared_v4, compared_v6, accepted_v4, accepted_v6;

/* One text: core's answer and the C library's must agree, byte for byte. */
static void compare(const char *text)
{
    size_t colons = colons_in(text);
    if (colons == 1 || strpbrk(text, "%[]/") != NULL || text[0] == '.' || text[0] == '\0' ||
        strncmp(text, "unix:", 5) == 0)
        return; /* a port, a zone, brackets or a local path: forms inet_pton() does not read */
    int family = colons >= 2 ? AF_INET6 : AF_INET;
    uint8_t want[16];
    int libc_ok = inet_pton(family, text, want) == 1;
    sp_addr got;
    memset(&got, 0xA5, sizeof got);
    sp_addr before = got;
    int rc = sp_addr_parse(text, &got);
    if ((rc == 0) != libc_ok)
        print_error("\"%s\": sp_addr_parse %d, inet_pton %d\n", text, rc, libc_ok);
    assert_int_equal(rc == 0, libc_ok);
    if (family == AF_INET6)
        compared_v6++;
    else
        compared_v4++;
    if (!libc_ok) {
        assert_int_equal(rc, SP_EINVAL);
        assert_memory_equal(&got, &before, sizeof got); /* untouched on failure */
        return;
    }
    size_t size = family == AF_INET6 ? 16 : 4;
    if (memcmp(family == AF_INET6 ? got.u.v6 : got.u.v4, want, size) != 0)
        print_error("\"%s\": different bytes\n", text);
    assert_memory_equal(family == AF_INET6 ? got.u.v6 : got.u.v4, want, size);
    assert_int_equal(got.family, family == AF_INET6 ? SP_AF_INET6 : SP_AF_INET);
    assert_int_equal(got.port, 0);
    assert_int_equal(got.scope_id, 0);
    if (family == AF_INET6)
        accepted_v6++;
    else
        accepted_v4++;
}

static void random_texts_agree(void **state)
{
    (void)state;
    static const char alphabet[] = "0123456789abcdefABCDEFg::::....x 0000ffff";
    char text[48];
    for (int i = 0; i < RANDOM_TEXTS; i++) {
        size_t len = rng() % 40;
        for (size_t k = 0; k < len; k++)
            text[k] = alphabet[rng() % (sizeof alphabet - 1)];
        text[len] = '\0';
        compare(text);
    }
}

/* A well-formed address: IPv6 from random bytes, often with runs of zero
 * groups and IPv4 tails (inet_ntop() writes ::ffff:a.b.c.d and the like),
 * or a dotted quad. */
static void well_formed(char *text, size_t size)
{
    uint8_t bytes[16];
    for (size_t k = 0; k < 16; k++)
        bytes[k] = (uint8_t)rng();
    if (rng() % 4 == 0) {
        inet_ntop(AF_INET, bytes, text, (socklen_t)size);
        return;
    }
    /* Zero some groups: "::" then stands for a run of them, anywhere. */
    uint32_t zero_mask = rng();
    for (size_t g = 0; g < 8; g++)
        if (zero_mask & (1u << g))
            bytes[2 * g] = bytes[2 * g + 1] = 0;
    if (rng() % 8 == 0) { /* an IPv4-mapped address */
        memset(bytes, 0, 10);
        bytes[10] = bytes[11] = 0xFF;
    }
    inet_ntop(AF_INET6, bytes, text, (socklen_t)size);
}

static void mutated_texts_agree(void **state)
{
    (void)state;
    static const char replacements[] = "0123456789abcdefABCDEF:.g ";
    char text[64];
    for (int i = 0; i < MUTATED_TEXTS; i++) {
        well_formed(text, 48);
        compare(text); /* as written */
        size_t len = strlen(text);
        switch (rng() % 5) {
        case 0: /* a character changed */
            text[rng() % len] = replacements[rng() % (sizeof replacements - 1)];
            break;
        case 1: /* cut short */
            text[rng() % len] = '\0';
            break;
        case 2: { /* a character put in */
            size_t at = rng() % (len + 1);
            memmove(text + at + 1, text + at, len - at + 1);
            text[at] = replacements[rng() % (sizeof replacements - 1)];
            break;
        }
        case 3: { /* a character taken out */
            size_t at = rng() % len;
            memmove(text + at, text + at + 1, len - at);
            break;
        }
        default: /* a piece repeated: more groups, a second "::" */
            if (len < 30) {
                size_t from = rng() % len;
                size_t n = 1 + rng() % 6;
                if (from + n > len)
                    n = len - from;
                memmove(text + from + n, text + from, len - from + 1);
            }
            break;
        }
        compare(text);
    }
    print_message("compared %zu IPv4 texts (%zu accepted), %zu IPv6 (%zu accepted)\n", compared_v4,
                  accepted_v4, compared_v6, accepted_v6);
    /* Both families and both answers were met often enough to mean something. */
    assert_true(compared_v4 > 10000 && compared_v6 > 10000);
    assert_true(accepted_v4 > 1000 && accepted_v6 > 1000);
    assert_true(compared_v6 - accepted_v6 > 1000 && compared_v4 - accepted_v4 > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_texts_agree),
        cmocka_unit_test(mutated_texts_agree),
    };
    return cmocka_run_group_tests_name("core_addr_inet_pton", tests, NULL, NULL);
}
