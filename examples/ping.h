/* ping's run function, callable from a board's firmware (which has no argv). */
#ifndef SOCKPORT_EXAMPLES_PING_H
#define SOCKPORT_EXAMPLES_PING_H

#include <sockport/sockport.h>

struct ping_options {
    const char *host; /**< numeric address or name */
    int family;       /**< SP_AF_UNSPEC: whatever @p host is */
    int count;        /**< echo requests to send */
    int interval_ms;  /**< pause between requests */
    int timeout_ms;   /**< wait for each reply */
};

struct ping_result {
    int transmitted;
    int received;
    int64_t rtt_min_ms;
    int64_t rtt_max_ms;
    int64_t rtt_total_ms;
};

/** Ping @p opt->host on @p stack, printing each reply and a summary.
 *  0 when every request was answered; else the error or SP_ETIMEDOUT. */
int ping_run(sp_stack *stack, const struct ping_options *opt, struct ping_result *result);

#endif
