/*
 * The system calls newlib needs on this board: the console for stdout and
 * stderr, a heap bounded by the linker script, and exit through semihosting.
 * There is no file system. Socket descriptors of sockport's BSD layer go to
 * the layer (read, write, close, fcntl); every other descriptor is EBADF.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <sockport/bsd_syscalls.h>

#include "board.h"
#include "board_internal.h"

/* newlib calls these; its headers do not declare them. used: newlib's own
 * objects that call them may join the link only after a link-time optimiser
 * has run, which would have dropped them as unreferenced (docs/footprint.md,
 * "Link-time optimisation"); --gc-sections still drops those nothing calls. */
#define NEWLIB_SYSCALL __attribute__((used))
NEWLIB_SYSCALL int _write(int fd, const char *buf, int len);
NEWLIB_SYSCALL int _read(int fd, char *buf, int len);
NEWLIB_SYSCALL int _open(const char *path, int flags, int mode);
NEWLIB_SYSCALL int _close(int fd);
NEWLIB_SYSCALL int _fstat(int fd, struct stat *st);
NEWLIB_SYSCALL int _isatty(int fd);
NEWLIB_SYSCALL int _lseek(int fd, int offset, int whence);
NEWLIB_SYSCALL void *_sbrk(ptrdiff_t increment);
NEWLIB_SYSCALL void _exit(int status) __attribute__((noreturn));
NEWLIB_SYSCALL int _kill(int pid, int sig);
NEWLIB_SYSCALL int _getpid(void);

extern char __heap_start[], __heap_end[];

enum { STDIN_FD = 0, STDOUT_FD = 1, STDERR_FD = 2 };

static int is_console(int fd)
{
    return fd == STDIN_FD || fd == STDOUT_FD || fd == STDERR_FD;
}

/* Weak: the BSD layer is linked only into firmware that calls socket(); in
 * any other firmware these are NULL and no socket code is pulled in. */
#pragma weak sp_bsd_is_socket
#pragma weak sp_bsd_sys_read
#pragma weak sp_bsd_sys_write
#pragma weak sp_bsd_sys_close
#pragma weak sp_bsd_sys_fcntl

static int is_socket(int fd)
{
    return sp_bsd_is_socket != NULL && sp_bsd_is_socket(fd);
}

int _write(int fd, const char *buf, int len)
{
    if (is_socket(fd)) {
        return sp_bsd_sys_write(fd, buf, len);
    }
    if (fd != STDOUT_FD && fd != STDERR_FD) {
        errno = EBADF;
        return -1;
    }
    board_console_write(buf, len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    if (is_socket(fd)) {
        return sp_bsd_sys_read(fd, buf, len);
    }
    (void)buf;
    (void)len;
    if (fd != STDIN_FD) {
        errno = EBADF;
        return -1;
    }
    return 0; /* The console has no input: end of file. */
}

int _open(const char *path, int flags, int mode)
{
    (void)path;
    (void)flags;
    (void)mode;
    errno = ENOENT;
    return -1;
}

int _close(int fd)
{
    if (is_socket(fd)) {
        return sp_bsd_sys_close(fd);
    }
    errno = EBADF;
    return -1;
}

/* fcntl() itself, not newlib's _fcntl() hook: the arm-none-eabi newlib is
 * built without HAVE_FCNTL, so its fcntl() fails with ENOSYS and never calls
 * _fcntl(). This definition takes the place of the library's. The optional
 * argument of F_SETFL / F_SETFD is an int. */
int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    int arg = cmd == F_SETFL || cmd == F_SETFD ? va_arg(ap, int) : 0;
    va_end(ap);
    if (is_socket(fd)) {
        return sp_bsd_sys_fcntl(fd, cmd, arg);
    }
    if (!is_console(fd)) {
        errno = EBADF;
        return -1;
    }
    switch (cmd) {
    case F_GETFL:
        return O_RDWR;
    case F_GETFD:
    case F_SETFD:
    case F_SETFL:
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

int _fstat(int fd, struct stat *st)
{
    if (!is_console(fd)) {
        errno = EBADF;
        return -1;
    }
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    if (!is_console(fd)) {
        errno = EBADF;
        return 0;
    }
    return 1;
}

int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

static char *brk = __heap_start;

uint32_t board_heap_used(void)
{
    return (uint32_t)(brk - __heap_start);
}

void *_sbrk(ptrdiff_t increment)
{
    if (increment > __heap_end - brk || increment < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *previous = brk;
    brk += increment;
    return previous;
}

void _exit(int status)
{
    board_report_at_exit();
    board_semihost_exit(status);
}

/* abort() raises SIGABRT through these. */
int _getpid(void)
{
    return 1;
}

int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    board_semihost_exit(BOARD_EXIT_ABORT);
}
