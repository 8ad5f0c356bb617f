/*
 * Test-only: the part of the BSD kqueue interface that sockport's POSIX port
 * uses, as FreeBSD's kqueue(2) manual page describes it, emulated on Linux
 * (kqueue_emu.c) so that the port's kqueue backend is compiled and run by the
 * shared suite here. Written for sockport; not a copy of any BSD header. The
 * constants have FreeBSD's values, the structure FreeBSD's layout before 12
 * (intptr_t data, no ext[]), which is also the layout of macOS's struct kevent.
 *
 * An emulation shows that the backend follows kqueue's documented semantics;
 * it is not a BSD kernel. docs/porting.md says what differs.
 */
#ifndef SOCKPORT_TEST_KQUEUE_EMU_SYS_EVENT_H
#define SOCKPORT_TEST_KQUEUE_EMU_SYS_EVENT_H

#include <stdint.h>
#include <time.h>

struct kevent {
    uintptr_t ident;      /* the descriptor */
    short filter;         /* EVFILT_* */
    unsigned short flags; /* EV_* (actions in, EV_EOF/EV_ERROR out) */
    unsigned int fflags;  /* filter flags in (NOTE_*), the socket error with EV_EOF out */
    intptr_t data;        /* filter data in (a low-water mark), bytes ready or an errno out */
    void *udata;          /* the caller's, returned with every event */
};

#define EVFILT_READ (-1)
#define EVFILT_WRITE (-2)

/* Actions */
#define EV_ADD 0x0001
#define EV_DELETE 0x0002
#define EV_ENABLE 0x0004
#define EV_DISABLE 0x0008
/* Flags */
#define EV_ONESHOT 0x0010
#define EV_CLEAR 0x0020
#define EV_RECEIPT 0x0040
#define EV_DISPATCH 0x0080
/* Returned */
#define EV_ERROR 0x4000
#define EV_EOF 0x8000

/* fflags of EVFILT_READ / EVFILT_WRITE: data holds a low-water mark. */
#define NOTE_LOWAT 0x0001

#define EV_SET(kevp, a, b, c, d, e, f)                                                             \
    do {                                                                                           \
        struct kevent *ev_set_p_ = (kevp);                                                         \
        ev_set_p_->ident = (a);                                                                    \
        ev_set_p_->filter = (b);                                                                   \
        ev_set_p_->flags = (c);                                                                    \
        ev_set_p_->fflags = (d);                                                                   \
        ev_set_p_->data = (e);                                                                     \
        ev_set_p_->udata = (f);                                                                    \
    } while (0)

int kqueue(void);
int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
           int nevents, const struct timespec *timeout);

#endif /* SOCKPORT_TEST_KQUEUE_EMU_SYS_EVENT_H */
