/*
 * Heap of sockport's TLS layer and its backend, measured: the bytes the
 * library holds per context and per connection, and the peak while a
 * handshake and a transfer run. Both ends live in this process, on loopback;
 * every allocation is charged to the end whose call made it (the calls
 * alternate, one socket at a time), so client and server are told apart.
 *
 * The program is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 * --wrap=free, which routes the libraries' allocations through the counting
 * wrappers below. A measurement: it prints figures and asserts none.
 *
 * Host: bench/tls_heap [BYTES]  (POSIX port; BYTES to transfer, default 1 MiB)
 * Board: fw_tls_heap calls tls_heap_run() on its lwIP stack.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sockport/sockport.h>
#include <sockport/tls.h>

#include "tls_heap.h"
#include "tls_test_certs.h"

/* --- counting allocator ------------------------------------------------ */

enum owner { NOBODY, CLIENT_CTX, SERVER_CTX, CLIENT, SERVER, OWNERS };
static const char *const owner_names[OWNERS] = {"other", "client context", "server context",
                                                "client connection", "server connection"};

static enum owner charged = NOBODY;
static size_t now_bytes[OWNERS];
static size_t peak_bytes[OWNERS];

/* Each block carries its size and owner ahead of the caller's bytes, in a
 * header as aligned as malloc's own. */
typedef union {
    struct {
        size_t size;
        enum owner owner;
    } h;
    max_align_t align;
} block_header;

void *__real_malloc(size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

static void *charge(block_header *b, size_t size)
{
    if (b == NULL)
        return NULL;
    b->h.size = size;
    b->h.owner = charged;
    now_bytes[charged] += size;
    if (now_bytes[charged] > peak_bytes[charged])
        peak_bytes[charged] = now_bytes[charged];
    return b + 1;
}

static block_header *discharge(void *ptr)
{
    block_header *b = (block_header *)ptr - 1;
    now_bytes[b->h.owner] -= b->h.size;
    return b;
}

void *__wrap_malloc(size_t size)
{
    if (size > SIZE_MAX - sizeof(block_header))
        return NULL;
    return charge(__real_malloc(sizeof(block_header) + size), size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    if (size != 0 && count > (SIZE_MAX - sizeof(block_header)) / size)
        return NULL;
    void *p = __wrap_malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

void *__wrap_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return __wrap_malloc(size);
    if (size > SIZE_MAX - sizeof(block_header))
        return NULL;
    block_header *old = (block_header *)ptr - 1;
    size_t old_size = old->h.size;
    enum owner owner = old->h.owner;
    block_header *b = __real_realloc(old, sizeof(block_header) + size);
    if (b == NULL)
        return NULL;
    now_bytes[owner] -= old_size;
    enum owner saved = charged;
    charged = owner;
    void *p = charge(b, size);
    charged = saved;
    return p;
}

void __wrap_free(void *ptr)
{
    if (ptr != NULL)
        __real_free(discharge(ptr));
}

/* --- the two ends ------------------------------------------------------ */

#define STEPS_MAX 100000
#define WAIT_MS 5000

static int fail(const char *what, long long rc)
{
    printf("tls_heap: %s: %s (%lld)\n", what, rc < 0 ? sp_err_name((int)rc) : "unexpected", rc);
    return 1;
}

static int connected_pair(sp_stack *stack, int *client, int *server)
{
    sp_addr addr;
    sp_addr_ipv4(&addr, 127, 0, 0, 1, 0);
    int listener = sp_socket_on(stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    int rc = listener < 0 ? listener : sp_bind(listener, &addr);
    if (rc == 0)
        rc = sp_listen(listener, 1);
    if (rc == 0)
        rc = sp_getsockname(listener, &addr);
    if (rc < 0)
        return fail("listener", rc);
    *client = sp_socket_on(stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    sp_setsockopt(*client, SP_OPT_NONBLOCK, 1);
    rc = sp_connect(*client, &addr);
    if (rc < 0 && rc != SP_EINPROGRESS)
        return fail("connect", rc);
    sp_pollfd pfd = {.sock = listener, .events = SP_POLLIN, .revents = 0};
    sp_poll(&pfd, 1, WAIT_MS);
    *server = sp_accept(listener, NULL);
    sp_close(listener);
    if (*server < 0)
        return fail("accept", *server);
    sp_setsockopt(*server, SP_OPT_NONBLOCK, 1);
    pfd = (sp_pollfd){.sock = *client, .events = SP_POLLOUT, .revents = 0};
    sp_poll(&pfd, 1, WAIT_MS);
    return 0;
}

/* Both handshakes, each call charged to its end. */
static int handshake(int client, int server)
{
    int rc[2] = {SP_EAGAIN, SP_EAGAIN};
    const int socks[2] = {client, server};
    const enum owner owners[2] = {CLIENT, SERVER};
    for (int step = 0; step < STEPS_MAX && (rc[0] == SP_EAGAIN || rc[1] == SP_EAGAIN); step++) {
        sp_pollfd fds[2];
        size_t n = 0;
        for (int i = 0; i < 2; i++) {
            if (rc[i] != SP_EAGAIN)
                continue;
            short wait_for = 0;
            charged = owners[i];
            rc[i] = sp_tls_handshake(socks[i], &wait_for);
            charged = NOBODY;
            if (rc[i] == SP_EAGAIN)
                fds[n++] = (sp_pollfd){.sock = socks[i], .events = wait_for, .revents = 0};
        }
        if (n > 0)
            sp_poll(fds, n, WAIT_MS);
    }
    if (rc[0] != 0)
        return fail("client handshake", rc[0]);
    if (rc[1] != 0)
        return fail("server handshake", rc[1]);
    return 0;
}

/* The client streams @p total bytes in 16 KiB writes (full records); the server reads them. */
static int transfer(int client, int server, size_t total)
{
    static uint8_t chunk[16384];
    static uint8_t sink[16384];
    memset(chunk, 0x5a, sizeof chunk);
    size_t sent = 0;
    size_t got = 0;
    for (long step = 0; step < STEPS_MAX * 10L && got < total; step++) {
        if (sent < total) {
            size_t want = total - sent < sizeof chunk ? total - sent : sizeof chunk;
            charged = CLIENT;
            ptrdiff_t n = sp_send(client, chunk, want, 0);
            charged = NOBODY;
            if (n > 0)
                sent += (size_t)n;
            else if (n != SP_EAGAIN)
                return fail("send", n);
        }
        charged = SERVER;
        ptrdiff_t n = sp_recv(server, sink, sizeof sink, 0);
        charged = NOBODY;
        if (n > 0) {
            got += (size_t)n;
        } else if (n != SP_EAGAIN) {
            return fail("recv", n);
        } else {
            sp_pollfd fds[2] = {{.sock = server, .events = SP_POLLIN, .revents = 0},
                                {.sock = client, .events = SP_POLLOUT, .revents = 0}};
            sp_poll(fds, sent < total ? 2 : 1, WAIT_MS);
        }
    }
    return got == total ? 0 : fail("transfer incomplete", (long long)got);
}

static const uint8_t *pem(const char *text, size_t *len)
{
    *len = strlen(text) + 1;
    return (const uint8_t *)text;
}

static void context_row(const char *what, enum owner owner, size_t held)
{
    printf("  %-18s %-26s %8lu B held, %8lu B peak while made\n", owner_names[owner], what,
           (unsigned long)held, (unsigned long)peak_bytes[owner]);
}

int tls_heap_run(sp_stack *stack, size_t transfer_bytes)
{
    /* A measurement, not a product: a board's test-only entropy is fine. */
    sp_tls_config server_config = {.role = SP_TLS_SERVER, .allow_test_entropy = true};
    server_config.cert = pem(sp_t_tls_server_cert, &server_config.cert_len);
    server_config.key = pem(sp_t_tls_server_key, &server_config.key_len);
    sp_tls_config client_config = {
        .role = SP_TLS_CLIENT, .server_name = "localhost", .allow_test_entropy = true};
    client_config.ca = pem(sp_t_tls_ca, &client_config.ca_len);
    /* Certificate dates need no clock for a heap figure. */
    client_config.allow_unknown_time = true;

    sp_tls_context *server_ctx = NULL;
    sp_tls_context *client_ctx = NULL;
    charged = SERVER_CTX;
    int rc = sp_tls_context_new(&server_config, &server_ctx);
    charged = CLIENT_CTX;
    if (rc == 0)
        rc = sp_tls_context_new(&client_config, &client_ctx);
    charged = NOBODY;
    if (rc < 0)
        return fail("sp_tls_context_new", rc);
    size_t ctx_held[2] = {now_bytes[CLIENT_CTX], now_bytes[SERVER_CTX]};

    int client = -1;
    int server = -1;
    if (connected_pair(stack, &client, &server) != 0)
        return 1;
    charged = CLIENT;
    rc = sp_tls_wrap(client, client_ctx);
    charged = SERVER;
    if (rc == 0)
        rc = sp_tls_wrap(server, server_ctx);
    charged = NOBODY;
    if (rc < 0)
        return fail("sp_tls_wrap", rc);
    size_t wrapped[2] = {now_bytes[CLIENT], now_bytes[SERVER]};
    int64_t started = sp_stack_now_ms(stack);
    if (handshake(client, server) != 0)
        return 1;
    int64_t handshake_ms = sp_stack_now_ms(stack) - started;
    size_t after_handshake[2] = {now_bytes[CLIENT], now_bytes[SERVER]};
    size_t handshake_peak[2] = {peak_bytes[CLIENT], peak_bytes[SERVER]};
    peak_bytes[CLIENT] = now_bytes[CLIENT];
    peak_bytes[SERVER] = now_bytes[SERVER];
    if (transfer(client, server, transfer_bytes) != 0)
        return 1;

    printf("tls_heap: %s, ECDHE-ECDSA P-256 certificates, %lu bytes client -> server\n",
           sp_tls_backend_name(), (unsigned long)transfer_bytes);
    context_row("(CA parsed, DRBG)", CLIENT_CTX, ctx_held[0]);
    context_row("(certificate, key, DRBG)", SERVER_CTX, ctx_held[1]);
    /* Both ends on this one CPU: a device that is one end does about half. */
    printf("  handshake: %ld ms of this machine's time for both ends together\n",
           (long)handshake_ms);
    for (int i = 0; i < 2; i++) {
        enum owner owner = i == 0 ? CLIENT : SERVER;
        printf("  %-18s %8lu B after wrap, %8lu B handshake peak, %8lu B after handshake, "
               "%8lu B transfer peak\n",
               owner_names[owner], (unsigned long)wrapped[i], (unsigned long)handshake_peak[i],
               (unsigned long)after_handshake[i], (unsigned long)peak_bytes[owner]);
    }

    charged = CLIENT;
    sp_close(client);
    charged = SERVER;
    sp_close(server);
    charged = NOBODY;
    sp_tls_context_free(client_ctx);
    sp_tls_context_free(server_ctx);
    size_t left = 0;
    for (int i = 1; i < OWNERS; i++)
        left += now_bytes[i];
    printf("tls_heap: %lu bytes still held after everything was closed and freed\n",
           (unsigned long)left);
    return left == 0 ? 0 : 1;
}

#ifndef TLS_HEAP_NO_MAIN
#include <stdlib.h>

int main(int argc, char **argv)
{
    size_t bytes = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : (size_t)1 << 20;
    return tls_heap_run(sp_default_stack(), bytes);
}
#endif
