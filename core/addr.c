/*
 * Portable addresses: construction, parsing and formatting, written once so
 * that every port reads and prints addresses the same way (no inet_pton, which
 * a bare-metal build does not have).
 */
#include "core.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int sp_addr_ipv4(sp_addr *out, uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    if (out == NULL)
        return SP_EINVAL;
    spc_addr_unnamed(out, SP_AF_INET);
    out->port = port;
    out->u.v4[0] = a;
    out->u.v4[1] = b;
    out->u.v4[2] = c;
    out->u.v4[3] = d;
    return 0;
}

int sp_addr_ipv6(sp_addr *out, const uint8_t bytes[16], uint16_t port, uint32_t scope_id)
{
    if (out == NULL)
        return SP_EINVAL;
    spc_addr_unnamed(out, SP_AF_INET6);
    out->port = port;
    out->scope_id = scope_id;
    if (bytes != NULL)
        memcpy(out->u.v6, bytes, 16);
    return 0;
}

int sp_addr_local(sp_addr *out, const char *path)
{
    if (out == NULL || path == NULL)
        return SP_EINVAL;
    size_t len = strlen(path);
    if (len == 0 || len >= SP_LOCAL_PATH_MAX)
        return SP_EINVAL;
    spc_addr_unnamed(out, SP_AF_LOCAL);
    memcpy(out->u.path, path, len + 1);
    return 0;
}

int sp_addr_any(sp_addr *out, int family, uint16_t port)
{
    if (out == NULL)
        return SP_EINVAL;
    if (family != SP_AF_INET && family != SP_AF_INET6)
        return SP_EAFNOSUPPORT;
    spc_addr_unnamed(out, family);
    out->port = port;
    return 0;
}

int sp_addr_loopback(sp_addr *out, int family, uint16_t port)
{
    /* The any address with its last byte 1 (and 127 first for IPv4). */
    int err = sp_addr_any(out, family, port);
    if (err == 0) {
        if (family == SP_AF_INET)
            out->u.v4[0] = 127;
        out->u.v6[family == SP_AF_INET ? 3 : 15] = 1;
    }
    return err;
}

void spc_addr_unnamed(sp_addr *out, int family)
{
    memset(out, 0, sizeof(*out));
    out->family = (uint8_t)family;
}

bool spc_parse_uint(const char *text, size_t len, uint32_t max, uint32_t *out)
{
    if (len == 0 || len > 10)
        return false;
    uint32_t value = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned digit = (unsigned)(text[i] - '0');
        /* In 32 bits: only a 10th digit can carry past UINT32_MAX. */
        if (digit > 9 || value > (UINT32_MAX - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    if (value > max)
        return false;
    *out = value;
    return true;
}

bool spc_parse_ipv4(const char *text, size_t len, uint8_t out[4])
{
    uint8_t bytes[4];
    unsigned part = 0;
    unsigned value = UINT_MAX; /* UINT_MAX: no digit yet */
    /* The end of the text closes the last part as a '.' closes the others. */
    for (size_t pos = 0; pos <= len; pos++) {
        char c = pos < len ? text[pos] : '.';
        unsigned digit = (unsigned)(c - '0');
        if (digit < 10) {
            /* A leading zero would read as octal to some parsers: reject the
             * ambiguity. Without one, a 4th digit makes value over 255. */
            if (value == 0)
                return false;
            value = (value == UINT_MAX ? 0 : value * 10) + digit;
            if (value > 255)
                return false;
        } else if (c == '.' && value != UINT_MAX && part < 4) {
            bytes[part++] = (uint8_t)value;
            value = UINT_MAX;
        } else {
            return false;
        }
    }
    if (part != 4)
        return false;
    memcpy(out, bytes, 4);
    return true;
}

static int spc_hex_value(char c)
{
    unsigned digit = (unsigned)(c - '0');
    if (digit < 10)
        return (int)digit;
    /* The lower-case bit makes 'A'..'F' 'a'..'f' and no other character one of them. */
    unsigned letter = (unsigned)((c | 0x20) - 'a');
    return letter < 6 ? (int)letter + 10 : -1;
}

bool spc_parse_ipv6(const char *text, size_t len, uint8_t out[16], uint32_t *scope_id)
{
    uint32_t scope = 0;
    const char *percent = memchr(text, '%', len);
    if (percent != NULL) {
        size_t zone_len = len - (size_t)(percent - text) - 1;
        if (scope_id == NULL || !spc_parse_uint(percent + 1, zone_len, UINT32_MAX, &scope))
            return false;
        len = (size_t)(percent - text);
    }

    uint8_t bytes[16];
    size_t filled = 0; /* bytes read so far */
    long gap_at = -1;  /* where "::" stood, in bytes */
    size_t pos = 0;
    if (len >= 2 && text[0] == ':' && text[1] == ':') {
        gap_at = 0;
        pos = 2;
    }
    /* Every ':' but those of the one "::" stands between two groups: a lone
     * ':' first or last leaves a group empty. */
    while (pos < len || gap_at != (long)filled) {
        size_t start = pos;
        uint32_t group = 0;
        for (int digit; pos < len && (digit = spc_hex_value(text[pos])) >= 0; pos++)
            group = group * 16 + (uint32_t)digit; /* more than 4 digits are refused below */
        if (pos < len && text[pos] == '.') {
            /* Embedded IPv4 in the last 32 bits, e.g. ::ffff:192.0.2.1. */
            if (filled > 12 || !spc_parse_ipv4(text + start, len - start, bytes + filled))
                return false;
            filled += 4;
            break;
        }
        if (pos == start || pos - start > 4 || filled >= 16)
            return false;
        bytes[filled++] = (uint8_t)(group >> 8);
        bytes[filled++] = (uint8_t)group;
        if (pos == len)
            break;
        if (text[pos++] != ':')
            return false;
        if (pos < len && text[pos] == ':') {
            if (gap_at >= 0)
                return false;
            gap_at = (long)filled;
            pos++;
        }
    }
    /* "::" must stand for at least one group; without it, 8 groups. */
    if (gap_at >= 0 ? filled == 16 : filled != 16)
        return false;
    /* The bytes read, and where "::" stood the zeros they lack (none without
     * "::"); i - gap_at wraps to a large number before the gap. */
    size_t zeros = 16 - filled;
    for (size_t i = 0, from = 0; i < 16; i++)
        out[i] = i - (size_t)gap_at < zeros ? 0 : bytes[from++];
    if (scope_id != NULL)
        *scope_id = scope;
    return true;
}

/* Parses ":port" at the end of an address, or nothing at all (port 0). */
static bool spc_parse_port_suffix(const char *text, size_t len, uint16_t *port)
{
    uint32_t value = 0;
    if (len == 0) {
        *port = 0;
        return true;
    }
    if (text[0] != ':' || !spc_parse_uint(text + 1, len - 1, 65535, &value))
        return false;
    *port = (uint16_t)value;
    return true;
}

/* The prefix that marks any text as a local path: "unix:/run/app.sock",
 * "unix:app.sock", "unix:1.2.3.4", and "unix:" alone for an unnamed socket. */
static const char spc_local_prefix[] = "unix:";
#define SPC_LOCAL_PREFIX_LEN (sizeof(spc_local_prefix) - 1)
_Static_assert(sizeof(spc_local_prefix) - 1 + SP_LOCAL_PATH_MAX <= SP_ADDR_STRLEN,
               "SP_ADDR_STRLEN must hold the longest local address text");

/* Whether a path reads back as itself without the prefix: only a path that
 * starts with '/' or '.', which no IP address text does. */
static bool spc_path_is_plain(const char *path)
{
    return path[0] == '/' || path[0] == '.';
}

/* A local address of @p path, which may be empty (an unnamed socket). */
static int spc_parse_local(const char *path, size_t len, sp_addr *out)
{
    if (len >= SP_LOCAL_PATH_MAX)
        return SP_EINVAL;
    spc_addr_unnamed(out, SP_AF_LOCAL);
    memcpy(out->u.path, path, len);
    return 0;
}

int sp_addr_parse(const char *text, sp_addr *out)
{
    if (text == NULL || out == NULL)
        return SP_EINVAL;
    size_t len = strlen(text);
    if (len == 0)
        return SP_EINVAL;
    if (strncmp(text, spc_local_prefix, SPC_LOCAL_PREFIX_LEN) == 0)
        return spc_parse_local(text + SPC_LOCAL_PREFIX_LEN, len - SPC_LOCAL_PREFIX_LEN, out);
    if (spc_path_is_plain(text))
        return spc_parse_local(text, len, out);

    sp_addr parsed;
    memset(&parsed, 0, sizeof(parsed));
    if (text[0] == '[') {
        const char *close = memchr(text, ']', len);
        if (close == NULL)
            return SP_EINVAL;
        size_t inner = (size_t)(close - text) - 1;
        size_t after = len - inner - 2;
        if (!spc_parse_ipv6(text + 1, inner, parsed.u.v6, &parsed.scope_id) ||
            !spc_parse_port_suffix(close + 1, after, &parsed.port))
            return SP_EINVAL;
        parsed.family = SP_AF_INET6;
    } else {
        const char *colon = memchr(text, ':', len);
        if (colon != NULL && memchr(colon + 1, ':', len - (size_t)(colon - text) - 1) != NULL) {
            /* Two or more colons without brackets: a bare IPv6 address, no port. */
            if (!spc_parse_ipv6(text, len, parsed.u.v6, &parsed.scope_id))
                return SP_EINVAL;
            parsed.family = SP_AF_INET6;
        } else {
            size_t host_len = colon != NULL ? (size_t)(colon - text) : len;
            if (!spc_parse_ipv4(text, host_len, parsed.u.v4) ||
                !spc_parse_port_suffix(text + host_len, len - host_len, &parsed.port))
                return SP_EINVAL;
            parsed.family = SP_AF_INET;
        }
    }
    *out = parsed;
    return 0;
}

/* RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero
 * groups as "::" (the first on a tie), IPv4-mapped addresses dotted. */
static int spc_format_ipv6(const uint8_t b[16], char *buf, size_t size)
{
    uint16_t groups[8];
    for (int i = 0; i < 8; i++)
        groups[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);

    int best_start = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            j++;
        if (j - i > best_len && j - i >= 2) {
            best_start = i;
            best_len = j - i;
        }
        i = j;
    }

    bool v4_mapped = best_start == 0 && best_len == 5 && groups[5] == 0xffff;
    size_t used = 0;
    char tmp[64];
    for (int i = 0; i < 8; i++) {
        if (i == best_start) {
            used += (size_t)snprintf(tmp + used, sizeof(tmp) - used, "::");
            i += best_len - 1;
            continue;
        }
        if (v4_mapped && i == 6) {
            used += (size_t)snprintf(tmp + used, sizeof(tmp) - used, ":%u.%u.%u.%u", b[12], b[13],
                                     b[14], b[15]);
            break;
        }
        bool after_gap = best_start >= 0 && i == best_start + best_len;
        used += (size_t)snprintf(tmp + used, sizeof(tmp) - used, "%s%x",
                                 (i == 0 || after_gap) ? "" : ":", groups[i]);
    }
    return snprintf(buf, size, "%s", tmp);
}

int sp_addr_format(const sp_addr *addr, char *buf, size_t size)
{
    if (addr == NULL || buf == NULL)
        return SP_EINVAL;
    int n;
    switch (addr->family) {
    case SP_AF_INET:
        n = snprintf(buf, size, "%u.%u.%u.%u:%u", addr->u.v4[0], addr->u.v4[1], addr->u.v4[2],
                     addr->u.v4[3], addr->port);
        break;
    case SP_AF_INET6: {
        char host[64];
        spc_format_ipv6(addr->u.v6, host, sizeof(host));
        if (addr->scope_id != 0)
            n = snprintf(buf, size, "[%s%%%lu]:%u", host, (unsigned long)addr->scope_id,
                         addr->port);
        else
            n = snprintf(buf, size, "[%s]:%u", host, addr->port);
        break;
    }
    case SP_AF_LOCAL:
        if (memchr(addr->u.path, '\0', sizeof(addr->u.path)) == NULL)
            return SP_EINVAL;
        n = snprintf(buf, size, "%s%s", spc_path_is_plain(addr->u.path) ? "" : spc_local_prefix,
                     addr->u.path);
        break;
    default:
        return SP_EINVAL;
    }
    if (n < 0)
        return SP_EINVAL;
    if ((size_t)n >= size)
        return SP_ERANGE;
    return n;
}

int sp_addr_equal(const sp_addr *a, const sp_addr *b)
{
    if (a == NULL || b == NULL || a->family != b->family)
        return 0;
    if (a->family == SP_AF_LOCAL)
        return strncmp(a->u.path, b->u.path, sizeof(a->u.path)) == 0;
    if (a->family != SP_AF_INET && a->family != SP_AF_INET6)
        return 0;
    /* IPv4 and IPv6 alike, but for the scope and the size of the bytes. */
    bool v6 = a->family == SP_AF_INET6;
    return a->port == b->port && (!v6 || a->scope_id == b->scope_id) &&
           memcmp(a->u.v6, b->u.v6, v6 ? 16 : 4) == 0;
}
