/* The POSIX port's extensions of the poller: descriptors of the program's
 * own (a pipe, a timerfd, stdin) beside sockets in one wait, and a socket's native
 * descriptor for another event loop. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/timerfd.h>
#endif

#include <cmocka.h>

#include <sockport/posix.h>
#include <sockport/sockport.h>

/* Wait (bounded) for an event of descriptor @p fd; its revents, or 0. */
static short wait_for_fd(int poller, int fd)
{
    sp_poller_event evs[4];
    for (int round = 0; round < 100; round++) {
        int n = sp_poller_wait(poller, evs, 4, 100);
        assert_true(n >= 0);
        for (int i = 0; i < n; i++)
            if (evs[i].sock == -1 && evs[i].fd == fd)
                return evs[i].revents;
    }
    return 0;
}

static int bound_dgram(sp_addr *addr)
{
    int sock = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    assert_true(sock >= 0);
    assert_int_equal(sp_addr_parse("127.0.0.1:0", addr), 0);
    assert_int_equal(sp_bind(sock, addr), 0);
    assert_int_equal(sp_getsockname(sock, addr), 0);
    return sock;
}

static void pipe_beside_a_socket(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    sp_addr addr;
    int sock = bound_dgram(&addr);
    int poller = sp_poller_open(NULL);
    assert_true(poller >= 0);
    assert_int_equal(sp_poller_add(poller, sock, SP_POLLIN), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, fds[0], SP_POLLIN), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, fds[0], SP_POLLIN), SP_EEXIST);
    sp_poller_event ev;
    assert_int_equal(sp_poller_wait(poller, &ev, 1, 0), 0);

    assert_int_equal(write(fds[1], "p", 1), 1);
    assert_int_equal(wait_for_fd(poller, fds[0]), SP_POLLIN);
    /* The socket's events still come as sockets, the pipe's as descriptors. */
    assert_int_equal(sp_sendto(sock, "s", 1, 0, &addr), 1);
    sp_poller_event evs[4];
    int n = 0;
    for (int round = 0; round < 100 && n < 2; round++)
        n = sp_poller_wait(poller, evs, 4, 100);
    assert_int_equal(n, 2);
    for (int i = 0; i < n; i++) {
        if (evs[i].sock == sock)
            assert_int_equal(evs[i].fd, -1);
        else
            assert_true(evs[i].sock == -1 && evs[i].fd == fds[0]);
        assert_int_equal(evs[i].revents, SP_POLLIN);
    }

    assert_int_equal(sp_posix_poller_modify_fd(poller, fds[0], 0), 0);
    char byte;
    assert_int_equal(sp_recv(sock, &byte, 1, 0), 1);
    assert_int_equal(sp_poller_wait(poller, &ev, 1, 0), 0); /* pipe no longer asked */
    assert_int_equal(sp_posix_poller_remove_fd(poller, fds[0]), 0);
    assert_int_equal(sp_posix_poller_remove_fd(poller, fds[0]), SP_ENOENT);
    assert_int_equal(sp_posix_poller_modify_fd(poller, fds[0], SP_POLLIN), SP_ENOENT);

    /* The writing end's hang-up: the reader sees it, whatever it asked. */
    assert_int_equal(sp_posix_poller_add_fd(poller, fds[0], 0), 0);
    close(fds[1]);
    assert_true(wait_for_fd(poller, fds[0]) & SP_POLLHUP);
    assert_int_equal(sp_posix_poller_remove_fd(poller, fds[0]), 0);
    close(fds[0]);
    assert_int_equal(sp_poller_close(poller), 0);
    assert_int_equal(sp_close(sock), 0);
}

static void timerfd_in_the_poller(void **state)
{
    (void)state;
#if defined(__linux__)
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    assert_true(tfd >= 0);
    int poller = sp_poller_open(NULL);
    assert_true(poller >= 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, tfd, SP_POLLIN), 0);
    struct itimerspec its = {{0, 0}, {0, 20 * 1000000L}};
    assert_int_equal(timerfd_settime(tfd, 0, &its, NULL), 0);
    assert_int_equal(wait_for_fd(poller, tfd), SP_POLLIN);
    assert_int_equal(sp_posix_poller_remove_fd(poller, tfd), 0);
    assert_int_equal(sp_poller_close(poller), 0);
    close(tfd);
#else
    skip();
#endif
}

/* A server's usual set in one wait: a socket, a pipe from another thread and
 * a timer, each reported as what it is. */
static void socket_pipe_and_timerfd_in_one_wait(void **state)
{
    (void)state;
#if defined(__linux__)
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    assert_true(tfd >= 0);
    sp_addr addr;
    int sock = bound_dgram(&addr);
    int poller = sp_poller_open(NULL);
    assert_true(poller >= 0);
    assert_int_equal(sp_poller_add(poller, sock, SP_POLLIN), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, fds[0], SP_POLLIN), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, tfd, SP_POLLIN), 0);
    sp_poller_event evs[4];
    assert_int_equal(sp_poller_wait(poller, evs, 4, 0), 0);

    struct itimerspec its = {{0, 0}, {0, 1000000L}};
    assert_int_equal(timerfd_settime(tfd, 0, &its, NULL), 0);
    assert_int_equal(write(fds[1], "p", 1), 1);
    assert_int_equal(sp_sendto(sock, "s", 1, 0, &addr), 1);
    /* All three stay ready until read: within a bounded time, one wait
     * returns all three (the ready pipe and socket make the earlier waits
     * return at once, so the bound is time, not a count of waits). */
    struct timespec now, until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += 5;
    int n = 0;
    do {
        n = sp_poller_wait(poller, evs, 4, 100);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (n < 3 && (now.tv_sec < until.tv_sec ||
                       (now.tv_sec == until.tv_sec && now.tv_nsec < until.tv_nsec)));
    assert_int_equal(n, 3);
    bool seen_sock = false, seen_pipe = false, seen_timer = false;
    for (int i = 0; i < n; i++) {
        assert_int_equal(evs[i].revents, SP_POLLIN);
        if (evs[i].sock == sock && evs[i].fd == -1)
            seen_sock = true;
        else if (evs[i].sock == -1 && evs[i].fd == fds[0])
            seen_pipe = true;
        else if (evs[i].sock == -1 && evs[i].fd == tfd)
            seen_timer = true;
    }
    assert_true(seen_sock && seen_pipe && seen_timer);

    uint64_t expirations;
    assert_int_equal(read(tfd, &expirations, sizeof expirations), (ssize_t)sizeof expirations);
    char byte;
    assert_int_equal(read(fds[0], &byte, 1), 1);
    assert_int_equal(sp_recv(sock, &byte, 1, 0), 1);
    assert_int_equal(sp_poller_wait(poller, evs, 4, 0), 0);
    assert_int_equal(sp_posix_poller_remove_fd(poller, tfd), 0);
    assert_int_equal(sp_posix_poller_remove_fd(poller, fds[0]), 0);
    assert_int_equal(sp_poller_close(poller), 0);
    assert_int_equal(sp_close(sock), 0);
    close(tfd);
    close(fds[0]);
    close(fds[1]);
#else
    skip();
#endif
}

/* stdin as a program reading commands gets it from a pipe (`cmd | prog`):
 * descriptor 0 is made such a pipe for the test, then given back. */
static void stdin_from_a_pipe_in_the_poller(void **state)
{
    (void)state;
    int saved = dup(STDIN_FILENO); /* -1 if the test runs without stdin */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    if (fds[0] != STDIN_FILENO) { /* without stdin, the pipe took 0 itself */
        assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
        close(fds[0]);
    }
    int poller = sp_poller_open(NULL);
    assert_true(poller >= 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, STDIN_FILENO, SP_POLLIN), 0);
    sp_poller_event ev;
    assert_int_equal(sp_poller_wait(poller, &ev, 1, 0), 0);
    assert_int_equal(write(fds[1], "help\n", 5), 5);
    assert_int_equal(wait_for_fd(poller, STDIN_FILENO), SP_POLLIN);
    assert_int_equal(sp_posix_poller_remove_fd(poller, STDIN_FILENO), 0);
    assert_int_equal(sp_poller_close(poller), 0);
    close(fds[1]);
    if (saved >= 0) {
        assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
        close(saved);
    } else {
        close(STDIN_FILENO);
    }
}

static void add_fd_checks_arguments(void **state)
{
    (void)state;
    int poller = sp_poller_open(NULL);
    assert_true(poller >= 0);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, -1, SP_POLLIN), SP_EBADF);
    assert_int_equal(sp_posix_poller_add_fd(-1, fds[0], SP_POLLIN), SP_EBADF);
    assert_int_equal(sp_posix_poller_add_fd(poller, fds[0], SP_POLLHUP), SP_EINVAL);
    int closed = fds[1];
    close(fds[1]);
    assert_int_equal(sp_posix_poller_add_fd(poller, closed, SP_POLLIN), SP_EBADF);
    close(fds[0]);
    /* A regular file is always ready: the kernel refuses it, so do we. */
    char path[] = "/tmp/sockport-poller-XXXXXX";
    int file = mkstemp(path);
    assert_true(file >= 0);
    unlink(path);
    assert_int_equal(sp_posix_poller_add_fd(poller, file, SP_POLLIN), SP_EINVAL);
    close(file);
    assert_int_equal(sp_poller_close(poller), 0);
    assert_int_equal(sp_posix_poller_add_fd(poller, 0, SP_POLLIN), SP_EBADF);
}

static void native_fd_for_another_loop(void **state)
{
    (void)state;
    sp_addr addr;
    int sock = bound_dgram(&addr);
    int fd = sp_posix_native_fd(sock);
    assert_true(fd >= 0);
    assert_int_equal(sp_sendto(sock, "n", 1, 0, &addr), 1);
    struct pollfd pfd = {fd, POLLIN, 0};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
    assert_true(pfd.revents & POLLIN);
    char byte;
    assert_int_equal(sp_recv(sock, &byte, 1, SP_MSG_DONTWAIT), 1);
    assert_int_equal(sp_close(sock), 0);
    assert_int_equal(sp_posix_native_fd(sock), SP_EBADF);
    assert_int_equal(sp_posix_native_fd(-1), SP_EBADF);
    /* Core's own protocol runs over an RDM socket's descriptor. */
    int rdm = sp_socket(SP_AF_INET, SP_SOCK_RDM, 0);
    assert_true(rdm >= 0);
    assert_int_equal(sp_posix_native_fd(rdm), SP_EOPNOTSUPP);
    assert_int_equal(sp_close(rdm), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipe_beside_a_socket),
        cmocka_unit_test(timerfd_in_the_poller),
        cmocka_unit_test(socket_pipe_and_timerfd_in_one_wait),
        cmocka_unit_test(stdin_from_a_pipe_in_the_poller),
        cmocka_unit_test(add_fd_checks_arguments),
        cmocka_unit_test(native_fd_for_another_loop),
    };
    return cmocka_run_group_tests_name("posix_poller", tests, NULL, NULL);
}
