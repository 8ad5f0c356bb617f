/**
 * @file
 * @brief The POSIX port: sockport over the host kernel's BSD sockets.
 *
 * Only needed by code that picks a stack explicitly (a test running both
 * ports side by side, a gateway); sp_socket() alone uses the default stack.
 */
#ifndef SOCKPORT_POSIX_H
#define SOCKPORT_POSIX_H

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief The process's one POSIX stack (the kernel's sockets need no state of
 *        their own, so there is a single instance, in static storage).
 * @return the stack; never NULL.
 */
sp_stack *sp_posix_stack(void);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_POSIX_H */
