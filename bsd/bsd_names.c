/*
 * The calls under their standard names, for C libraries without sockets
 * (newlib on bare metal): what bsd/newlib/'s headers declare. read(),
 * write() and close() are the C library's own, which reach the layer
 * through the board's system calls, and fcntl() is the board's own (newlib's
 * for arm-none-eabi is a stub): see <sockport/bsd_syscalls.h>.
 * Each is its own small function, so --gc-sections keeps only those used.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#include "bsd_internal.h"

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

int socket(int domain, int type, int protocol)
{
    return sp_bsd_socket(domain, type, protocol);
}

int bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    return sp_bsd_bind(fd, addr, addrlen);
}

int listen(int fd, int backlog)
{
    return sp_bsd_listen(fd, backlog);
}

int accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return sp_bsd_accept(fd, addr, addrlen);
}

int connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    return sp_bsd_connect(fd, addr, addrlen);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sp_bsd_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
               socklen_t destlen)
{
    return sp_bsd_sendto(fd, buf, len, flags, dest, destlen);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return sp_bsd_recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
                 socklen_t *addrlen)
{
    return sp_bsd_recvfrom(fd, buf, len, flags, addr, addrlen);
}

int shutdown(int fd, int how)
{
    return sp_bsd_shutdown(fd, how);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return sp_bsd_getsockname(fd, addr, addrlen);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return sp_bsd_getpeername(fd, addr, addrlen);
}

int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
    return sp_bsd_setsockopt(fd, level, optname, optval, optlen);
}

int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
    return sp_bsd_getsockopt(fd, level, optname, optval, optlen);
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return sp_bsd_ioctl(fd, request, arg);
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout)
{
    return sp_bsd_select(nfds, readfds, writefds, exceptfds, timeout);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return sp_bsd_poll(fds, nfds, timeout);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    return sp_bsd_getaddrinfo(node, service, hints, res);
}

void freeaddrinfo(struct addrinfo *res)
{
    sp_bsd_freeaddrinfo(res);
}

const char *gai_strerror(int errcode)
{
    return sp_bsd_gai_strerror(errcode);
}

int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                char *serv, socklen_t servlen, int flags)
{
    return sp_bsd_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

int inet_pton(int af, const char *src, void *dst)
{
    return sp_bsd_inet_pton(af, src, dst);
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    return sp_bsd_inet_ntop(af, src, dst, size);
}

int inet_aton(const char *cp, struct in_addr *inp)
{
    return sp_bsd_inet_aton(cp, inp);
}

in_addr_t inet_addr(const char *cp)
{
    return sp_bsd_inet_addr(cp);
}

char *inet_ntoa(struct in_addr in)
{
    return sp_bsd_inet_ntoa(in);
}
