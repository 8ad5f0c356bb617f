/*
 * Address text: sp_addr_parse() must take any text without a crash, and what
 * it accepts must survive sp_addr_format() -> sp_addr_parse() unchanged; any
 * address of a known family must format, and parse back to itself
 * (include/sockport/sockport.h promises both directions). A bare IPv6 text
 * (two colons or more) or IPv4 text (none) is accepted exactly when glibc's
 * inet_pton() accepts it, with the same bytes (tests/core/test_core_addr.c
 * does the same on fixed texts).
 *
 * The first byte picks the direction; the rest is the text, or the address.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <sys/socket.h>

#include <sockport/sockport.h>

#include "fuzz_input.h"

#ifdef __GLIBC__
/* A text inet_pton() reads as it stands: no port, zone, brackets or local path. */
static void same_as_inet_pton(const char *text)
{
    size_t colons = 0;
    for (const char *c = text; *c != '\0'; c++) {
        colons += *c == ':';
    }
    if (colons == 1 || strpbrk(text, "%[]/") != NULL || text[0] == '.' || text[0] == '\0' ||
        strncmp(text, "unix:", 5) == 0) {
        return;
    }
    int family = colons >= 2 ? AF_INET6 : AF_INET;
    uint8_t want[16];
    int libc_ok = inet_pton(family, text, want) == 1;
    sp_addr got;
    int rc = sp_addr_parse(text, &got);
    FUZZ_CHECK((rc == 0) == libc_ok, "'%s': sp_addr_parse %d, inet_pton %d", text, rc, libc_ok);
    if (libc_ok) {
        FUZZ_CHECK(memcmp(family == AF_INET6 ? got.u.v6 : got.u.v4, want,
                          family == AF_INET6 ? 16 : 4) == 0,
                   "'%s': other bytes than inet_pton's", text);
    }
}
#endif

static void text_round_trip(const uint8_t *data, size_t size)
{
    char text[512];
    char formatted[SP_ADDR_STRLEN];
    char again[SP_ADDR_STRLEN];
    sp_addr parsed;
    sp_addr reparsed;
    size_t len = size < sizeof text - 1 ? size : sizeof text - 1;

    memcpy(text, data, len);
    text[len] = '\0';
#ifdef __GLIBC__
    same_as_inet_pton(text);
#endif
    if (sp_addr_parse(text, &parsed) != 0) {
        return;
    }
    int n = sp_addr_format(&parsed, formatted, sizeof formatted);
    FUZZ_CHECK(n >= 0 && (size_t)n < sizeof formatted, "'%s' parsed but did not format (%d)", text,
               n);
    FUZZ_CHECK(sp_addr_parse(formatted, &reparsed) == 0,
               "'%s' formatted as '%s', which does not parse", text, formatted);
    FUZZ_CHECK(sp_addr_equal(&parsed, &reparsed), "'%s' -> '%s' parses to another address", text,
               formatted);
    FUZZ_CHECK(sp_addr_format(&reparsed, again, sizeof again) == n && strcmp(again, formatted) == 0,
               "'%s' formats as '%s', then as '%s'", text, formatted, again);
}

/* An address built from bytes, limited to what the API can build (a local
 * path is NUL-terminated and not empty; the port and scope of a path, and the
 * scope of IPv4, are not part of the address). */
static void address_round_trip(struct fuzz_input *in)
{
    sp_addr addr;
    sp_addr parsed;
    char text[SP_ADDR_STRLEN];
    uint8_t bytes[16] = {0};
    uint8_t family = take_u8(in) % 3;
    uint16_t port = take_u16(in);
    uint32_t scope = take_u32(in);

    if (family == 0) {
        take_bytes(in, bytes, 4);
        sp_addr_ipv4(&addr, bytes[0], bytes[1], bytes[2], bytes[3], port);
    } else if (family == 1) {
        take_bytes(in, bytes, 16);
        sp_addr_ipv6(&addr, bytes, port, scope);
    } else {
        char path[SP_LOCAL_PATH_MAX] = {0};
        size_t len = take_bytes(in, (uint8_t *)path, sizeof path - 1);
        path[len] = '\0';
        if (sp_addr_local(&addr, path) != 0) {
            FUZZ_CHECK(path[0] == '\0', "sp_addr_local refused the path '%s'", path);
            return;
        }
    }
    int n = sp_addr_format(&addr, text, sizeof text);
    FUZZ_CHECK(n >= 0 && (size_t)n < sizeof text, "family %u did not format (%d)", family, n);
    FUZZ_CHECK(sp_addr_parse(text, &parsed) == 0, "'%s' (family %u) does not parse back", text,
               family);
    FUZZ_CHECK(sp_addr_equal(&addr, &parsed), "'%s' parses back to another address", text);
    /* Too small a buffer: SP_ERANGE and a NUL-terminated prefix, never an overrun. */
    if (n > 0) {
        char small[SP_ADDR_STRLEN];
        size_t room = (size_t)(take_u8(in) % (unsigned)n) + 1;
        FUZZ_CHECK(sp_addr_format(&addr, small, room) == SP_ERANGE, "'%s' into %zu bytes", text,
                   room);
        FUZZ_CHECK(strlen(small) < room, "'%s': the prefix is not terminated", text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};

    if (size == 0) {
        return 0;
    }
    if (take_u8(&in) & 1) {
        address_round_trip(&in);
    } else {
        text_round_trip(in.data, in.left);
    }
    return 0;
}
