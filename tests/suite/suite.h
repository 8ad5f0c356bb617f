/**
 * @file
 * @brief What every shared case file uses: the case and group macros, the skip
 *        helper, and small helpers that build connected pairs over the public API.
 *
 * The cases run unchanged on the POSIX port, on lwIP in-process and on a bare
 * Cortex-M in QEMU, so nothing here (or in a case) may use POSIX calls, files,
 * threads or large stack buffers. Two peers at once are driven with
 * non-blocking sockets and sp_poll(); every loop is bounded in iterations and
 * by a deadline on sp_stack_now_ms().
 */
#ifndef SOCKPORT_TESTS_SUITE_H
#define SOCKPORT_TESTS_SUITE_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sockport/sockport.h>

#include "fixture.h"

#if defined(__GNUC__) || defined(__clang__)
#define SP_T_UNUSED __attribute__((unused))
#else
#define SP_T_UNUSED
#endif

/**
 * Define a case: `SP_CASE(stream_echo) { ... }`. The body sees `stack`, the
 * stack fixture.setup() started (also the default stack). The wrapper records
 * that the body ran to its end, which is how the suite tells a pass from a
 * failure (a failed assertion leaves the body by longjmp).
 */
#define SP_CASE(name)                                                                              \
    static void name##_body(sp_stack *stack);                                                      \
    static void name(void **state)                                                                 \
    {                                                                                              \
        name##_body((sp_stack *)*state);                                                           \
        sp_suite_case_completed();                                                                 \
    }                                                                                              \
    static void name##_body(SP_T_UNUSED sp_stack *stack)

/** A table entry for a case, with the per-case fixture set-up and tear-down. */
#define SP_TEST(name) cmocka_unit_test_setup_teardown(name, sp_suite_setup, sp_suite_teardown)

/** Skip the current case, saying why (printed as "SKIP reason: ..."). */
#define SP_SKIP(reason)                                                                            \
    do {                                                                                           \
        sp_suite_mark_skipped(reason);                                                             \
        skip();                                                                                    \
    } while (0)

/** Skip unless the fixture has every capability in @p caps. */
#define SP_REQUIRE_CAPS(caps, reason)                                                              \
    do {                                                                                           \
        if ((sp_t_caps() & (caps)) != (caps)) {                                                    \
            SP_SKIP(reason);                                                                       \
        }                                                                                          \
    } while (0)

/** Assert that an sp_* call returned exactly @p expected, naming both codes on failure. */
#define SP_ASSERT_RC(call, expected)                                                               \
    sp_t_assert_rc((long long)(call), (expected), #call, __FILE__, __LINE__)
/** Assert that an sp_* call succeeded (>= 0) and give its value. */
#define SP_ASSERT_OK(call) sp_t_assert_ok((long long)(call), #call, __FILE__, __LINE__)

/** Every group of the suite, one X(name) per case file (cases_<name>.c
 *  defines `int sp_suite_group_<name>(void)`). The TLS suite binaries (one
 *  per port and TLS backend, built with SP_SUITE_TLS) run only the tls group,
 *  so that the plain suite links no TLS library. */
#if defined(SP_SUITE_TLS)
#define SP_SUITE_GROUPS(X) X(tls)
/* Linked for sp_t_transfer_over(); its group does not run here. */
int sp_suite_group_transfer(void);
#else
#define SP_SUITE_GROUPS(X)                                                                         \
    X(errors)                                                                                      \
    X(addr)                                                                                        \
    X(stack)                                                                                       \
    X(handles)                                                                                     \
    X(options)                                                                                     \
    X(stream)                                                                                      \
    X(dgram)                                                                                       \
    X(poll)                                                                                        \
    X(poller)                                                                                      \
    X(transfer)                                                                                    \
    X(ipv6)                                                                                        \
    X(local)                                                                                       \
    X(resolve)                                                                                     \
    X(raw)                                                                                         \
    X(seqpacket)                                                                                   \
    X(rdm)                                                                                         \
    X(bsd)                                                                                         \
    X(load)
#endif

#define SP_SUITE_GROUP_DECLARE(name) int sp_suite_group_##name(void);
SP_SUITE_GROUPS(SP_SUITE_GROUP_DECLARE)
#undef SP_SUITE_GROUP_DECLARE

/* suite_main.c */
int sp_suite_setup(void **state);
int sp_suite_teardown(void **state);
void sp_suite_case_completed(void);
void sp_suite_mark_skipped(const char *reason);
/** "<port>/<group>": the name a group runs under (a static buffer). */
const char *sp_suite_group_name(const char *group);

/* suite_util.c: helpers over the public API. Each fails the case on error. */

/** Long enough that a healthy stack never hits it; short enough that a hang
 *  fails the case well inside the test's time limit. */
#define SP_T_SAFETY_MS 10000

void sp_t_assert_rc(long long got, long long expected, const char *call, const char *file,
                    int line);
long long sp_t_assert_ok(long long got, const char *call, const char *file, int line);

/** The fixture's capabilities: its static caps and its runtime_caps(). */
uint32_t sp_t_caps(void);

/** Milliseconds on the default stack's clock. */
int64_t sp_t_now(void);

/** The loopback address of @p family (SP_AF_INET or SP_AF_INET6), port 0. */
void sp_t_loopback(sp_addr *out, int family);
/** A fresh local socket path under fixture.local_dir, stale file removed. */
void sp_t_local_addr(sp_addr *out, const char *tag);
/** Remove the file of a local address again (after the case). */
void sp_t_local_cleanup(const sp_addr *addr);
/** A local address for @p family: loopback port 0, or a fresh path for SP_AF_LOCAL. */
void sp_t_any_local_addr(sp_addr *out, int family, const char *tag);

/** Open a socket on the default stack; fail the case on error. */
int sp_t_socket(int family, int type);
/** Set an option; fail the case on error. */
void sp_t_setopt(int sock, int option, int value);
/** Read an option; fail the case on error. */
int sp_t_getopt(int sock, int option);
/** The socket's port (sp_getsockname). */
uint16_t sp_t_port(int sock);

/** A listening socket of @p family / @p type bound to the loopback (or a
 *  fresh path), its address in @p bound. */
int sp_t_listener(int family, int type, int backlog, sp_addr *bound);

/**
 * Connect @p client to @p addr without blocking: non-blocking connect, then
 * sp_poll() for SP_POLLOUT until the attempt ends. Returns how it ended
 * (SP_OPT_ERROR: 0 or an error). The client is left non-blocking.
 */
int sp_t_connect_nb(int client, const sp_addr *addr, int timeout_ms);

/** Wait (bounded) until sp_poll() reports anything for @p sock; the revents, or 0. */
int sp_t_wait(int sock, short events, int timeout_ms);

/**
 * A connected pair of @p family / @p type (stream or seqpacket), built with a
 * non-blocking connect and an accept. Both ends are left blocking, with
 * SP_T_SAFETY_MS timeouts so that a broken port fails instead of hanging.
 */
void sp_t_pair(int family, int type, int *client, int *server);

/** Two datagram sockets bound to the loopback (or to fresh paths). */
void sp_t_dgram_pair(int family, int *a, sp_addr *addr_a, int *b, sp_addr *addr_b);

/** A datagram socket of @p family connected to a port that just closed
 *  sends, and its next receive reports the ICMP error: SP_ECONNREFUSED. */
void sp_t_dgram_refused_by_closed_port(int family);

/** Close two sockets, asserting that both closes succeed. */
void sp_t_close_both(int a, int b);

/** Receive exactly @p len bytes from a blocking socket (bounded, sp_recv loop). */
void sp_t_recv_exact(int sock, void *buf, size_t len);

/** Stream @p total bytes over a fresh pair of @p family / @p type from one
 *  thread (cases_transfer.c), checking every byte and a running checksum. */
void sp_t_stream_transfer(int family, int type, uint64_t total);
/** The same over a connected pair the caller built (a TLS pair): @p total
 *  bytes from @p from to @p to, then a shutdown that @p to must read as the
 *  end of the stream. Both are left open and non-blocking. */
void sp_t_transfer_over(int from, int to, uint64_t total);

/** The byte at @p offset of the suite's test stream (not a repeating short pattern). */
uint8_t sp_t_pattern(uint64_t offset);
/** Fill @p buf with the test stream from @p offset. */
void sp_t_fill(uint8_t *buf, size_t len, uint64_t offset);
/** Index of the first byte of @p buf that differs from the test stream at
 *  @p offset, or @p len if none does. */
size_t sp_t_mismatch(const uint8_t *buf, size_t len, uint64_t offset);

/** A running checksum (FNV-1a, 32 bit) over a byte stream. */
uint32_t sp_t_checksum(uint32_t running, const uint8_t *buf, size_t len);
#define SP_T_CHECKSUM_INIT 2166136261u

/** One static scratch buffer that is big enough for any IPv4 UDP datagram.
 *  Large buffers live here, never on the stack. */
#ifndef SP_T_LARGE_BYTES
#define SP_T_LARGE_BYTES (65536 + 64)
#endif
extern uint8_t sp_t_large[SP_T_LARGE_BYTES];

#endif /* SOCKPORT_TESTS_SUITE_H */
