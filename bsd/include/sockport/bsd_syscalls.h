/**
 * @file
 * @brief The hook a board's newlib system calls use to hand socket
 *        descriptors to the BSD layer (see boards/README.md).
 *
 * newlib's read(), write() and close() end in the board's _read(), _write()
 * and _close(); fcntl() the board defines itself (the arm-none-eabi newlib's
 * own fails with ENOSYS without calling a hook). A board routes a descriptor to these
 * functions when sp_bsd_is_socket() says it is a socket. Declare them weak in
 * the board (`#pragma weak sp_bsd_is_socket` ...) and test sp_bsd_is_socket
 * against NULL first: then a firmware that never calls socket() links no
 * socket code, and every other descriptor keeps the board's own meaning.
 * Only plain C types here, so that the board needs no socket headers.
 */
#ifndef SOCKPORT_BSD_SYSCALLS_H
#define SOCKPORT_BSD_SYSCALLS_H

#ifdef __cplusplus
extern "C" {
#endif

/** @return 1 if @p fd is an open socket of the BSD layer, else 0. */
int sp_bsd_is_socket(int fd);

/** @brief _read() of a socket: read(). @return bytes, or -1 and errno (as sp_bsd_read()). */
int sp_bsd_sys_read(int fd, void *buf, int len);

/** @brief _write() of a socket: write(). @return bytes, or -1 and errno (as sp_bsd_write()). */
int sp_bsd_sys_write(int fd, const void *buf, int len);

/** @brief _close() of a socket. @return 0, or -1 and errno EBADF. */
int sp_bsd_sys_close(int fd);

/**
 * @brief _fcntl() of a socket, with the int argument of F_SETFL / F_SETFD
 *        (0 for the others). @return as sp_bsd_fcntl().
 */
int sp_bsd_sys_fcntl(int fd, int cmd, int arg);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_BSD_SYSCALLS_H */
