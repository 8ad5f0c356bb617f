/*
 * The lwIP port's one translation of lwIP's err_t into sockport codes. With
 * NO_SYS=1 lwIP has no err_to_errno(), so this is the only mapping; calls
 * whose meaning of an err_t differs (a reset while connecting is a refusal,
 * a full heap on a stream send is backpressure) override it where they call.
 */
#include "lwip_internal.h"

/* Row per err_t, in lwIP's numbering: ERR_OK is 0, ERR_MEM -1, ... ERR_ARG -16.
 * Bytes: every SP_E* code fits one (the records keep them in an int8_t). */
static const int8_t sp_lwip_error_table[] = {
    0,               /* ERR_OK */
    SP_ENOBUFS,      /* ERR_MEM: out of memory */
    SP_ENOBUFS,      /* ERR_BUF: buffer error */
    SP_ETIMEDOUT,    /* ERR_TIMEOUT */
    SP_ENETUNREACH,  /* ERR_RTE: no route */
    SP_EINPROGRESS,  /* ERR_INPROGRESS */
    SP_EINVAL,       /* ERR_VAL: illegal value */
    SP_EAGAIN,       /* ERR_WOULDBLOCK */
    SP_EADDRINUSE,   /* ERR_USE: address in use */
    SP_EALREADY,     /* ERR_ALREADY: already connecting */
    SP_EISCONN,      /* ERR_ISCONN: already connected */
    SP_ENOTCONN,     /* ERR_CONN: not connected */
    SP_EIO,          /* ERR_IF: low-level netif error */
    SP_ECONNABORTED, /* ERR_ABRT: connection aborted */
    SP_ECONNRESET,   /* ERR_RST: connection reset */
    SP_ENOTCONN,     /* ERR_CLSD: connection closed */
    SP_EINVAL,       /* ERR_ARG: illegal argument */
};

int sp_lwip_error(err_t err)
{
    size_t row = (size_t)(-(int)err);
    if (err > 0 || row >= sizeof sp_lwip_error_table / sizeof sp_lwip_error_table[0]) {
        return SP_EIO;
    }
    return sp_lwip_error_table[row];
}

int sp_lwip_route_error(err_t err)
{
    return err == ERR_VAL ? SP_ENETUNREACH : sp_lwip_error(err);
}
