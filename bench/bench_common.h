/*
 * What the bench programs share: a clock, failing loudly, and the command
 * line "<variant> <count>", where "all" alternates each sockport variant with
 * its baseline five times and keeps each one's best, so that a burst of noise
 * from elsewhere hits both sides alike, and "pairs <rounds>", the paired
 * comparison bench/README.md describes (many short samples, each sockport
 * sample next to a baseline one, the median of their ratios). A count of 0
 * runs only a variant's set-up: bench/run.sh subtracts that callgrind run
 * from a full one.
 */
#ifndef SOCKPORT_BENCH_COMMON_H
#define SOCKPORT_BENCH_COMMON_H

#include <stddef.h>

/** Seconds on the monotonic clock. */
double bench_seconds(void);

/** Name the program in bench_die()'s messages (bench_main() does it). */
void bench_init(const char *argv0);

/** Print "<program>: <what> failed: <rc>" and exit with status 1. */
_Noreturn void bench_die(const char *what, long rc);

/** One way of doing the work, @p count times (in @p unit). */
struct bench_variant {
    const char *name;
    const char *unit;
    void (*run)(long count);
};

/** Work on sockets opened once and used for many timed samples (the
 *  "pairs" command): open, run any number of times, close. */
struct bench_session {
    const char *name;
    void (*open)(int socks[3]);
    void (*run)(const int socks[3], long count);
    void (*close)(const int socks[3]);
};

/** Open @p s, run it @p count times, close it: a variant's whole run. */
void bench_session_once(const struct bench_session *s, long count);

/** One comparison of the "pairs" command: @p a over @p b, each sample
 *  @p count of the work; @p a == @p b measures the method's own noise. */
struct bench_comparison {
    const char *name;
    const struct bench_session *a;
    const struct bench_session *b;
    long count;
};

/** A program's variants: the first 2 * @c pairs are pairs of a sockport
 *  variant and its baseline, which "all" runs side by side. */
struct bench_program {
    const char *baseline; /**< what the ratio is over: "bsd", "raw" */
    const struct bench_variant *variants;
    size_t count;
    size_t pairs;
    /** The count each pair runs with under "all", from the one given. */
    long (*all_count)(size_t pair, long count);
    /** What "pairs <rounds>" compares (none: the command is refused). */
    const struct bench_comparison *comparisons;
    size_t comparison_count;
};

/** Run the variant argv[1] (or "all") argv[2] times; returns main()'s status. */
int bench_main(int argc, char **argv, const struct bench_program *program);

#endif
