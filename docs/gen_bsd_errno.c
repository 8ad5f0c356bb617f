/* Prints the BSD layer's errno table (sp_bsd_errno() of every SP_ERRNO_MAP
 * row) as the first two cells of docs/bsd.md's table rows, so that
 * docs/bsd_errno.cmake can check the committed table against the code. */
#define _GNU_SOURCE /* strerrorname_np */

#include <stdio.h>
#include <string.h>

#include <sockport/bsd.h>
#include <sockport/sockport.h>

int main(void)
{
#define ROW(name, value, text)                                                                     \
    printf("| `SP_E%s` | `%s`\n", #name, strerrorname_np(sp_bsd_errno(SP_E##name)));
    SP_ERRNO_MAP(ROW)
#undef ROW
    return 0;
}
