/* <poll.h> for newlib (see <sys/socket.h> here), with Linux's values. */
#ifndef SOCKPORT_NEWLIB_POLL_H
#define SOCKPORT_NEWLIB_POLL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned long nfds_t;

struct pollfd {
    int fd;        /* negative: ignored */
    short events;  /* asked */
    short revents; /* answered */
};

#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200

int poll(struct pollfd *fds, nfds_t nfds, int timeout);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_NEWLIB_POLL_H */
