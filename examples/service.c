/* One sp_poll() loop for several services; see service.h. */
#include "service.h"

#include <stdio.h>

/* Services one loop serves; the demo has two (echo, HTTP status). */
#define SERVICE_MAX_SERVICES 8

static int any_done(const struct service *services, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        if (services[i].done != NULL && services[i].done(services[i].self)) {
            return 1;
        }
    }
    return 0;
}

static int has_events(const sp_pollfd *fds, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (fds[i].revents != 0) {
            return 1;
        }
    }
    return 0;
}

/* Wait at most one tick, and never past the idle limit. */
static int next_wait_ms(sp_stack *stack, int64_t last_traffic_ms, int idle_ms)
{
    int64_t left;

    if (idle_ms == 0) {
        return SERVICE_TICK_MS;
    }
    left = last_traffic_ms + idle_ms - sp_stack_now_ms(stack);
    if (left <= 0) {
        return 0;
    }
    return left < SERVICE_TICK_MS ? (int)left : SERVICE_TICK_MS;
}

int service_loop_run(sp_stack *stack, const struct service *services, size_t count, int idle_ms)
{
    sp_pollfd fds[SERVICE_MAX_POLLFDS];
    size_t first[SERVICE_MAX_SERVICES];
    size_t used[SERVICE_MAX_SERVICES];
    int64_t last_traffic_ms;

    if (stack == NULL || services == NULL || count > SERVICE_MAX_SERVICES || idle_ms < 0) {
        return SP_EINVAL;
    }
    last_traffic_ms = sp_stack_now_ms(stack);
    while (!any_done(services, count)) {
        size_t n = 0;
        size_t i;
        int wait_ms = next_wait_ms(stack, last_traffic_ms, idle_ms);
        int ready;

        if (idle_ms > 0 && wait_ms == 0) {
            return SP_ETIMEDOUT;
        }
        for (i = 0; i < count; i++) {
            first[i] = n;
            used[i] = services[i].watch(services[i].self, fds + n, SERVICE_MAX_POLLFDS - n);
            n += used[i];
        }
        ready = sp_poll(fds, n, wait_ms);
        if (ready < 0) {
            return ready;
        }
        if (ready == 0) {
            continue;
        }
        last_traffic_ms = sp_stack_now_ms(stack);
        for (i = 0; i < count; i++) {
            if (has_events(fds + first[i], used[i])) {
                services[i].handle(services[i].self, fds + first[i], used[i]);
            }
        }
    }
    return 0;
}

int service_open_socket(sp_stack *stack, int type, sp_addr *addr, int backlog, const char *who)
{
    const char *kind = type == SP_SOCK_STREAM ? "tcp" : "udp";
    int sock = sp_socket_on(stack, addr->family, type, 0);
    int rc = sock < 0 ? sock : sp_setsockopt(sock, SP_OPT_NONBLOCK, 1);

    if (rc == 0 && type == SP_SOCK_STREAM) {
        /* A restarted server must not wait for the old connections' TIME_WAIT;
         * a stack built without address reuse (lwIP's SO_REUSE 0) still serves. */
        rc = sp_setsockopt(sock, SP_OPT_REUSEADDR, 1);
        rc = rc == SP_ENOPROTOOPT ? 0 : rc;
    }
    rc = rc < 0 ? rc : sp_bind(sock, addr);
    if (rc == 0 && type == SP_SOCK_STREAM) {
        rc = sp_listen(sock, backlog);
    }
    rc = rc < 0 ? rc : sp_getsockname(sock, addr);
    if (rc < 0) {
        fprintf(stderr, "%s: %s socket on port %u: %s (%s)\n", who, kind, (unsigned)addr->port,
                sp_strerror(rc), sp_err_name(rc));
        service_close(&sock);
        return rc;
    }
    return sock;
}

int service_accept(int listener, sp_addr *peer)
{
    int sock = sp_accept(listener, peer);
    int rc;

    if (sock < 0) {
        return sock;
    }
    rc = sp_setsockopt(sock, SP_OPT_NONBLOCK, 1);
    if (rc < 0) {
        sp_close(sock);
        return rc;
    }
    return sock;
}

void service_close(int *sock)
{
    if (*sock >= 0) {
        sp_close(*sock);
        *sock = -1;
    }
}

int service_log_allow(struct service_log *log, sp_stack *stack, const char *name)
{
    int64_t now = sp_stack_now_ms(stack);

    if (log->lines == 0 && log->suppressed == 0) {
        log->window_start_ms = now;
    } else if (now - log->window_start_ms >= SERVICE_LOG_WINDOW_MS) {
        if (log->suppressed > 0) {
            printf("%s: %u more events not logged\n", name, log->suppressed);
        }
        log->window_start_ms = now;
        log->lines = 0;
        log->suppressed = 0;
    }
    if (log->lines >= SERVICE_LOG_LINES) {
        log->suppressed++;
        return 0;
    }
    log->lines++;
    return 1;
}

char *service_u64_text(uint64_t value, char buf[SERVICE_U64_TEXT_BYTES])
{
    char digits[SERVICE_U64_TEXT_BYTES];
    size_t n = 0;
    size_t i;

    do {
        digits[n++] = (char)('0' + (int)(value % 10u));
        value /= 10u;
    } while (value != 0);
    for (i = 0; i < n; i++) {
        buf[i] = digits[n - 1 - i];
    }
    buf[n] = '\0';
    return buf;
}
