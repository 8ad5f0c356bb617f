/*
 * The one table from sockport's codes to the C library's errno values,
 * generated from SP_ERRNO_MAP (<sockport/errors.h>): every row there needs
 * its SPB_ERRNO_<NAME> here, so a code added to sockport without an errno
 * fails to compile instead of reaching a program as a wrong errno.
 * docs/bsd.md shows the same table; the bsd suite checks each row.
 */
#include <errno.h>

#include "bsd_internal.h"

#define SPB_ERRNO_INVAL EINVAL
#define SPB_ERRNO_BADF EBADF
#define SPB_ERRNO_MFILE EMFILE
#define SPB_ERRNO_NOBUFS ENOBUFS
#define SPB_ERRNO_AFNOSUPPORT EAFNOSUPPORT
#define SPB_ERRNO_PROTONOSUPPORT EPROTONOSUPPORT
#define SPB_ERRNO_OPNOTSUPP EOPNOTSUPP
#define SPB_ERRNO_AGAIN EAGAIN
#define SPB_ERRNO_TIMEDOUT ETIMEDOUT
#define SPB_ERRNO_CONNREFUSED ECONNREFUSED
#define SPB_ERRNO_CONNRESET ECONNRESET
#define SPB_ERRNO_CONNABORTED ECONNABORTED
#define SPB_ERRNO_ADDRINUSE EADDRINUSE
#define SPB_ERRNO_ADDRNOTAVAIL EADDRNOTAVAIL
#define SPB_ERRNO_NOTCONN ENOTCONN
#define SPB_ERRNO_ISCONN EISCONN
#define SPB_ERRNO_ALREADY EALREADY
#define SPB_ERRNO_INPROGRESS EINPROGRESS
#define SPB_ERRNO_MSGSIZE EMSGSIZE
#define SPB_ERRNO_NETUNREACH ENETUNREACH
#define SPB_ERRNO_HOSTUNREACH EHOSTUNREACH
#define SPB_ERRNO_PIPE EPIPE
#define SPB_ERRNO_ACCES EACCES
#define SPB_ERRNO_DESTADDRREQ EDESTADDRREQ
#define SPB_ERRNO_NOENT ENOENT
#define SPB_ERRNO_NOPROTOOPT ENOPROTOOPT
/* Only sp_resolve() gives these two, and getaddrinfo() reports them as
 * EAI_NONAME / EAI_AGAIN; the errno is for a program that asks anyway. */
#define SPB_ERRNO_NONAME ENOENT
#define SPB_ERRNO_NAMETEMP EAGAIN
#define SPB_ERRNO_RANGE ERANGE
/* sp_recv_all()'s early end of stream: no data where data was due. */
#define SPB_ERRNO_EOF ENODATA
#define SPB_ERRNO_IO EIO
/* The TLS layer's failures have no errno of their own: a socket program sees
 * what the kernel gives when a connection dies for a reason it cannot name. */
#define SPB_ERRNO_TLSHANDSHAKE ECONNABORTED
#define SPB_ERRNO_CERTUNTRUSTED ECONNABORTED
#define SPB_ERRNO_HOSTMISMATCH ECONNABORTED
#define SPB_ERRNO_TLSTRUNCATED ECONNRESET
#define SPB_ERRNO_TLSPROTO EPROTO
/* Only the poller gives it (sp_poller_add): as Linux epoll_ctl does. */
#define SPB_ERRNO_EXIST EEXIST

#define SPB_ERRNO_ROW(name, value, text) [value] = SPB_ERRNO_##name,
static const int errno_of_code[] = {SP_ERRNO_MAP(SPB_ERRNO_ROW)};
#undef SPB_ERRNO_ROW

int sp_bsd_errno(int sp_code)
{
    if (sp_code >= 0) {
        return 0;
    }
    unsigned index = (unsigned)-(long)sp_code;
    if (index >= sizeof errno_of_code / sizeof errno_of_code[0] || errno_of_code[index] == 0) {
        return EIO;
    }
    return errno_of_code[index];
}
