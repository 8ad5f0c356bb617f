/*
 * Test-only: kqueue(2) emulated over poll(2) on Linux, so that the POSIX
 * port's kqueue backend (written for the BSDs and macOS) is compiled and run
 * by the shared suite on a host that has no kqueue. It follows FreeBSD's
 * kqueue(2) manual page for what the backend uses:
 *
 * - One knote per (descriptor, filter), each with its own udata and enabled
 *   state. EV_ADD adds one or changes the parameters of an existing one (never
 *   an error for "already there"); EV_DELETE, EV_ENABLE, EV_DISABLE of a
 *   missing one fail with ENOENT; any change on a number that is no open
 *   descriptor fails with EBADF; another filter with EINVAL. Closing a
 *   descriptor removes its knotes.
 * - Changelist errors: with room in the eventlist, a change that fails comes
 *   back as an EV_ERROR entry with data = errno and the other changes still
 *   apply; without room, kevent() fails with that errno. EV_RECEIPT returns
 *   every change that way (data 0 when it took) and drains no events. A call
 *   that returned such entries does not wait.
 * - One event per ready (descriptor, filter). EVFILT_READ: data = bytes to
 *   read (a listener: at least one connection), EV_EOF once the peer or the
 *   writer has closed (data still counts what is left), fflags non-zero when
 *   an error is pending. EVFILT_WRITE: data = room, EV_EOF once nothing more
 *   can be written. NOTE_LOWAT holds on sockets only (FreeBSD's pipes ignore
 *   it): a socket's read filter whose mark is not met fires only for the end
 *   of input or an error.
 * - Level-triggered by default; EV_CLEAR reports a change only; EV_ONESHOT
 *   deletes and EV_DISPATCH disables a knote once it is reported. With more
 *   events ready than room, the next call starts after the last one returned,
 *   as the kernel puts a reported knote at the end of its queue.
 *
 * What an emulation cannot do: Linux's SO_ERROR clears the error it reads,
 * so fflags is EIO rather than the socket's own error; a listener's queue
 * length is not known (data 1); a knote poll() would wake for but that must
 * stay quiet (EV_CLEAR with nothing new, a low-water mark not met) is looked
 * at again every 10 ms instead of being woken. It is no BSD kernel: it checks
 * that the backend keeps to kqueue's documented contract, nothing more.
 */
#define _GNU_SOURCE
#include <sys/event.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/sockios.h>

/* How often a knote that must stay quiet while poll() says ready is looked
 * at again. */
#define KQ_RECHECK_MS 10
#define KQ_MAX_QUEUES 64
#define KQ_FLAG_BEHAVIOUR (EV_CLEAR | EV_ONESHOT | EV_DISPATCH)

struct knote {
    uintptr_t ident;
    short filter;
    unsigned short behaviour; /* EV_CLEAR, EV_ONESHOT, EV_DISPATCH */
    bool enabled;
    unsigned int sfflags; /* as given: NOTE_LOWAT */
    intptr_t sdata;       /* as given: the low-water mark */
    void *udata;
    dev_t dev; /* of the file at EV_ADD: a reused number is another file */
    ino_t ino;
    bool reported; /* EV_CLEAR: what was last returned, to report changes only */
    intptr_t reported_data;
    unsigned short reported_flags;
    bool quiet; /* poll() said ready, but nothing was to be reported */
};

struct kq {
    bool in_use;
    int fd;
    dev_t dev;
    ino_t ino;
    struct knote *notes;
    size_t count;
    size_t room;
    size_t cursor; /* where the next scan starts: after the last reported */
};

static struct kq queues[KQ_MAX_QUEUES];

static bool same_file(int fd, dev_t dev, ino_t ino)
{
    struct stat st;
    return fstat(fd, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

static void kq_reset(struct kq *q)
{
    free(q->notes);
    memset(q, 0, sizeof *q);
}

int kqueue(void)
{
    /* A descriptor of its own, so that close() ends the queue as on a BSD. */
    int fd = eventfd(0, EFD_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    struct kq *free_slot = NULL;
    for (size_t i = 0; i < KQ_MAX_QUEUES; i++) {
        struct kq *q = &queues[i];
        if (q->in_use && (q->fd == fd || !same_file(q->fd, q->dev, q->ino)))
            kq_reset(q); /* closed since: its number may be this one */
        if (!q->in_use && free_slot == NULL)
            free_slot = q;
    }
    if (free_slot == NULL) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    *free_slot = (struct kq){.in_use = true, .fd = fd, .dev = st.st_dev, .ino = st.st_ino};
    return fd;
}

static struct kq *kq_find(int fd)
{
    for (size_t i = 0; i < KQ_MAX_QUEUES; i++) {
        struct kq *q = &queues[i];
        if (q->in_use && q->fd == fd) {
            if (same_file(fd, q->dev, q->ino))
                return q;
            kq_reset(q);
            return NULL;
        }
    }
    return NULL;
}

static void knote_drop(struct kq *q, size_t index)
{
    memmove(&q->notes[index], &q->notes[index + 1], (q->count - index - 1) * sizeof q->notes[0]);
    q->count--;
    if (q->cursor > index)
        q->cursor--;
}

/* The knote of (ident, filter), or NULL; one whose descriptor was closed
 * since has gone, as close() takes a descriptor's knotes with it. */
static struct knote *knote_find(struct kq *q, uintptr_t ident, short filter, size_t *index)
{
    for (size_t i = 0; i < q->count; i++) {
        struct knote *kn = &q->notes[i];
        if (kn->ident != ident || kn->filter != filter)
            continue;
        if (!same_file((int)ident, kn->dev, kn->ino)) {
            knote_drop(q, i);
            return NULL;
        }
        *index = i;
        return kn;
    }
    return NULL;
}

/* One change of the changelist; 0 or the errno kqueue(2) gives. */
static int kq_apply(struct kq *q, const struct kevent *change)
{
    if (change->filter != EVFILT_READ && change->filter != EVFILT_WRITE)
        return EINVAL;
    /* Descriptor filters look the descriptor up first, whatever the action. */
    struct stat st;
    if (change->ident > INT_MAX || fstat((int)change->ident, &st) < 0)
        return EBADF;
    size_t index = 0;
    struct knote *kn = knote_find(q, change->ident, change->filter, &index);
    if (kn == NULL) {
        if (!(change->flags & EV_ADD))
            return ENOENT;
        if (q->count == q->room) {
            size_t room = q->room == 0 ? 16 : q->room * 2;
            struct knote *grown = realloc(q->notes, room * sizeof *grown);
            if (grown == NULL)
                return ENOMEM;
            q->notes = grown;
            q->room = room;
        }
        index = q->count++;
        kn = &q->notes[index];
        *kn = (struct knote){.ident = change->ident,
                             .filter = change->filter,
                             .enabled = true,
                             .dev = st.st_dev,
                             .ino = st.st_ino};
    }
    if (change->flags & EV_ADD) {
        kn->behaviour = change->flags & KQ_FLAG_BEHAVIOUR;
        kn->sfflags = change->fflags;
        kn->sdata = change->data;
        kn->udata = change->udata;
    }
    if (change->flags & EV_DELETE) {
        knote_drop(q, index);
        return 0;
    }
    if (change->flags & EV_DISABLE)
        kn->enabled = false;
    if (change->flags & EV_ENABLE)
        kn->enabled = true;
    return 0;
}

static bool is_socket(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

static bool is_listener(int fd)
{
    int listening = 0;
    socklen_t len = sizeof listening;
    return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening;
}

/* The socket's low-water mark, if the knote sets one that applies. */
static intptr_t knote_lowat(const struct knote *kn)
{
    if ((kn->sfflags & NOTE_LOWAT) && kn->sdata > 1 && is_socket((int)kn->ident))
        return kn->sdata;
    return 1;
}

static short knote_poll_events(const struct knote *kn)
{
    if (kn->filter == EVFILT_WRITE)
        return POLLOUT;
    /* End of input and errors wake it whatever the mark (POLLERR and POLLHUP
     * need not be asked). */
    return knote_lowat(kn) > 1 ? POLLRDHUP : (short)(POLLIN | POLLRDHUP);
}

/* What the kernel's filter would say of @p kn, given poll()'s @p revents for
 * its descriptor: true and @p out filled when it fires. */
static bool knote_event(const struct knote *kn, short revents, struct kevent *out)
{
    int fd = (int)kn->ident;
    unsigned short flags = 0;
    unsigned int fflags = 0;
    intptr_t data = 0;
    bool fires;
    if (kn->filter == EVFILT_READ) {
        bool eof = (revents & (POLLRDHUP | POLLHUP)) != 0;
        if (is_socket(fd) && is_listener(fd)) {
            data = (revents & POLLIN) ? 1 : 0;
        } else {
            int avail = 0;
            if (ioctl(fd, FIONREAD, &avail) == 0 && avail > 0)
                data = avail;
        }
        if (eof) {
            flags |= EV_EOF;
            fflags = (revents & POLLERR) ? EIO : 0;
        }
        /* An empty datagram is input too: poll() says so, the count cannot. */
        bool input = data > 0 || ((revents & POLLIN) && !eof);
        fires = eof || (revents & POLLERR) || (input && data + (data == 0) >= knote_lowat(kn));
    } else {
        if (revents & (POLLHUP | POLLERR)) {
            /* A connection reset or gone, or a pipe whose reader left. */
            flags |= EV_EOF;
            fflags = (revents & POLLERR) ? EIO : 0;
        }
        if (revents & POLLOUT) {
            int size = 0;
            int queued = 0;
            socklen_t len = sizeof size;
            if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, &len) == 0 &&
                ioctl(fd, SIOCOUTQ, &queued) == 0 && size > queued)
                data = size - queued;
            else
                data = PIPE_BUF; /* not a socket: at least an atomic write fits */
        }
        fires = (revents & POLLOUT) || (flags & EV_EOF);
    }
    if (!fires)
        return false;
    *out = (struct kevent){kn->ident, kn->filter, flags, fflags, data, kn->udata};
    return true;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for and stores up to @p max events; -1 with errno on failure. */
static int kq_scan(struct kq *q, struct kevent *out, int max, const struct timespec *timeout)
{
    int64_t deadline = -1;
    if (timeout != NULL)
        deadline =
            now_ms() + (int64_t)timeout->tv_sec * 1000 + (timeout->tv_nsec + 999999) / 1000000;
    for (;;) {
        /* One poll entry per enabled knote (poll takes a descriptor twice). */
        struct pollfd *fds = calloc(q->count + 1, sizeof *fds);
        size_t *owner = calloc(q->count + 1, sizeof *owner);
        if (fds == NULL || owner == NULL) {
            free(fds);
            free(owner);
            errno = ENOMEM;
            return -1;
        }
        nfds_t n = 0;
        bool recheck = false;
        for (size_t i = 0; i < q->count; i++) {
            struct knote *kn = &q->notes[i];
            if (!kn->enabled)
                continue;
            short events = knote_poll_events(kn);
            if (kn->quiet) {
                events &= (short)~(POLLIN | POLLOUT);
                recheck = true;
            }
            fds[n] = (struct pollfd){(int)kn->ident, events, 0};
            owner[n++] = i;
        }
        int wait_ms = -1;
        if (deadline >= 0) {
            int64_t left = deadline - now_ms();
            wait_ms = left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
        }
        if (recheck && (wait_ms < 0 || wait_ms > KQ_RECHECK_MS))
            wait_ms = KQ_RECHECK_MS;
        int rc = poll(fds, n, wait_ms);
        if (rc < 0) {
            int saved = errno;
            free(fds);
            free(owner);
            errno = saved; /* EINTR as kevent() gives it */
            return -1;
        }
        /* Each knote's poll result, by knote index, for the scan in queue order. */
        short *revents = calloc(q->count + 1, sizeof *revents);
        bool *polled = calloc(q->count + 1, sizeof *polled);
        if (revents == NULL || polled == NULL) {
            free(fds);
            free(owner);
            free(revents);
            free(polled);
            errno = ENOMEM;
            return -1;
        }
        for (nfds_t k = 0; k < n; k++) {
            revents[owner[k]] = fds[k].revents;
            polled[owner[k]] = true;
        }
        free(fds);
        free(owner);

        int stored = 0;
        size_t count = q->count;
        size_t start = count == 0 ? 0 : q->cursor % count;
        size_t last = count;
        /* Indices shift when a knote goes (EV_ONESHOT, a closed descriptor):
         * mark them and drop them after the scan. */
        bool *drop = calloc(count + 1, sizeof *drop);
        if (drop == NULL) {
            free(revents);
            free(polled);
            errno = ENOMEM;
            return -1;
        }
        for (size_t step = 0; step < count && stored < max; step++) {
            size_t i = (start + step) % count;
            struct knote *kn = &q->notes[i];
            if (!polled[i])
                continue;
            if ((revents[i] & POLLNVAL) || !same_file((int)kn->ident, kn->dev, kn->ino)) {
                drop[i] = true; /* closed: its knotes went with it */
                continue;
            }
            struct kevent ev;
            if (!knote_event(kn, revents[i], &ev)) {
                kn->quiet = false;
                kn->reported = false;
                continue;
            }
            if ((kn->behaviour & EV_CLEAR) && kn->reported && kn->reported_data == ev.data &&
                kn->reported_flags == ev.flags) {
                kn->quiet = true; /* nothing new since it was last returned */
                continue;
            }
            kn->quiet = false;
            kn->reported = true;
            kn->reported_data = ev.data;
            kn->reported_flags = ev.flags;
            out[stored++] = ev;
            last = i;
            if (kn->behaviour & EV_ONESHOT)
                drop[i] = true;
            else if (kn->behaviour & EV_DISPATCH)
                kn->enabled = false;
        }
        /* A knote poll() woke that stays quiet must not make the next poll
         * return at once; the others are asked in full again. */
        for (size_t i = 0; i < count; i++)
            if (polled[i] && revents[i] == 0)
                q->notes[i].quiet = false;
        if (last < count)
            q->cursor = last + 1;
        for (size_t i = count; i-- > 0;)
            if (drop[i])
                knote_drop(q, i);
        free(drop);
        free(revents);
        free(polled);
        if (stored > 0)
            return stored;
        if (deadline >= 0 && now_ms() >= deadline)
            return 0;
    }
}

int kevent(int kq, const struct kevent *changelist, int nchanges, struct kevent *eventlist,
           int nevents, const struct timespec *timeout)
{
    struct kq *q = kq_find(kq);
    if (q == NULL) {
        errno = EBADF;
        return -1;
    }
    if (nchanges < 0 || nevents < 0 || (nchanges > 0 && changelist == NULL) ||
        (nevents > 0 && eventlist == NULL) ||
        (timeout != NULL &&
         (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L))) {
        errno = EINVAL;
        return -1;
    }
    int stored = 0;
    for (int i = 0; i < nchanges; i++) {
        int error = kq_apply(q, &changelist[i]);
        if (error == 0 && !(changelist[i].flags & EV_RECEIPT))
            continue;
        if (stored == nevents) {
            if (error == 0)
                return stored;
            errno = error;
            return -1;
        }
        struct kevent *entry = &eventlist[stored++];
        *entry = changelist[i];
        entry->flags = EV_ERROR;
        entry->data = error;
    }
    if (stored > 0 || nevents == 0)
        return stored;
    return kq_scan(q, eventlist, nevents, timeout);
}
