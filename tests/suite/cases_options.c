/* Portable options: defaults, round trips, ranges, read-only and
 * type-specific options, and the native pass-through. */
#include "suite.h"

#include <limits.h>

SP_CASE(options_defaults_of_a_new_socket)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_NONBLOCK), 0);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_RCVTIMEO), SP_FOREVER);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_SNDTIMEO), SP_FOREVER);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_LINGER), -1);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_ERROR), 0);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), SP_SOCK_STREAM);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_FAMILY), SP_AF_INET);
    assert_true(sp_t_getopt(sock, SP_OPT_RCVBUF) > 0);
    assert_true(sp_t_getopt(sock, SP_OPT_SNDBUF) > 0);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Booleans and timeouts read back exactly what was set. */
static void expect_round_trip(int sock, int option, const int *values, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        sp_t_setopt(sock, option, values[i]);
        int got = sp_t_getopt(sock, option);
        if (got != values[i]) {
            print_error("option %d: set %d, read %d\n", option, values[i], got);
        }
        assert_int_equal(got, values[i]);
    }
}

SP_CASE(options_round_trip_on_stream)
{
    static const int booleans[] = {1, 0, 1};
    static const int timeouts[] = {250, 0, 1, 60000, SP_FOREVER};
    static const int lingers[] = {0, -1};
    static const int stream_booleans[] = {SP_OPT_NONBLOCK, SP_OPT_REUSEADDR, SP_OPT_NODELAY,
                                          SP_OPT_KEEPALIVE};
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    for (size_t i = 0; i < sizeof stream_booleans / sizeof stream_booleans[0]; i++) {
        expect_round_trip(sock, stream_booleans[i], booleans, 3);
    }
    expect_round_trip(sock, SP_OPT_RCVTIMEO, timeouts, 5);
    expect_round_trip(sock, SP_OPT_SNDTIMEO, timeouts, 5);
    expect_round_trip(sock, SP_OPT_LINGER, lingers, 2);
    sp_t_setopt(sock, SP_OPT_LINGER, 5); /* ports may treat n > 0 as background */
    int linger = sp_t_getopt(sock, SP_OPT_LINGER);
    assert_true(linger == 5 || linger == -1);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Timeouts up to 32 767 ms read back exactly; longer ones as core keeps
 * them: rounded up to 12 significant bits (at most 1/2048 more, as Linux
 * rounds SO_RCVTIMEO up to its tick), at most 2 146 435 072 ms (sockport.h,
 * SP_OPT_RCVTIMEO). */
SP_CASE(options_long_timeouts_read_back_rounded_up)
{
    static const struct {
        int set;
        int kept;
    } known[] = {
        {32767, 32767},        {32768, 32768},           {32769, 32784},
        {65520, 65520},        {65521, 65536},           {100001, 100032},
        {3600000, 3600384},    {2146435072, 2146435072}, {2146435073, 2146435072},
        {INT_MAX, 2146435072},
    };
    static const int options[] = {SP_OPT_RCVTIMEO, SP_OPT_SNDTIMEO};
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    for (size_t o = 0; o < 2; o++) {
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
            sp_t_setopt(sock, options[o], known[i].set);
            assert_int_equal(sp_t_getopt(sock, options[o]), known[i].kept);
        }
        /* Every value from 1 ms up by steps of about 3 %: never less, at most 1/2048 more. */
        for (long long ms = 1; ms <= 2146435072; ms += ms / 32 + 1) {
            sp_t_setopt(sock, options[o], (int)ms);
            long long kept = sp_t_getopt(sock, options[o]);
            if (kept < ms || kept > ms + ms / 2048) {
                print_error("option %d: set %lld, kept %lld\n", options[o], ms, kept);
            }
            assert_true(kept >= ms && kept <= ms + ms / 2048);
        }
        sp_t_setopt(sock, options[o], SP_FOREVER);
        assert_int_equal(sp_t_getopt(sock, options[o]), SP_FOREVER);
    }
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_round_trip_on_datagram)
{
    static const int booleans[] = {1, 0};
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    expect_round_trip(sock, SP_OPT_BROADCAST, booleans, 2);
    expect_round_trip(sock, SP_OPT_REUSEADDR, booleans, 2);
    expect_round_trip(sock, SP_OPT_NONBLOCK, booleans, 2);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_buffer_sizes_are_accepted)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    sp_t_setopt(sock, SP_OPT_RCVBUF, 8192);
    sp_t_setopt(sock, SP_OPT_SNDBUF, 8192);
    /* The stack may round: only a positive size is portable. */
    assert_true(sp_t_getopt(sock, SP_OPT_RCVBUF) > 0);
    assert_true(sp_t_getopt(sock, SP_OPT_SNDBUF) > 0);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_RCVBUF, -1), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_SNDBUF, -1), SP_EINVAL);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_out_of_range_values_are_einval)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    static const int booleans[] = {SP_OPT_NONBLOCK, SP_OPT_REUSEADDR, SP_OPT_NODELAY,
                                   SP_OPT_KEEPALIVE};
    for (size_t i = 0; i < sizeof booleans / sizeof booleans[0]; i++) {
        SP_ASSERT_RC(sp_setsockopt(sock, booleans[i], 2), SP_EINVAL);
        SP_ASSERT_RC(sp_setsockopt(sock, booleans[i], -1), SP_EINVAL);
    }
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_RCVTIMEO, -2), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_SNDTIMEO, -2), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_LINGER, -2), SP_EINVAL);
    /* The failed sets changed nothing. */
    assert_int_equal(sp_t_getopt(sock, SP_OPT_NONBLOCK), 0);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_RCVTIMEO), SP_FOREVER);
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* Every value of @p values refused with SP_EINVAL by every option of @p options. */
static void expect_refused(int sock, const int *options, size_t n_options, const int *values,
                           size_t n_values)
{
    for (size_t o = 0; o < n_options; o++) {
        for (size_t i = 0; i < n_values; i++) {
            SP_ASSERT_RC(sp_setsockopt(sock, options[o], values[i]), SP_EINVAL);
        }
    }
}

#define SP_T_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Each kind of value at its edges, as Linux checks them before it looks at
 * the socket: a boolean takes 0 and 1 only (not 2, 3 or any odd number), a
 * timeout -1 and up, a size 1 and up, a read-only option nothing; an option
 * that does not apply to the socket still refuses a bad value with
 * SP_EINVAL first. A refused set changes nothing. */
SP_CASE(options_values_at_the_edges_of_each_kind)
{
    static const int booleans[] = {SP_OPT_NONBLOCK, SP_OPT_REUSEADDR, SP_OPT_NODELAY,
                                   SP_OPT_KEEPALIVE, SP_OPT_BROADCAST};
    static const int bad_booleans[] = {2, 3, 5, -1, -2, INT_MAX, INT_MIN, INT_MIN + 1};
    static const int timeouts[] = {SP_OPT_RCVTIMEO, SP_OPT_SNDTIMEO, SP_OPT_LINGER};
    static const int bad_timeouts[] = {-2, -3, INT_MIN, INT_MIN + 1};
    static const int sizes[] = {SP_OPT_RCVBUF, SP_OPT_SNDBUF};
    static const int bad_sizes[] = {0, -1, INT_MIN};
    static const int read_only[] = {SP_OPT_ERROR, SP_OPT_TYPE, SP_OPT_FAMILY};
    static const int any_value[] = {-2, -1, 0, 1, 2, 3, INT_MAX, INT_MIN};
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    expect_refused(sock, booleans, SP_T_COUNT(booleans), bad_booleans, SP_T_COUNT(bad_booleans));
    expect_refused(sock, timeouts, SP_T_COUNT(timeouts), bad_timeouts, SP_T_COUNT(bad_timeouts));
    expect_refused(sock, sizes, SP_T_COUNT(sizes), bad_sizes, SP_T_COUNT(bad_sizes));
    expect_refused(sock, read_only, SP_T_COUNT(read_only), any_value, SP_T_COUNT(any_value));
    assert_int_equal(sp_t_getopt(sock, SP_OPT_NONBLOCK), 0);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_RCVTIMEO), SP_FOREVER);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_SNDTIMEO), SP_FOREVER);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_LINGER), -1);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), SP_SOCK_STREAM);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_FAMILY), SP_AF_INET);
    /* The two timeouts are kept apart. */
    sp_t_setopt(sock, SP_OPT_RCVTIMEO, 2);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_RCVTIMEO), 2);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_SNDTIMEO), SP_FOREVER);
    sp_t_setopt(sock, SP_OPT_SNDTIMEO, 3);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_RCVTIMEO), 2);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_SNDTIMEO), 3);
    SP_ASSERT_RC(sp_close(sock), 0);
    /* Not for this socket, but the value is checked first. */
    int dgram = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_NODELAY, 2), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_NODELAY, 1), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_V6ONLY, 3), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_V6ONLY, 1), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_RDM_TIMEOUT, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_RDM_TIMEOUT, 100), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_RDM_RTO, INT_MIN), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(dgram, SP_OPT_RDM_RTO, 100), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_getsockopt(dgram, SP_OPT_RDM_RTO, NULL), SP_EINVAL);
    SP_ASSERT_RC(sp_close(dgram), 0);
}

SP_CASE(options_read_only_and_unknown_are_einval)
{
    int value = 0;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_ERROR, 0), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_TYPE, SP_SOCK_STREAM), SP_EINVAL);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_FAMILY, SP_AF_INET6), SP_EINVAL);
    static const int unknown[] = {0, 17, 999, -1};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        SP_ASSERT_RC(sp_setsockopt(sock, unknown[i], 1), SP_EINVAL);
        SP_ASSERT_RC(sp_getsockopt(sock, unknown[i], &value), SP_EINVAL);
    }
    assert_int_equal(sp_t_getopt(sock, SP_OPT_TYPE), SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_tcp_only_options_on_datagram_are_enoprotoopt)
{
    int value = 0;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_DGRAM);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_NODELAY, 1), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_getsockopt(sock, SP_OPT_NODELAY, &value), SP_ENOPROTOOPT);
    /* Socket-level options are taken by any socket, as on Linux. */
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_KEEPALIVE, 1), 0);
    assert_int_equal(sp_t_getopt(sock, SP_OPT_KEEPALIVE), 1);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_v6only_needs_an_ipv6_socket)
{
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_setsockopt(sock, SP_OPT_V6ONLY, 1), SP_ENOPROTOOPT);
    SP_ASSERT_RC(sp_close(sock), 0);
    SP_REQUIRE_CAPS(SP_CAP_IPV6, "no IPv6 on this port: V6ONLY round trip not run");
    static const int booleans[] = {1, 0, 1};
    sock = sp_t_socket(SP_AF_INET6, SP_SOCK_STREAM);
    expect_round_trip(sock, SP_OPT_V6ONLY, booleans, 3);
    SP_ASSERT_RC(sp_close(sock), 0);
}

SP_CASE(options_native_pass_through)
{
    int value = 0;
    size_t len = sizeof value;
    int sock = sp_t_socket(SP_AF_INET, SP_SOCK_STREAM);
    if ((sp_t_caps() & SP_CAP_NATIVE_OPTIONS) == 0) {
        SP_ASSERT_RC(sp_close(sock), 0);
        SP_SKIP("the port passes no native option the suite knows of");
    }
    const int level = sp_test_fixture.native_bool_level;
    const int name = sp_test_fixture.native_bool_name;
    for (int want = 1; want >= 0; want--) {
        SP_ASSERT_RC(sp_setsockopt_native(sock, level, name, &want, sizeof want), 0);
        value = -1;
        len = sizeof value;
        SP_ASSERT_RC(sp_getsockopt_native(sock, level, name, &value, &len), 0);
        assert_int_equal(len, sizeof value);
        assert_int_equal(value != 0, want);
    }
    SP_ASSERT_RC(sp_close(sock), 0);
}

/* What one listener option reads as, on the listener and on a connection it accepted. */
struct inherited_option {
    int option;
    int value;
};

/* As Linux's accept (sk_clone_lock() copies the listener's socket): each
 * option set on the listener reads back the same on the accepted socket,
 * buffer sizes as the listener reads them, except SP_OPT_NONBLOCK (Linux's
 * accept() leaves O_NONBLOCK behind). Each value differs from what a new
 * socket reads, so a connection that did not inherit it fails the case. */
static void expect_accepted_inherits(int family)
{
    const struct inherited_option set[] = {
        {SP_OPT_REUSEADDR, 1},   {SP_OPT_NODELAY, 1},
        {SP_OPT_KEEPALIVE, 1},   {SP_OPT_BROADCAST, 1},
        {SP_OPT_RCVTIMEO, 1234}, {SP_OPT_SNDTIMEO, 2345},
        {SP_OPT_LINGER, 0},      {SP_OPT_RCVBUF, 3000},
        {SP_OPT_SNDBUF, 5000},   {SP_OPT_V6ONLY, family == SP_AF_INET6},
    };
    const size_t n = SP_T_COUNT(set) - (family == SP_AF_INET6 ? 0 : 1);
    int fresh = sp_t_socket(family, SP_SOCK_STREAM);
    int listener = sp_t_socket(family, SP_SOCK_STREAM);
    int want[SP_T_COUNT(set)];
    for (size_t i = 0; i < n; i++) {
        sp_t_setopt(listener, set[i].option, set[i].value);
        want[i] = sp_t_getopt(listener, set[i].option);
        if (want[i] == sp_t_getopt(fresh, set[i].option)) {
            print_error("option %d: %d is also a new socket's\n", set[i].option, want[i]);
        }
        assert_int_not_equal(want[i], sp_t_getopt(fresh, set[i].option));
    }
    SP_ASSERT_RC(sp_close(fresh), 0);
    sp_addr addr;
    sp_t_loopback(&addr, family);
    SP_ASSERT_RC(sp_bind(listener, &addr), 0);
    SP_ASSERT_RC(sp_getsockname(listener, &addr), 0);
    SP_ASSERT_RC(sp_listen(listener, 1), 0);
    sp_t_setopt(listener, SP_OPT_NONBLOCK, 1);
    int client = sp_t_socket(family, SP_SOCK_STREAM);
    SP_ASSERT_RC(sp_t_connect_nb(client, &addr, SP_T_SAFETY_MS), 0);
    assert_true(sp_t_wait(listener, SP_POLLIN, SP_T_SAFETY_MS) & SP_POLLIN);
    int accepted = (int)SP_ASSERT_OK(sp_accept(listener, NULL));
    for (size_t i = 0; i < n; i++) {
        int got = sp_t_getopt(accepted, set[i].option);
        if (got != want[i]) {
            print_error("option %d: listener %d, accepted %d\n", set[i].option, want[i], got);
        }
        assert_int_equal(got, want[i]);
    }
    assert_int_equal(sp_t_getopt(accepted, SP_OPT_NONBLOCK), 0);
    SP_ASSERT_RC(sp_close(accepted), 0);
    SP_ASSERT_RC(sp_close(client), 0);
    SP_ASSERT_RC(sp_close(listener), 0);
}

SP_CASE(options_accepted_socket_inherits_the_listeners)
{
    expect_accepted_inherits(SP_AF_INET);
    SP_REQUIRE_CAPS(SP_CAP_IPV6, "no IPv6 on this port: the IPv6 listener not run");
    expect_accepted_inherits(SP_AF_INET6);
}

int sp_suite_group_options(void)
{
    static const struct CMUnitTest tests[] = {
        SP_TEST(options_defaults_of_a_new_socket),
        SP_TEST(options_round_trip_on_stream),
        SP_TEST(options_long_timeouts_read_back_rounded_up),
        SP_TEST(options_round_trip_on_datagram),
        SP_TEST(options_buffer_sizes_are_accepted),
        SP_TEST(options_out_of_range_values_are_einval),
        SP_TEST(options_values_at_the_edges_of_each_kind),
        SP_TEST(options_read_only_and_unknown_are_einval),
        SP_TEST(options_tcp_only_options_on_datagram_are_enoprotoopt),
        SP_TEST(options_v6only_needs_an_ipv6_socket),
        SP_TEST(options_native_pass_through),
        SP_TEST(options_accepted_socket_inherits_the_listeners),
    };
    return cmocka_run_group_tests_name(sp_suite_group_name("options"), tests, NULL, NULL);
}
