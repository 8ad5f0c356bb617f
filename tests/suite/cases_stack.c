/* Stack-level calls: the default stack, names, clock, pump, close_all. */
#include <string.h>

#include "suite.h"

SP_CASE(stack_setup_made_it_default)
{
    assert_non_null(stack);
    assert_ptr_equal(sp_default_stack(), stack);
    const char *name = sp_stack_name(stack);
    assert_non_null(name);
    assert_true(strlen(name) > 0);
    assert_string_not_equal(name, "(none)");
    assert_string_equal(sp_stack_name(NULL), "(none)");
}

SP_CASE(stack_clock_is_monotonic)
{
    int64_t previous = sp_stack_now_ms(stack);
    for (int i = 0; i < 100; i++) {
        SP_ASSERT_RC(sp_stack_pump(stack, 0), 0);
        int64_t now = sp_stack_now_ms(stack);
        assert_true(now >= previous);
        previous = now;
    }
    assert_int_equal(sp_stack_now_ms(NULL), 0);
}

SP_CASE(stack_pump_checks_arguments)
{
    SP_ASSERT_RC(sp_stack_pump(NULL, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_stack_pump(stack, -2), SP_EINVAL);
    SP_ASSERT_RC(sp_stack_pump(stack, 1), 0);
}

SP_CASE(stack_socket_on_explicit_stack)
{
    int sock = (int)SP_ASSERT_OK(sp_socket_on(stack, SP_AF_INET, SP_SOCK_DGRAM, 0));
    assert_ptr_equal(sp_socket_stack(sock), stack);
    SP_ASSERT_RC(sp_socket_on(NULL, SP_AF_INET, SP_SOCK_DGRAM, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_close(sock), 0);
    assert_null(sp_socket_stack(sock));
    assert_null(sp_socket_stack(-1));
}

SP_CASE(stack_close_all_closes_every_socket)
{
    int socks[3];
    socks[0] = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    socks[1] = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_addr bound;
    socks[2] = sp_t_listener(SP_AF_INET, SP_SOCK_STREAM, 1, &bound);
    SP_ASSERT_RC(sp_close_all(stack), 3);
    for (int i = 0; i < 3; i++) {
        SP_ASSERT_RC(sp_close(socks[i]), SP_EBADF);
    }
    SP_ASSERT_RC(sp_close_all(stack), 0);
    SP_ASSERT_RC(sp_close_all(NULL), SP_EINVAL);
}

int sp_suite_group_stack(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(stack_setup_made_it_default),
        SP_TEST(stack_clock_is_monotonic),
        SP_TEST(stack_pump_checks_arguments),
        SP_TEST(stack_socket_on_explicit_stack),
        SP_TEST(stack_close_all_closes_every_socket),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("stack"), tests, NULL, NULL);
}
