/*
 * Descriptors on bare metal: a fixed range above the console's 0, 1 and 2
 * (SP_BSD_FD_BASE and up, lowest free first), below the C library's
 * FD_SETSIZE so that select() can carry every socket. The board's newlib
 * system calls own every descriptor below SP_BSD_FD_BASE.
 */
#include <errno.h>

#include "bsd_internal.h"

#ifndef SP_BSD_FD_BASE
#define SP_BSD_FD_BASE 3
#endif

#define SPB_FD_COUNT                                                                               \
    (SP_MAX_SOCKETS < FD_SETSIZE - SP_BSD_FD_BASE ? SP_MAX_SOCKETS : FD_SETSIZE - SP_BSD_FD_BASE)

_Static_assert(SPB_FD_COUNT > 0, "SP_BSD_FD_BASE leaves no descriptor below FD_SETSIZE");

/* handle + 1 of each descriptor SP_BSD_FD_BASE + i; 0: free. */
static int s_handle_plus_one[SPB_FD_COUNT];

int spb_fd_open(int handle)
{
    for (int i = 0; i < SPB_FD_COUNT; i++) {
        if (s_handle_plus_one[i] == 0) {
            s_handle_plus_one[i] = handle + 1;
            return SP_BSD_FD_BASE + i;
        }
    }
    errno = EMFILE;
    return -1;
}

int spb_fd_handle(int fd)
{
    int i = fd - SP_BSD_FD_BASE;
    return fd >= SP_BSD_FD_BASE && i < SPB_FD_COUNT ? s_handle_plus_one[i] - 1 : -1;
}

void spb_fd_release(int fd)
{
    s_handle_plus_one[fd - SP_BSD_FD_BASE] = 0;
}
