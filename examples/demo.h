/**
 * @file
 * @brief The demo server: TCP and UDP echo (echo_server.c) and the HTTP status
 *        page (http_status.c) in one sp_poll() loop (service.c), on any
 *        stack. examples/demo_server.c runs it on the host, examples/board on
 *        QEMU's mps2-an385; both only fill struct demo_options.
 */
#ifndef SOCKPORT_EXAMPLES_DEMO_H
#define SOCKPORT_EXAMPLES_DEMO_H

#include <stdint.h>

#include <sockport/sockport.h>

#include "http_status.h"

/** Ports the host program uses unless told otherwise. */
#define DEMO_DEFAULT_ECHO_PORT 7007
#define DEMO_DEFAULT_HTTP_PORT 8080

/** What the demo serves, where. */
struct demo_options {
    /** Numeric address to bind both services to ("127.0.0.1", "0.0.0.0"). */
    const char *host;
    /** TCP and UDP echo port; 0 = any. */
    uint16_t echo_port;
    /** HTTP status page port; 0 = any. */
    uint16_t http_port;
    /** First line of the status page. */
    const char *title;
    /** 1: POST /quit on the status page ends demo_run(). */
    int allow_quit;
    /** End after this many ms without traffic; 0 = never. */
    int idle_ms;
    /** Drop a TCP echo client idle this long; 0 = never. */
    int echo_client_idle_ms;
    /** Largest UDP datagram echoed; 0 = all the echo server can hold. */
    int echo_udp_max_datagram;
    /** Adds the stack's own counters (a port's memory pools) to the status
     *  page: writes up to @p max items and returns how many. May be NULL. */
    size_t (*report_stack)(sp_stack *stack, struct http_status_item *items, size_t max);
};

/**
 * @brief Open both services on @p stack, print one line
 *        "READY echo=ADDR:PORT http=ADDR:PORT" (a test harness waits for it
 *        and reads the ports from it), and serve until told to quit.
 * @return 0 after an allowed POST /quit; SP_ETIMEDOUT after idle_ms without
 *         traffic; SP_EINVAL for a NULL argument or a host that is not a
 *         numeric address; another SP_E* code if a socket could not be set up
 *         or sp_poll() failed (a message on stderr says which).
 */
int demo_run(sp_stack *stack, const struct demo_options *opt);

#endif /* SOCKPORT_EXAMPLES_DEMO_H */
