/* The demo server: echo and the HTTP status page on one loop; see demo.h. */
#include "demo.h"

#include <stdio.h>

#include "echo.h"
#include "http_status.h"

/* What the status page reports besides its own numbers. */
struct demo_report {
    sp_stack *stack;
    const struct demo_options *opt;
    const struct echo_server *echo;
};

/* The echo server's counters, the socket table, and the stack's own counters:
 * what a client needs to see whether the server ran out of anything. */
static size_t report_counters(void *ctx, struct http_status_item *items, size_t max)
{
    const struct demo_report *r = ctx;
    const struct echo_counters *echo = &r->echo->counters;
    sp_table_stats table = {0, 0, 0, 0};
    struct http_status_item counters[] = {
        {"echo_tcp_clients", (int64_t)echo->tcp_clients},
        {"echo_tcp_active", (int64_t)(echo->tcp_clients - echo->tcp_finished)},
        {"echo_tcp_dropped_idle", (int64_t)echo->tcp_dropped_idle},
        {"echo_tcp_evicted", (int64_t)echo->tcp_evicted},
        {"echo_tcp_bytes", (int64_t)echo->tcp_bytes},
        {"echo_udp_datagrams", (int64_t)echo->udp_datagrams},
        {"echo_udp_bytes", (int64_t)echo->udp_bytes},
        {"echo_udp_too_large", (int64_t)echo->udp_too_large},
        {"echo_udp_max_datagram", r->echo->opt->udp_max_datagram},
        {"sockets_used", 0},
        {"sockets_max", 0},
        {"sockets_peak", 0},
        {"sockets_refused", 0},
    };
    size_t n = sizeof counters / sizeof counters[0];
    size_t i;

    if (sp_get_table_stats(&table) == 0) {
        counters[n - 4].value = table.in_use;
        counters[n - 3].value = table.max;
        counters[n - 2].value = table.peak;
        counters[n - 1].value = table.refused;
    }
    n = n < max ? n : max;
    for (i = 0; i < n; i++) {
        items[i] = counters[i];
    }
    if (r->opt->report_stack != NULL) {
        n += r->opt->report_stack(r->stack, items + n, max - n);
    }
    return n;
}

static void keep_echo_address(const sp_addr *addr, void *ctx)
{
    sp_addr *kept = ctx;

    *kept = *addr;
}

static void print_ready(const sp_addr *echo, const sp_addr *http)
{
    char echo_text[SP_ADDR_STRLEN];
    char http_text[SP_ADDR_STRLEN];

    if (sp_addr_format(echo, echo_text, sizeof echo_text) < 0 ||
        sp_addr_format(http, http_text, sizeof http_text) < 0) {
        echo_text[0] = '\0';
        http_text[0] = '\0';
    }
    printf("READY echo=%s http=%s\n", echo_text, http_text);
    fflush(stdout);
}

int demo_run(sp_stack *stack, const struct demo_options *opt)
{
    /* Static: with their buffers they are too large for a board's stack. */
    static struct echo_options echo_opt;
    static struct http_status_options http_opt;
    static struct echo_server echo;
    static struct http_status http;
    static struct demo_report report;
    char requests[SERVICE_U64_TEXT_BYTES];
    char clients[SERVICE_U64_TEXT_BYTES];
    char datagrams[SERVICE_U64_TEXT_BYTES];
    sp_addr echo_addr;
    sp_addr http_addr;
    struct service services[2];
    int rc;

    if (stack == NULL || opt == NULL || opt->host == NULL || opt->title == NULL) {
        return SP_EINVAL;
    }
    echo_options_default(&echo_opt, ECHO_ROLE_SERVER);
    echo_opt.host = opt->host;
    echo_opt.port = opt->echo_port;
    echo_opt.on_ready = keep_echo_address;
    echo_opt.on_ready_ctx = &echo_addr;
    echo_opt.client_idle_ms = opt->echo_client_idle_ms;
    if (opt->echo_udp_max_datagram > 0) {
        echo_opt.udp_max_datagram = opt->echo_udp_max_datagram;
    }
    http_opt.host = opt->host;
    http_opt.port = opt->http_port;
    http_opt.title = opt->title;
    http_opt.allow_quit = opt->allow_quit;
    report.stack = stack;
    report.opt = opt;
    report.echo = &echo;
    http_opt.report = report_counters;
    http_opt.report_ctx = &report;

    rc = echo_server_open(&echo, stack, &echo_opt);
    if (rc < 0) {
        return rc;
    }
    rc = http_status_open(&http, stack, &http_opt, &http_addr);
    if (rc < 0) {
        echo_server_close(&echo);
        return rc;
    }
    print_ready(&echo_addr, &http_addr);

    services[0] = echo_server_service(&echo);
    services[1] = http_status_service(&http);
    rc = service_loop_run(stack, services, 2, opt->idle_ms);
    if (rc == 0) {
        printf("demo: told to quit after %s http requests, %s tcp echo clients, "
               "%s udp datagrams\n",
               service_u64_text(http.requests, requests),
               service_u64_text(echo.counters.tcp_clients, clients),
               service_u64_text(echo.counters.udp_datagrams, datagrams));
    } else if (rc == SP_ETIMEDOUT) {
        fprintf(stderr, "demo: no traffic for %d ms, giving up\n", opt->idle_ms);
    } else {
        fprintf(stderr, "demo: poll: %s (%s)\n", sp_strerror(rc), sp_err_name(rc));
    }
    http_status_close(&http);
    echo_server_close(&echo);
    fflush(stdout);
    return rc;
}
