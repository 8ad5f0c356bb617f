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
    /** Bound in ms of every wait: the client's connect and each echo, the
     *  server's reply to one client. */
    int timeout_ms;
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

/** TCP clients an echo server serves at once. */
#define ECHO_MAX_CLIENTS 8
/** Bytes one receive takes; small enough for a board's stack. */
#define ECHO_BUFFER_BYTES 512

/** What an echo server has done so far. */
struct echo_counters {
    int tcp_clients;   /**< TCP connections accepted */
    int tcp_finished;  /**< of those, closed again */
    long tcp_bytes;    /**< bytes echoed over TCP */
    int udp_datagrams; /**< datagrams echoed */
};

/** An echo server's state: memory for echo_server_open() to fill (a board
 *  has no heap to spare); the fields are its own. */
struct echo_server {
    sp_stack *stack;
    const struct echo_options *opt;
    int listener;
    int udp;
    int clients[ECHO_MAX_CLIENTS];
    struct echo_counters counters;
    unsigned char buffer[ECHO_BUFFER_BYTES];
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
