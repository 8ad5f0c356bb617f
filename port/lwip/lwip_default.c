/*
 * Makes the lwIP port the default stack of a program that links sockport::lwip:
 * lwIP starts on first use, loopback only, on the real clock. A program that
 * wants other interfaces or the simulated clock calls sp_lwip_start() itself
 * first; then that stack is the default.
 */
#include <sockport/lwip.h>
#include <sockport/port.h>

sp_stack *sp_port_default_stack(void)
{
    sp_stack *running = sp_lwip_stack();
    return running != NULL ? running : sp_lwip_start(NULL);
}
