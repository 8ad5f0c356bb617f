/* Error strings and names, generated from the one table in <sockport/errors.h>. */
#include <sockport/errors.h>

const char *sp_strerror(int err)
{
    if (err >= 0)
        return "success";
    switch (err) {
#define SP_ERROR_TEXT_CASE(name, value, text)                                                      \
    case -(value):                                                                                 \
        return text;
        SP_ERRNO_MAP(SP_ERROR_TEXT_CASE)
#undef SP_ERROR_TEXT_CASE
    default:
        return "unknown error";
    }
}

const char *sp_err_name(int err)
{
    if (err >= 0)
        return "SP_OK";
    switch (err) {
#define SP_ERROR_NAME_CASE(name, value, text)                                                      \
    case -(value):                                                                                 \
        return "SP_E" #name;
        SP_ERRNO_MAP(SP_ERROR_NAME_CASE)
#undef SP_ERROR_NAME_CASE
    default:
        return "SP_EUNKNOWN";
    }
}
