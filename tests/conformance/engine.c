/*
 * Runs one scenario on one backend and normalises what each step gave, so
 * that the kernel's outcome and a port's compare as values: an error by its
 * sockport meaning, a handle as "a handle", an address by its shape (which
 * family, loopback or wildcard, and whose port), poll bits by name.
 */
#include "conformance.h"

#include <stdio.h>
#include <string.h>

/* Larger than any datagram a scenario sends (65528 bytes is one over the
 * largest UDP payload in either family). */
#define CF_BUFFER_BYTES 70000
/* Connections a CF_STALL step may queue before the listener's queue is full. */
#define CF_STALL_TRIES 8
/* Sends of CF_BUFFER_BYTES a CF_FILL step makes at most (about 280 MB: far
 * more than any socket buffer on loopback). */
#define CF_FILL_TRIES 4000

static unsigned char cf_out_buf[CF_BUFFER_BYTES];
static unsigned char cf_in_buf[CF_BUFFER_BYTES];

/* The local directory for SP_AF_LOCAL rows (set by the host's main). */
const char *cf_local_dir;

struct cf_engine {
    const struct cf_backend *be;
    const struct cf_scenario *sc;
    int family;
    int handle[CF_SLOTS];
    int type[CF_SLOTS];
    int fam[CF_SLOTS];                   /* the slot's family (a row may mix IPv4 into IPv6) */
    bool closed[CF_SLOTS];               /* the handle stays, to show what a closed one gives */
    sp_addr last_name[CF_SLOTS];         /* a closed slot's address, for binding it again */
    uint16_t dead_port[SP_SOCK_RDM + 1]; /* per type, found once per row */
    int extra[CF_STALL_TRIES];           /* a stall step's queued connections */
};

static int cf_other_family(int family)
{
    return family == SP_AF_INET ? SP_AF_INET6 : SP_AF_INET;
}

static void cf_local_path(sp_addr *out, const char *leaf)
{
    char path[SP_LOCAL_PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", cf_local_dir != NULL ? cf_local_dir : "/tmp", leaf);
    sp_addr_local(out, path);
}

/* A port of loopback where nobody of @p type is bound: bound and closed again. */
static void cf_dead_addr(struct cf_engine *e, int type, sp_addr *out)
{
    if (e->family == SP_AF_LOCAL) {
        cf_local_path(out, "nobody");
        return;
    }
    sp_addr_loopback(out, e->family, 0);
    if (type < 0 || type > SP_SOCK_RDM)
        return;
    if (e->dead_port[type] != 0) {
        out->port = e->dead_port[type];
        return;
    }
    long h = e->be->socket(e->be->ctx, e->family, type, 0);
    if (h < 0)
        return;
    sp_addr name;
    if (e->be->bind(e->be->ctx, (int)h, out) == 0 &&
        e->be->getsockname(e->be->ctx, (int)h, &name) == 0)
        out->port = e->dead_port[type] = name.port;
    e->be->close(e->be->ctx, (int)h);
}

/* Resolves a symbolic address for a step on @p slot; NULL for CF_AD_NULL. */
static const sp_addr *cf_resolve(struct cf_engine *e, int kind, int slot, sp_addr *out)
{
    static const uint8_t foreign6[16] = {[15] = 2};
    memset(out, 0, sizeof *out);
    switch (kind) {
    case CF_AD_NULL:
        return NULL;
    case CF_AD_LOOP:
        if (slot >= 0 && e->fam[slot] != 0 && e->fam[slot] != SP_AF_LOCAL) {
            sp_addr_loopback(out, e->fam[slot], 0);
        } else if (e->family == SP_AF_LOCAL) {
            char leaf[8];
            snprintf(leaf, sizeof leaf, "s%d", slot);
            cf_local_path(out, leaf);
        } else {
            sp_addr_loopback(out, e->family, 0);
        }
        return out;
    case CF_AD_ANY:
        sp_addr_any(out, e->family, 0);
        return out;
    case CF_AD_DEAD:
        cf_dead_addr(e, slot >= 0 ? e->type[slot] : SP_SOCK_STREAM, out);
        return out;
    case CF_AD_OTHER:
        sp_addr_loopback(out, cf_other_family(e->family), 9);
        return out;
    case CF_AD_BCAST:
        sp_addr_ipv4(out, 127, 255, 255, 255, 9);
        return out;
    case CF_AD_FOREIGN6:
        sp_addr_ipv6(out, foreign6, 0, 0);
        return out;
    case CF_AD_UNSPEC:
        return out; /* zeroed: SP_AF_UNSPEC */
    default:
        break;
    }
    if (kind >= CF_AD_MAPPED0 && kind < CF_AD_MAPPED0 + CF_SLOTS) {
        static const uint8_t mapped[16] = {[10] = 0xFF, [11] = 0xFF, [12] = 127, [15] = 1};
        sp_addr name;
        cf_resolve(e, CF_AD_NAME(kind - CF_AD_MAPPED0), slot, &name);
        sp_addr_ipv6(out, mapped, name.port, 0);
        return out;
    }
    if (kind >= CF_AD_V4_OF0 && kind < CF_AD_V4_OF0 + CF_SLOTS) {
        sp_addr name;
        cf_resolve(e, CF_AD_NAME(kind - CF_AD_V4_OF0), slot, &name);
        sp_addr_ipv4(out, 127, 0, 0, 1, name.port);
        return out;
    }
    int k = kind - CF_AD_NAME0;
    if (k >= 0 && k < CF_SLOTS && e->closed[k]) {
        *out = e->last_name[k];
        return out;
    }
    if (k >= 0 && k < CF_SLOTS && e->be->getsockname(e->be->ctx, e->handle[k], out) == 0) {
        sp_addr any;
        sp_addr_any(&any, out->family, out->port);
        if (out->family != SP_AF_LOCAL && sp_addr_equal(out, &any))
            sp_addr_loopback(out, out->family, out->port);
    }
    return out;
}

/* Describes @p a by its shape: "127.0.0.1:=s1" (slot 1's port), ":0", ":*". */
static void cf_describe_addr(struct cf_engine *e, const sp_addr *a, char *buf, size_t size)
{
    if (a->family == 0xEE) {
        snprintf(buf, size, "(not written)");
        return;
    }
    if (a->family == SP_AF_LOCAL) {
        const char *leaf = strrchr(a->u.path, '/');
        snprintf(buf, size, "path %.24s",
                 a->u.path[0] == '\0' ? "(unnamed)"
                 : leaf               ? leaf + 1
                                      : a->u.path);
        return;
    }
    if (a->family != SP_AF_INET && a->family != SP_AF_INET6) {
        snprintf(buf, size, "family %u", (unsigned)a->family);
        return;
    }
    sp_addr plain = *a, loop, any;
    plain.port = 0;
    sp_addr_loopback(&loop, a->family, 0);
    sp_addr_any(&any, a->family, 0);
    const char *host =
        sp_addr_equal(&plain, &loop)  ? (a->family == SP_AF_INET ? "127.0.0.1" : "[::1]")
        : sp_addr_equal(&plain, &any) ? (a->family == SP_AF_INET ? "0.0.0.0" : "[::]")
                                      : "other";
    char port[8] = "*";
    if (a->port == 0)
        snprintf(port, sizeof port, "0");
    for (int k = 0; k < CF_SLOTS && a->port != 0; k++) {
        sp_addr name;
        if (e->handle[k] >= 0 && e->be->getsockname(e->be->ctx, e->handle[k], &name) == 0 &&
            name.port == a->port) {
            snprintf(port, sizeof port, "=s%d", k);
            break;
        }
    }
    snprintf(buf, size, "%s:%s", host, port);
}

static void cf_describe_events(long revents, char *buf, size_t size)
{
    static const struct {
        int bit;
        const char *name;
    } bits[] = {{SP_POLLIN, "IN"},
                {SP_POLLOUT, "OUT"},
                {SP_POLLERR, "ERR"},
                {SP_POLLHUP, "HUP"},
                {SP_POLLNVAL, "NVAL"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (revents & bits[i].bit) {
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, "%s%s", used ? "|" : "", bits[i].name);
        }
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

/* Queues connections on listener @p slot until a non-blocking connect stays in
 * progress; that socket goes to slot @p into. */
static long cf_stall(struct cf_engine *e, int slot, int into)
{
    const struct cf_backend *be = e->be;
    sp_addr target;
    cf_resolve(e, CF_AD_NAME(slot), slot, &target);
    for (int i = 0; i < CF_STALL_TRIES; i++) {
        long h = be->socket(be->ctx, e->family, SP_SOCK_STREAM, 0);
        if (h < 0)
            return h;
        be->setopt(be->ctx, (int)h, SP_OPT_NONBLOCK, 1);
        long rc = be->connect(be->ctx, (int)h, &target);
        be->settle(be->ctx);
        if (rc == SP_EINPROGRESS && be->poll(be->ctx, (int)h, SP_POLLOUT) == 0) {
            e->handle[into] = (int)h;
            e->type[into] = SP_SOCK_STREAM;
            e->closed[into] = false;
            return 0;
        }
        e->extra[i] = (int)h;
    }
    return SP_EAGAIN; /* the queue never filled: shown as a different outcome */
}

static size_t cf_length(const struct cf_engine *e, int length)
{
    if (length == CF_LEN_MAX_UDP)
        return e->family == SP_AF_INET6 ? 65527u : 65507u;
    return (size_t)length;
}

static long cf_step(struct cf_engine *e, const struct cf_step *st, struct cf_outcome *o)
{
    const struct cf_backend *be = e->be;
    void *ctx = be->ctx;
    int h = st->slot >= 0 ? e->handle[st->slot] : -1;
    sp_addr addr, from;
    long rc;
    memset(&from, 0, sizeof from);
    from.family = 0xEE; /* shows whether the call wrote it */
    switch (st->op) {
    case CF_SOCKET: {
        int family = st->c != 0 ? st->c & 0xFF : e->family;
        int protocol = st->b;
        if (protocol == CF_PROTO_ICMP)
            protocol = family == SP_AF_INET6 ? SP_IPPROTO_ICMPV6 : SP_IPPROTO_ICMP;
        rc = be->socket(ctx, family, st->a, protocol);
        if (rc >= 0) {
            e->handle[st->slot] = (int)rc;
            e->type[st->slot] = st->a;
            e->fam[st->slot] = family;
            e->closed[st->slot] = false;
            rc = 0; /* a handle's value means nothing across backends */
        }
        return rc;
    }
    case CF_CLOSE:
        be->getsockname(ctx, h, &e->last_name[st->slot]);
        e->closed[st->slot] = true;
        return be->close(ctx, h);
    case CF_RESET:
        be->getsockname(ctx, h, &e->last_name[st->slot]);
        rc = be->setopt(ctx, h, SP_OPT_LINGER, 0);
        e->closed[st->slot] = true;
        long closed = be->close(ctx, h);
        return rc < 0 ? rc : closed;
    case CF_BIND:
        return be->bind(ctx, h, cf_resolve(e, st->a, st->slot, &addr));
    case CF_LISTEN:
        return be->listen(ctx, h, st->a);
    case CF_ACCEPT:
        rc = be->accept(ctx, h, &from);
        if (rc >= 0) {
            e->handle[st->a] = (int)rc;
            e->type[st->a] = e->type[st->slot];
            e->fam[st->a] = e->fam[st->slot];
            e->closed[st->a] = false;
            cf_describe_addr(e, &from, o->detail, sizeof o->detail);
            rc = 0;
        }
        return rc;
    case CF_CONNECT:
        return be->connect(ctx, h, cf_resolve(e, st->a, st->slot, &addr));
    case CF_SEND:
        return be->sendto(ctx, h, cf_out_buf, cf_length(e, st->a), st->b, NULL);
    case CF_SENDTO:
        return be->sendto(ctx, h, cf_out_buf, cf_length(e, st->a), st->b,
                          cf_resolve(e, st->c, st->slot, &addr));
    case CF_RECV:
        return be->recvfrom(ctx, h, cf_in_buf, (size_t)st->a, st->b, NULL);
    case CF_RECVFROM:
        rc = be->recvfrom(ctx, h, cf_in_buf, (size_t)st->a, st->b, &from);
        if (rc >= 0)
            cf_describe_addr(e, &from, o->detail, sizeof o->detail);
        return rc;
    case CF_SHUTDOWN:
        return be->shutdown(ctx, h, st->a);
    case CF_GETSOCKNAME:
    case CF_GETPEERNAME:
        memset(&addr, 0, sizeof addr);
        rc = st->op == CF_GETSOCKNAME ? be->getsockname(ctx, h, &addr)
                                      : be->getpeername(ctx, h, &addr);
        if (rc >= 0)
            cf_describe_addr(e, &addr, o->detail, sizeof o->detail);
        return rc;
    case CF_SETOPT:
        return be->setopt(ctx, h, st->a, st->b);
    case CF_GETOPT: {
        int value = 0x5A5A;
        rc = be->getopt(ctx, h, st->a, &value);
        if (rc < 0)
            return rc;
        if (st->a == SP_OPT_ERROR)
            snprintf(o->detail, sizeof o->detail, "%s", sp_err_name(value));
        return value < 0 && st->a == SP_OPT_ERROR ? 0 : value;
    }
    case CF_POLL:
        rc = be->poll(ctx, h, st->a);
        if (rc >= 0)
            cf_describe_events(rc, o->detail, sizeof o->detail);
        return rc;
    case CF_POLLER_ADD:
    case CF_POLLER_MODIFY:
    case CF_POLLER_REMOVE:
        return be->poller(ctx, st->op, h, st->a);
    case CF_POLLER_WAIT:
        rc = be->poller(ctx, st->op, h, 0);
        if (rc >= 0)
            cf_describe_events(rc, o->detail, sizeof o->detail);
        return rc;
    case CF_SETTLE:
        be->settle(ctx);
        return 0;
    case CF_STALL:
        return cf_stall(e, st->slot, st->a);
    case CF_FILL:
        /* Full means no room even after the data in flight has landed: lwIP
         * frees its send buffer as the peer acknowledges, the kernel too. */
        for (int i = 0, full = 0; i < CF_FILL_TRIES; i++) {
            rc = be->sendto(ctx, h, cf_out_buf, sizeof cf_out_buf, SP_MSG_DONTWAIT, NULL);
            if (rc >= 0) {
                full = 0;
                continue;
            }
            if (rc != SP_EAGAIN || ++full == 3)
                return rc;
            be->settle(ctx);
        }
        snprintf(o->detail, sizeof o->detail, "never full");
        return 0;
    default:
        return SP_EINVAL;
    }
}

int cf_row_families(const struct cf_scenario *sc, int out[3])
{
    static const unsigned bits[] = {CF_V4, CF_V6, CF_LOCAL};
    static const int families[] = {SP_AF_INET, SP_AF_INET6, SP_AF_LOCAL};
    int n = 0;
    for (int f = 0; f < 3; f++) {
        if (sc->families & bits[f])
            out[n++] = families[f];
    }
    return n;
}

void cf_run_scenario(const struct cf_backend *backend, const struct cf_scenario *sc, int family,
                     struct cf_run *run)
{
    struct cf_engine e = {.be = backend, .sc = sc, .family = family};
    for (int k = 0; k < CF_SLOTS; k++)
        e.handle[k] = -1;
    for (int k = 0; k < CF_STALL_TRIES; k++)
        e.extra[k] = -1;
    for (size_t i = 0; i < sizeof cf_out_buf; i++)
        cf_out_buf[i] = (unsigned char)(i * 7u + 1u);
    memset(run, 0, sizeof *run);
    run->shown = -1;
    if (backend->begin(backend->ctx) < 0) {
        run->out[0].value = SP_EIO;
        snprintf(run->out[0].detail, sizeof run->out[0].detail, "backend did not start");
        run->steps = 1;
        run->shown = 0;
        return;
    }
    for (int i = 0; i < CF_MAX_STEPS && sc->steps[i].op != CF_END; i++) {
        struct cf_outcome *o = &run->out[i];
        o->value = cf_step(&e, &sc->steps[i], o);
        if (o->value < 0) {
            const char *native = backend->native_name(backend->ctx);
            snprintf(o->native, sizeof o->native, "%s", native != NULL ? native : "");
        }
        run->steps = i + 1;
        if (sc->steps[i].show)
            run->shown = i;
    }
    if (run->shown < 0)
        run->shown = run->steps - 1;
    for (int k = 0; k < CF_SLOTS; k++) {
        if (e.handle[k] >= 0 && !e.closed[k])
            backend->close(backend->ctx, e.handle[k]);
    }
    for (int k = 0; k < CF_STALL_TRIES; k++) {
        if (e.extra[k] >= 0)
            backend->close(backend->ctx, e.extra[k]);
    }
    backend->end(backend->ctx);
}

bool cf_same(const struct cf_step *step, const struct cf_outcome *a, const struct cf_outcome *b)
{
    if (step->cmp == CF_CLASS && a->value >= 0 && b->value >= 0)
        return true;
    return a->value == b->value && strcmp(a->detail, b->detail) == 0;
}

void cf_format_outcome(const struct cf_outcome *o, bool native, char *buf, size_t size)
{
    if (o->value < 0) {
        if (native && o->native[0] != '\0')
            snprintf(buf, size, "%s", o->native);
        else
            snprintf(buf, size, "%s", sp_err_name((int)o->value));
        return;
    }
    if (o->detail[0] != '\0')
        snprintf(buf, size, "%ld %s", o->value, o->detail);
    else
        snprintf(buf, size, "%ld", o->value);
}

const char *cf_step_function(const struct cf_step *step)
{
    static const char *const names[] = {
        [CF_SOCKET] = "sp_socket_on",
        [CF_CLOSE] = "sp_close",
        [CF_RESET] = "sp_close",
        [CF_BIND] = "sp_bind",
        [CF_LISTEN] = "sp_listen",
        [CF_ACCEPT] = "sp_accept",
        [CF_CONNECT] = "sp_connect",
        [CF_SEND] = "sp_send",
        [CF_SENDTO] = "sp_sendto",
        [CF_RECV] = "sp_recv",
        [CF_RECVFROM] = "sp_recvfrom",
        [CF_SHUTDOWN] = "sp_shutdown",
        [CF_GETSOCKNAME] = "sp_getsockname",
        [CF_GETPEERNAME] = "sp_getpeername",
        [CF_SETOPT] = "sp_setsockopt",
        [CF_GETOPT] = "sp_getsockopt",
        [CF_POLL] = "sp_poll",
        [CF_SETTLE] = "(settle)",
        [CF_STALL] = "sp_connect",
        [CF_FILL] = "sp_send",
        [CF_POLLER_ADD] = "sp_poller_add",
        [CF_POLLER_MODIFY] = "sp_poller_modify",
        [CF_POLLER_REMOVE] = "sp_poller_remove",
        [CF_POLLER_WAIT] = "sp_poller_wait",
    };
    return step->op < sizeof names / sizeof names[0] && names[step->op] ? names[step->op] : "?";
}
