/*
 * The differential conformance table: every scenario of scenarios.c runs on
 * the Linux kernel (plain BSD calls, the reference), on sockport's POSIX port
 * and on sockport's lwIP port in-process (simulated clock), inside a network
 * namespace of its own that holds only a loopback interface.
 *
 *   conformance              run, print disagreements; exit 1 if any row fails
 *   conformance --markdown   print docs/conformance.md instead
 *   conformance --only NAME  run the scenarios whose name starts with NAME (verbose)
 *   conformance --board-log FILE   judge the lwIP port's outcomes that the board
 *                            firmware (fw_conformance) printed instead of running lwIP here
 *
 * A row fails when a port's outcome differs from the kernel's at any step
 * (unless the row declares that port's limitation, and the port really
 * differs), or when a port returns a code the header does not list for the
 * call (read from include/sockport/sockport.h's @return paragraphs).
 */
#define _GNU_SOURCE /* unshare, CLONE_NEWNET */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockport/lwip.h>
#include <sockport/posix.h>

#include "backend_kernel.h"
#include "conformance.h"
#include "header_codes.h"

#ifndef CF_HEADER_PATH
#error "CF_HEADER_PATH must name include/sockport/sockport.h"
#endif

/* Room for a verdict: a declared reason is a sentence or two. */
#define CF_VERDICT 400

/* The exit status CTest reads as "skipped" (SKIP_RETURN_CODE). */
#define CF_EXIT_SKIP 77

extern const char *cf_local_dir;

static char cf_dir[64];

enum cf_column { CF_KERNEL, CF_POSIX, CF_LWIP, CF_COLUMNS };

struct cf_row_result {
    struct cf_run run[CF_COLUMNS];
    char verdict[CF_COLUMNS][CF_VERDICT]; /* per port: "" agrees, else why */
    bool failed;
    bool limited;
};

static const char *cf_family_name(int family)
{
    return family == SP_AF_INET ? "IPv4" : family == SP_AF_INET6 ? "IPv6" : "local";
}

static void cf_write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        return;
    ssize_t n = write(fd, text, strlen(text));
    (void)n;
    close(fd);
}

/* A network namespace of the test's own: only loopback, no other test's
 * ports or TIME_WAITs, and raw sockets allowed (as root, or through a user
 * namespace as anyone). It goes away with the process. */
static int cf_enter_namespace(char *why, size_t size)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(uid == 0 ? CLONE_NEWNET : CLONE_NEWUSER | CLONE_NEWNET) < 0) {
        snprintf(why, size, "unshare(%s): %s",
                 uid == 0 ? "CLONE_NEWNET" : "CLONE_NEWUSER|CLONE_NEWNET", strerror(errno));
        return -1;
    }
    if (uid != 0) {
        char map[64];
        cf_write_file("/proc/self/setgroups", "deny");
        snprintf(map, sizeof map, "%u %u 1", (unsigned)uid, (unsigned)uid);
        cf_write_file("/proc/self/uid_map", map);
        snprintf(map, sizeof map, "%u %u 1", (unsigned)gid, (unsigned)gid);
        cf_write_file("/proc/self/gid_map", map);
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    int rc = fd < 0 ? -1 : ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    if (rc < 0)
        snprintf(why, size, "bringing up lo in the new namespace: %s", strerror(errno));
    if (fd >= 0)
        close(fd);
    return rc;
}

static void cf_clear_dir(void)
{
    DIR *dir = opendir(cf_dir);
    if (dir == NULL)
        return;
    char path[sizeof cf_dir + 270];
    for (struct dirent *ent = readdir(dir); ent != NULL; ent = readdir(dir)) {
        if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0) {
            snprintf(path, sizeof path, "%s/%s", cf_dir, ent->d_name);
            unlink(path);
        }
    }
    closedir(dir);
}

static void cf_remove_dir(void)
{
    cf_clear_dir();
    rmdir(cf_dir);
}

static sp_stack *cf_posix_start(void)
{
    return sp_posix_stack();
}

static sp_stack *cf_lwip_start(void)
{
    sp_stack *running = sp_lwip_stack();
    if (running != NULL)
        sp_lwip_stop(running);
    struct sp_lwip_config config = {0};
    config.simulated_clock = 1;
    return sp_lwip_start(&config);
}

static void cf_lwip_stop(sp_stack *stack)
{
    sp_lwip_stop(stack);
}

/* The lwIP port's outcomes on the board, by row, from fw_conformance's log:
 * "CF <row> <step> <value> <detail>" per step, "CFROW <row> <steps> <shown>". */
static struct cf_run *cf_board_runs;

static int cf_load_board_log(const char *path, size_t rows)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    cf_board_runs = calloc(rows, sizeof *cf_board_runs);
    if (cf_board_runs == NULL) {
        fclose(f);
        return -1;
    }
    char line[256];
    size_t complete = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned row, step;
        long value;
        int steps, shown, used = 0;
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "CFROW %u %d %d", &row, &steps, &shown) == 3 && row < rows && steps > 0 &&
            steps <= CF_MAX_STEPS && shown >= 0 && shown < steps) {
            cf_board_runs[row].steps = steps;
            cf_board_runs[row].shown = shown;
            complete++;
        } else if (sscanf(line, "CF %u %u %ld %n", &row, &step, &value, &used) == 3 && row < rows &&
                   step < CF_MAX_STEPS) {
            struct cf_outcome *o = &cf_board_runs[row].out[step];
            o->value = value;
            snprintf(o->detail, sizeof o->detail, "%s", line + used);
        }
    }
    fclose(f);
    if (complete != rows) {
        fprintf(stderr, "%s holds %zu complete rows of %zu: the board run did not finish\n", path,
                complete, rows);
        return -1;
    }
    return 0;
}

/* The first step where @p port differs from @p ref, or -1. */
static int cf_first_difference(const struct cf_scenario *sc, const struct cf_run *ref,
                               const struct cf_run *port)
{
    int steps = ref->steps > port->steps ? ref->steps : port->steps;
    for (int i = 0; i < steps; i++) {
        if (!cf_same(&sc->steps[i], &ref->out[i], &port->out[i]))
            return i;
    }
    return -1;
}

/* A code the header does not list for the call that returned it, or 0. */
static int cf_unlisted(const struct cf_scenario *sc, const struct cf_run *run, int *step)
{
    for (int i = 0; i < run->steps; i++) {
        const struct cf_step *st = &sc->steps[i];
        long v = run->out[i].value;
        if (v >= 0 || st->op == CF_SETTLE)
            continue;
        const char *fn = cf_step_function(st);
        if (st->op == CF_RESET && i >= 0)
            fn = "sp_setsockopt"; /* its failure is the option's; sp_close gives 0 or SP_EBADF */
        if (!cf_header_lists(fn, (int)v) &&
            !(st->op == CF_RESET && cf_header_lists("sp_close", (int)v))) {
            *step = i;
            return (int)v;
        }
    }
    return 0;
}

static void cf_judge(const struct cf_scenario *sc, int family, struct cf_row_result *r)
{
    for (int col = CF_POSIX; col < CF_COLUMNS; col++) {
        const char *limit = col == CF_LWIP ? sc->lwip_limit : sc->posix_limit;
        const char *port = col == CF_LWIP ? "lwip" : "posix";
        char *v = r->verdict[col];
        const struct cf_run *mine = &r->run[col];
        bool kernel = sc->reference != CF_REF_PORTS;
        const struct cf_run *ref = kernel ? &r->run[CF_KERNEL] : &r->run[CF_POSIX];
        /* lwIP has no local sockets: it must say so at sp_socket(), nothing else. */
        if (col == CF_LWIP && family == SP_AF_LOCAL) {
            if (mine->out[0].value == SP_EAFNOSUPPORT) {
                snprintf(v, CF_VERDICT, "limitation: lwIP has no local sockets (SP_EAFNOSUPPORT)");
                r->limited = true;
            } else {
                snprintf(v, CF_VERDICT,
                         "FAIL: lwip should refuse local sockets with SP_EAFNOSUPPORT");
                r->failed = true;
            }
            continue;
        }
        int step = 0;
        int unlisted = cf_unlisted(sc, mine, &step);
        if (unlisted != 0) {
            snprintf(v, CF_VERDICT,
                     "FAIL: %s step %d: %s returned %s, which sockport.h does not list", port,
                     step + 1, cf_step_function(&sc->steps[step]), sp_err_name(unlisted));
            r->failed = true;
            continue;
        }
        if (col == CF_POSIX && sc->reference == CF_REF_PORTS) {
            v[0] = '\0';
            continue;
        }
        int diff = cf_first_difference(sc, ref, mine);
        if (diff < 0 && limit != NULL) {
            snprintf(v, CF_VERDICT, "FAIL: %s agrees now: remove its declared limitation", port);
            r->failed = true;
        } else if (diff >= 0 && limit != NULL) {
            /* The same text on both ports is a rule of sockport's, not a port's limit. */
            bool rule = sc->lwip_limit == sc->posix_limit;
            if (rule && col == CF_LWIP)
                v[0] = '\0'; /* said once, under posix */
            else
                snprintf(v, CF_VERDICT, "%s%s", rule ? "" : "limitation: ", limit);
            r->limited = true;
        } else if (diff >= 0) {
            char want[64], got[64];
            cf_format_outcome(&ref->out[diff], false, want, sizeof want);
            cf_format_outcome(&mine->out[diff], false, got, sizeof got);
            snprintf(v, CF_VERDICT, "FAIL: step %d (%s): %s %s, %s %s", diff + 1,
                     cf_step_function(&sc->steps[diff]), kernel ? "kernel" : "posix", want, port,
                     got);
            r->failed = true;
        } else {
            v[0] = '\0';
        }
    }
}

static void cf_print_run(const char *label, const struct cf_scenario *sc, const struct cf_run *run,
                         bool native)
{
    printf("    %-7s", label);
    for (int i = 0; i < run->steps; i++) {
        char text[80];
        cf_format_outcome(&run->out[i], native, text, sizeof text);
        printf(" %d:%s", i + 1, text);
    }
    (void)sc;
    printf("\n");
}

/* "|" would end a Markdown table cell. */
static void cf_md_cell(const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '|')
            fputs("\\|", stdout);
        else
            putchar(*p);
    }
}

static void cf_md_header(size_t rows)
{
    printf(
        "# Conformance table: sockport against the Linux kernel\n\n"
        "<!-- Generated by tests/conformance (conformance --markdown); do not edit.\n"
        "     The docs.conformance_md test fails when this file is stale; rewrite it with\n"
        "     cmake --build <build dir> --target sockport_conformance_md -->\n\n"
        "Each scenario below is written once, as a few steps in `tests/conformance/scenarios.c`,\n"
        "and runs three ways inside a network namespace that holds only a loopback interface:\n"
        "with plain BSD calls on the Linux kernel (the reference), through sockport on the POSIX\n"
        "port, and through sockport on the lwIP port in-process (simulated clock). The lwIP\n"
        "port also runs every row on the QEMU board (`qemu.conformance_board`: the firmware\n"
        "prints its outcomes, the host judges them by the same rules). Every step's\n"
        "outcome is compared, not only the one shown: an error by its meaning (the kernel's\n"
        "`ECONNREFUSED` is `SP_ECONNREFUSED`; the few kernel codes without a namesake are read by\n"
        "meaning in `backend_kernel.c`), a byte count exactly, an address by its shape (`=s1` is\n"
        "slot 1's port), poll bits by name (the kernel's `POLLRDHUP` is `SP_POLLHUP`).\n\n"
        "The `conformance` test fails when a port differs from the kernel at any step, unless the\n"
        "row declares a limitation of that port (and the port really differs), or when a port\n"
        "returns a code that `include/sockport/sockport.h` does not list in the call's `@return`\n"
        "paragraph (read from the header when the test runs).\n\n"
        "The shown column is the row's observed step; the kernel's column gives the kernel's own\n"
        "name for an error. %zu rows.\n\n",
        rows);
    printf("| # | scenario | family | call | Linux kernel | posix port | lwIP port | verdict |\n"
           "|---|---|---|---|---|---|---|---|\n");
}

static void cf_md_row(int number, const struct cf_scenario *sc, int family,
                      const struct cf_row_result *r)
{
    char cell[80];
    int shown = r->run[CF_POSIX].shown;
    printf("| %d | **%s**: ", number, sc->name);
    cf_md_cell(sc->situation);
    printf(" | %s | `%s` | ", cf_family_name(family), cf_step_function(&sc->steps[shown]));
    if (sc->reference != CF_REF_PORTS) {
        cf_format_outcome(&r->run[CF_KERNEL].out[r->run[CF_KERNEL].shown], true, cell, sizeof cell);
        cf_md_cell(cell);
        if (sc->reference == CF_REF_CARRIER)
            printf(" (as %s)", sc->steps[0].a == SP_SOCK_RDM ? "UDP" : "TCP");
    } else {
        printf("(no kernel counterpart)");
    }
    for (int col = CF_POSIX; col < CF_COLUMNS; col++) {
        const struct cf_run *run = &r->run[col];
        int at = shown < run->steps ? shown : run->steps - 1;
        if (col == CF_LWIP && family == SP_AF_LOCAL)
            at = 0; /* where lwIP says it has no local sockets */
        cf_format_outcome(&run->out[at], false, cell, sizeof cell);
        printf(" | ");
        cf_md_cell(cell);
    }
    printf(" | ");
    const char *posix = r->verdict[CF_POSIX], *lwip = r->verdict[CF_LWIP];
    if (strncmp(posix, "sockport rule", 13) == 0 && lwip[0] == '\0') {
        cf_md_cell(posix);
    } else if (posix[0] == '\0' && lwip[0] == '\0') {
        printf(sc->reference != CF_REF_PORTS ? "agree" : "ports agree");
    } else {
        if (posix[0] != '\0') {
            printf("posix: ");
            cf_md_cell(posix);
        }
        if (lwip[0] != '\0') {
            printf("%slwIP: ", posix[0] != '\0' ? "; " : "");
            cf_md_cell(lwip);
        }
    }
    printf(" |\n");
}

/* The codes the header lists for each call the scenarios make, one line each. */
static void cf_print_header_lists(const char *bullet)
{
    static const char *const calls[] = {
        "sp_socket_on",   "sp_close",      "sp_bind",       "sp_listen",
        "sp_accept",      "sp_connect",    "sp_send",       "sp_sendto",
        "sp_recv",        "sp_recvfrom",   "sp_shutdown",   "sp_getsockname",
        "sp_getpeername", "sp_setsockopt", "sp_getsockopt", "sp_poll"};
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        char codes[600];
        cf_header_describe(calls[i], codes, sizeof codes);
        printf("%s%s: %s\n", bullet, calls[i], codes[0] ? codes : "(none)");
    }
}

int main(int argc, char **argv)
{
    bool markdown = false, list_header = false;
    const char *only = NULL, *board_log = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0)
            markdown = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else if (strcmp(argv[i], "--header") == 0)
            list_header = true;
        else if (strcmp(argv[i], "--board-log") == 0 && i + 1 < argc)
            board_log = argv[++i];
        else {
            fprintf(stderr,
                    "usage: %s [--markdown | --header | --only NAME-PREFIX | --board-log FILE]\n",
                    argv[0]);
            return 2;
        }
    }
    if (list_header) {
        if (cf_header_load(CF_HEADER_PATH) <= 0)
            return 2;
        cf_print_header_lists("");
        return 0;
    }
    char why[160];
    if (cf_enter_namespace(why, sizeof why) < 0) {
        printf("SKIP: the conformance table needs a network namespace of its own: %s\n", why);
        return CF_EXIT_SKIP;
    }
    if (cf_header_load(CF_HEADER_PATH) <= 0) {
        fprintf(stderr, "cannot read %s\n", CF_HEADER_PATH);
        return 2;
    }
    snprintf(cf_dir, sizeof cf_dir, "/tmp/sockport-conf-XXXXXX");
    if (mkdtemp(cf_dir) == NULL) {
        fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
        return 2;
    }
    atexit(cf_remove_dir);
    cf_local_dir = cf_dir;

    struct cf_backend backends[CF_COLUMNS];
    backends[CF_KERNEL] = cf_kernel_backend();
    backends[CF_POSIX] = cf_sockport_backend("posix", cf_posix_start, NULL);
    backends[CF_LWIP] = cf_sockport_backend("lwip", cf_lwip_start, cf_lwip_stop);

    size_t rows = 0;
    int row_families[3];
    for (size_t s = 0; s < cf_scenario_count; s++)
        rows += (size_t)cf_row_families(&cf_scenarios[s], row_families);
    if (board_log != NULL && cf_load_board_log(board_log, rows) < 0)
        return 2;
    if (markdown)
        cf_md_header(rows);

    int number = 0, ran = 0, failed = 0, limited = 0;
    static struct cf_row_result r;
    for (size_t s = 0; s < cf_scenario_count; s++) {
        const struct cf_scenario *sc = &cf_scenarios[s];
        if (only != NULL && strncmp(sc->name, only, strlen(only)) != 0) {
            number += cf_row_families(sc, row_families);
            continue;
        }
        int families[3];
        int nfamilies = cf_row_families(sc, families);
        for (int f = 0; f < nfamilies; f++) {
            memset(&r, 0, sizeof r);
            for (int col = 0; col < CF_COLUMNS; col++) {
                cf_kernel_services_as_carriers(sc->reference == CF_REF_CARRIER);
                if (col == CF_LWIP && board_log != NULL)
                    r.run[col] = cf_board_runs[number]; /* the same port, on the board */
                else
                    cf_run_scenario(&backends[col], sc, families[f], &r.run[col]);
                cf_clear_dir();
            }
            cf_judge(sc, families[f], &r);
            number++;
            ran++;
            failed += r.failed;
            limited += r.limited && !r.failed;
            if (markdown) {
                cf_md_row(number, sc, families[f], &r);
                continue;
            }
            if (r.failed || only != NULL) {
                printf("%s %s (%s): %s\n", r.failed ? "FAIL" : "ok  ", sc->name,
                       cf_family_name(families[f]), sc->situation);
                cf_print_run("kernel", sc, &r.run[CF_KERNEL], true);
                cf_print_run("posix", sc, &r.run[CF_POSIX], false);
                cf_print_run(board_log != NULL ? "board" : "lwip", sc, &r.run[CF_LWIP], false);
                for (int col = CF_POSIX; col < CF_COLUMNS; col++) {
                    if (r.verdict[col][0] != '\0')
                        printf("    %s\n", r.verdict[col]);
                }
            }
        }
    }
    if (markdown) {
        printf("\n## What sockport.h lists\n\nThe codes each call may return, as the test reads "
               "them from the `@return` paragraphs of `include/sockport/sockport.h` (with those of "
               "the calls a paragraph refers to, such as \"as sp_send()\"):\n\n");
        cf_print_header_lists("- ");
        printf(
            "\n%d rows: %d agree with the kernel, %d differ as declared (a port's limitation or a "
            "sockport rule), %d failing.\n",
            ran, ran - failed - limited, limited, failed);
        return 0;
    }
    printf("conformance%s: %d rows, %d agree, %d differ as declared, %d failing\n",
           board_log != NULL ? " (lwIP column from the board)" : "", ran, ran - failed - limited,
           limited, failed);
    return failed != 0 ? 1 : 0;
}
