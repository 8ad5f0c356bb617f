/*
 * Descriptors on a hosted system: each socket holds a real kernel descriptor
 * (an open /dev/null) and uses its number, so a socket's number can never be
 * the number of a file, pipe or terminal the C library opens, and the lowest
 * free number is taken as POSIX requires. Numbers stay below FD_SETSIZE so
 * that select() can carry every socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "bsd_internal.h"

/* handle + 1 of each descriptor that is a socket; 0: not a socket. */
static int s_handle_plus_one[FD_SETSIZE];

int spb_fd_open(int handle)
{
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return -1; /* errno: EMFILE, ENFILE ... as open() said */
    }
    if (fd >= FD_SETSIZE) {
        close(fd);
        errno = EMFILE;
        return -1;
    }
    s_handle_plus_one[fd] = handle + 1;
    return fd;
}

int spb_fd_handle(int fd)
{
    return fd >= 0 && fd < FD_SETSIZE ? s_handle_plus_one[fd] - 1 : -1;
}

void spb_fd_release(int fd)
{
    s_handle_plus_one[fd] = 0;
    close(fd);
}
