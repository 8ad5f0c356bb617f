/*
 * The kqueue emulation against what FreeBSD's kqueue(2) manual page says, so
 * that posix.suite_kqueue_emulated runs the port's kqueue backend against
 * kqueue's contract and not against whatever the emulation happens to do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

static const struct timespec k_now = {0, 0};

/* A connected stream pair of the host's own sockets. */
static void stream_pair(int fds[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
}

static void change(int kq, int fd, short filter, unsigned short flags, unsigned fflags,
                   intptr_t data, void *udata)
{
    struct kevent ev;
    EV_SET(&ev, fd, filter, flags, fflags, data, udata);
    assert_int_equal(kevent(kq, &ev, 1, NULL, 0, NULL), 0);
}

static void changelist_errors(void **state)
{
    (void)state;
    int kq = kqueue();
    assert_true(kq >= 0);
    int fds[2];
    stream_pair(fds);
    struct kevent ch[3];
    struct kevent out[4];

    /* Without room for errors, the call fails with the change's errno. */
    EV_SET(&ch[0], fds[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
    errno = 0;
    assert_int_equal(kevent(kq, ch, 1, NULL, 0, NULL), -1);
    assert_int_equal(errno, ENOENT);
    EV_SET(&ch[0], fds[0], EVFILT_READ, EV_ENABLE, 0, 0, NULL);
    assert_int_equal(kevent(kq, ch, 1, NULL, 0, NULL), -1);
    assert_int_equal(errno, ENOENT);
    EV_SET(&ch[0], 999999, EVFILT_READ, EV_ADD, 0, 0, NULL);
    assert_int_equal(kevent(kq, ch, 1, NULL, 0, NULL), -1);
    assert_int_equal(errno, EBADF);

    /* With room, each failed change is an EV_ERROR entry and the rest apply. */
    EV_SET(&ch[0], fds[0], EVFILT_READ, EV_DELETE, 0, 0, (void *)1);
    EV_SET(&ch[1], fds[0], EVFILT_WRITE, EV_ADD, 0, 0, (void *)2);
    EV_SET(&ch[2], 999999, EVFILT_READ, EV_ADD, 0, 0, (void *)3);
    assert_int_equal(kevent(kq, ch, 3, out, 4, &k_now), 2);
    assert_true(out[0].flags & EV_ERROR);
    assert_int_equal(out[0].data, ENOENT);
    assert_ptr_equal(out[0].udata, (void *)1);
    assert_true(out[1].flags & EV_ERROR);
    assert_int_equal(out[1].data, EBADF);
    /* The write filter was added: a writable socket reports it. */
    assert_int_equal(kevent(kq, NULL, 0, out, 4, &k_now), 1);
    assert_int_equal(out[0].filter, EVFILT_WRITE);
    assert_ptr_equal(out[0].udata, (void *)2);

    /* EV_RECEIPT: every change comes back, data 0 when it took, and no
     * pending event is drained by it. */
    EV_SET(&ch[0], fds[0], EVFILT_READ, EV_ADD | EV_RECEIPT, 0, 0, NULL);
    EV_SET(&ch[1], fds[0], EVFILT_WRITE, EV_DELETE | EV_RECEIPT, 0, 0, NULL);
    assert_int_equal(kevent(kq, ch, 2, out, 4, &k_now), 2);
    assert_true((out[0].flags & EV_ERROR) && out[0].data == 0);
    assert_true((out[1].flags & EV_ERROR) && out[1].data == 0);
    assert_int_equal(kevent(kq, ch, 1, out, 4, &k_now), 1); /* EV_ADD again: no error */
    assert_int_equal(out[0].data, 0);
    close(fds[0]);
    close(fds[1]);
    close(kq);
}

static void eof_with_data_udata_and_one_event_per_filter(void **state)
{
    (void)state;
    int kq = kqueue();
    assert_true(kq >= 0);
    int fds[2];
    stream_pair(fds);
    int marker_r;
    int marker_w;
    change(kq, fds[0], EVFILT_READ, EV_ADD, 0, 0, &marker_r);
    change(kq, fds[0], EVFILT_WRITE, EV_ADD, 0, 0, &marker_w);
    struct kevent out[4];
    assert_int_equal(kevent(kq, NULL, 0, out, 4, &k_now), 1); /* writable only */
    assert_int_equal(out[0].filter, EVFILT_WRITE);
    assert_true(out[0].data > 0);

    assert_int_equal(write(fds[1], "abc", 3), 3);
    assert_int_equal(kevent(kq, NULL, 0, out, 4, &k_now), 2); /* one per filter */
    int r = out[0].filter == EVFILT_READ ? 0 : 1;
    assert_int_equal(out[r].filter, EVFILT_READ);
    assert_int_equal(out[1 - r].filter, EVFILT_WRITE);
    assert_int_equal(out[r].data, 3);
    assert_ptr_equal(out[r].udata, &marker_r);
    assert_ptr_equal(out[1 - r].udata, &marker_w);
    assert_false(out[r].flags & EV_EOF);

    /* The writer leaves: EV_EOF, and data still counts what is unread. */
    assert_int_equal(shutdown(fds[1], SHUT_WR), 0);
    change(kq, fds[0], EVFILT_WRITE, EV_DISABLE, 0, 0, NULL);
    assert_int_equal(kevent(kq, NULL, 0, out, 4, &k_now), 1);
    assert_int_equal(out[0].filter, EVFILT_READ);
    assert_true(out[0].flags & EV_EOF);
    assert_int_equal(out[0].fflags, 0u); /* no error: an orderly end */
    assert_int_equal(out[0].data, 3);
    /* EV_ADD of an existing knote changes its udata. */
    change(kq, fds[0], EVFILT_READ, EV_ADD, 0, 0, &marker_w);
    assert_int_equal(kevent(kq, NULL, 0, out, 4, &k_now), 1);
    assert_ptr_equal(out[0].udata, &marker_w);
    close(fds[0]);
    close(fds[1]);
    close(kq);
}

static void low_water_mark_clear_and_oneshot(void **state)
{
    (void)state;
    int kq = kqueue();
    assert_true(kq >= 0);
    int fds[2];
    stream_pair(fds);
    struct kevent out[2];
    /* A mark no buffer reaches: data does not fire it, the end does. */
    change(kq, fds[0], EVFILT_READ, EV_ADD, NOTE_LOWAT, INTPTR_MAX, NULL);
    assert_int_equal(write(fds[1], "x", 1), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &(struct timespec){0, 20000000}), 0);
    assert_int_equal(shutdown(fds[1], SHUT_WR), 0);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 1);
    assert_true(out[0].flags & EV_EOF);

    /* EV_CLEAR: reported when something changed, not while it stays. */
    int pair[2];
    stream_pair(pair);
    change(kq, fds[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
    change(kq, pair[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, NULL);
    assert_int_equal(write(pair[1], "y", 1), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &(struct timespec){0, 20000000}), 0);
    assert_int_equal(write(pair[1], "z", 1), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 1);
    assert_int_equal(out[0].data, 2);

    /* EV_ONESHOT: reported once, then gone. */
    change(kq, pair[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
    change(kq, pair[0], EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, NULL);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 0);
    struct kevent del;
    EV_SET(&del, pair[0], EVFILT_READ, EV_DELETE, 0, 0, NULL);
    assert_int_equal(kevent(kq, &del, 1, NULL, 0, NULL), -1);
    assert_int_equal(errno, ENOENT);

    /* Closing a descriptor takes its knotes with it. */
    change(kq, pair[0], EVFILT_READ, EV_ADD, 0, 0, NULL);
    close(pair[0]);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 0);
    int again[2];
    stream_pair(again); /* likely the same numbers: a new file, no knote */
    assert_int_equal(write(again[1], "n", 1), 1);
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), 0);
    close(again[0]);
    close(again[1]);
    close(pair[1]);
    close(fds[0]);
    close(fds[1]);
    close(kq);
    /* A closed queue is no queue. */
    assert_int_equal(kevent(kq, NULL, 0, out, 2, &k_now), -1);
    assert_int_equal(errno, EBADF);
}

/* More ready than room: the next call goes on with the others. */
static void out_of_room_goes_round(void **state)
{
    (void)state;
    int kq = kqueue();
    assert_true(kq >= 0);
    int pairs[3][2];
    for (int i = 0; i < 3; i++) {
        stream_pair(pairs[i]);
        change(kq, pairs[i][0], EVFILT_READ, EV_ADD, 0, 0, (void *)(intptr_t)(i + 1));
        assert_int_equal(write(pairs[i][1], "r", 1), 1);
    }
    int seen = 0;
    for (int round = 0; round < 3; round++) {
        struct kevent out;
        assert_int_equal(kevent(kq, NULL, 0, &out, 1, &k_now), 1);
        seen |= 1 << ((intptr_t)out.udata - 1);
    }
    assert_int_equal(seen, 7);
    for (int i = 0; i < 3; i++) {
        close(pairs[i][0]);
        close(pairs[i][1]);
    }
    close(kq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(changelist_errors),
        cmocka_unit_test(eof_with_data_udata_and_one_event_per_filter),
        cmocka_unit_test(low_water_mark_clear_and_oneshot),
        cmocka_unit_test(out_of_room_goes_round),
    };
    return cmocka_run_group_tests_name("kqueue_emu", tests, NULL, NULL);
}
