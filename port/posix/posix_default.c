/* Makes the POSIX port the build's default stack (see sp_port_default_stack()
 * in <sockport/port.h>): link the `sockport` target to get it. */
#include <sockport/port.h>
#include <sockport/posix.h>

sp_stack *sp_port_default_stack(void)
{
    return sp_posix_stack();
}
