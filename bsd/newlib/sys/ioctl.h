/* <sys/ioctl.h> for newlib (see <sys/socket.h> here): the socket requests,
 * with Linux's values. */
#ifndef SOCKPORT_NEWLIB_SYS_IOCTL_H
#define SOCKPORT_NEWLIB_SYS_IOCTL_H

#ifdef __cplusplus
extern "C" {
#endif

#define FIONREAD 0x541B /* int *: bytes waiting */
#define FIONBIO 0x5421  /* int *: non-zero = non-blocking */

int ioctl(int fd, unsigned long request, ...);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_NEWLIB_SYS_IOCTL_H */
