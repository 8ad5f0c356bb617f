/* <sys/un.h> for newlib (see <sys/socket.h> here): local socket addresses.
 * Of the ports only POSIX has them; on lwIP socket(AF_UNIX) is EAFNOSUPPORT. */
#ifndef SOCKPORT_NEWLIB_SYS_UN_H
#define SOCKPORT_NEWLIB_SYS_UN_H

#include <sys/socket.h>

struct sockaddr_un {
    sa_family_t sun_family; /* AF_UNIX */
    char sun_path[108];
};

#endif /* SOCKPORT_NEWLIB_SYS_UN_H */
