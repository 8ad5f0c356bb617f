/*
 * The suite's main(): runs every group on the fixture's port and prints one
 * summary line. CMocka 1.1.5 only returns the failure count of a group, so
 * the suite counts cases itself: set-up starts a case, the SP_CASE wrapper
 * marks a body that ran to its end, SP_SKIP marks a skip, tear-down decides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

#ifdef SP_SUITE_TLS
#include <sockport/tls.h>
/* The TLS suite's summary names its backend: each port runs it with each. */
#define SP_SUITE_VARIANT " tls with "
#define SP_SUITE_VARIANT_NAME sp_tls_backend_name()
#else
#define SP_SUITE_VARIANT ""
#define SP_SUITE_VARIANT_NAME ""
#endif

static struct {
    unsigned ran;
    unsigned passed;
    unsigned failed;
    unsigned skipped;
} s_count;

static int s_case_completed;
static int s_case_skipped;

void sp_suite_case_completed(void)
{
    s_case_completed = 1;
}

void sp_suite_mark_skipped(const char *reason)
{
    s_case_skipped = 1;
    print_message("SKIP reason: %s\n", reason);
}

const char *sp_suite_group_name(const char *group)
{
    static char name[64];
    snprintf(name, sizeof name, "%s/%s", sp_test_fixture.port_name, group);
    return name;
}

int sp_suite_setup(void **state)
{
    s_case_completed = 0;
    s_case_skipped = 0;
    sp_stack *stack = sp_test_fixture.setup();
    if (stack == NULL) {
        /* CMocka runs no tear-down after a failed set-up: count it here. */
        s_count.ran++;
        s_count.failed++;
        print_error("fixture %s: setup() failed\n", sp_test_fixture.port_name);
        return -1;
    }
    sp_set_default_stack(stack); /* the fixture's promise, made sure of */
    *state = stack;
    return 0;
}

int sp_suite_teardown(void **state)
{
    int leaked = sp_test_fixture.teardown((sp_stack *)*state);
    s_count.ran++;
    if (s_case_skipped) {
        s_count.skipped++;
        return 0;
    }
    if (!s_case_completed) {
        /* The body failed; what it left open is expected, not a second error. */
        s_count.failed++;
        return 0;
    }
    if (leaked != 0) {
        s_count.failed++;
        print_error("the case left %d socket(s) open (or teardown failed: %d)\n", leaked, leaked);
        return -1;
    }
    s_count.passed++;
    return 0;
}

int main(void)
{
    int cmocka_failures = 0;
    /* Run a subset while debugging, with CMocka's globs:
     * SP_SUITE_FILTER="stream_*" runs only those, SP_SUITE_SKIP="rdm_*" all but those. */
    const char *filter = getenv("SP_SUITE_FILTER");
    if (filter != NULL && filter[0] != '\0') {
        cmocka_set_test_filter(filter);
    }
    const char *skip_filter = getenv("SP_SUITE_SKIP");
    if (skip_filter != NULL && skip_filter[0] != '\0') {
        cmocka_set_skip_filter(skip_filter);
    }

#define SP_SUITE_RUN_GROUP(name) cmocka_failures += sp_suite_group_##name();
    SP_SUITE_GROUPS(SP_SUITE_RUN_GROUP)
#undef SP_SUITE_RUN_GROUP

    print_message("sockport-suite %s" SP_SUITE_VARIANT
                  "%s: %u ran, %u passed, %u failed, %u skipped\n",
                  sp_test_fixture.port_name, SP_SUITE_VARIANT_NAME, s_count.ran, s_count.passed,
                  s_count.failed, s_count.skipped);
    /* Both counts must agree that nothing failed: a disagreement is itself a bug. */
    return (s_count.failed != 0 || cmocka_failures != 0 ||
            s_count.ran != s_count.passed + s_count.failed + s_count.skipped)
               ? 1
               : 0;
}
