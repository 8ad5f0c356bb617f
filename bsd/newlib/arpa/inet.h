/* <arpa/inet.h> for newlib (see <sys/socket.h> here): address text conversions. */
#ifndef SOCKPORT_NEWLIB_ARPA_INET_H
#define SOCKPORT_NEWLIB_ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
int inet_aton(const char *cp, struct in_addr *inp);
in_addr_t inet_addr(const char *cp);
char *inet_ntoa(struct in_addr in);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_NEWLIB_ARPA_INET_H */
