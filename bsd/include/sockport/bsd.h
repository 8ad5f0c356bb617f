/**
 * @file
 * @brief BSD sockets over sockport: socket(), connect(), read(), select(),
 *        getaddrinfo() ... with descriptors and errno, on every port.
 *
 * A layer over sockport's public API (no port knows about it; a firmware that
 * never calls it does not link it). Each function here is the classic call of
 * the same name without the sp_bsd_ prefix, with the standard types, flags and
 * structures of the C library it is built with: glibc's own on a host, the
 * headers in bsd/newlib/ on bare metal (newlib has no socket headers). Code
 * written for BSD sockets reaches these functions unmodified:
 * - on bare metal, bsd/newlib/ on the include path declares socket(),
 *   connect() ... under their standard names (bsd_names.c defines them), and
 *   the board's system calls hand read(), write(), close() and fcntl() on a
 *   socket descriptor to sp_bsd_sys_*() (<sockport/bsd_syscalls.h>);
 * - on a host, <sockport/bsd_hosted.h>, force-included with -include, renames
 *   the calls to these functions (see docs/bsd.md, sockport_use_bsd() in CMake).
 *
 * socket() opens its socket on the default stack (sp_default_stack(), chosen
 * with sp_set_default_stack()): the POSIX port on a host build that links
 * sockport::sockport, lwIP where sockport::lwip or a board's lwIP is the default.
 *
 * Descriptors are small non-negative ints that never collide with the C
 * library's own: on a host each socket holds a real kernel descriptor (an open
 * /dev/null) whose number it uses, below FD_SETSIZE; on bare metal they are
 * SP_BSD_FD_BASE (3, above the console's 0..2) and up. A descriptor that is
 * not an open socket gives EBADF.
 *
 * Errors: -1 with errno set to the C library's E* value. sockport's codes map
 * to errno through one table (sp_bsd_errno(), docs/bsd.md), the same on every
 * port; where a call's classic meaning differs the function says so (a
 * SO_RCVTIMEO/SO_SNDTIMEO expiry is EAGAIN, as on Linux). Every function also
 * gives EBADF for a descriptor that is not an open socket (the hosted read,
 * write, close, fcntl, ioctl, select and poll pass other descriptors to the
 * C library instead). The sockport code behind each errno is listed in
 * <sockport/sockport.h> for the sp_* call of the same name.
 *
 * Threads: as sockport itself, the layer keeps no locks.
 */
#ifndef SOCKPORT_BSD_H
#define SOCKPORT_BSD_H

#include <stddef.h>
#include <sys/types.h>

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Milliseconds getaddrinfo() waits for the stack's resolver. */
#ifndef SP_BSD_RESOLVE_TIMEOUT_MS
#define SP_BSD_RESOLVE_TIMEOUT_MS 5000
#endif

/** Most addresses one getaddrinfo() call returns (per socket type). */
#ifndef SP_BSD_ADDRINFO_MAX
#define SP_BSD_ADDRINFO_MAX 8
#endif

/**
 * @brief The errno for a sockport code: the layer's one table (docs/bsd.md).
 * @param[in] sp_code  an SP_E* code (negative).
 * @return the E* value; EIO for a value outside sockport's table; 0 for >= 0.
 */
int sp_bsd_errno(int sp_code);

/**
 * @brief The sockport handle behind a descriptor, for code that mixes both APIs
 *        (sp_rdm_report_take(), sp_send_all() on a socket opened by socket()).
 * @return the handle (>= 0); -1 with errno EBADF if @p fd is not an open socket.
 */
int sp_bsd_handle(int fd);

/**
 * @brief socket(): open a socket on the default stack.
 * @param[in] domain  AF_INET, AF_INET6, AF_UNIX (AF_LOCAL).
 * @param[in] type    SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET or SOCK_RDM
 *                    (sockport's acknowledged datagrams), optionally OR-ed with
 *                    SOCK_NONBLOCK and SOCK_CLOEXEC.
 * @param[in] protocol  0, or one that fits @p type (IPPROTO_TCP, IPPROTO_UDP,
 *                    IPPROTO_ICMP, IPPROTO_ICMPV6 for raw sockets).
 * @return the descriptor; -1 and errno:
 *         EAFNOSUPPORT  unknown @p domain, or one the stack lacks (AF_UNIX on lwIP);
 *         EINVAL        unknown @p type or flag;
 *         EPROTONOSUPPORT the stack has no such type in the family, or
 *                       @p protocol does not fit;
 *         EACCES        raw socket without the privilege;
 *         EMFILE        no descriptor left (sockport's table, FD_SETSIZE on a
 *                       host, the SP_BSD_FD_BASE range on bare metal);
 *         ENOBUFS       the stack (or a core service's pool) is out of memory;
 *         EIO           the default stack is not running (lwIP after sp_lwip_stop());
 *         ENETDOWN      there is no default stack (its port failed to start).
 */
int sp_bsd_socket(int domain, int type, int protocol);

/**
 * @brief bind().
 * @return 0; -1 and errno: EBADF; EFAULT @p addr NULL; EINVAL @p addrlen too
 *         short for the family, a path too long for sockport (over 103 bytes)
 *         or empty, or the socket already bound; EAFNOSUPPORT another family
 *         than the socket's; EADDRINUSE; EADDRNOTAVAIL; EACCES.
 */
int sp_bsd_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);

/**
 * @brief listen().
 * @return 0; -1 and errno: EBADF; EOPNOTSUPP not a stream or seqpacket
 *         socket; EINVAL connected or connecting; EADDRINUSE no ephemeral port.
 */
int sp_bsd_listen(int fd, int backlog);

/**
 * @brief accept(): the new socket is blocking and, as on Linux, takes the
 *        listener's SO_RCVTIMEO, SO_SNDTIMEO, SO_KEEPALIVE and TCP_NODELAY.
 * @param[out] addr     the peer; may be NULL (then @p addrlen is ignored).
 * @param[in,out] addrlen  in: room at @p addr; out: the address's full size
 *                      (the copy is truncated to the room, as POSIX says).
 * @return the new descriptor; -1 and errno: EBADF; EINVAL not listening, or
 *         @p addrlen NULL with @p addr given; EOPNOTSUPP connectionless socket;
 *         EAGAIN (EWOULDBLOCK) non-blocking and none queued, or SO_RCVTIMEO
 *         passed; EMFILE no descriptor left (that connection is closed);
 *         ECONNABORTED; ENOBUFS.
 */
int sp_bsd_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);

/**
 * @brief connect().
 *
 * Non-blocking (O_NONBLOCK, SOCK_NONBLOCK, FIONBIO): EINPROGRESS, then
 * select()/poll() for writable and SO_ERROR tell how it ended.
 * @return 0; -1 and errno: EBADF; EFAULT @p addr NULL; EINVAL @p addrlen too
 *         short, or listening; EAFNOSUPPORT another family (AF_UNSPEC
 *         only on a stream or sequenced-packet socket: Linux's connect()
 *         aborts or stops those; on a datagram or raw socket AF_UNSPEC
 *         dissolves the association, as sp_connect()); EISCONN; EALREADY;
 *         EINPROGRESS non-blocking, started; or SO_SNDTIMEO passed (as on Linux:
 *         the attempt may still complete); ECONNREFUSED; ENOENT no such local
 *         path; ETIMEDOUT the stack gave up; ENETUNREACH; EHOSTUNREACH;
 *         EADDRNOTAVAIL; ENOBUFS.
 */
int sp_bsd_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/**
 * @brief send(). Flags: MSG_DONTWAIT, MSG_NOSIGNAL (always true: sockport
 *        never raises SIGPIPE).
 * @return bytes taken; -1 and errno: EBADF; EFAULT @p buf NULL with @p len > 0;
 *         EOPNOTSUPP another flag; ENOTCONN; EDESTADDRREQ; EPIPE; ECONNRESET;
 *         EAGAIN (EWOULDBLOCK) no room and non-blocking, or SO_SNDTIMEO passed;
 *         EMSGSIZE; ENOBUFS; ENETUNREACH; EHOSTUNREACH.
 */
ssize_t sp_bsd_send(int fd, const void *buf, size_t len, int flags);

/**
 * @brief sendto(): send() to @p dest (NULL: the connected peer).
 * @return as sp_bsd_send(), and: EINVAL @p destlen too short;
 *         EAFNOSUPPORT another family; EISCONN @p dest on a connection-oriented
 *         socket; EACCES broadcast without SO_BROADCAST.
 */
ssize_t sp_bsd_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *dest,
                      socklen_t destlen);

/**
 * @brief recv(). Flags: MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC (message sockets:
 *        return the full length), MSG_WAITALL (streams: loop until @p len or
 *        the end, error or timeout; what arrived before those is returned).
 * @return bytes (0: end of stream, or @p len 0); -1 and errno: EBADF;
 *         EFAULT @p buf NULL with @p len > 0; EOPNOTSUPP another flag;
 *         EINVAL listening socket; ENOTCONN; EAGAIN (EWOULDBLOCK) nothing there
 *         and non-blocking, or SO_RCVTIMEO passed; ECONNRESET; ECONNREFUSED.
 */
ssize_t sp_bsd_recv(int fd, void *buf, size_t len, int flags);

/**
 * @brief recvfrom(): recv() and the sender's address (*@p addrlen 0 on a
 *        stream, as on Linux).
 * @return as sp_bsd_recv(), and EINVAL @p addrlen NULL with @p addr given.
 */
ssize_t sp_bsd_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *addr,
                        socklen_t *addrlen);

/**
 * @brief read(): recv() with no flags on a socket. On a host, any other
 *        descriptor goes to the C library's read().
 * @return as sp_bsd_recv().
 */
ssize_t sp_bsd_read(int fd, void *buf, size_t len);

/**
 * @brief write(): send() with no flags on a socket. On a host, any other
 *        descriptor goes to the C library's write().
 * @return as sp_bsd_send().
 */
ssize_t sp_bsd_write(int fd, const void *buf, size_t len);

/**
 * @brief close(): close the socket and free its descriptor (also when the
 *        socket had already died with its stack). On a host, any other
 *        descriptor goes to the C library's close().
 * @return 0; -1 and errno EBADF.
 */
int sp_bsd_close(int fd);

/**
 * @brief shutdown(): SHUT_RD, SHUT_WR, SHUT_RDWR.
 * @return 0; -1 and errno: EBADF; EINVAL bad @p how; ENOTCONN.
 */
int sp_bsd_shutdown(int fd, int how);

/**
 * @brief getsockname() (0.0.0.0:0 or [::]:0 before bind).
 * @param[in,out] addrlen  in: room at @p addr; out: the full size.
 * @return 0; -1 and errno: EBADF; EFAULT a NULL pointer.
 */
int sp_bsd_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);

/**
 * @brief getpeername().
 * @return 0; -1 and errno: EBADF; EFAULT a NULL pointer; ENOTCONN.
 */
int sp_bsd_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);

/**
 * @brief setsockopt().
 *
 * SOL_SOCKET: SO_REUSEADDR, SO_KEEPALIVE, SO_BROADCAST (int, non-zero = on),
 * SO_RCVBUF, SO_SNDBUF (int bytes), SO_RCVTIMEO, SO_SNDTIMEO (struct timeval;
 * {0, 0} waits forever; rounded up to whole milliseconds), SO_LINGER (struct
 * linger). IPPROTO_TCP: TCP_NODELAY. IPPROTO_IPV6: IPV6_V6ONLY.
 * @return 0; -1 and errno: EBADF; EFAULT @p optval NULL; EINVAL @p optlen
 *         shorter than the option's type, or a value out of range (negative
 *         buffer size); EDOM tv_usec outside 0..999999; ENOPROTOOPT another
 *         level or name, or one that does not fit the socket (TCP_NODELAY on
 *         UDP, IPV6_V6ONLY on IPv4) or that the stack lacks.
 */
int sp_bsd_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);

/**
 * @brief getsockopt(): the options of sp_bsd_setsockopt(), and SO_ERROR (takes
 *        the pending error as an errno value, 0 if none) and SO_TYPE.
 * @param[in,out] optlen  in: room at @p optval; out: bytes stored.
 * @return 0; -1 and errno: EBADF; EFAULT a NULL pointer; EINVAL *@p optlen
 *         shorter than the option's type; ENOPROTOOPT as for sp_bsd_setsockopt().
 */
int sp_bsd_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);

/**
 * @brief fcntl(): F_GETFL (O_RDWR, | O_NONBLOCK), F_SETFL (O_NONBLOCK; other
 *        bits ignored, as Linux does for sockets), F_GETFD (0), F_SETFD
 *        (accepted). On a host, any other descriptor goes to the C library.
 * @return the value asked or 0; -1 and errno: EBADF; EINVAL another @p cmd.
 */
int sp_bsd_fcntl(int fd, int cmd, ...);

/**
 * @brief ioctl(): FIONBIO (int *: non-zero = non-blocking) and FIONREAD (int *:
 *        bytes waiting; on a message socket the next message's length). On a
 *        stream FIONREAD counts at most SP_BSD_FIONREAD_MAX bytes (sockport
 *        can only peek). On a host, any other descriptor goes to the C library.
 * @return 0; -1 and errno: EBADF; EFAULT NULL argument; ENOTTY another request.
 */
int sp_bsd_ioctl(int fd, unsigned long request, ...);

/** Most bytes FIONREAD reports on a stream (a peek into a static buffer). */
#ifndef SP_BSD_FIONREAD_MAX
#define SP_BSD_FIONREAD_MAX 1024
#endif

/**
 * @brief select() over sp_poll(): read set = readable, end of stream or an
 *        error; write set = writable or a connect attempt ended (also with an
 *        error); the except set is always emptied (sockport has no urgent
 *        data). @p timeout is not updated. On a host, descriptors that are not
 *        sockets are waited for with the C library's poll() in slices of 10 ms
 *        while the sockets are polled.
 * @param[in] nfds  highest descriptor + 1, 0..FD_SETSIZE.
 * @return the number of bits left set (0 on timeout); -1 and errno:
 *         EINVAL @p nfds out of range, negative time or tv_usec over 999999;
 *         EBADF a descriptor in a set is not open (on bare metal: not a socket);
 *         and as sp_bsd_poll(): EINVAL, EOPNOTSUPP, EINTR, ENOMEM.
 *         On failure the sets are left as given.
 */
int sp_bsd_select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
                  struct timeval *timeout);

/**
 * @brief poll() over sp_poll(): POLLIN, POLLRDNORM, POLLOUT, POLLWRNORM asked;
 *        POLLERR, POLLHUP (the peer closed its side), POLLNVAL (not open)
 *        reported. A negative fd is ignored. On a host, descriptors that are
 *        not sockets are polled with the C library, as in sp_bsd_select().
 * @param[in] timeout  milliseconds; negative waits forever.
 * @return entries with revents != 0 (0 on timeout); -1 and errno: EFAULT
 *         @p fds NULL with @p nfds > 0; EINVAL sockets of more than 8 stacks
 *         among 16 consecutive socket entries (sp_poll()'s limit, as the
 *         layer waits on 16 at a time); EOPNOTSUPP a socket's port cannot
 *         poll; on a host also the C library poll()'s errors (EINTR, ENOMEM).
 */
int sp_bsd_poll(struct pollfd *fds, nfds_t nfds, int timeout);

/**
 * @brief getaddrinfo() over sp_resolve() (numeric hosts without asking
 *        anyone; names through the stack's resolver, at most
 *        SP_BSD_RESOLVE_TIMEOUT_MS). A NULL @p node is the wildcard with
 *        AI_PASSIVE, else the loopback; with AF_UNSPEC IPv4 comes first. A
 *        @p hints socket type of 0 gives one entry per address for SOCK_STREAM
 *        and one for SOCK_DGRAM. Flags: AI_PASSIVE, AI_CANONNAME (the name as
 *        given), AI_NUMERICHOST, AI_NUMERICSERV; AI_ADDRCONFIG, AI_V4MAPPED and
 *        AI_ALL are accepted and change nothing.
 * @return 0 and *@p res (free it with sp_bsd_freeaddrinfo()); or EAI_NONAME
 *         both NULL, an empty @p node, name not found, or not numeric under AI_NUMERICHOST /
 *         AI_NUMERICSERV; EAI_AGAIN the resolver did not answer in time;
 *         EAI_FAMILY; EAI_SOCKTYPE; EAI_BADFLAGS; EAI_SERVICE unknown
 *         service name; EAI_MEMORY; EAI_FAIL no default stack, @p res NULL,
 *         or anything else.
 */
int sp_bsd_getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                       struct addrinfo **res);

/** @brief freeaddrinfo() of a list sp_bsd_getaddrinfo() returned; NULL is ignored. */
void sp_bsd_freeaddrinfo(struct addrinfo *res);

/** @brief gai_strerror(): a static sentence for an EAI_* code; never NULL. */
const char *sp_bsd_gai_strerror(int errcode);

/**
 * @brief getnameinfo(), numeric only: the address as inet_ntop() writes it
 *        (IPv6 with "%scope"), the port in decimal.
 * @return 0; EAI_FAMILY @p sa NULL, unknown family or @p salen too short;
 *         EAI_NONAME NI_NAMEREQD (there is no reverse lookup) or both buffers
 *         NULL; EAI_OVERFLOW a buffer too small.
 */
int sp_bsd_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                       char *serv, socklen_t servlen, int flags);

/**
 * @brief inet_pton(): AF_INET dotted quad (four decimal parts, no leading
 *        zeros), AF_INET6 text (RFC 4291 forms, no brackets, no zone).
 * @return 1 converted; 0 not a valid address; -1 and errno EAFNOSUPPORT.
 */
int sp_bsd_inet_pton(int af, const char *src, void *dst);

/**
 * @brief inet_ntop(): AF_INET dotted quad, AF_INET6 RFC 5952 text.
 * @return @p dst; NULL and errno: EAFNOSUPPORT; ENOSPC @p size too small.
 */
const char *sp_bsd_inet_ntop(int af, const void *src, char *dst, socklen_t size);

/** @brief inet_aton(): the classic forms a, a.b, a.b.c, a.b.c.d with decimal,
 *         0x hex and 0 octal parts. @return 1, or 0 if invalid. */
int sp_bsd_inet_aton(const char *cp, struct in_addr *inp);

/** @brief inet_addr(): as inet_aton(); INADDR_NONE if invalid. */
in_addr_t sp_bsd_inet_addr(const char *cp);

/** @brief inet_ntoa(): dotted quad in a static buffer, overwritten by the next call. */
char *sp_bsd_inet_ntoa(struct in_addr in);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_BSD_H */
