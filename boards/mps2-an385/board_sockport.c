/*
 * The lwIP port with the board's hooks: what every sockport firmware on this
 * board starts with.
 */
#include "board_sockport.h"

#include <string.h>

#include <sockport/lwip.h>

#include "board.h"

static void console_text(const char *text)
{
    board_console_write(text, (int)strlen(text));
}

/* Written without printf: see sp_lwip_board_assert() in <sockport/lwip.h>. */
void sp_lwip_board_assert(const char *message, const char *file, int line)
{
    char digits[12];
    int at = (int)sizeof digits;
    unsigned value = line > 0 ? (unsigned)line : 0u;
    do {
        digits[--at] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value > 0 && at > 0);
    console_text("lwIP assertion \"");
    console_text(message);
    console_text("\" failed at ");
    console_text(file);
    console_text(":");
    board_console_write(digits + at, (int)sizeof digits - at);
    console_text("\n");
    board_exit(134); /* as a host's abort() */
}

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
        /* Not printf: a bare firmware links no stdio (sockport_board_mps2_an385_bare). */
        console_text("board: lwIP did not start (already running");
        console_text(with_lan9118 ? ", or no LAN9118: QEMU needs -nic user,model=lan9118)\n"
                                  : ")\n");
        return NULL;
    }
    sp_set_default_stack(stack);
    return stack;
}
