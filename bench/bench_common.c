#define _GNU_SOURCE /* RUSAGE_THREAD */
#include "bench_common.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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

void bench_session_once(const struct bench_session *s, long count)
{
    int socks[3];
    s->open(socks);
    s->run(socks, count);
    s->close(socks);
}

/* Involuntary context switches of this thread so far: another thread had
 * the CPU in between. */
static long preemptions(void)
{
    struct rusage use;
    return getrusage(RUSAGE_THREAD, &use) == 0 ? use.ru_nivcsw : 0;
}

/* One timed sample of @p s; *@p preempted is set if another thread had the
 * CPU during it. */
static double session_timed(const struct bench_session *s, const int socks[3], long count,
                            bool *preempted)
{
    long before = preemptions();
    double start = bench_seconds();
    s->run(socks, count);
    double seconds = bench_seconds() - start;
    if (preemptions() != before)
        *preempted = true;
    return seconds;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The @p q quantile of sorted @p v, between neighbours as R's default does. */
static double quantile(const double *v, size_t n, double q)
{
    double at = q * (double)(n - 1);
    size_t i = (size_t)at;
    return i + 1 < n ? v[i] + (at - (double)i) * (v[i + 1] - v[i]) : v[n - 1];
}

/*
 * The distribution-free 95 % interval of a median from @p n sorted values
 * (the sign test's, with the normal approximation to its binomial, fine
 * from about 30 values, the least it is asked for): ranks
 * n/2 -+ 1.96 sqrt(n)/2.
 */
static void median_interval(const double *v, size_t n, double *lo, double *hi)
{
    double half = 0.98 * sqrt((double)n);
    double low_rank = floor((double)n / 2 - half), high_rank = ceil((double)n / 2 + 1 + half);
    *lo = v[low_rank < 1 ? 0 : (size_t)low_rank - 1];
    *hi = v[high_rank > (double)n ? n - 1 : (size_t)high_rank - 1];
}

/* One line of the "pairs" report: the spread of @p n ratios (sorted here). */
static void report_ratios(const struct bench_comparison *cmp, const char *which, double *v,
                          size_t n)
{
    if (n == 0) {
        printf("%-16s %-5s %5zu pairs\n", cmp->name, which, n);
        return;
    }
    qsort(v, n, sizeof *v, by_value);
    printf("%-16s %-5s %5zu pairs: median %.4f IQR %.4f %.4f", cmp->name, which, n,
           quantile(v, n, 0.5), quantile(v, n, 0.25), quantile(v, n, 0.75));
    double lo, hi;
    if (n >= 30) {
        median_interval(v, n, &lo, &hi);
        printf(" CI95 %.4f %.4f\n", lo, hi);
    } else {
        printf(" CI95 n/a n/a (fewer than 30 pairs)\n");
    }
}

/*
 * The paired comparison: @p rounds rounds in which each comparison opens
 * its a and its b afresh (untimed), times one sample of each right after
 * each other (a first in even rounds, b in odd ones, so that neither side
 * always follows the other), keeps their ratio and closes both. Fresh
 * sockets each round, because a TCP connection keeps state that changes
 * its speed for good (two BSD connections kept for a whole run differed
 * by 4 % in one run); over many rounds that evens out like other noise.
 * Noise from elsewhere that lasts longer than a sample hits both of a pair
 * alike; a burst inside one sample spoils that pair only, which the median
 * leaves out. A pair in which this thread lost the CPU (an involuntary
 * context switch) is kept apart as well: "quiet" pairs are those without.
 */
static int run_pairs(const struct bench_program *p, long rounds)
{
    size_t n = p->comparison_count;
    if (n == 0 || rounds < 30 || rounds > 1000000) {
        fprintf(stderr, "%s: pairs needs 30 to 1000000 rounds and a program with comparisons\n",
                bench_name);
        return 2;
    }
    size_t m = (size_t)rounds;
    int socks[2][3];
    double *ratios = calloc(2 * n * m, sizeof *ratios); /* all pairs, then quiet ones */
    double *times = calloc(2 * n * m, sizeof *times);
    size_t *quiet = calloc(n, sizeof *quiet);
    if (ratios == NULL || times == NULL || quiet == NULL)
        bench_die("calloc", 0);
    for (size_t r = 0; r < m; r++) {
        for (size_t c = 0; c < n; c++) {
            const struct bench_comparison *cmp = &p->comparisons[c];
            const struct bench_session *side[2] = {cmp->a, cmp->b};
            double t[2];
            bool preempted = false;
            cmp->a->open(socks[0]);
            cmp->b->open(socks[1]);
            for (int k = 0; k < 2; k++) {
                int s = k ^ (int)(r & 1);
                t[s] = session_timed(side[s], socks[s], cmp->count, &preempted);
            }
            cmp->a->close(socks[0]);
            cmp->b->close(socks[1]);
            ratios[2 * c * m + r] = t[0] / t[1];
            if (!preempted)
                ratios[(2 * c + 1) * m + quiet[c]++] = t[0] / t[1];
            times[2 * c * m + r] = t[0];
            times[(2 * c + 1) * m + r] = t[1];
        }
    }
    for (size_t c = 0; c < n; c++) {
        const struct bench_comparison *cmp = &p->comparisons[c];
        double *ta = &times[2 * c * m], *tb = &times[(2 * c + 1) * m];
        qsort(ta, m, sizeof *ta, by_value);
        qsort(tb, m, sizeof *tb, by_value);
        printf("%-16s %s/%s, %ld per sample, median sample %.3f ms / %.3f ms\n", cmp->name,
               cmp->a->name, cmp->b->name, cmp->count, 1e3 * quantile(ta, m, 0.5),
               1e3 * quantile(tb, m, 0.5));
        report_ratios(cmp, "all", &ratios[2 * c * m], m);
        report_ratios(cmp, "quiet", &ratios[(2 * c + 1) * m], quiet[c]);
    }
    free(ratios);
    free(times);
    free(quiet);
    return 0;
}

static void usage(const struct bench_program *p)
{
    fprintf(stderr, "usage: %s ", bench_name);
    for (size_t i = 0; i < p->count; i++)
        fprintf(stderr, "%s|", p->variants[i].name);
    fprintf(stderr, "all <count>%s\n", p->comparison_count > 0 ? "\n   or: pairs <rounds>" : "");
}

int bench_main(int argc, char **argv, const struct bench_program *p)
{
    bench_init(argv[0]);
    if (argc != 3) {
        usage(p);
        return 2;
    }
    long count = atol(argv[2]);
    if (strcmp(argv[1], "pairs") == 0)
        return run_pairs(p, count);
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
