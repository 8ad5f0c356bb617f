/*
 * Addresses for the BSD layer: struct sockaddr_* <-> sp_addr, the inet_*
 * text conversions, and getaddrinfo()/getnameinfo() over sp_resolve() and
 * sp_addr_format(). Text parsing of IPv6 is core's (sp_addr_parse); only the
 * classic functions' stricter and older forms are handled here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include "bsd_internal.h"

/* ------------------------------------------------------------------------ */
/* struct sockaddr <-> sp_addr                                              */
/* ------------------------------------------------------------------------ */

int spb_addr_from_sockaddr(const struct sockaddr *sa, socklen_t addrlen, sp_addr *out)
{
    if (sa == NULL) {
        return EFAULT;
    }
    if (addrlen < (socklen_t)sizeof(sa_family_t)) {
        return EINVAL;
    }
    memset(out, 0, sizeof *out);
    switch (sa->sa_family) {
    case AF_UNSPEC: /* connect() dissolves a datagram association with it */
        out->family = SP_AF_UNSPEC;
        return 0;
    case AF_INET: {
        struct sockaddr_in in;
        if (addrlen < (socklen_t)sizeof in) {
            return EINVAL;
        }
        memcpy(&in, sa, sizeof in);
        out->family = SP_AF_INET;
        out->port = ntohs(in.sin_port);
        memcpy(out->u.v4, &in.sin_addr, 4);
        return 0;
    }
    case AF_INET6: {
        struct sockaddr_in6 in6;
        if (addrlen < (socklen_t)sizeof in6) {
            return EINVAL;
        }
        memcpy(&in6, sa, sizeof in6);
        out->family = SP_AF_INET6;
        out->port = ntohs(in6.sin6_port);
        out->scope_id = in6.sin6_scope_id;
        memcpy(out->u.v6, &in6.sin6_addr, 16);
        return 0;
    }
    case AF_UNIX: {
        const struct sockaddr_un *un = (const struct sockaddr_un *)(const void *)sa;
        size_t offset = offsetof(struct sockaddr_un, sun_path);
        if (addrlen <= (socklen_t)offset || addrlen > (socklen_t)sizeof(struct sockaddr_un)) {
            return EINVAL;
        }
        size_t room = (size_t)addrlen - offset;
        size_t len = strnlen(un->sun_path, room);
        /* No abstract names (leading NUL) and nothing longer than sockport holds. */
        if (len == 0 || len >= SP_LOCAL_PATH_MAX) {
            return EINVAL;
        }
        out->family = SP_AF_LOCAL;
        memcpy(out->u.path, un->sun_path, len);
        out->u.path[len] = '\0';
        return 0;
    }
    default:
        return EAFNOSUPPORT;
    }
}

void spb_addr_to_sockaddr(const sp_addr *addr, struct sockaddr *sa, socklen_t *addrlen)
{
    struct sockaddr_storage storage;
    socklen_t size;
    memset(&storage, 0, sizeof storage);
    if (addr->family == SP_AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)&storage;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(addr->port);
        in6->sin6_scope_id = addr->scope_id;
        memcpy(&in6->sin6_addr, addr->u.v6, 16);
        size = sizeof *in6;
    } else if (addr->family == SP_AF_LOCAL) {
        struct sockaddr_un *un = (struct sockaddr_un *)(void *)&storage;
        un->sun_family = AF_UNIX;
        size_t len = strnlen(addr->u.path, sizeof addr->u.path);
        memcpy(un->sun_path, addr->u.path, len);
        size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)(void *)&storage;
        in->sin_family = AF_INET;
        in->sin_port = htons(addr->port);
        memcpy(&in->sin_addr, addr->u.v4, 4);
        size = sizeof *in;
    }
    memcpy(sa, &storage, *addrlen < size ? *addrlen : size);
    *addrlen = size;
}

/* ------------------------------------------------------------------------ */
/* inet_pton, inet_ntop, inet_aton, inet_addr, inet_ntoa                    */
/* ------------------------------------------------------------------------ */

/* Strict dotted quad: four decimal parts 0..255 without leading zeros. */
static int parse_dotted_quad(const char *src, unsigned char out[4])
{
    for (int part = 0; part < 4; part++) {
        if (part > 0 && *src++ != '.') {
            return 0;
        }
        if (*src < '0' || *src > '9' || (src[0] == '0' && src[1] >= '0' && src[1] <= '9')) {
            return 0;
        }
        unsigned value = 0;
        for (int digits = 0; *src >= '0' && *src <= '9'; digits++, src++) {
            value = value * 10u + (unsigned)(*src - '0');
            if (digits >= 3 || value > 255u) {
                return 0;
            }
        }
        out[part] = (unsigned char)value;
    }
    return *src == '\0';
}

int sp_bsd_inet_pton(int af, const char *src, void *dst)
{
    if (af == AF_INET) {
        unsigned char bytes[4];
        if (src == NULL || !parse_dotted_quad(src, bytes)) {
            return 0;
        }
        memcpy(dst, bytes, 4);
        return 1;
    }
    if (af == AF_INET6) {
        sp_addr addr;
        /* sp_addr_parse also takes brackets, zones and ports: inet_pton does not. */
        if (src == NULL || src[0] == '/' || src[0] == '.' || strpbrk(src, "[]%") != NULL ||
            sp_addr_parse(src, &addr) != 0 || addr.family != SP_AF_INET6) {
            return 0;
        }
        memcpy(dst, addr.u.v6, 16);
        return 1;
    }
    return spb_fail_errno(EAFNOSUPPORT);
}

const char *sp_bsd_inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    char text[SP_ADDR_STRLEN];
    const char *start = text;
    if (af == AF_INET) {
        const unsigned char *b = src;
        snprintf(text, sizeof text, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    } else if (af == AF_INET6) {
        sp_addr addr;
        sp_addr_ipv6(&addr, src, 0, 0);
        sp_addr_format(&addr, text, sizeof text); /* "[...]:0" */
        *strchr(text, ']') = '\0';
        start = text + 1;
    } else {
        spb_fail_errno(EAFNOSUPPORT);
        return NULL;
    }
    size_t len = strlen(start);
    if (dst == NULL || len >= (size_t)size) {
        spb_fail_errno(ENOSPC);
        return NULL;
    }
    memcpy(dst, start, len + 1);
    return dst;
}

/* One part of the classic forms: decimal, 0x hex or 0 octal, fitting @p max. */
static int parse_classic_part(const char **text, unsigned long max, unsigned long *value)
{
    const char *s = *text;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    } else if (s[0] == '0') {
        base = 8;
    }
    unsigned long v = 0;
    const char *digits = s;
    for (;; s++) {
        int d;
        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        } else if (base == 16 && *s >= 'a' && *s <= 'f') {
            d = *s - 'a' + 10;
        } else if (base == 16 && *s >= 'A' && *s <= 'F') {
            d = *s - 'A' + 10;
        } else {
            break;
        }
        if (d >= base || v > (max - (unsigned long)d) / (unsigned long)base) {
            return 0;
        }
        v = v * (unsigned long)base + (unsigned long)d;
    }
    if (s == digits && base != 8) {
        return 0; /* "0x" alone, or no digit at all */
    }
    *value = v;
    *text = s;
    return 1;
}

int sp_bsd_inet_aton(const char *cp, struct in_addr *inp)
{
    unsigned long parts[4];
    int n = 0;
    if (cp == NULL) {
        return 0;
    }
    for (;;) {
        if (n == 4 || !parse_classic_part(&cp, 0xffffffffUL, &parts[n])) {
            return 0;
        }
        n++;
        if (*cp != '.') {
            break;
        }
        cp++;
    }
    if (*cp != '\0') {
        return 0;
    }
    /* a: 32 bits; a.b: 8.24; a.b.c: 8.8.16; a.b.c.d: 8.8.8.8 */
    unsigned long last_max = 0xffffffffUL >> (8 * (n - 1));
    unsigned long value = 0;
    for (int i = 0; i < n - 1; i++) {
        if (parts[i] > 255u) {
            return 0;
        }
        value |= parts[i] << (24 - 8 * i);
    }
    if (parts[n - 1] > last_max) {
        return 0;
    }
    value |= parts[n - 1];
    if (inp != NULL) {
        inp->s_addr = htonl((uint32_t)value);
    }
    return 1;
}

in_addr_t sp_bsd_inet_addr(const char *cp)
{
    struct in_addr in;
    return sp_bsd_inet_aton(cp, &in) ? in.s_addr : (in_addr_t)INADDR_NONE;
}

char *sp_bsd_inet_ntoa(struct in_addr in)
{
    static char text[16];
    sp_bsd_inet_ntop(AF_INET, &in, text, sizeof text);
    return text;
}

/* ------------------------------------------------------------------------ */
/* getaddrinfo, freeaddrinfo, gai_strerror, getnameinfo                     */
/* ------------------------------------------------------------------------ */

/* One result and its address in one allocation, so freeaddrinfo() frees one
 * block per entry (plus the canonical name of the first). */
struct spb_addrinfo {
    struct addrinfo ai;
    struct sockaddr_storage addr;
};

#define SPB_AI_KNOWN                                                                               \
    (AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV | AI_ADDRCONFIG | AI_V4MAPPED |   \
     AI_ALL)

static int gai_code_of(int sp_code)
{
    switch (sp_code) {
    case SP_ENONAME:
        return EAI_NONAME;
    case SP_ENAMETEMP:
    case SP_ETIMEDOUT:
        return EAI_AGAIN;
    case SP_EINVAL:
        return EAI_SERVICE; /* host, family and sizes were checked here */
    case SP_EAFNOSUPPORT:
        return EAI_FAMILY;
    default:
        return EAI_FAIL;
    }
}

static int is_numeric_service(const char *service)
{
    if (service == NULL || *service == '\0') {
        return service == NULL;
    }
    for (; *service != '\0'; service++) {
        if (*service < '0' || *service > '9') {
            return 0;
        }
    }
    return 1;
}

static int is_numeric_host(const char *node)
{
    unsigned char bytes[16];
    return sp_bsd_inet_pton(AF_INET, node, bytes) == 1 ||
           sp_bsd_inet_pton(AF_INET6, node, bytes) == 1;
}

/* Resolve into @p out: the node, or the wildcard / loopback for a NULL node. */
static int resolve(const char *node, const char *service, int family, int passive, sp_addr *out,
                   size_t max)
{
    if (node != NULL) {
        return sp_resolve(node, service, family, out, max, SP_BSD_RESOLVE_TIMEOUT_MS);
    }
    /* The service through core's parser, with a numeric host that needs no resolver. */
    static const char *const any[2] = {"0.0.0.0", "::"};
    static const char *const loopback[2] = {"127.0.0.1", "::1"};
    const char *const *hosts = passive ? any : loopback;
    int n = 0;
    for (int v6 = 0; v6 < 2 && (size_t)n < max; v6++) {
        int this_family = v6 ? SP_AF_INET6 : SP_AF_INET;
        if (family != SP_AF_UNSPEC && family != this_family) {
            continue;
        }
        int rc = sp_resolve(hosts[v6], service, this_family, out + n, 1, 0);
        if (rc < 0) {
            return rc;
        }
        n += rc;
    }
    return n;
}

static int default_protocol(int socktype, int asked)
{
    if (asked != 0) {
        return asked;
    }
    return socktype == SOCK_STREAM ? IPPROTO_TCP : socktype == SOCK_DGRAM ? IPPROTO_UDP : 0;
}

static int append_result(struct addrinfo ***tail, const sp_addr *addr, int socktype, int protocol)
{
    struct spb_addrinfo *node = calloc(1, sizeof *node);
    if (node == NULL) {
        return EAI_MEMORY;
    }
    socklen_t len = sizeof node->addr;
    spb_addr_to_sockaddr(addr, (struct sockaddr *)(void *)&node->addr, &len);
    node->ai.ai_family = addr->family == SP_AF_INET6 ? AF_INET6 : AF_INET;
    node->ai.ai_socktype = socktype;
    node->ai.ai_protocol = default_protocol(socktype, protocol);
    node->ai.ai_addrlen = len;
    node->ai.ai_addr = (struct sockaddr *)(void *)&node->addr;
    **tail = &node->ai;
    *tail = &node->ai.ai_next;
    return 0;
}

int sp_bsd_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res)
{
    int flags = hints != NULL ? hints->ai_flags : 0;
    int af = hints != NULL ? hints->ai_family : AF_UNSPEC;
    int socktype = hints != NULL ? hints->ai_socktype : 0;
    int protocol = hints != NULL ? hints->ai_protocol : 0;
    if (res == NULL || sp_default_stack() == NULL) {
        return EAI_FAIL;
    }
    *res = NULL;
    if ((flags & ~SPB_AI_KNOWN) != 0) {
        return EAI_BADFLAGS;
    }
    if ((node == NULL && service == NULL) || (node != NULL && node[0] == '\0')) {
        return EAI_NONAME;
    }
    int family = af == AF_UNSPEC  ? SP_AF_UNSPEC
                 : af == AF_INET  ? SP_AF_INET
                 : af == AF_INET6 ? SP_AF_INET6
                                  : -1;
    if (family < 0) {
        return EAI_FAMILY;
    }
    if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM &&
        socktype != SOCK_RAW && socktype != SOCK_SEQPACKET && socktype != SOCK_RDM) {
        return EAI_SOCKTYPE;
    }
    if (((flags & AI_NUMERICHOST) != 0 && node != NULL && !is_numeric_host(node)) ||
        ((flags & AI_NUMERICSERV) != 0 && !is_numeric_service(service))) {
        return EAI_NONAME;
    }
    if ((flags & AI_CANONNAME) != 0 && node == NULL) {
        return EAI_BADFLAGS;
    }
    sp_addr found[SP_BSD_ADDRINFO_MAX];
    int n = resolve(node, service, family, (flags & AI_PASSIVE) != 0, found, SP_BSD_ADDRINFO_MAX);
    if (n < 0) {
        return gai_code_of(n);
    }
    if (n == 0) {
        return EAI_NONAME;
    }
    static const int both[] = {SOCK_STREAM, SOCK_DGRAM};
    const int *types = socktype == 0 ? both : &socktype;
    int ntypes = socktype == 0 ? 2 : 1;
    struct addrinfo *list = NULL;
    struct addrinfo **tail = &list;
    for (int i = 0; i < n; i++) {
        for (int t = 0; t < ntypes; t++) {
            if (append_result(&tail, &found[i], types[t], protocol) != 0) {
                sp_bsd_freeaddrinfo(list);
                return EAI_MEMORY;
            }
        }
    }
    if ((flags & AI_CANONNAME) != 0) {
        size_t len = strlen(node) + 1;
        list->ai_canonname = malloc(len);
        if (list->ai_canonname == NULL) {
            sp_bsd_freeaddrinfo(list);
            return EAI_MEMORY;
        }
        memcpy(list->ai_canonname, node, len);
    }
    *res = list;
    return 0;
}

void sp_bsd_freeaddrinfo(struct addrinfo *res)
{
    while (res != NULL) {
        struct addrinfo *next = res->ai_next;
        free(res->ai_canonname);
        free(res); /* the struct spb_addrinfo it is the first member of */
        res = next;
    }
}

const char *sp_bsd_gai_strerror(int errcode)
{
    switch (errcode) {
    case 0:
        return "Success";
    case EAI_NONAME:
        return "Name or service not known";
    case EAI_AGAIN:
        return "Temporary failure in name resolution";
    case EAI_FAIL:
        return "Non-recoverable failure in name resolution";
    case EAI_FAMILY:
        return "ai_family not supported";
    case EAI_SOCKTYPE:
        return "ai_socktype not supported";
    case EAI_SERVICE:
        return "Servname not supported for ai_socktype";
    case EAI_BADFLAGS:
        return "Bad value for ai_flags";
    case EAI_MEMORY:
        return "Memory allocation failure";
    case EAI_OVERFLOW:
        return "Argument buffer overflow";
    default:
        return "Unknown error";
    }
}

int sp_bsd_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                       char *serv, socklen_t servlen, int flags)
{
    sp_addr addr;
    if (sa == NULL || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
        spb_addr_from_sockaddr(sa, salen, &addr) != 0) {
        return EAI_FAMILY;
    }
    if ((flags & NI_NAMEREQD) != 0 ||
        ((host == NULL || hostlen == 0) && (serv == NULL || servlen == 0))) {
        return EAI_NONAME;
    }
    if (host != NULL && hostlen > 0) {
        char text[SP_ADDR_STRLEN];
        sp_addr_format(&addr, text, sizeof text);
        /* "a.b.c.d:port" or "[x::y%scope]:port": keep the address part. */
        char *start = text;
        if (addr.family == SP_AF_INET6) {
            start++;
            *strchr(start, ']') = '\0';
        } else {
            *strchr(start, ':') = '\0';
        }
        size_t len = strlen(start);
        if (len >= (size_t)hostlen) {
            return EAI_OVERFLOW;
        }
        memcpy(host, start, len + 1);
    }
    if (serv != NULL && servlen > 0) {
        int len = snprintf(serv, (size_t)servlen, "%u", (unsigned)addr.port);
        if (len < 0 || (socklen_t)len >= servlen) {
            return EAI_OVERFLOW;
        }
    }
    return 0;
}
