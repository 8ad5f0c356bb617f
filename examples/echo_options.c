/* Defaults, command-line parsing and main() shared by the two echo programs. */
#include "echo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void echo_options_default(struct echo_options *opt, enum echo_role role)
{
    opt->host = "127.0.0.1";
    opt->port = ECHO_DEFAULT_PORT;
    opt->tcp = 1;
    opt->udp = 1;
    opt->count = role == ECHO_ROLE_SERVER ? 0 : 3;
    opt->idle_ms = 0;
    opt->timeout_ms = 2000;
    opt->client_idle_ms = ECHO_DEFAULT_CLIENT_IDLE_MS;
    opt->udp_max_datagram = ECHO_UDP_MAX_DATAGRAM;
    opt->message = "hello from sockport";
    opt->on_ready = NULL;
    opt->on_ready_ctx = NULL;
}

static void print_usage(FILE *out, const char *program, enum echo_role role)
{
    if (role == ECHO_ROLE_SERVER) {
        fprintf(out,
                "usage: %s [--bind ADDR] [--port N] [--tcp | --udp] [--count N | --once]\n"
                "          [--idle MS] [--timeout MS] [--client-idle MS]\n"
                "  --bind ADDR   numeric address to serve on (default 127.0.0.1)\n"
                "  --port N      TCP and UDP port, 0 = any (default %d)\n"
                "  --tcp, --udp  serve only that transport (default both)\n"
                "  --count N     exit after N TCP clients disconnected (UDP only: N datagrams)\n"
                "  --once        same as --count 1\n"
                "  --idle MS     exit with failure after MS ms without traffic (default never)\n"
                "  --timeout MS  drop a TCP client that reads none of its echo for MS ms\n"
                "                (default 2000)\n"
                "  --client-idle MS  drop a TCP client that sends nothing for MS ms, 0 = never\n"
                "                (default %d)\n",
                program, ECHO_DEFAULT_PORT, ECHO_DEFAULT_CLIENT_IDLE_MS);
    } else {
        fprintf(out,
                "usage: %s [--host HOST] [--port N] [--tcp | --udp] [--count N]\n"
                "          [--timeout MS] [--message TEXT]\n"
                "  --host HOST   server address or name (default 127.0.0.1)\n"
                "  --port N      server port (default %d)\n"
                "  --tcp, --udp  use only that transport (default both: UDP, then TCP)\n"
                "  --count N     messages per transport (default 3)\n"
                "  --timeout MS  bound of the connect and of each echo (default 2000)\n"
                "  --message T   text to send (default \"hello from sockport\")\n",
                program, ECHO_DEFAULT_PORT);
    }
}

/* A whole decimal number in [min, max]; strtol alone accepts "12abc". */
static int parse_int(const char *text, long min, long max, long *out)
{
    char *end = NULL;
    long value;

    if (text == NULL || *text == '\0') {
        return -1;
    }
    value = strtol(text, &end, 10);
    if (*end != '\0' || value < min || value > max) {
        return -1;
    }
    *out = value;
    return 0;
}

/* Flags that take a number: which field, which role, which range. */
struct number_flag {
    const char *name;
    enum echo_role role;
    long min;
    long max;
};

static const struct number_flag number_flags[] = {
    {"--port", ECHO_ROLE_SERVER, 0, 65535},      {"--port", ECHO_ROLE_CLIENT, 1, 65535},
    {"--count", ECHO_ROLE_SERVER, 0, 1000000},   {"--count", ECHO_ROLE_CLIENT, 1, 1000000},
    {"--idle", ECHO_ROLE_SERVER, 0, 86400000},   {"--timeout", ECHO_ROLE_SERVER, 1, 3600000},
    {"--timeout", ECHO_ROLE_CLIENT, 1, 3600000}, {"--client-idle", ECHO_ROLE_SERVER, 0, 86400000},
};

static const struct number_flag *find_number_flag(const char *name, enum echo_role role)
{
    size_t i;

    for (i = 0; i < sizeof number_flags / sizeof number_flags[0]; i++) {
        if (number_flags[i].role == role && strcmp(number_flags[i].name, name) == 0) {
            return &number_flags[i];
        }
    }
    return NULL;
}

static void store_number(struct echo_options *opt, const char *name, long value)
{
    if (strcmp(name, "--port") == 0) {
        opt->port = (uint16_t)value;
    } else if (strcmp(name, "--count") == 0) {
        opt->count = (int)value;
    } else if (strcmp(name, "--idle") == 0) {
        opt->idle_ms = (int)value;
    } else if (strcmp(name, "--client-idle") == 0) {
        opt->client_idle_ms = (int)value;
    } else {
        opt->timeout_ms = (int)value;
    }
}

/* Flags that take text. */
static const char **find_text_field(struct echo_options *opt, const char *name, enum echo_role role)
{
    if (role == ECHO_ROLE_SERVER && strcmp(name, "--bind") == 0) {
        return &opt->host;
    }
    if (role == ECHO_ROLE_CLIENT && strcmp(name, "--host") == 0) {
        return &opt->host;
    }
    if (role == ECHO_ROLE_CLIENT && strcmp(name, "--message") == 0) {
        return &opt->message;
    }
    return NULL;
}

static int parse_flag(struct echo_options *opt, enum echo_role role, const char *flag,
                      const char *value, int *used_value)
{
    const struct number_flag *number = find_number_flag(flag, role);
    const char **text = find_text_field(opt, flag, role);
    long parsed;

    *used_value = 0;
    if (strcmp(flag, "--tcp") == 0) {
        opt->tcp = 1;
        opt->udp = 0;
    } else if (strcmp(flag, "--udp") == 0) {
        opt->tcp = 0;
        opt->udp = 1;
    } else if (role == ECHO_ROLE_SERVER && strcmp(flag, "--once") == 0) {
        opt->count = 1;
    } else if (number != NULL) {
        if (parse_int(value, number->min, number->max, &parsed) != 0) {
            fprintf(stderr, "%s needs a number from %ld to %ld\n", flag, number->min, number->max);
            return -1;
        }
        store_number(opt, flag, parsed);
        *used_value = 1;
    } else if (text != NULL) {
        if (value == NULL) {
            fprintf(stderr, "%s needs a value\n", flag);
            return -1;
        }
        *text = value;
        *used_value = 1;
    } else {
        fprintf(stderr, "unknown option: %s\n", flag);
        return -1;
    }
    return 0;
}

int echo_options_parse(struct echo_options *opt, enum echo_role role, int argc, char **argv)
{
    const char *program = argc > 0 ? argv[0] : "echo";
    int i;

    echo_options_default(opt, role);
    for (i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        int used_value;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            print_usage(stdout, program, role);
            return 1;
        }
        if (parse_flag(opt, role, argv[i], value, &used_value) != 0) {
            print_usage(stderr, program, role);
            return -1;
        }
        i += used_value;
    }
    return 0;
}

int echo_main(enum echo_role role, int argc, char **argv,
              int (*run)(sp_stack *stack, const struct echo_options *opt))
{
    struct echo_options opt;
    sp_stack *stack;
    int rc = echo_options_parse(&opt, role, argc, argv);

    if (rc != 0) {
        return rc > 0 ? 0 : 2;
    }
    stack = sp_default_stack();
    if (stack == NULL) {
        fprintf(stderr, "%s: the default stack did not start\n", argc > 0 ? argv[0] : "echo");
        return 1;
    }
    return run(stack, &opt) == 0 ? 0 : 1;
}
