/*
 * Name resolution: numeric hosts and "localhost" are answered here, the same
 * on every port; other names go to the port's resolver, bounded by the timeout.
 */
#include "core.h"

#include <string.h>

/* The services a program is likely to name, any other is given as a number:
 * the names one after another, each ended by its '\0' (the last by two), and
 * their ports in the same order. */
static const char spc_service_names[] =
    "echo\0ftp\0ssh\0telnet\0smtp\0domain\0http\0ntp\0https\0mqtt\0";
static const uint16_t spc_service_ports[] = {7, 21, 22, 23, 25, 53, 80, 123, 443, 1883};

static int spc_parse_service(const char *service, uint16_t *port)
{
    *port = 0;
    if (service == NULL)
        return 0;
    uint32_t value;
    if (spc_parse_uint(service, strlen(service), 65535, &value)) {
        *port = (uint16_t)value;
        return 0;
    }
    const char *name = spc_service_names;
    for (size_t i = 0; *name != '\0'; i++, name += strlen(name) + 1) {
        if (strcmp(service, name) == 0) {
            *port = spc_service_ports[i];
            return 0;
        }
    }
    return SP_EINVAL;
}

/* Parses a numeric host of @p len characters: "192.0.2.1", "2001:db8::1",
 * "[2001:db8::1]", "fe80::1%2". */
static bool spc_parse_numeric_host(const char *host, size_t len, sp_addr *out)
{
    spc_addr_unnamed(out, SP_AF_UNSPEC);
    if (spc_parse_ipv4(host, len, out->u.v4)) {
        out->family = SP_AF_INET;
        return true;
    }
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (spc_parse_ipv6(host, len, out->u.v6, &out->scope_id)) {
        out->family = SP_AF_INET6;
        return true;
    }
    return false;
}

static bool spc_is_localhost(const char *host, size_t len)
{
    /* RFC 6761: "localhost" and names under it are the loopback, on any stack;
     * as every DNS name, in any letter case. */
    static const char name[] = "localhost";
    const size_t name_len = sizeof name - 1;
    if (len > 0 && host[len - 1] == '.')
        len--;
    if (len < name_len)
        return false;
    const char *tail = host + len - name_len;
    for (size_t i = 0; i < name_len; i++) {
        /* Only 'L' and 'l' give 'l' with the lower-case bit set, and so on. */
        if ((tail[i] | 0x20) != name[i])
            return false;
    }
    return len == name_len || (len > name_len + 1 && tail[-1] == '.');
}

int sp_resolve(const char *host, const char *service, int family, sp_addr *out, size_t max,
               int timeout_ms)
{
    return sp_resolve_on(sp_default_stack(), host, service, family, out, max, timeout_ms);
}

int sp_resolve_on(sp_stack *stack, const char *host, const char *service, int family, sp_addr *out,
                  size_t max, int timeout_ms)
{
    if (stack == NULL || host == NULL || out == NULL || max == 0 || timeout_ms < -1)
        return SP_EINVAL;
    if (family != SP_AF_UNSPEC && family != SP_AF_INET && family != SP_AF_INET6)
        return SP_EINVAL;
    uint16_t port;
    if (spc_parse_service(service, &port) < 0)
        return SP_EINVAL;
    if (host[0] == '\0')
        return SP_ENONAME;

    int count = 0;
    size_t len = strlen(host);
    if (spc_parse_numeric_host(host, len, &out[0])) {
        if (family != SP_AF_UNSPEC && family != out[0].family)
            return SP_ENONAME;
        count = 1;
    } else if (spc_is_localhost(host, len)) {
        /* The loopback of the family asked for; for any, 127.0.0.1 first,
         * then ::1 if there is room. */
        sp_addr_loopback(&out[0], family != SP_AF_UNSPEC ? family : SP_AF_INET, 0);
        count = 1;
        if (family == SP_AF_UNSPEC && max > 1) {
            sp_addr_loopback(&out[1], SP_AF_INET6, 0);
            count = 2;
        }
    } else {
        count = spc_port_resolve(stack, host, family, out, max, timeout_ms);
        if (count < 0)
            return count;
        if (count == 0)
            return SP_ENONAME;
    }
    for (int i = 0; i < count; i++)
        out[i].port = port;
    return count;
}
