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

/**
 * @brief Add a descriptor of the program's own (a pipe, a timerfd, stdin, a
 *        socket made outside sockport) to a poller of the POSIX stack, so that
 *        one sp_poller_wait() serves both. Its events come back with sock -1
 *        and fd set. The program keeps owning the descriptor: remove it before
 *        closing it (the kernel may otherwise keep reporting it, or not).
 * @param[in] events  SP_POLLIN and/or SP_POLLOUT, or 0.
 * @return 0; SP_EBADF @p poller not open, or @p fd not an open descriptor;
 *         SP_EINVAL @p events holds other bits, the poller is of another stack,
 *                   or @p fd is a regular file or directory (always ready);
 *         SP_EEXIST @p fd is in this poller already;
 *         SP_ENOBUFS the kernel's limit of watched descriptors;
 *         SP_EOPNOTSUPP a host with neither epoll nor kqueue (core's generic
 *                       poller knows only sockets).
 */
int sp_posix_poller_add_fd(int poller, int fd, short events);

/**
 * @brief Change the events of a descriptor added by sp_posix_poller_add_fd().
 * @return 0; the errors of sp_posix_poller_add_fd(), but SP_ENOENT instead of
 *         SP_EEXIST: @p fd is not in this poller.
 */
int sp_posix_poller_modify_fd(int poller, int fd, short events);

/**
 * @brief Take out a descriptor added by sp_posix_poller_add_fd().
 * @return 0; SP_EBADF @p poller not open or @p fd not open; SP_EINVAL the
 *         poller is of another stack; SP_ENOENT @p fd is not in this poller;
 *         SP_EOPNOTSUPP as for sp_posix_poller_add_fd().
 */
int sp_posix_poller_remove_fd(int poller, int fd);

/**
 * @brief The kernel descriptor of a POSIX socket, to watch it from another
 *        event loop (libuv, libevent, a GUI toolkit's). Wait there for
 *        readiness, then call sockport on the handle; do not read, write or
 *        close the descriptor directly, and do not change its flags (sockport
 *        keeps it non-blocking and does its own blocking in core).
 * @return the descriptor (>= 0); SP_EBADF @p sock not open;
 *         SP_EINVAL a socket of another stack;
 *         SP_EOPNOTSUPP a socket core builds a service over (SP_SOCK_RDM,
 *                       SP_SOCK_SEQPACKET over IP): its descriptor carries
 *                       core's protocol, not the program's data.
 */
int sp_posix_native_fd(int sock);

/** DNS servers sp_posix_set_dns_server() can hold. */
#define SP_POSIX_DNS_MAX_SERVERS 3

/**
 * @brief Ask this DNS server (and the others set, in index order) instead of
 *        the host's configured ones (resolv.conf), for names sp_resolve()
 *        does not answer itself: a test's own server on the loopback, or a
 *        program that must not depend on the host's configuration.
 *
 * The POSIX port resolves through c-ares, bounded by sp_resolve()'s timeout.
 * The hosts file is still read first. With no server set (the default, and
 * again once every one is forgotten) the host's configuration applies.
 * @param[in] index   0 .. SP_POSIX_DNS_MAX_SERVERS - 1.
 * @param[in] server  an IPv4 or IPv6 address; its port, 0 meaning 53. NULL
 *                    forgets the server at @p index.
 * @return 0; SP_EINVAL @p index out of range; SP_EAFNOSUPPORT not an IP address.
 */
int sp_posix_set_dns_server(unsigned index, const sp_addr *server);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_POSIX_H */
