/*
 * A stateful sequence of public API calls, decoded from the input: which call,
 * on which handle (open, closed, stale or made up), with which family, type,
 * address, length, flags and option values. Built twice: on the POSIX port
 * (fuzz_api_posix, the kernel over loopback) and on the lwIP port
 * (fuzz_api_lwip, in-process on the simulated clock).
 *
 * Each call must return, in bounded time (the harness keeps every timeout
 * short; libFuzzer's -timeout catches a hang), either success or an error
 * code that include/sockport/sockport.h lists for that call (read from the
 * header itself, tests/conformance/header_codes.c). At the end every socket
 * is closed and nothing may be left: no handle, and on POSIX no descriptor,
 * on lwIP no pcb, pbuf, heap byte or port socket.
 */
#include <limits.h>

#include "../tests/conformance/header_codes.h"
#include "fuzz_input.h"

#ifdef FUZZ_API_LWIP
#include "fuzz_lwip.h"
/* Simulated time: waiting costs nothing, so timeouts may be long. */
#define MAX_WAIT_MS 3000
#else
#include <dirent.h>
#define MAX_WAIT_MS 3
#endif

#define HANDLES 8
#define BUF_BYTES 70000

static sp_stack *stack;
static int handles[HANDLES];
static int stale[HANDLES]; /* handles closed earlier in this input */
static uint16_t ports[4];  /* ports sockets were bound to, for connect and sendto */
static uint8_t buf[BUF_BYTES];
static int trace;
static int survey;

/* Fail unless @p rc is success or listed for @p function. */
static long long expect_listed(const char *function, long long rc)
{
    if (trace) {
        fprintf(stderr, "  %s -> %lld %s\n", function, rc, rc < 0 ? sp_err_name((int)rc) : "");
    }
    if (rc >= 0) {
        return rc;
    }
    if (!cf_header_lists(function, (int)rc)) {
        char listed[512];
        if (survey) {
            /* FUZZ_SURVEY=1: list each unlisted (call, code) once and go on. */
            static char seen[64][48];
            static int nseen;
            char key[48];
            snprintf(key, sizeof key, "%s %s", function, sp_err_name((int)rc));
            for (int i = 0; i < nseen; i++) {
                if (strcmp(seen[i], key) == 0) {
                    return rc;
                }
            }
            if (nseen < 64) {
                snprintf(seen[nseen++], sizeof seen[0], "%s", key);
            }
            fprintf(stderr, "UNLISTED %s\n", key);
            return rc;
        }
        cf_header_describe(function, listed, sizeof listed);
        FUZZ_CHECK(0, "%s returned %s, which its header does not list (it lists %s)", function,
                   sp_err_name((int)rc), listed);
    }
    return rc;
}

#define CALL(function, ...) expect_listed(#function, (long long)function(__VA_ARGS__))
/* sp_read() and sp_write() are documented as sp_recv() and sp_send() with flags 0. */
#define CALL_AS(documented, function, ...)                                                         \
    expect_listed(#documented, (long long)function(__VA_ARGS__))

static int pick_handle(struct fuzz_input *in)
{
    uint8_t how = take_u8(in);

    if (how < 200) {
        return handles[how % HANDLES];
    }
    if (how < 230) {
        return stale[how % HANDLES];
    }
    return (int)take_u32(in); /* made up: negative, never issued, or a stale generation */
}

static int pick_family(struct fuzz_input *in)
{
    static const int families[] = {SP_AF_INET,  SP_AF_INET6,  SP_AF_INET,
                                   SP_AF_LOCAL, SP_AF_UNSPEC, 9};
    return families[take_u8(in) % 6];
}

static void pick_addr(struct fuzz_input *in, sp_addr *addr)
{
    uint8_t how = take_u8(in);
    uint16_t port = how & 0x80 ? ports[how % 4] : (how & 0x40 ? 0 : take_u16(in));

    switch (how % 7) {
    case 0:
    case 1:
        sp_addr_loopback(addr, SP_AF_INET, port);
        break;
    case 2:
        sp_addr_loopback(addr, SP_AF_INET6, port);
        break;
    case 3:
        sp_addr_any(addr, take_u8(in) & 1 ? SP_AF_INET6 : SP_AF_INET, port);
        break;
    case 4:
        /* Loopback, broadcast and an address that is not this host's. */
        sp_addr_ipv4(addr, 127, 0, 0, take_u8(in) & 1 ? 255 : 2, port);
        if (how & 0x20) {
            sp_addr_ipv4(addr, 127, 255, 255, 255, port);
        }
        break;
    case 5:
        /* Never created by the harness: connect finds nobody, bind fails. */
        sp_addr_local(addr, "/nonexistent-sockport-fuzz/socket");
        break;
    default:
        memset(addr, 0, sizeof *addr);
        addr->family = take_u8(in); /* unknown families too */
        addr->port = port;
        break;
    }
}

static size_t pick_len(struct fuzz_input *in)
{
    uint8_t how = take_u8(in);

    if (how < 128) {
        return how % 64;
    }
    if (how < 224) {
        return take_u16(in);
    }
    return BUF_BYTES - 1;
}

static int pick_flags(struct fuzz_input *in)
{
    uint8_t how = take_u8(in);
    return how & 0x80 ? (int)take_u32(in) : how & 0x07;
}

/* Timeouts the harness allows: short, so that no call waits long. */
static int pick_wait_ms(struct fuzz_input *in)
{
    return (int)(take_u16(in) % (MAX_WAIT_MS + 1));
}

static void store_handle(int slot, int sock)
{
    if (handles[slot] >= 0) {
        stale[slot] = handles[slot];
        sp_close(handles[slot]);
    }
    handles[slot] = sock;
    /* Never block for long: every wait of this socket ends at once. */
    sp_setsockopt(sock, SP_OPT_RCVTIMEO, 0);
    sp_setsockopt(sock, SP_OPT_SNDTIMEO, 0);
}

static void op_socket(struct fuzz_input *in)
{
    int slot = take_u8(in) % HANDLES;
    int family = pick_family(in);
    uint8_t how = take_u8(in);
    int type = how % 7;
    int protocol = how & 0x80 ? (int)(take_u8(in) % 60) : 0;
    int sock = (int)CALL(sp_socket_on, stack, family, type, protocol);

    if (sock >= 0) {
        store_handle(slot, sock);
    }
}

static void op_accept(struct fuzz_input *in)
{
    sp_addr peer;
    int sock = (int)CALL(sp_accept, pick_handle(in), take_u8(in) & 1 ? &peer : NULL);

    if (sock >= 0) {
        store_handle(take_u8(in) % HANDLES, sock);
    }
}

static void op_bind_connect(struct fuzz_input *in, int connect)
{
    sp_addr addr;
    int sock = pick_handle(in);

    pick_addr(in, &addr);
    if (connect) {
        CALL(sp_connect, sock, take_u8(in) == 0xFF ? NULL : &addr);
    } else if (CALL(sp_bind, sock, take_u8(in) == 0xFF ? NULL : &addr) == 0 &&
               sp_getsockname(sock, &addr) == 0 && addr.family != SP_AF_LOCAL) {
        ports[take_u8(in) % 4] = addr.port;
    }
}

static void op_send(struct fuzz_input *in)
{
    int sock = pick_handle(in);
    size_t len = pick_len(in);
    int flags = pick_flags(in);
    const void *data = take_u8(in) == 0xFF ? NULL : buf;
    sp_addr to;

    switch (take_u8(in) % 5) {
    case 0:
        CALL(sp_send, sock, data, len, flags);
        break;
    case 1:
        pick_addr(in, &to);
        CALL(sp_sendto, sock, data, len, flags, take_u8(in) & 1 ? &to : NULL);
        break;
    case 2:
        CALL_AS(sp_send, sp_write, sock, data, len);
        break;
    case 3:
        CALL(sp_send_all, sock, data, len, pick_wait_ms(in), NULL);
        break;
    default:
        pick_addr(in, &to);
        CALL(sp_rdm_sendto, sock, data, len, take_u8(in) & 1 ? &to : NULL, NULL);
        break;
    }
}

static void op_recv(struct fuzz_input *in)
{
    int sock = pick_handle(in);
    size_t len = pick_len(in);
    int flags = pick_flags(in);
    void *data = take_u8(in) == 0xFF ? NULL : buf;
    sp_addr from;
    size_t got = 0;

    switch (take_u8(in) % 4) {
    case 0:
        CALL(sp_recv, sock, data, len, flags);
        break;
    case 1:
        CALL(sp_recvfrom, sock, data, len, flags, take_u8(in) & 1 ? &from : NULL);
        break;
    case 2:
        CALL_AS(sp_recv, sp_read, sock, data, len);
        break;
    default:
        CALL(sp_recv_all, sock, data, len, pick_wait_ms(in), &got);
        FUZZ_CHECK(got <= len, "sp_recv_all stored %zu of %zu", got, len);
        break;
    }
}

static void op_option(struct fuzz_input *in)
{
    static const int values[] = {-2, -1, 0, 1, 2, 100, 65536, INT_MAX, INT_MIN};
    int sock = pick_handle(in);
    int option = take_u8(in) % 20;
    uint8_t how = take_u8(in);
    int value = how & 0x80 ? (int)take_u32(in) : values[how % 9];

    if (how & 0x40) {
        int read = 0;
        CALL(sp_getsockopt, sock, option, how & 0x20 ? NULL : &read);
        return;
    }
    /* Nothing may wait long: timeouts short, and no lingering close. */
    if (option == SP_OPT_RCVTIMEO || option == SP_OPT_SNDTIMEO) {
        value = value < -1 ? value : value == -1 ? MAX_WAIT_MS : value % (MAX_WAIT_MS + 1);
    }
    if (option == SP_OPT_LINGER && value > 0) {
        value = 0;
    }
    if (option == SP_OPT_RDM_TIMEOUT || option == SP_OPT_RDM_RTO) {
        value = value > MAX_WAIT_MS ? MAX_WAIT_MS : value;
    }
    CALL(sp_setsockopt, sock, option, value);
}

static void op_misc(struct fuzz_input *in)
{
    int sock = pick_handle(in);
    sp_addr addr;
    sp_rdm_report report;
    sp_rdm_stats stats;

    switch (take_u8(in) % 8) {
    case 0:
        CALL(sp_listen, sock, (int)(int8_t)take_u8(in));
        break;
    case 1:
        CALL(sp_shutdown, sock, (int)(take_u8(in) % 5) - 1);
        break;
    case 2:
        CALL(sp_getsockname, sock, take_u8(in) == 0xFF ? NULL : &addr);
        break;
    case 3:
        CALL(sp_getpeername, sock, take_u8(in) == 0xFF ? NULL : &addr);
        break;
    case 4:
        CALL(sp_rdm_report_take, sock, take_u8(in) == 0xFF ? NULL : &report);
        break;
    case 5:
        CALL(sp_rdm_get_stats, sock, take_u8(in) == 0xFF ? NULL : &stats);
        break;
    case 6: {
        int slot = take_u8(in) % HANDLES;
        if (CALL(sp_close, sock) == 0) {
            for (int i = 0; i < HANDLES; i++) {
                if (handles[i] == sock) {
                    handles[i] = -1;
                }
            }
            stale[slot] = sock;
        }
        break;
    }
    default: {
        sp_pollfd fds[HANDLES + 1];
        size_t n = take_u8(in) % (HANDLES + 2);
        for (size_t i = 0; i < n; i++) {
            fds[i].sock = pick_handle(in);
            fds[i].events = (short)(take_u8(in) & 0x1F);
            fds[i].revents = 0;
        }
        int ready = (int)CALL(sp_poll, n == 0 ? NULL : fds, n, pick_wait_ms(in));
        for (size_t i = 0; ready >= 0 && i < n; i++) {
            FUZZ_CHECK((fds[i].revents &
                        ~(SP_POLLIN | SP_POLLOUT | SP_POLLERR | SP_POLLHUP | SP_POLLNVAL)) == 0,
                       "sp_poll set unknown revents %x", fds[i].revents);
        }
        break;
    }
    }
}

#ifndef FUZZ_API_LWIP
static int open_descriptors(void)
{
    DIR *dir = opendir("/proc/self/fd");
    int n = 0;

    FUZZ_CHECK(dir != NULL, "no /proc/self/fd");
    while (readdir(dir) != NULL) {
        n++;
    }
    closedir(dir);
    return n;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    static int header_loaded;
    sp_table_stats table;

    if (!header_loaded) {
        FUZZ_CHECK(cf_header_load(SOCKPORT_HEADER) > 0, "cannot read %s", SOCKPORT_HEADER);
        header_loaded = 1;
        trace = getenv("FUZZ_TRACE") != NULL;
        survey = getenv("FUZZ_SURVEY") != NULL;
    }
#ifdef FUZZ_API_LWIP
    stack = fuzz_lwip_stack();
#else
    stack = sp_default_stack();
    FUZZ_CHECK(stack != NULL, "no POSIX stack");
    int descriptors = open_descriptors();
#endif
    for (int i = 0; i < HANDLES; i++) {
        handles[i] = -1;
        stale[i] = -1;
    }
    memset(ports, 0, sizeof ports);
    while (in.left > 0) {
        uint8_t op = take_u8(&in);
        if (trace) {
            fprintf(stderr, "op %u\n", op % 8);
        }
        switch (op % 8) {
        case 0:
            op_socket(&in);
            break;
        case 1:
            op_bind_connect(&in, 0);
            break;
        case 2:
            op_bind_connect(&in, 1);
            break;
        case 3:
            op_accept(&in);
            break;
        case 4:
            op_send(&in);
            break;
        case 5:
            op_recv(&in);
            break;
        case 6:
            op_option(&in);
            break;
        default:
            op_misc(&in);
            break;
        }
    }
    for (int i = 0; i < HANDLES; i++) {
        if (handles[i] >= 0) {
            FUZZ_CHECK(sp_close(handles[i]) == 0, "closing an open handle failed");
        }
    }
    FUZZ_CHECK(sp_get_table_stats(&table) == 0 && table.in_use == 0,
               "%u handles open after closing every socket", table.in_use);
#ifdef FUZZ_API_LWIP
    fuzz_lwip_expect_nothing_left();
#else
    FUZZ_CHECK(open_descriptors() == descriptors, "descriptors: %d before, %d after", descriptors,
               open_descriptors());
#endif
    return 0;
}
