/* A Linux TAP device, opened by name: the host side of the interop harness.
 * Kept apart from the lwIP netif so that no file mixes lwIP's headers with the
 * host's socket headers. */
#ifndef SOCKPORT_TESTS_TAP_IO_H
#define SOCKPORT_TESTS_TAP_IO_H

#include <stddef.h>

/** Attach to the existing TAP device @p name; the fd (non-blocking), or -1. */
int tap_io_open(const char *name);
/** One frame into @p buf; its length, 0 if none is waiting, -1 on error. */
long tap_io_read(int fd, void *buf, size_t len);
/** Send one frame; 0, or -1 on error. */
int tap_io_write(int fd, const void *buf, size_t len);
/** Wait up to @p timeout_ms for a frame to arrive. */
void tap_io_wait(int fd, int timeout_ms);
void tap_io_close(int fd);

#endif
