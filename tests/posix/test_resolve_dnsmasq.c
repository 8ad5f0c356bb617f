/*
 * sp_resolve() on the POSIX port against a real DNS server on the loopback:
 * dnsmasq, started by resolve_dnsmasq.sh on 127.0.0.1:PORT (argv[1]) with
 * the names of tests/qemu/dns_server.sh and nothing forwarded anywhere.
 * Answers come back as addresses, a missing name as SP_ENONAME, each call
 * well inside its timeout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockport/posix.h>

static int failures;

static void check(int ok, const char *what)
{
    printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

static int has(const sp_addr *list, int n, const char *text)
{
    sp_addr want;
    if (sp_addr_parse(text, &want) != 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (sp_addr_equal(&list[i], &want))
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DNS_PORT\n", argv[0]);
        return 2;
    }
    sp_addr server, out[8];
    sp_addr_loopback(&server, SP_AF_INET, (uint16_t)atoi(argv[1]));
    check(sp_posix_set_dns_server(0, &server) == 0, "sp_posix_set_dns_server(127.0.0.1)");
    check(sp_posix_set_dns_server(SP_POSIX_DNS_MAX_SERVERS, &server) == SP_EINVAL,
          "an index out of range is SP_EINVAL");

    int n = sp_resolve("board.sockport.test", "80", SP_AF_INET, out, 8, 5000);
    check(n == 1 && has(out, n, "192.0.2.77:80"), "board.sockport.test -> 192.0.2.77 (IPv4)");
    n = sp_resolve("v6.sockport.test", "443", SP_AF_INET6, out, 8, 5000);
    check(n == 1 && has(out, n, "[2001:db8::77]:443"), "v6.sockport.test -> 2001:db8::77 (IPv6)");
    n = sp_resolve("board.sockport.test", NULL, SP_AF_UNSPEC, out, 8, 5000);
    check(n >= 1 && has(out, n, "192.0.2.77"), "board.sockport.test, any family");
    n = sp_resolve("missing.sockport.test", NULL, SP_AF_UNSPEC, out, 8, 5000);
    printf("missing.sockport.test: %s\n", sp_err_name(n));
    check(n == SP_ENONAME, "a name the server does not know is SP_ENONAME");
    n = sp_resolve("board.sockport.test", NULL, SP_AF_INET6, out, 8, 5000);
    check(n == SP_ENONAME, "a name without an address of the family asked is SP_ENONAME");

    printf("%d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
