/* The demo server: echo and the HTTP status page on one loop; see demo.h. */
#include "demo.h"

#include <stdio.h>

#include "echo.h"
#include "http_status.h"

/* The echo server's counters on the status page. */
static size_t report_echo(void *ctx, struct http_status_item *items, size_t max)
{
    const struct echo_server *echo = ctx;
    const struct http_status_item counters[] = {
        {"echo_tcp_clients", echo->counters.tcp_clients},
        {"echo_tcp_bytes", echo->counters.tcp_bytes},
        {"echo_udp_datagrams", echo->counters.udp_datagrams},
    };
    size_t n = sizeof counters / sizeof counters[0];
    size_t i;

    n = n < max ? n : max;
    for (i = 0; i < n; i++) {
        items[i] = counters[i];
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
    struct echo_options echo_opt;
    struct http_status_options http_opt = {0};
    struct echo_server echo;
    struct http_status http;
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
    http_opt.host = opt->host;
    http_opt.port = opt->http_port;
    http_opt.title = opt->title;
    http_opt.allow_quit = opt->allow_quit;
    http_opt.report = report_echo;
    http_opt.report_ctx = &echo;

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
        printf("demo: told to quit after %ld http requests, %d tcp echo clients, "
               "%d udp datagrams\n",
               http.requests, echo.counters.tcp_clients, echo.counters.udp_datagrams);
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
