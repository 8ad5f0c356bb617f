/* The error codes include/sockport/sockport.h lists for each function. */
#ifndef SOCKPORT_CONFORMANCE_HEADER_CODES_H
#define SOCKPORT_CONFORMANCE_HEADER_CODES_H

#include <stdbool.h>
#include <stddef.h>

#include <sockport/sockport.h>

/** Read the header at @p path. @return functions found, or -1. */
int cf_header_load(const char *path);
/** The same from the header's text (a board has no files). @return functions found. */
int cf_header_parse(const char *text);
/** Whether @p function has a doc comment in the header. */
bool cf_header_documents(const char *function);
/** Whether the header lists @p code among @p function's errors. */
bool cf_header_lists(const char *function, int code);
/** The listed codes as "SP_EBADF, SP_EINVAL, ...". */
void cf_header_describe(const char *function, char *buf, size_t size);

#endif
