/*
 * TLS on a sockport handle (<sockport/tls.h>), with whichever backend the
 * binary is linked with. Both ends live in this one thread: they are driven
 * with non-blocking sockets and sp_poll(), as every suite case is. The
 * certificates are generated at build time (tests/tls/make_test_certs.sh).
 */
#include <string.h>

#include <sockport/tls.h>

#include "suite.h"
#include "tls_test_certs.h"

#define TLS_STEPS_MAX 2000
#define TLS_PSK_IDENTITY "sockport-device-1"

/* A board without an RNG runs these cases on a test-only entropy source
 * (SP_SUITE_TLS_TEST_ENTROPY, the wolfSSL firmware's), registered for each
 * case; only tests may accept one, and there the cases' contexts do. */
#ifdef SP_SUITE_TLS_TEST_ENTROPY
int SP_SUITE_TLS_TEST_ENTROPY(void *arg, uint8_t *out, size_t len);
#define TEST_ENTROPY true
static void restore_entropy(void)
{
    sp_tls_set_entropy(SP_SUITE_TLS_TEST_ENTROPY, NULL, SP_TLS_ENTROPY_TEST_ONLY);
}
#else
#define TEST_ENTROPY false
static void restore_entropy(void)
{
    sp_tls_set_entropy(NULL, NULL, 0);
}
#endif

static const uint8_t tls_psk[16] = {0x5a, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};

/* Every context a case made, so that a case that fails half-way does not
 * leave the static pool (SP_TLS_MAX_CONTEXTS) full for the next one. */
static sp_tls_context *made[SP_TLS_MAX_CONTEXTS];

static sp_tls_context *remember(sp_tls_context *ctx)
{
    for (int i = 0; i < SP_TLS_MAX_CONTEXTS; i++) {
        if (made[i] == NULL) {
            made[i] = ctx;
            break;
        }
    }
    return ctx;
}

static const uint8_t *pem(const char *text, size_t *len)
{
    *len = strlen(text) + 1;
    return (const uint8_t *)text;
}

/* The calendar clock the cases register with sp_tls_set_time(). */
static int64_t test_now;

static int test_clock(void *arg, int64_t *unix_seconds)
{
    (void)arg;
    *unix_seconds = test_now;
    return 0;
}

static int clock_not_set(void *arg, int64_t *unix_seconds)
{
    (void)arg;
    (void)unix_seconds;
    return -1;
}

/* Whether certificate dates can be checked with no clock registered: a board
 * has no calendar, and refuses a verifying context until it has one. */
static bool system_clock(void)
{
    sp_tls_config config = {.role = SP_TLS_CLIENT, .allow_test_entropy = TEST_ENTROPY};
    config.ca = pem(sp_t_tls_ca, &config.ca_len);
    sp_tls_context *ctx = NULL;
    int rc = sp_tls_context_new(&config, &ctx);
    if (rc == 0)
        sp_tls_context_free(ctx);
    else
        SP_ASSERT_RC(rc, SP_EACCES);
    return rc == 0;
}

/* Every case starts with the system's clock where there is one; a board's
 * "now" is the moment the test certificates were made. */
static int tls_setup(void **state)
{
    int rc = sp_suite_setup(state);
    restore_entropy();
    sp_tls_set_time(NULL, NULL);
    if (rc == 0 && !system_clock()) {
        test_now = sp_t_tls_made_at;
        sp_tls_set_time(test_clock, NULL);
    }
    return rc;
}

/* After the fixture's tear-down has closed the case's sockets (and with
 * them its TLS sessions), free what a failed case could not. */
static int tls_teardown(void **state)
{
    int rc = sp_suite_teardown(state);
    sp_tls_set_entropy(NULL, NULL, 0);
    sp_tls_set_time(NULL, NULL);
    for (int i = 0; i < SP_TLS_MAX_CONTEXTS; i++) {
        if (made[i] != NULL)
            sp_tls_context_free(made[i]); /* SP_EINVAL if the case freed it: fine */
        made[i] = NULL;
    }
    return rc;
}

#define TLS_TEST(name) cmocka_unit_test_setup_teardown(name, tls_setup, tls_teardown)

/* A server context presenting @p cert (signed by the test CA, key shared). */
static sp_tls_context *server_ctx(const char *cert, const char *const *alpn)
{
    sp_tls_config config = {
        .role = SP_TLS_SERVER, .alpn = alpn, .allow_test_entropy = TEST_ENTROPY};
    config.cert = pem(cert, &config.cert_len);
    config.key = pem(sp_t_tls_server_key, &config.key_len);
    sp_tls_context *ctx = NULL;
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), 0);
    return remember(ctx);
}

/* A verifying client context trusting @p ca and expecting @p name. */
static sp_tls_context *client_ctx(const char *ca, const char *name, const char *const *alpn)
{
    sp_tls_config config = {.role = SP_TLS_CLIENT,
                            .server_name = name,
                            .alpn = alpn,
                            .allow_test_entropy = TEST_ENTROPY};
    config.ca = pem(ca, &config.ca_len);
    sp_tls_context *ctx = NULL;
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), 0);
    return remember(ctx);
}

static sp_tls_context *psk_ctx(int role, const char *identity)
{
    sp_tls_config config = {.role = role,
                            .psk = tls_psk,
                            .psk_len = sizeof tls_psk,
                            .psk_identity = identity,
                            .allow_test_entropy = TEST_ENTROPY};
    sp_tls_context *ctx = NULL;
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), 0);
    return remember(ctx);
}

/* A connected TCP pair, both non-blocking, each end wrapped with its context
 * (NULL: left plain, to play a peer that does not speak TLS). */
static void tls_pair(sp_tls_context *client_tls, sp_tls_context *server_tls, int *client,
                     int *server)
{
    sp_t_pair(SP_AF_INET, SP_SOCK_STREAM, client, server);
    sp_t_setopt(*client, SP_OPT_NONBLOCK, 1);
    sp_t_setopt(*server, SP_OPT_NONBLOCK, 1);
    if (client_tls != NULL)
        SP_ASSERT_RC(sp_tls_wrap(*client, client_tls), 0);
    if (server_tls != NULL)
        SP_ASSERT_RC(sp_tls_wrap(*server, server_tls), 0);
}

/* One handshake step for one end; 1 while it must go on, with its poll entry set. */
static int step(int sock, int *rc, sp_pollfd *pfd)
{
    if (*rc != SP_EAGAIN)
        return 0;
    short wait_for = 0;
    *rc = sp_tls_handshake(sock, &wait_for);
    if (*rc != SP_EAGAIN)
        return 0;
    assert_true(wait_for == SP_POLLIN || wait_for == SP_POLLOUT);
    *pfd = (sp_pollfd){.sock = sock, .events = wait_for, .revents = 0};
    return 1;
}

/*
 * Both handshakes, non-blocking, each end waiting in sp_poll() for the
 * direction sp_tls_handshake() named, until both have ended. The results
 * land in *client_rc / *server_rc; returns how many times an end was told to wait.
 */
static int drive_handshakes(int client, int server, int *client_rc, int *server_rc)
{
    *client_rc = SP_EAGAIN;
    *server_rc = SP_EAGAIN;
    int waits = 0;
    const int64_t deadline = sp_t_now() + SP_T_SAFETY_MS;
    for (int i = 0; i < TLS_STEPS_MAX; i++) {
        sp_pollfd fds[2];
        size_t n = 0;
        n += (size_t)step(client, client_rc, &fds[n]);
        n += (size_t)step(server, server_rc, &fds[n]);
        if (n == 0)
            return waits;
        waits += (int)n;
        assert_true(sp_t_now() < deadline);
        SP_ASSERT_OK(sp_poll(fds, n, 1000));
    }
    fail_msg("handshakes did not end in %d steps", TLS_STEPS_MAX);
    return waits;
}

static void handshake_ok(int client, int server)
{
    int client_rc;
    int server_rc;
    drive_handshakes(client, server, &client_rc, &server_rc);
    SP_ASSERT_RC(client_rc, 0);
    SP_ASSERT_RC(server_rc, 0);
}

/* Receive exactly @p len bytes from a non-blocking socket, polling between reads. */
static void recv_exact_nb(int sock, void *buf, size_t len)
{
    size_t got = 0;
    for (int i = 0; i < TLS_STEPS_MAX && got < len; i++) {
        ptrdiff_t n = sp_recv(sock, (uint8_t *)buf + got, len - got, 0);
        if (n == SP_EAGAIN) {
            assert_true(sp_t_wait(sock, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
            continue;
        }
        SP_ASSERT_OK(n);
        assert_true(n > 0);
        got += (size_t)n;
    }
    assert_true(got == len);
}

/* Wait until @p sock is readable, then expect the clean end (close_notify). */
static void expect_clean_eof(int sock)
{
    uint8_t byte;
    assert_true(sp_t_wait(sock, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_recv(sock, &byte, 1, 0), 0);
}

static void free_contexts(sp_tls_context *a, sp_tls_context *b)
{
    SP_ASSERT_RC(sp_tls_context_free(a), 0);
    SP_ASSERT_RC(sp_tls_context_free(b), 0);
    SP_ASSERT_RC(sp_tls_sessions_in_use(), 0);
}

/* The contexts of one case's connection, freed with it by close_link(). */
struct tls_link {
    sp_tls_context *client_ctx;
    sp_tls_context *server_ctx;
};

/* A connection between ends using @p cc and @p sc (see tls_pair); with
 * @p handshake, shaken hands. */
static struct tls_link link_with(sp_tls_context *cc, sp_tls_context *sc, int *client, int *server,
                                 bool handshake)
{
    tls_pair(cc, sc, client, server);
    if (handshake)
        handshake_ok(*client, *server);
    return (struct tls_link){.client_ctx = cc, .server_ctx = sc};
}

/* The usual connection: a client verifying the test CA and "localhost", a
 * server presenting the good certificate. */
static struct tls_link verified_link(int *client, int *server, bool handshake)
{
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", NULL);
    sp_tls_context *sc = server_ctx(sp_t_tls_server_cert, NULL);
    return link_with(cc, sc, client, server, handshake);
}

static void close_link(struct tls_link link, int client, int server)
{
    sp_t_close_both(client, server);
    free_contexts(link.client_ctx, link.server_ctx);
}

SP_CASE(tls_handshake_echo_alpn_and_close_notify)
{
    static const char *const client_alpn[] = {"sp/1", "http/1.1", NULL};
    static const char *const server_alpn[] = {"http/1.1", NULL};
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", client_alpn);
    sp_tls_context *sc = server_ctx(sp_t_tls_server_cert, server_alpn);
    int client;
    int server;
    tls_pair(cc, sc, &client, &server);
    SP_ASSERT_RC(sp_tls_sessions_in_use(), 2);
    handshake_ok(client, server);
    SP_ASSERT_RC(sp_tls_handshake(client, NULL), 0); /* done stays done */

    char name[16];
    SP_ASSERT_RC(sp_tls_alpn(client, name, sizeof name), 8);
    assert_string_equal(name, "http/1.1");
    SP_ASSERT_RC(sp_tls_alpn(server, name, sizeof name), 8);
    assert_string_equal(name, "http/1.1");
    SP_ASSERT_RC(sp_tls_alpn(server, name, 8), SP_ERANGE);

    /* Blocking calls on the same handles from here on. */
    sp_t_setopt(client, SP_OPT_NONBLOCK, 0);
    sp_t_setopt(server, SP_OPT_NONBLOCK, 0);
    static const char hello[] = "hello over TLS";
    char buf[sizeof hello];
    SP_ASSERT_RC(sp_send_all(client, hello, sizeof hello, SP_T_SAFETY_MS, NULL), 0);
    SP_ASSERT_RC(sp_recv_all(server, buf, sizeof buf, SP_T_SAFETY_MS, NULL), 0);
    assert_memory_equal(buf, hello, sizeof hello);
    SP_ASSERT_RC(sp_send(server, buf, sizeof buf, 0), (long long)sizeof buf);
    memset(buf, 0, sizeof buf);
    sp_t_recv_exact(client, buf, sizeof buf);
    assert_memory_equal(buf, hello, sizeof hello);

    /* Closing sends close_notify: the peer reads a clean end, not a truncation. */
    SP_ASSERT_RC(sp_close(client), 0);
    expect_clean_eof(server);
    SP_ASSERT_RC(sp_close(server), 0);
    free_contexts(cc, sc);
}

SP_CASE(tls_psk_mode_without_certificates)
{
    int client;
    int server;
    struct tls_link link =
        link_with(psk_ctx(SP_TLS_CLIENT, TLS_PSK_IDENTITY),
                  psk_ctx(SP_TLS_SERVER, TLS_PSK_IDENTITY), &client, &server, true);
    static const char ping[] = "psk ping";
    char buf[sizeof ping];
    SP_ASSERT_RC(sp_send(client, ping, sizeof ping, 0), (long long)sizeof ping);
    recv_exact_nb(server, buf, sizeof buf);
    assert_memory_equal(buf, ping, sizeof ping);
    close_link(link, client, server);
}

SP_CASE(tls_big_transfer_verified_by_checksum)
{
    int client;
    int server;
    struct tls_link link = verified_link(&client, &server, true);
    uint64_t total = 4u << 20;
    if (total > sp_test_fixture.big_transfer_bytes)
        total = sp_test_fixture.big_transfer_bytes;
    print_message("streaming %llu bytes over TLS (%s)\n", (unsigned long long)total,
                  sp_tls_backend_name());
    sp_t_transfer_over(client, server, total); /* ends with close_notify read as EOF */
    close_link(link, client, server);
}

SP_CASE(tls_nonblocking_handshake_driven_by_poll)
{
    int client;
    int server;
    struct tls_link link = verified_link(&client, &server, false);

    /* The client's hello is out; it now waits to read, and is not writable
     * to its user until the handshake is done. */
    short wait_for = 0;
    SP_ASSERT_RC(sp_tls_handshake(client, &wait_for), SP_EAGAIN);
    assert_int_equal(wait_for, SP_POLLIN);
    sp_pollfd pfd = {.sock = client, .events = SP_POLLOUT, .revents = 0};
    SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 0);
    char byte = 'x';
    SP_ASSERT_RC(sp_send(client, &byte, 1, 0), SP_EAGAIN);

    int client_rc;
    int server_rc;
    int waits = drive_handshakes(client, server, &client_rc, &server_rc);
    SP_ASSERT_RC(client_rc, 0);
    SP_ASSERT_RC(server_rc, 0);
    assert_true(waits >= 2); /* at least a round trip on each side */
    assert_true(sp_t_wait(client, SP_POLLOUT, SP_T_SAFETY_MS) & SP_POLLOUT);
    close_link(link, client, server);
}

SP_CASE(tls_implicit_handshake_in_first_send_and_recv)
{
    int client;
    int server;
    struct tls_link link = verified_link(&client, &server, false);
    static const char msg[] = "first bytes";
    char buf[sizeof msg];
    ptrdiff_t sent = SP_EAGAIN;
    ptrdiff_t got = SP_EAGAIN;
    for (int i = 0; i < TLS_STEPS_MAX && (sent == SP_EAGAIN || got == SP_EAGAIN); i++) {
        if (sent == SP_EAGAIN)
            sent = sp_send(client, msg, sizeof msg, 0);
        if (got == SP_EAGAIN)
            got = sp_recv(server, buf, sizeof buf, 0);
        /* Only the ends still waiting: a done client is always writable. */
        sp_pollfd fds[2];
        size_t n = 0;
        if (sent == SP_EAGAIN)
            fds[n++] = (sp_pollfd){client, SP_POLLIN | SP_POLLOUT, 0};
        if (got == SP_EAGAIN)
            fds[n++] = (sp_pollfd){server, SP_POLLIN, 0};
        SP_ASSERT_OK(sp_poll(fds, n, 1000));
    }
    SP_ASSERT_RC(sent, (long long)sizeof msg);
    SP_ASSERT_OK(got);
    assert_true(got > 0);
    recv_exact_nb(server, buf + got, sizeof buf - (size_t)got);
    assert_memory_equal(buf, msg, sizeof msg);
    close_link(link, client, server);
}

SP_CASE(tls_poll_readable_while_plaintext_is_buffered)
{
    int client;
    int server;
    struct tls_link link = verified_link(&client, &server, true);

    /* One full 16 KiB record, read back 100 bytes at a time: after the first
     * read the network holds nothing more, yet every poll between the reads
     * must report the bytes the TLS library still holds. */
    enum { RECORD = 16384, PIECE = 100 };
    static uint8_t record[RECORD];
    sp_t_fill(record, sizeof record, 7);
    SP_ASSERT_RC(sp_send_all(server, record, sizeof record, SP_T_SAFETY_MS, NULL), 0);
    assert_true(sp_t_wait(client, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    size_t got = 0;
    int reads = 0;
    while (got < RECORD && reads < 2 * RECORD / PIECE) {
        uint8_t piece[PIECE];
        size_t want = RECORD - got < PIECE ? RECORD - got : PIECE;
        ptrdiff_t n = sp_recv(client, piece, want, 0);
        if (n == SP_EAGAIN && got == 0) { /* the record was still arriving */
            assert_true(sp_t_wait(client, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
            continue;
        }
        SP_ASSERT_RC(n, (long long)want);
        assert_memory_equal(piece, record + got, want);
        got += want;
        reads++;
        sp_pollfd pfd = {.sock = client, .events = SP_POLLIN, .revents = 0};
        SP_ASSERT_RC(sp_poll(&pfd, 1, 0), got < RECORD ? 1 : 0);
    }
    assert_true(got == RECORD);
    assert_int_equal(reads, (RECORD + PIECE - 1) / PIECE);
    char byte;
    SP_ASSERT_RC(sp_recv(client, &byte, 1, 0), SP_EAGAIN);
    close_link(link, client, server);
}

SP_CASE(tls_shutdown_sends_close_notify_and_keeps_reading)
{
    int client;
    int server;
    struct tls_link link = verified_link(&client, &server, true);
    SP_ASSERT_RC(sp_shutdown(client, SP_SHUT_WR), 0);
    expect_clean_eof(server);
    char byte = 'z';
    SP_ASSERT_RC(sp_send(client, &byte, 1, 0), SP_EPIPE);
    SP_ASSERT_RC(sp_send(server, "after", 5, 0), 5);
    char buf[5];
    recv_exact_nb(client, buf, sizeof buf);
    assert_memory_equal(buf, "after", 5);
    SP_ASSERT_RC(sp_send(client, &byte, 1, 0), SP_EPIPE);
    close_link(link, client, server);
}

/*
 * Every send after sp_shutdown() for writing is SP_EPIPE, as on the TCP
 * stream under it (Linux: send() after shutdown(SHUT_WR) is EPIPE): of any
 * length, with SP_MSG_DONTWAIT, after SP_SHUT_RDWR, and before the handshake
 * ended too (no close_notify then: the peer's handshake meets the end of the
 * stream). Poll says writable: a send would not wait, it fails.
 */
SP_CASE(tls_send_after_shutdown_for_writing_is_epipe_as_on_tcp)
{
    static const int hows[2] = {SP_SHUT_WR, SP_SHUT_RDWR};
    for (int round = 0; round < 4; round++) {
        int client;
        int server;
        bool handshake = round < 2;
        struct tls_link link = verified_link(&client, &server, handshake);
        SP_ASSERT_RC(sp_shutdown(client, hows[round % 2]), 0);
        SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
        SP_ASSERT_RC(sp_send(client, "x", 0, 0), SP_EPIPE);
        SP_ASSERT_RC(sp_send(client, "x", 1, SP_MSG_DONTWAIT), SP_EPIPE);
        SP_ASSERT_RC(sp_write(client, sp_t_large, sizeof sp_t_large), SP_EPIPE);
        sp_pollfd pfd = {.sock = client, .events = SP_POLLOUT, .revents = 0};
        SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 1);
        assert_true(pfd.revents & SP_POLLOUT);
        if (handshake) {
            expect_clean_eof(server);
        } else {
            short wait_for = 0;
            int rc = SP_EAGAIN;
            for (int i = 0; i < TLS_STEPS_MAX && rc == SP_EAGAIN; i++) {
                rc = sp_tls_handshake(server, &wait_for);
                if (rc == SP_EAGAIN)
                    sp_t_wait(server, wait_for, SP_T_SAFETY_MS);
            }
            assert_true(rc < 0 && rc != SP_EAGAIN); /* the client's hello never came */
        }
        SP_ASSERT_RC(sp_send(client, "x", 1, 0), SP_EPIPE);
        close_link(link, client, server);
    }
}

/* A handshake between contexts @p cc and @p sc whose client end must give
 * @p expected; on a failure the server must learn that the client refused
 * (a fatal alert), and the failure is final. */
static void expect_handshake(sp_tls_context *cc, sp_tls_context *sc, int expected)
{
    int client;
    int server;
    int client_rc;
    int server_rc;
    tls_pair(cc, sc, &client, &server);
    drive_handshakes(client, server, &client_rc, &server_rc);
    SP_ASSERT_RC(client_rc, expected);
    SP_ASSERT_RC(server_rc, expected == 0 ? 0 : SP_ETLSHANDSHAKE);
    if (expected != 0) {
        char byte = 0;
        SP_ASSERT_RC(sp_send(client, &byte, 1, 0), expected);
        SP_ASSERT_RC(sp_recv(client, &byte, 1, 0), expected);
        sp_pollfd pfd = {.sock = client, .events = SP_POLLIN, .revents = 0};
        SP_ASSERT_RC(sp_poll(&pfd, 1, 0), 1);
        assert_true(pfd.revents & SP_POLLERR);
    }
    sp_t_close_both(client, server);
}

/* A client handshake against @p server_cert that must fail with @p expected. */
static void expect_verify_failure(const char *ca, const char *server_cert, int expected)
{
    sp_tls_context *cc = client_ctx(ca, "localhost", NULL);
    sp_tls_context *sc = server_ctx(server_cert, NULL);
    expect_handshake(cc, sc, expected);
    free_contexts(cc, sc);
}

SP_CASE(tls_error_wrong_ca_is_untrusted)
{
    expect_verify_failure(sp_t_tls_other_ca, sp_t_tls_server_cert, SP_ECERTUNTRUSTED);
}

SP_CASE(tls_error_expired_certificate_is_untrusted)
{
    expect_verify_failure(sp_t_tls_ca, sp_t_tls_expired_cert, SP_ECERTUNTRUSTED);
}

SP_CASE(tls_error_wrong_hostname)
{
    expect_verify_failure(sp_t_tls_ca, sp_t_tls_wrong_name_cert, SP_EHOSTMISMATCH);
}

SP_CASE(tls_time_source_decides_certificate_validity)
{
    /* The contexts first, by the usual clock: wolfSSL checks a CA's own
     * dates when it loads it. */
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", NULL);
    sp_tls_context *good = server_ctx(sp_t_tls_server_cert, NULL);
    sp_tls_context *expired = server_ctx(sp_t_tls_expired_cert, NULL);
    SP_ASSERT_RC(sp_tls_set_time(test_clock, NULL), 0);
    test_now = 1685577600; /* 2023-06-01: before the certificate's notBefore */
    expect_handshake(cc, good, SP_ECERTUNTRUSTED);
    test_now = sp_t_tls_made_at; /* in date */
    expect_handshake(cc, good, 0);
    expect_handshake(cc, expired, SP_ECERTUNTRUSTED);
    test_now = 2524608000; /* 2050-01-01: after its notAfter */
    expect_handshake(cc, good, SP_ECERTUNTRUSTED);

    /* A source that does not know the time: no date can be checked. */
    SP_ASSERT_RC(sp_tls_set_time(clock_not_set, NULL), 0);
    expect_handshake(cc, good, SP_ECERTUNTRUSTED);
    free_contexts(cc, good);
    /* A context that accepts that skips the dates, and only them. */
    sp_tls_config config = {.role = SP_TLS_CLIENT,
                            .server_name = "localhost",
                            .allow_unknown_time = true,
                            .allow_test_entropy = TEST_ENTROPY};
    config.ca = pem(sp_t_tls_ca, &config.ca_len);
    sp_tls_context *undated = NULL;
    SP_ASSERT_RC(sp_tls_context_new(&config, &undated), 0);
    remember(undated);
    expect_handshake(undated, expired, 0);
    sp_tls_context *wrong_name = server_ctx(sp_t_tls_wrong_name_cert, NULL);
    expect_handshake(undated, wrong_name, SP_EHOSTMISMATCH);
    free_contexts(undated, wrong_name);
    SP_ASSERT_RC(sp_tls_context_free(expired), 0);

    /* No source at all: a board (no system clock) refuses a verifying
     * context up front, unless it accepts unknown time. */
    SP_ASSERT_RC(sp_tls_set_time(NULL, NULL), 0);
    if (!system_clock()) {
        SP_ASSERT_RC(sp_tls_context_new(&config, &undated), 0);
        remember(undated);
        SP_ASSERT_RC(sp_tls_context_free(undated), 0);
        config.allow_unknown_time = false;
        SP_ASSERT_RC(sp_tls_context_new(&config, &undated), SP_EACCES);
    }
}

SP_CASE(tls_error_no_verification_accepts_any_certificate)
{
    /* The opt-out exists (tests, debugging); with it the wrong name passes. */
    sp_tls_config config = {.role = SP_TLS_CLIENT,
                            .server_name = "localhost",
                            .verify_none = true,
                            .allow_test_entropy = TEST_ENTROPY};
    sp_tls_context *cc = NULL;
    SP_ASSERT_RC(sp_tls_context_new(&config, &cc), 0);
    remember(cc);
    sp_tls_context *sc = server_ctx(sp_t_tls_wrong_name_cert, NULL);
    expect_handshake(cc, sc, 0);
    free_contexts(cc, sc);
}

SP_CASE(tls_error_psk_identity_unknown_is_handshake_failure)
{
    sp_tls_context *cc = psk_ctx(SP_TLS_CLIENT, "someone-else");
    sp_tls_context *sc = psk_ctx(SP_TLS_SERVER, TLS_PSK_IDENTITY);
    expect_handshake(cc, sc, SP_ETLSHANDSHAKE); /* both ends fail */
    free_contexts(cc, sc);
}

SP_CASE(tls_error_plain_tcp_peer_sending_garbage)
{
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", NULL);
    int client;
    int plain;
    tls_pair(cc, NULL, &client, &plain);
    static const char reply[] = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
    SP_ASSERT_RC(sp_send(plain, reply, sizeof reply - 1, 0), (long long)(sizeof reply - 1));
    SP_ASSERT_RC(sp_close(plain), 0);
    int rc = SP_EAGAIN;
    for (int i = 0; i < TLS_STEPS_MAX && rc == SP_EAGAIN; i++) {
        short wait_for = 0;
        rc = sp_tls_handshake(client, &wait_for);
        if (rc == SP_EAGAIN)
            sp_t_wait(client, wait_for, 1000);
    }
    SP_ASSERT_RC(rc, SP_ETLSPROTO);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_tls_context_free(cc), 0);
    SP_ASSERT_RC(sp_tls_sessions_in_use(), 0);
}

/* Copies what @p from has to @p to (plain sockets); returns whether anything moved. */
static int relay(int from, int to)
{
    static uint8_t buf[4096];
    ptrdiff_t n = sp_recv(from, buf, sizeof buf, 0);
    if (n <= 0)
        return 0;
    SP_ASSERT_RC(sp_send_all(to, buf, (size_t)n, SP_T_SAFETY_MS, NULL), 0);
    return 1;
}

SP_CASE(tls_error_peer_closes_without_close_notify)
{
    /* client (TLS) <-> relay_a | relay_b <-> server (TLS): the relay passes
     * the handshake and a message, then ends the client's TCP stream
     * plainly, as a network attacker could, with no close_notify. */
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", NULL);
    sp_tls_context *sc = server_ctx(sp_t_tls_server_cert, NULL);
    int client;
    int relay_a;
    int relay_b;
    int server;
    tls_pair(cc, NULL, &client, &relay_a);
    tls_pair(NULL, sc, &relay_b, &server);
    int client_rc = SP_EAGAIN;
    int server_rc = SP_EAGAIN;
    for (int i = 0; i < TLS_STEPS_MAX && (client_rc == SP_EAGAIN || server_rc == SP_EAGAIN); i++) {
        if (client_rc == SP_EAGAIN)
            client_rc = sp_tls_handshake(client, NULL);
        if (server_rc == SP_EAGAIN)
            server_rc = sp_tls_handshake(server, NULL);
        int moved = relay(relay_a, relay_b) | relay(relay_b, relay_a);
        if (!moved) {
            sp_pollfd fds[2] = {{relay_a, SP_POLLIN, 0}, {relay_b, SP_POLLIN, 0}};
            sp_poll(fds, 2, 50);
        }
    }
    SP_ASSERT_RC(client_rc, 0);
    SP_ASSERT_RC(server_rc, 0);
    SP_ASSERT_RC(sp_send(server, "data", 4, 0), 4);
    assert_true(sp_t_wait(relay_b, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    assert_true(relay(relay_b, relay_a));
    SP_ASSERT_RC(sp_close(relay_a), 0); /* a plain FIN: no close_notify */
    char buf[4];
    recv_exact_nb(client, buf, sizeof buf);
    assert_memory_equal(buf, "data", 4);
    assert_true(sp_t_wait(client, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), SP_ETLSTRUNCATED);
    SP_ASSERT_RC(sp_recv(client, buf, sizeof buf, 0), SP_ETLSTRUNCATED);
    sp_t_close_both(client, server);
    SP_ASSERT_RC(sp_close(relay_b), 0);
    free_contexts(cc, sc);
}

SP_CASE(tls_timeouts_on_handshake_and_receive)
{
    sp_tls_context *cc = client_ctx(sp_t_tls_ca, "localhost", NULL);
    sp_tls_context *sc = server_ctx(sp_t_tls_server_cert, NULL);
    int client;
    int silent;
    /* A blocking handshake against a peer that never answers ends by the
     * socket's receive timeout, and may be resumed. */
    tls_pair(cc, NULL, &client, &silent);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 0);
    sp_t_setopt(client, SP_OPT_RCVTIMEO, 200);
    int64_t start = sp_t_now();
    SP_ASSERT_RC(sp_tls_handshake(client, NULL), SP_ETIMEDOUT);
    assert_true(sp_t_now() - start >= 150);
    SP_ASSERT_RC(sp_tls_handshake(client, NULL), SP_ETIMEDOUT);
    sp_t_close_both(client, silent);

    /* A blocking receive after the handshake, with nothing sent. */
    int server;
    struct tls_link link = link_with(cc, sc, &client, &server, true);
    sp_t_setopt(client, SP_OPT_NONBLOCK, 0);
    sp_t_setopt(client, SP_OPT_RCVTIMEO, 100);
    char byte;
    SP_ASSERT_RC(sp_recv(client, &byte, 1, 0), SP_ETIMEDOUT);
    close_link(link, client, server);
}

/* Predictable on purpose (hence test-only); not constant, which DRBG health
 * tests reject. */
static int counting_entropy(void *arg, uint8_t *out, size_t len)
{
    static uint32_t next = 1;
    (void)arg;
    for (size_t i = 0; i < len; i++) {
        next = next * 1103515245u + 12345u;
        out[i] = (uint8_t)(next >> 16);
    }
    return 0;
}

SP_CASE(tls_api_misuse_gives_documented_codes)
{
    sp_tls_context *ctx = NULL;
    sp_tls_config config = {.role = SP_TLS_CLIENT};
    SP_ASSERT_RC(sp_tls_context_new(NULL, &ctx), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_context_new(&config, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), SP_EINVAL); /* no CA, no PSK */
    config.role = 7;
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), SP_EINVAL);
    sp_tls_config bad_ca = {.role = SP_TLS_CLIENT,
                            .ca = (const uint8_t *)"not a cert",
                            .ca_len = 10,
                            .allow_test_entropy = TEST_ENTROPY};
    SP_ASSERT_RC(sp_tls_context_new(&bad_ca, &ctx), SP_EINVAL);
    sp_tls_config no_key = {.role = SP_TLS_SERVER, .allow_test_entropy = TEST_ENTROPY};
    no_key.cert = pem(sp_t_tls_server_cert, &no_key.cert_len);
    SP_ASSERT_RC(sp_tls_context_new(&no_key, &ctx), SP_EINVAL);
    static const char *const empty_alpn[] = {"", NULL};
    sp_tls_config alpn = {.role = SP_TLS_CLIENT, .verify_none = true, .alpn = empty_alpn};
    SP_ASSERT_RC(sp_tls_context_new(&alpn, &ctx), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_context_free(NULL), SP_EINVAL);

    /* A test-only entropy source is refused unless the config allows it. */
    SP_ASSERT_RC(sp_tls_set_entropy(counting_entropy, NULL, 99), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_set_entropy(counting_entropy, NULL, SP_TLS_ENTROPY_TEST_ONLY), 0);
    sp_tls_config test_rng = {.role = SP_TLS_CLIENT, .verify_none = true};
    SP_ASSERT_RC(sp_tls_context_new(&test_rng, &ctx), SP_EACCES);
    test_rng.allow_test_entropy = true;
    SP_ASSERT_RC(sp_tls_context_new(&test_rng, &ctx), 0);
    remember(ctx);
    restore_entropy();

    /* Wrapping needs a connected stream socket without TLS. */
    int dgram = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_tls_wrap(dgram, ctx), SP_EOPNOTSUPP);
    int idle = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_tls_wrap(idle, ctx), SP_ENOTCONN);
    SP_ASSERT_RC(sp_tls_handshake(idle, NULL), SP_EINVAL);
    char name[8];
    SP_ASSERT_RC(sp_tls_alpn(idle, name, sizeof name), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_wrap(-1, ctx), SP_EBADF);
    SP_ASSERT_RC(sp_tls_handshake(-1, NULL), SP_EBADF);
    sp_t_close_both(dgram, idle);

    int client;
    int server;
    tls_pair(ctx, NULL, &client, &server);
    SP_ASSERT_RC(sp_tls_wrap(client, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_tls_wrap(client, ctx), SP_EINVAL); /* already TLS */
    SP_ASSERT_RC(sp_tls_alpn(client, name, sizeof name), SP_ENOTCONN);
    char byte;
    SP_ASSERT_RC(sp_recv(client, &byte, 1, SP_MSG_PEEK), SP_EOPNOTSUPP);
    SP_ASSERT_RC(sp_tls_context_free(ctx), SP_EINVAL); /* still in use */
    sp_t_close_both(client, server);
    SP_ASSERT_RC(sp_tls_context_free(ctx), 0);
    SP_ASSERT_RC(sp_tls_context_free(ctx), SP_EINVAL); /* already freed */
    SP_ASSERT_RC(sp_tls_sessions_in_use(), 0);
}

SP_CASE(tls_minimum_version_1_3)
{
    sp_tls_config config = {.role = SP_TLS_CLIENT,
                            .verify_none = true,
                            .min_version = SP_TLS_VERSION_1_3,
                            .allow_test_entropy = TEST_ENTROPY};
    sp_tls_context *ctx = NULL;
    int rc = sp_tls_context_new(&config, &ctx);
    if (rc == SP_EOPNOTSUPP) {
        SP_SKIP("this TLS backend has no TLS 1.3 (mbedTLS 2.28): sp_tls_context_new() says "
                "SP_EOPNOTSUPP, as documented");
    }
    SP_ASSERT_RC(rc, 0);
    remember(ctx);
    SP_ASSERT_RC(sp_tls_context_free(ctx), 0);
    config.min_version = 0x0302; /* TLS 1.1: never offered */
    SP_ASSERT_RC(sp_tls_context_new(&config, &ctx), SP_EINVAL);
}

int sp_suite_group_tls(void)
{
    const struct CMUnitTest tests[] = {
        TLS_TEST(tls_handshake_echo_alpn_and_close_notify),
        TLS_TEST(tls_psk_mode_without_certificates),
        TLS_TEST(tls_big_transfer_verified_by_checksum),
        TLS_TEST(tls_nonblocking_handshake_driven_by_poll),
        TLS_TEST(tls_implicit_handshake_in_first_send_and_recv),
        TLS_TEST(tls_poll_readable_while_plaintext_is_buffered),
        TLS_TEST(tls_shutdown_sends_close_notify_and_keeps_reading),
        TLS_TEST(tls_send_after_shutdown_for_writing_is_epipe_as_on_tcp),
        TLS_TEST(tls_error_wrong_ca_is_untrusted),
        TLS_TEST(tls_error_expired_certificate_is_untrusted),
        TLS_TEST(tls_error_wrong_hostname),
        TLS_TEST(tls_time_source_decides_certificate_validity),
        TLS_TEST(tls_error_no_verification_accepts_any_certificate),
        TLS_TEST(tls_error_psk_identity_unknown_is_handshake_failure),
        TLS_TEST(tls_error_plain_tcp_peer_sending_garbage),
        TLS_TEST(tls_error_peer_closes_without_close_notify),
        TLS_TEST(tls_timeouts_on_handshake_and_receive),
        TLS_TEST(tls_api_misuse_gives_documented_codes),
        TLS_TEST(tls_minimum_version_1_3),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("tls"), tests, NULL, NULL);
}
