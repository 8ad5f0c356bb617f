/* <netinet/tcp.h> for newlib (see <sys/socket.h> here): TCP option names. */
#ifndef SOCKPORT_NEWLIB_NETINET_TCP_H
#define SOCKPORT_NEWLIB_NETINET_TCP_H

#define TCP_NODELAY 1 /* level IPPROTO_TCP */

#endif /* SOCKPORT_NEWLIB_NETINET_TCP_H */
