/*
 * A port that returns a code which is not sockport's (an errno leaking out,
 * here -5000) is stopped at the dispatch point: an assertion in debug builds,
 * SP_EIO in release builds. Never a crash, never the stray value.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sockport/port.h>

static int bad_open(void *state, int family, int type, int protocol, sp_port_sock *out)
{
    (void)state;
    (void)family;
    (void)type;
    (void)protocol;
    *out = 1;
    return 0;
}

static int bad_bind(void *state, sp_port_sock sock, const sp_addr *addr)
{
    (void)state;
    (void)sock;
    (void)addr;
    return -5000;
}

static const struct sp_port_ops bad_ops = {.name = "bad", .open = bad_open, .bind = bad_bind};
static sp_stack bad_stack = {&bad_ops, NULL};

static void caught(int signo)
{
    (void)signo;
    static const char msg[] =
        "core_bad_port: the dispatch point's assertion stopped the stray code\n";
    (void)!write(1, msg, sizeof msg - 1);
    _exit(0);
}

/* Core links a default stack's symbol; this program never uses it. */
sp_stack *sp_port_default_stack(void)
{
    return &bad_stack;
}

int main(void)
{
    int sock = sp_socket_on(&bad_stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    if (sock < 0) {
        printf("core_bad_port: sp_socket_on gave %s\n", sp_err_name(sock));
        return 1;
    }
    sp_addr addr;
    sp_addr_loopback(&addr, SP_AF_INET, 0);
#ifdef NDEBUG
    int rc = sp_bind(sock, &addr);
    printf("core_bad_port: release build, sp_bind gave %s\n", sp_err_name(rc));
    return rc == SP_EIO ? 0 : 1;
#else
    signal(SIGABRT, caught);
    int rc = sp_bind(sock, &addr);
    printf("core_bad_port: debug build, but no assertion; sp_bind gave %d\n", rc);
    return 1;
#endif
}
