/**
 * @file
 * @brief What the files of the BSD layer share: the descriptor table (one of
 *        bsd_fd_kernel.c, bsd_fd_range.c is built) and the address conversions.
 */
#ifndef SOCKPORT_BSD_INTERNAL_H
#define SOCKPORT_BSD_INTERNAL_H

#include <sockport/bsd.h>
#include <sockport/sockport.h>

/**
 * Give @p handle a descriptor.
 * @return the descriptor; -1 with errno EMFILE (or the C library's reason)
 *         when none is free. The handle is left open either way.
 */
int spb_fd_open(int handle);

/** The handle of descriptor @p fd; -1 if @p fd is not an open socket (errno untouched). */
int spb_fd_handle(int fd);

/** Free descriptor @p fd (an open socket's). */
void spb_fd_release(int fd);

/** Set errno to @p err and return -1: every failure path ends here. */
int spb_fail_errno(int err);

/** Set errno from a sockport code and return -1. */
int spb_fail(int sp_code);

/**
 * struct sockaddr of @p addrlen bytes to sp_addr.
 * @return 0, or an errno value: EFAULT @p sa NULL, EINVAL too short or a path
 *         sockport cannot hold, EAFNOSUPPORT unknown family.
 */
int spb_addr_from_sockaddr(const struct sockaddr *sa, socklen_t addrlen, sp_addr *out);

/**
 * sp_addr to struct sockaddr: copies at most *@p addrlen bytes (POSIX's
 * truncation) and stores the full size in *@p addrlen.
 */
void spb_addr_to_sockaddr(const sp_addr *addr, struct sockaddr *sa, socklen_t *addrlen);

#endif /* SOCKPORT_BSD_INTERNAL_H */
