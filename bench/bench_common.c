#define _POSIX_C_SOURCE 200809L
#include "bench_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *bench_name = "bench";

double bench_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_init(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    bench_name = slash != NULL ? slash + 1 : argv0;
}

_Noreturn void bench_die(const char *what, long rc)
{
    fprintf(stderr, "%s: %s failed: %ld\n", bench_name, what, rc);
    exit(1);
}

static double timed(const struct bench_variant *v, long count)
{
    double start = bench_seconds();
    v->run(count);
    return bench_seconds() - start;
}

static void usage(const struct bench_program *p)
{
    fprintf(stderr, "usage: %s ", bench_name);
    for (size_t i = 0; i < p->count; i++)
        fprintf(stderr, "%s|", p->variants[i].name);
    fprintf(stderr, "all <count>\n");
}

int bench_main(int argc, char **argv, const struct bench_program *p)
{
    bench_init(argv[0]);
    if (argc != 3) {
        usage(p);
        return 2;
    }
    long count = atol(argv[2]);
    if (strcmp(argv[1], "all") == 0) {
        for (size_t pair = 0; pair < p->pairs; pair++) {
            const struct bench_variant *v = &p->variants[2 * pair];
            long n = p->all_count(pair, count);
            double best[2] = {1e9, 1e9};
            for (int round = 0; round < 5; round++)
                for (int k = 0; k < 2; k++) {
                    double t = timed(&v[k], n);
                    if (t < best[k])
                        best[k] = t;
                }
            printf("%-8s %.4f s  %-8s %.4f s  sockport/%s time ratio %.3f\n", v[0].name, best[0],
                   v[1].name, best[1], p->baseline, best[0] / best[1]);
        }
        return 0;
    }
    for (size_t i = 0; i < p->count; i++) {
        if (strcmp(argv[1], p->variants[i].name) == 0) {
            double t = timed(&p->variants[i], count);
            printf("%s: %ld %s in %.4f s\n", p->variants[i].name, count, p->variants[i].unit, t);
            return 0;
        }
    }
    fprintf(stderr, "%s: unknown variant %s\n", bench_name, argv[1]);
    usage(p);
    return 2;
}
