/**
 * @file
 * @brief What the shared suite needs to know about the port it runs on.
 *
 * tests/suite/ cases use the public API only. Each port supplies one
 * `sp_test_fixture` (tests/<port>/fixture_<port>.c) and is linked with the
 * same case files into one test binary per port. A case that needs a
 * capability the port lacks calls SP_SKIP() with the reason.
 */
#ifndef SOCKPORT_TESTS_FIXTURE_H
#define SOCKPORT_TESTS_FIXTURE_H

#include <stdint.h>

#include <sockport/sockport.h>

/** Capabilities a case may need. */
enum sp_test_cap {
    SP_CAP_IPV6 = 1u << 0,            /**< IPv6 loopback ::1 works */
    SP_CAP_LOCAL = 1u << 1,           /**< local (UNIX) stream and datagram sockets */
    SP_CAP_LOCAL_SEQPACKET = 1u << 2, /**< native local SOCK_SEQPACKET */
    SP_CAP_RAW = 1u << 3,             /**< raw IP sockets are permitted */
    SP_CAP_NATIVE_OPTIONS = 1u << 4,  /**< sp_setsockopt_native() reaches the stack */
    SP_CAP_RESOLVER = 1u << 5,        /**< "localhost" resolves without network */
    SP_CAP_HOST_PROCESSES = 1u << 6,  /**< may fork/exec host programs (not on a board) */
    SP_CAP_NO_IPV6_STACK = 1u << 7,   /**< the stack is built without IPv6 (lwIP LWIP_IPV6 0) */
};

struct sp_test_fixture {
    /** "posix", "lwip", "lwip-qemu": printed in every group name. */
    const char *port_name;
    /** Start (or restart) the stack before a case; NULL on failure. The returned
     *  stack is also made the default stack. */
    sp_stack *(*setup)(void);
    /** Close what the case left open and stop the stack. Return the number of
     *  sockets the case leaked (the suite fails a case that leaks). */
    int (*teardown)(sp_stack *stack);
    /** enum sp_test_cap bits. */
    uint32_t caps;
    /** A writable directory for local socket paths ("/tmp"); NULL without SP_CAP_LOCAL. */
    const char *local_dir;
    /** The largest stream transfer the suite attempts on this port (bytes): 64 MiB on
     *  hosts, less on a board with little RAM and slow emulation. */
    uint32_t big_transfer_bytes;

    /* Optional fields: a fixture that leaves them zero still builds and runs. */

    /** Delete a local socket path left by an earlier run, so that a case can
     *  bind it again (POSIX: unlink()). NULL: the port removes paths itself. The
     *  suite calls this rather than touching files, so it runs on boards. */
    void (*remove_local_path)(const char *path);
    /** With SP_CAP_NATIVE_OPTIONS: a native int on/off option the port passes
     *  through, to prove sp_setsockopt_native() reaches the stack (POSIX:
     *  SOL_SOCKET, SO_KEEPALIVE). */
    int native_bool_level;
    int native_bool_name;
    /** Messages the RDM loss case sends (0: the full 10 000); a slow emulated
     *  board may send fewer. */
    uint32_t rdm_loss_messages;
    /** Capabilities known only at run time (POSIX: SP_CAP_RAW when running as
     *  root), OR-ed into @c caps by the suite; NULL: none. */
    uint32_t (*runtime_caps)(void);
    /** Point the stack's resolver at @p server (NULL: back to its default),
     *  for the cases that start their own DNS server on the loopback
     *  (POSIX: sp_posix_set_dns_server(); lwIP: sp_lwip_set_dns_server()).
     *  Return 0 or an SP_E* code. NULL: the port cannot be pointed anywhere. */
    int (*set_dns_server)(sp_stack *stack, const sp_addr *server);
    /** TCP connections (and UDP sockets) the load cases (cases_load.c) keep at
     *  once, within what the port's pools hold with margin (0: 32); the
     *  socket table's size bounds it too. */
    uint32_t load_connections;
};

/** The fixture of the port this binary is built for. */
extern const struct sp_test_fixture sp_test_fixture;

#endif /* SOCKPORT_TESTS_FIXTURE_H */
