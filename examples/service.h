/**
 * @file
 * @brief One sp_poll() loop shared by several servers ("services") in one
 *        thread: the echo server and the HTTP status page run side by side
 *        this way on the host and on a board.
 *
 * A service says which of its sockets to wait for, handles the ones that
 * became ready, and may ask the loop to end. The loop owns no socket.
 */
#ifndef SOCKPORT_EXAMPLES_SERVICE_H
#define SOCKPORT_EXAMPLES_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

/** Poll entries of all services together in one loop turn. */
#define SERVICE_MAX_POLLFDS 32

/** The loop wakes at least this often, so a service can drop stale clients
 *  in its watch() even when no socket is ready. */
#define SERVICE_TICK_MS 500

/** One server in the loop. */
struct service {
    /** For messages. */
    const char *name;
    /** The service's own state, passed to every callback. */
    void *self;
    /**
     * Append the sockets to wait for to @p fds (at most @p room entries) and
     * return how many were appended. Called once per loop turn, so it is also
     * the place for housekeeping such as closing clients that took too long.
     */
    size_t (*watch)(void *self, sp_pollfd *fds, size_t room);
    /** Handle the @p n entries this service appended, revents set by sp_poll(). */
    void (*handle)(void *self, const sp_pollfd *fds, size_t n);
    /** Nonzero to end the loop (its work is done, or it was told to stop);
     *  NULL if the service never ends the loop. */
    int (*done)(const void *self);
};

/**
 * @brief Serve @p count services with one sp_poll() per turn until one of
 *        them is done.
 * @param[in] stack    clock of the idle limit (sp_stack_now_ms()).
 * @param[in] idle_ms  end after this many ms in which no socket was ready;
 *                     0 = never.
 * @return 0 when a service's done() said so; SP_ETIMEDOUT after idle_ms
 *         without traffic; SP_EINVAL for a NULL @p stack or @p services, or a
 *         negative @p idle_ms; another SP_E* code if sp_poll() failed.
 */
int service_loop_run(sp_stack *stack, const struct service *services, size_t count, int idle_ms);

/* Helpers for writing a service. */

/**
 * @brief Open a non-blocking socket of @p type on @p stack, bound to @p addr:
 *        for SP_SOCK_STREAM a listener with @p backlog that may take a port
 *        still in TIME_WAIT (where the stack can).
 * @param[in,out] addr  where to bind; on success, the address bound (the
 *                      port the stack picked for port 0).
 * @param[in] who       names the service in the message printed on failure.
 * @return the socket; an SP_E* code from sp_socket_on(), sp_setsockopt(),
 *         sp_bind(), sp_listen() or sp_getsockname() (nothing stays open).
 */
int service_open_socket(sp_stack *stack, int type, sp_addr *addr, int backlog, const char *who);

/**
 * @brief Take one connection from a non-blocking listener, and make it
 *        non-blocking too.
 * @param[out] peer  the client's address.
 * @return the connection; SP_EAGAIN if none is waiting; another SP_E* code
 *         from sp_accept() or sp_setsockopt() (nothing stays open).
 */
int service_accept(int listener, sp_addr *peer);

/** Close @p *sock unless it is already closed (negative), and mark it closed. */
void service_close(int *sock);

/** Event lines a service prints per window at most: a busy server must not
 *  spend its time (a board's UART) or a host's disk on one line per event. */
#define SERVICE_LOG_LINES 8
#define SERVICE_LOG_WINDOW_MS 10000

/** A service's budget of event lines. Zero-initialise it. */
struct service_log {
    int64_t window_start_ms;
    unsigned lines;      /**< printed in the current window */
    unsigned suppressed; /**< not printed in the current window */
};

/**
 * @brief Whether the next event line of service @p name may be printed now.
 *
 * At most SERVICE_LOG_LINES per SERVICE_LOG_WINDOW_MS; the others are only
 * counted, and the first line of the next window is preceded by
 * "NAME: N more events not logged".
 * @return 1: print it; 0: skip it.
 */
int service_log_allow(struct service_log *log, sp_stack *stack, const char *name);

/** Room for service_u64_text(): 20 digits and the NUL. */
#define SERVICE_U64_TEXT_BYTES 21

/** @p value in decimal, in @p buf; returns @p buf. For boards whose printf
 *  (newlib-nano) cannot print 64-bit numbers. */
char *service_u64_text(uint64_t value, char buf[SERVICE_U64_TEXT_BYTES]);

#endif /* SOCKPORT_EXAMPLES_SERVICE_H */
