/**
 * @file
 * @brief Starting sockport's lwIP port on mps2-an385 with the board's hooks.
 */
#ifndef SOCKPORT_BOARD_MPS2_AN385_SOCKPORT_H
#define SOCKPORT_BOARD_MPS2_AN385_SOCKPORT_H

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Start the lwIP port on the board's clock and idle hook, with the
 *        LAN9118 (board_netif_add(), board_netif_poll()) if @p with_lan9118,
 *        else loopback only, and make it the default stack.
 * @return the stack; NULL if lwIP is already running or the LAN9118 did not
 *         answer (a line on the console says which).
 */
sp_stack *board_start_lwip(int with_lan9118);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_BOARD_MPS2_AN385_SOCKPORT_H */
