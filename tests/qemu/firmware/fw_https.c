/*
 * The demo's status page (examples/http_status.c) on the board twice: plain
 * HTTP on port 80 and HTTPS on port 443, the second through sockport's TLS
 * layer (<sockport/tls.h>, mbedTLS with the board's configuration): the same
 * page code, its accepted sockets wrapped with sp_tls_wrap() and nothing else
 * changed. The certificate and key are the test ones make_test_certs.sh
 * generates at build time (CN and SAN "localhost"), signed by its test CA,
 * which the host's curl verifies.
 *
 * POST /quit on either page stops the firmware (exit status 0); without
 * traffic for IDLE_MS it stops with status 1.
 */
#include <stdio.h>
#include <string.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>
#include <sockport/tls.h>

#include "board_sockport.h"
#include "http_status.h"
#include "service.h"
#include "sockport_mbedtls_board.h"
#include "tls_test_certs.h"

#define HTTP_PORT 80
#define HTTPS_PORT 443
#define IDLE_MS 120000
/* Time for the last reply (the "bye" of POST /quit) to leave before lwIP stops. */
#define DRAIN_MS 200

static const char title[] = "sockport demo: this page over HTTPS (sockport TLS, mbedTLS) on "
                            "mps2-an385 (lwIP, LAN9118)";

static int wrap_tls(void *ctx, int sock)
{
    return sp_tls_wrap(sock, ctx);
}

static int open_page(struct http_status *page, sp_stack *stack,
                     const struct http_status_options *opt, char *where, size_t room)
{
    sp_addr bound;
    int rc = http_status_open(page, stack, opt, &bound);
    if (rc == 0)
        rc = sp_addr_format(&bound, where, room) < 0 ? SP_EINVAL : 0;
    return rc;
}

int main(void)
{
    sp_stack *stack = board_start_lwip(1);
    if (stack == NULL)
        return 1;
    /* mps2-an385 has no RNG: say so before any key is made (the glue's
     * mbedtls_hardware_poll() prints the same banner). */
    sockport_mbedtls_entropy_warning();
    sp_tls_config config = {.role = SP_TLS_SERVER};
    config.cert = (const uint8_t *)sp_t_tls_server_cert;
    config.cert_len = strlen(sp_t_tls_server_cert) + 1;
    config.key = (const uint8_t *)sp_t_tls_server_key;
    config.key_len = strlen(sp_t_tls_server_key) + 1;
    sp_tls_context *tls = NULL;
    int rc = sp_tls_context_new(&config, &tls);
    if (rc < 0) {
        printf("fw_https: sp_tls_context_new: %s\n", sp_err_name(rc));
        return 1;
    }

    static struct http_status plain;
    static struct http_status secure;
    struct http_status_options plain_opt = {
        .host = "0.0.0.0", .port = HTTP_PORT, .title = title, .allow_quit = 1};
    struct http_status_options secure_opt = plain_opt;
    secure_opt.port = HTTPS_PORT;
    secure_opt.wrap = wrap_tls;
    secure_opt.wrap_ctx = tls;
    char plain_at[SP_ADDR_STRLEN];
    char secure_at[SP_ADDR_STRLEN];
    rc = open_page(&plain, stack, &plain_opt, plain_at, sizeof plain_at);
    if (rc == 0)
        rc = open_page(&secure, stack, &secure_opt, secure_at, sizeof secure_at);
    if (rc < 0) {
        printf("fw_https: opening the pages: %s\n", sp_err_name(rc));
        return 1;
    }
    printf("TLS backend: %s\n", sp_tls_backend_name());
    printf("READY http=%s https=%s\n", plain_at, secure_at);
    fflush(stdout);

    struct service services[2] = {http_status_service(&plain), http_status_service(&secure)};
    rc = service_loop_run(stack, services, 2, IDLE_MS);
    printf("fw_https: %lu http and %lu https requests; %s\n", (unsigned long)plain.requests,
           (unsigned long)secure.requests, rc == 0 ? "told to quit" : sp_err_name(rc));
    http_status_close(&secure);
    http_status_close(&plain);
    sp_stack_pump(stack, DRAIN_MS);
    printf("fw_https: TLS sessions left open: %d\n", sp_tls_sessions_in_use());
    sp_tls_context_free(tls);
    sp_lwip_stop(stack);
    return rc == 0 ? 0 : 1;
}
