/*
 * Name resolution on the lwIP port: names that core did not answer itself
 * (numeric hosts and "localhost" it did) go to lwIP's DNS client when the
 * build has one (LWIP_DNS), while the stack keeps running until the answer or
 * the timeout.
 */
#include "lwip/dns.h"

#include "lwip_internal.h"

#if LWIP_DNS
unsigned short sp_lwip_dns_server_port = 53;

/* The one query this thread waits for, and its answer (where lwIP also
 * writes one from its cache). An answer that comes after its wait gave up
 * carries an older number and is ignored. */
static struct {
    uintptr_t number;
    bool answered;
    bool found;
    ip_addr_t address;
} dns_wait;

static void on_dns_answer(const char *name, const ip_addr_t *address, void *arg)
{
    (void)name;
    if ((uintptr_t)arg != dns_wait.number) {
        return;
    }
    dns_wait.answered = true;
    dns_wait.found = address != NULL;
    if (address != NULL) {
        dns_wait.address = *address;
    }
}

/* Datagrams seen coming from a DNS server's port (the input hooks count
 * them): how a failed lookup tells "no such name" (an answer came) from "no
 * answer" (none came), which lwIP reports alike. */
static uint32_t dns_replies_seen;

void sp_lwip_dns_note_datagram(uint16_t source_port)
{
    if (source_port == sp_lwip_dns_server_port) {
        dns_replies_seen++;
    }
}

/* What sp_lwip_run_until() waits for: the answer (or lwIP giving up). */
static int dns_answered(void *ctx)
{
    (void)ctx;
    return dns_wait.answered;
}

static int resolve_dns(const char *host, int family, sp_addr *out, int timeout_ms)
{
    _Static_assert(LWIP_DNS_ADDRTYPE_IPV4 == SP_AF_INET - 1 &&
                       LWIP_DNS_ADDRTYPE_IPV6 == SP_AF_INET6 - 1,
                   "lwIP's address types are sockport's families less one");
    u8_t type = family == SP_AF_UNSPEC ? LWIP_DNS_ADDRTYPE_IPV4_IPV6 : (u8_t)(family - 1);
    uint32_t started = sp_lwip_now32();
    for (;;) {
        dns_wait.number++;
        dns_wait.answered = false;
        uint32_t replies_before = dns_replies_seen;
        err_t err = dns_gethostbyname_addrtype(host, &dns_wait.address, on_dns_answer,
                                               (void *)dns_wait.number, type);
        if (err == ERR_OK) {
            break; /* from lwIP's cache */
        }
        if (err != ERR_INPROGRESS) {
            return SP_ENONAME; /* no DNS server set, or a name lwIP cannot ask for */
        }
        /* The stack runs until the callback answers or the time is up (one
         * look when it already is). */
        int left = timeout_ms;
        if (timeout_ms > 0) {
            uint32_t spent = sp_lwip_now32() - started;
            left = spent >= (uint32_t)timeout_ms ? 0 : timeout_ms - (int)spent;
        }
        if (sp_lwip_run_until(left, dns_answered, NULL) <= 0) {
            return SP_ETIMEDOUT;
        }
        if (dns_wait.found) {
            break;
        }
        /* lwIP gave up. If the server answered, the name does not exist;
         * if nothing came, ask again, so that the timeout, not lwIP's count
         * of retries, ends the wait. */
        if (dns_replies_seen != replies_before) {
            return SP_ENONAME;
        }
    }
    /* SP_AF_UNSPEC takes the answer's own family (only SP_AF_INET6 maps an
     * IPv4 answer). */
    sp_lwip_addr_from_ip(family, &dns_wait.address, 0, out);
    return 1;
}
#else
void sp_lwip_dns_note_datagram(uint16_t source_port)
{
    (void)source_port;
}
#endif

int sp_lwip_op_resolve(void *state, const char *host, int family, sp_addr *out, size_t max,
                       int timeout_ms)
{
    /* Core answered numeric hosts and "localhost" already. */
    (void)max;
    (void)state;
#if LWIP_DNS
    if (sp_lwip_stack() != NULL) {
        return resolve_dns(host, family, out, timeout_ms);
    }
#else
    (void)host;
    (void)family;
    (void)out;
    (void)timeout_ms;
#endif
    return SP_ENONAME;
}

int sp_lwip_set_dns_server(sp_stack *stack, unsigned index, const sp_addr *server)
{
    if (stack == NULL || stack != sp_lwip_stack()) {
        return SP_EINVAL;
    }
#if LWIP_DNS
    if (index >= DNS_MAX_SERVERS) {
        return SP_EINVAL;
    }
    ip_addr_t ip;
    const ip_addr_t *chosen = NULL; /* no server */
    if (server != NULL) {
        if (server->family != SP_AF_INET && (!LWIP_IPV6 || server->family != SP_AF_INET6)) {
            return SP_EAFNOSUPPORT;
        }
        uint16_t port;
        sp_lwip_addr_to_ip(server, &ip, &port);
        sp_lwip_dns_server_port = port != 0 ? port : 53;
        chosen = &ip;
    }
    dns_setserver((u8_t)index, chosen);
    return 0;
#else
    (void)index;
    (void)server;
    return SP_EOPNOTSUPP;
#endif
}
