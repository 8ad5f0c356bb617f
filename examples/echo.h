/**
 * @file
 * @brief The echo examples: a TCP+UDP echo server and its client, written
 *        against the public sockport API only.
 *
 * The logic lives in echo_server_run() and echo_client_run(), which take the
 * stack to use and their options as a struct, so the same code runs as a host
 * program (examples/echo_server.c's main() parses argv) and on a board, which
 * has no command line: its firmware fills struct echo_options itself and
 * calls the function. Build with ECHO_NO_MAIN defined to leave main() out.
 */
#ifndef SOCKPORT_EXAMPLES_ECHO_H
#define SOCKPORT_EXAMPLES_ECHO_H

#include <stdint.h>

#include <sockport/sockport.h>

#include "service.h"

/** The port both programs use unless told otherwise. */
#define ECHO_DEFAULT_PORT 7007

/** What the server and the client do. Fields a role does not use are ignored. */
struct echo_options {
    /** Server: the numeric address to bind ("127.0.0.1", "::1", "0.0.0.0").
     *  Client: the server's address or host name. */
    const char *host;
    /** TCP and UDP port; the server accepts 0 (the stack picks one and the
     *  server prints it). */
    uint16_t port;
    /** Transports to use, 1 or 0 each; at least one. */
    int tcp;
    int udp;
    /** Server: exit after this many TCP clients have disconnected (with UDP
     *  only: after this many datagrams), 0 = serve until stopped or idle.
     *  Client: messages to send on each transport. */
    int count;
    /** Server: give up after this many ms without any traffic; 0 = never. */
    int idle_ms;
    /** Client: bound in ms of the connect and of each echo. Server: a TCP
     *  client that takes none of its echo for this long is dropped. */
    int timeout_ms;
    /** Server: a TCP client that sends nothing for this many ms is dropped,
     *  so idle connections cannot keep the slots from others; 0 = never. */
    int client_idle_ms;
    /** Server: largest datagram echoed, 1 .. ECHO_UDP_MAX_DATAGRAM (the
     *  default); a larger one is reported and dropped. */
    int udp_max_datagram;
    /** Client: the text to send; each message gets " #n" appended. */
    const char *message;
    /** Server: called once both sockets listen, with the address served (a
     *  board prints the line its test harness waits for); may be NULL. */
    void (*on_ready)(const sp_addr *addr, void *ctx);
    void *on_ready_ctx;
};

/** Which program is parsing its options: each accepts its own flags. */
enum echo_role {
    ECHO_ROLE_SERVER,
    ECHO_ROLE_CLIENT,
};

/** @brief Fill @p opt with the defaults of @p role. */
void echo_options_default(struct echo_options *opt, enum echo_role role);

/**
 * @brief Parse command-line flags over the defaults of @p role.
 *
 * Kept to plain strcmp()/strtol() so it builds with any C library.
 * @return 0 to run; 1 if --help was asked (usage printed); -1 on a bad flag
 *         (message and usage printed on stderr).
 */
int echo_options_parse(struct echo_options *opt, enum echo_role role, int argc, char **argv);

/** TCP clients an echo server serves at once. When all are taken, a new
 *  connection replaces the client idle longest, if that one has been idle for
 *  ECHO_EVICT_IDLE_MS; else it waits in the backlog. */
#define ECHO_MAX_CLIENTS 8
#define ECHO_EVICT_IDLE_MS 1000
/** Default of echo_options.client_idle_ms. */
#define ECHO_DEFAULT_CLIENT_IDLE_MS 30000
/** Bytes of one client's echo in flight: read, then written back before the
 *  next read, so a client that does not read its echo is not read either. */
#define ECHO_TCP_CHUNK_BYTES 2048
/** Largest datagram echoed: a larger one is counted, reported and not echoed
 *  (never cut short). The default is the most a UDP datagram over IPv4 carries;
 *  a board sets what its link and memory allow. */
#ifndef ECHO_UDP_MAX_DATAGRAM
#define ECHO_UDP_MAX_DATAGRAM 65507
#endif

/** What an echo server has done so far. 64 bits: a board echoes gigabytes. */
struct echo_counters {
    uint64_t tcp_clients;      /**< TCP connections accepted */
    uint64_t tcp_finished;     /**< of those, closed again */
    uint64_t tcp_dropped_idle; /**< of those, dropped for idling or not reading */
    uint64_t tcp_evicted;      /**< of those, replaced by a new client while idle */
    uint64_t tcp_bytes;        /**< bytes echoed over TCP */
    uint64_t udp_datagrams;    /**< datagrams echoed */
    uint64_t udp_bytes;        /**< bytes echoed over UDP */
    uint64_t udp_too_large;    /**< datagrams over ECHO_UDP_MAX_DATAGRAM, not echoed */
};

/** One TCP client and the part of its echo not yet written back. */
struct echo_client {
    int sock; /**< -1: free slot */
    size_t pending;
    size_t sent;
    int64_t last_active_ms;
    unsigned char chunk[ECHO_TCP_CHUNK_BYTES];
};

/** An echo server's state: memory for echo_server_open() to fill (a board
 *  has no heap to spare, and it is too large for a board's stack: keep it
 *  static); the fields are its own. */
struct echo_server {
    sp_stack *stack;
    const struct echo_options *opt;
    int listener;
    int udp;
    struct echo_client clients[ECHO_MAX_CLIENTS];
    struct echo_counters counters;
    struct service_log log;
    unsigned char datagram[ECHO_UDP_MAX_DATAGRAM];
};

/**
 * @brief Open the echo server's sockets on @p stack (TCP listener and UDP
 *        socket on the same port, as @p opt says, both non-blocking), print
 *        the address served and call opt->on_ready.
 * @param[out] s  filled in; @p opt must outlive it.
 * @return 0; SP_EINVAL for a NULL argument, no transport, or a host that is
 *         not a numeric address; another SP_E* code if a socket could not be
 *         opened, bound or made to listen (the message says which). On
 *         failure nothing stays open.
 */
int echo_server_open(struct echo_server *s, sp_stack *stack, const struct echo_options *opt);

/**
 * @brief The open server as a service for service_loop_run(). Its done() is
 *        true once opt->count clients were served (never with count 0).
 */
struct service echo_server_service(struct echo_server *s);

/** Close every socket of @p s; harmless on a server already closed. */
void echo_server_close(struct echo_server *s);

/**
 * @brief Serve TCP and UDP echo on @p stack with sp_poll(), several clients at
 *        once, without threads.
 * @return 0 when the --count clients were served; SP_ETIMEDOUT when idle_ms
 *         passed without traffic; another SP_E* code if the sockets could not
 *         be set up (the message says which call failed).
 */
int echo_server_run(sp_stack *stack, const struct echo_options *opt);

/**
 * @brief Send @p opt->count messages over UDP, then over TCP, and check that
 *        each comes back unchanged.
 * @return 0 when every echo matched; 1 when a reply differed from what was
 *         sent; an SP_E* code when a call failed (printed with its name).
 */
int echo_client_run(sp_stack *stack, const struct echo_options *opt);

/**
 * @brief The host programs' main(): parse @p argv, start the default stack,
 *        run @p run.
 * @return the process exit status: 0 success, 1 failure, 2 bad command line.
 */
int echo_main(enum echo_role role, int argc, char **argv,
              int (*run)(sp_stack *stack, const struct echo_options *opt));

#endif /* SOCKPORT_EXAMPLES_ECHO_H */
