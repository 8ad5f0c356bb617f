/*
 * The lwIP port with the board's hooks: what every sockport firmware on this
 * board starts with.
 */
#include "board_sockport.h"

#include <stdio.h>

#include <sockport/lwip.h>

#include "board.h"

sp_stack *board_start_lwip(int with_lan9118)
{
    struct sp_lwip_config config = {
        .clock_ms = board_millis,
        .idle = board_idle,
        .entropy = board_entropy, /* weak: timer jitter, see board.c */
    };
    if (with_lan9118) {
        config.add_netifs = board_netif_add;
        config.poll_netifs = board_netif_poll;
    }
    sp_stack *stack = sp_lwip_start(&config);
    if (stack == NULL) {
        printf("board: lwIP did not start (already running%s)\n",
               with_lan9118 ? ", or no LAN9118: QEMU needs -nic user,model=lan9118" : "");
        return NULL;
    }
    sp_set_default_stack(stack);
    return stack;
}
