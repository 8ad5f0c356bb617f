/**
 * @file
 * @brief Force-include this header (`cc -include sockport/bsd_hosted.h`, or
 *        sockport_use_bsd(<target>) in CMake) to compile unmodified BSD-sockets
 *        code on a host so that its socket calls reach sockport's BSD layer
 *        (<sockport/bsd.h>) instead of the C library: then the same program
 *        runs over the lwIP port in-process, or over the POSIX port.
 *
 * The system's own headers and structures are used (struct sockaddr_in,
 * fd_set, struct addrinfo from glibc): they are included here, before the
 * renaming macros, so their declarations stay the C library's. Then each
 * classic name becomes the layer's function: socket -> sp_bsd_socket, and so
 * on for every call below. read, write, close, fcntl, ioctl, select and poll
 * fall through to the C library for descriptors that are not sockets.
 *
 * Because this header comes before the program's first line, a feature macro
 * the program defines itself (_GNU_SOURCE at the top of a file) comes too
 * late for the C library's headers: pass such macros with -D instead. Without
 * one, the headers are read with _DEFAULT_SOURCE (POSIX.1-2008 and the BSD
 * names). _FORTIFY_SOURCE is switched off: its inline read() and poll()
 * wrappers would call the C library directly.
 */
#ifndef SOCKPORT_BSD_HOSTED_H
#define SOCKPORT_BSD_HOSTED_H

#undef _FORTIFY_SOURCE

#if !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_POSIX_C_SOURCE) &&             \
    !defined(_XOPEN_SOURCE) && !defined(_BSD_SOURCE)
#define _DEFAULT_SOURCE
#define SP_BSD_HOSTED_DEFINED_DEFAULT_SOURCE
#endif

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

#include <sockport/bsd.h>

/* The program may define it itself later without a redefinition warning. */
#ifdef SP_BSD_HOSTED_DEFINED_DEFAULT_SOURCE
#undef _DEFAULT_SOURCE
#undef SP_BSD_HOSTED_DEFINED_DEFAULT_SOURCE
#endif

#define socket sp_bsd_socket
#define bind sp_bsd_bind
#define listen sp_bsd_listen
#define accept sp_bsd_accept
#define connect sp_bsd_connect
#define send sp_bsd_send
#define sendto sp_bsd_sendto
#define recv sp_bsd_recv
#define recvfrom sp_bsd_recvfrom
#define read sp_bsd_read
#define write sp_bsd_write
#define close sp_bsd_close
#define shutdown sp_bsd_shutdown
#define getsockname sp_bsd_getsockname
#define getpeername sp_bsd_getpeername
#define setsockopt sp_bsd_setsockopt
#define getsockopt sp_bsd_getsockopt
#define fcntl sp_bsd_fcntl
#define ioctl sp_bsd_ioctl
#define select sp_bsd_select
#define poll sp_bsd_poll
#define getaddrinfo sp_bsd_getaddrinfo
#define freeaddrinfo sp_bsd_freeaddrinfo
#define gai_strerror sp_bsd_gai_strerror
#define getnameinfo sp_bsd_getnameinfo
#define inet_pton sp_bsd_inet_pton
#define inet_ntop sp_bsd_inet_ntop
#define inet_aton sp_bsd_inet_aton
#define inet_addr sp_bsd_inet_addr
#define inet_ntoa sp_bsd_inet_ntoa

#endif /* SOCKPORT_BSD_HOSTED_H */
