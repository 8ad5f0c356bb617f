/**
 * @file
 * @brief What the POSIX port's files share about pollers. Port-private.
 */
#ifndef SOCKPORT_POSIX_POLLER_H
#define SOCKPORT_POSIX_POLLER_H

#include <sockport/port.h>

#if defined(SP_POSIX_FORCE_KQUEUE)
/* tests/kqueue_emu: the kqueue backend over a test-only emulation on Linux. */
#define SP_POSIX_KQUEUE 1
#elif defined(__linux__)
#define SP_POSIX_EPOLL 1
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) || defined(__OpenBSD__) || \
    defined(__DragonFly__)
#define SP_POSIX_KQUEUE 1
#endif
#if defined(SP_POSIX_EPOLL) || defined(SP_POSIX_KQUEUE)
#define SP_POSIX_HAS_POLLER 1
#else
#define SP_POSIX_HAS_POLLER 0
#endif
/* 0 for the backend not chosen, so that #if needs no defined(). */
#ifndef SP_POSIX_EPOLL
#define SP_POSIX_EPOLL 0
#endif
#ifndef SP_POSIX_KQUEUE
#define SP_POSIX_KQUEUE 0
#endif

/** The descriptor of a port socket (posix_port.c). */
int sp_posix_fd_of(sp_port_sock sock);

/** poll()'s (and Linux epoll's) revents as SP_POLL* bits (posix_port.c). */
short sp_posix_revents(short native);

#if SP_POSIX_HAS_POLLER
/* The sp_port_ops poller operations (posix_poller.c), as port.h describes them. */
int sp_posix_poller_open(void *state, sp_port_poller *out);
void sp_posix_poller_close(void *state, sp_port_poller poller);
int sp_posix_poller_ctl(void *state, sp_port_poller poller, int op, sp_port_sock sock, uint32_t key,
                        short events);
int sp_posix_poller_wait(void *state, sp_port_poller poller, sp_poller_event *out, size_t max,
                         int timeout_ms);
#endif

#endif /* SOCKPORT_POSIX_POLLER_H */
