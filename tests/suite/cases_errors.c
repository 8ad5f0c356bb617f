/* The error table: every code has its documented name and text, and the
 * table itself is sane (negative, distinct, contiguous values). */
#include <limits.h>
#include <string.h>

#include "suite.h"

struct error_row {
    int code;
    const char *name;
    const char *text;
};

static const struct error_row k_rows[] = {
#define SP_T_ERROR_ROW(name, value, text) {SP_E##name, "SP_E" #name, text},
    SP_ERRNO_MAP(SP_T_ERROR_ROW)
#undef SP_T_ERROR_ROW
};
#define ROW_COUNT (sizeof k_rows / sizeof k_rows[0])

SP_CASE(errors_every_code_has_its_name_and_text)
{
    for (size_t i = 0; i < ROW_COUNT; i++) {
        assert_true(k_rows[i].code < 0);
        assert_string_equal(sp_err_name(k_rows[i].code), k_rows[i].name);
        assert_string_equal(sp_strerror(k_rows[i].code), k_rows[i].text);
    }
}

SP_CASE(errors_codes_are_distinct_and_contiguous)
{
    /* Values are stable ABI 1..N: each appears exactly once. */
    for (size_t i = 0; i < ROW_COUNT; i++) {
        int seen = 0;
        for (size_t j = 0; j < ROW_COUNT; j++) {
            if (k_rows[j].code == -(int)(i + 1)) {
                seen++;
            }
        }
        assert_int_equal(seen, 1);
    }
}

SP_CASE(errors_texts_and_names_are_distinct)
{
    for (size_t i = 0; i < ROW_COUNT; i++) {
        assert_true(strlen(sp_strerror(k_rows[i].code)) > 0);
        for (size_t j = i + 1; j < ROW_COUNT; j++) {
            assert_string_not_equal(sp_strerror(k_rows[i].code), sp_strerror(k_rows[j].code));
            assert_string_not_equal(sp_err_name(k_rows[i].code), sp_err_name(k_rows[j].code));
        }
    }
}

SP_CASE(errors_success_and_unknown_values)
{
    static const int success[] = {0, 1, 42, INT_MAX};
    for (size_t i = 0; i < sizeof success / sizeof success[0]; i++) {
        assert_string_equal(sp_strerror(success[i]), "success");
        assert_string_equal(sp_err_name(success[i]), "SP_OK");
    }
    const int unknown[] = {-(int)ROW_COUNT - 1, -1000, INT_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(sp_strerror(unknown[i]), "unknown error");
        assert_string_equal(sp_err_name(unknown[i]), "SP_EUNKNOWN");
    }
}

int sp_suite_group_errors(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(errors_every_code_has_its_name_and_text),
        SP_TEST(errors_codes_are_distinct_and_contiguous),
        SP_TEST(errors_texts_and_names_are_distinct),
        SP_TEST(errors_success_and_unknown_values),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("errors"), tests, NULL, NULL);
}
