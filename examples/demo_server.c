/*
 * The demo server on the host: TCP and UDP echo plus an HTTP status page, in
 * one thread on one sp_poll() loop (demo.c), the code the board firmware in
 * examples/board runs too. Try it with nc, curl or socat:
 *   printf 'hello\n' | nc -N 127.0.0.1 7007
 *   printf 'hello\n' | nc -u -W1 127.0.0.1 7007
 *   curl http://127.0.0.1:8080/
 */
#include "demo.h"
#include "echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_usage(FILE *out, const char *program)
{
    fprintf(out,
            "usage: %s [--bind ADDR] [--port N] [--http-port N] [--allow-quit] [--idle MS]\n"
            "          [--client-idle MS] [--udp-max N]\n"
            "  --bind ADDR     numeric address to serve on (default 127.0.0.1)\n"
            "  --port N        TCP and UDP echo port, 0 = any (default %d)\n"
            "  --http-port N   status page port, 0 = any (default %d)\n"
            "  --allow-quit    POST /quit on the status page stops the server (exit 0)\n"
            "  --idle MS       exit with failure after MS ms without traffic (default never)\n"
            "  --client-idle MS  drop a TCP echo client idle for MS ms, 0 = never (default %d)\n"
            "  --udp-max N     echo UDP datagrams of up to N bytes, report larger ones\n"
            "                  (default and most %d)\n",
            program, DEMO_DEFAULT_ECHO_PORT, DEMO_DEFAULT_HTTP_PORT, ECHO_DEFAULT_CLIENT_IDLE_MS,
            ECHO_UDP_MAX_DATAGRAM);
}

/* A whole decimal number in [0, max]; strtol alone accepts "12abc". */
static int parse_number(const char *flag, const char *text, long max, long *out)
{
    char *end = NULL;

    if (text != NULL && *text != '\0') {
        *out = strtol(text, &end, 10);
        if (*end == '\0' && *out >= 0 && *out <= max) {
            return 0;
        }
    }
    fprintf(stderr, "%s needs a number from 0 to %ld\n", flag, max);
    return -1;
}

/* 0 to run, 1 after --help, -1 on a bad command line. */
static int parse_args(struct demo_options *opt, int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *flag = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        long number = 0;

        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            print_usage(stdout, argv[0]);
            return 1;
        }
        if (strcmp(flag, "--allow-quit") == 0) {
            opt->allow_quit = 1;
            continue;
        }
        if (strcmp(flag, "--bind") == 0 && value != NULL) {
            opt->host = value;
        } else if (strcmp(flag, "--port") == 0 && parse_number(flag, value, 65535, &number) == 0) {
            opt->echo_port = (uint16_t)number;
        } else if (strcmp(flag, "--http-port") == 0 &&
                   parse_number(flag, value, 65535, &number) == 0) {
            opt->http_port = (uint16_t)number;
        } else if (strcmp(flag, "--idle") == 0 &&
                   parse_number(flag, value, 86400000, &number) == 0) {
            opt->idle_ms = (int)number;
        } else if (strcmp(flag, "--client-idle") == 0 &&
                   parse_number(flag, value, 86400000, &number) == 0) {
            opt->echo_client_idle_ms = (int)number;
        } else if (strcmp(flag, "--udp-max") == 0 &&
                   parse_number(flag, value, ECHO_UDP_MAX_DATAGRAM, &number) == 0 && number > 0) {
            opt->echo_udp_max_datagram = (int)number;
        } else {
            fprintf(stderr, "%s: bad option or value: %s\n", argv[0], flag);
            print_usage(stderr, argv[0]);
            return -1;
        }
        i++;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct demo_options opt = {
        .host = "127.0.0.1",
        .echo_port = DEMO_DEFAULT_ECHO_PORT,
        .http_port = DEMO_DEFAULT_HTTP_PORT,
        .title = "sockport demo: echo (TCP, UDP) and this page, on the host",
        .allow_quit = 0,
        .idle_ms = 0,
        .echo_client_idle_ms = ECHO_DEFAULT_CLIENT_IDLE_MS,
        .echo_udp_max_datagram = 0,
        .report_stack = NULL,
    };
    sp_stack *stack;
    int rc = parse_args(&opt, argc, argv);

    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    stack = sp_default_stack();
    if (stack == NULL) {
        fprintf(stderr, "%s: the default stack did not start\n", argv[0]);
        return 1;
    }
    return demo_run(stack, &opt) == 0 ? 0 : 1;
}
