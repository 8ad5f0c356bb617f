/*
 * The conformance table's scenarios (tests/conformance) on the board: the
 * lwIP port on the mps2-an385's own clock, a fresh stack per row. The board
 * has no kernel to compare with, so it prints every step's outcome and the
 * host judges them against the kernel (conformance --board-log), with the same
 * rules as the lwIP port in-process. Exit status 0 once every row ran.
 */
#include <stdio.h>

#include <sockport/lwip.h>

#include "board_sockport.h"
#include "conformance.h"

static sp_stack *board_start(void)
{
    sp_stack *running = sp_lwip_stack();
    if (running != NULL)
        sp_lwip_stop(running);
    /* The table covers every socket type: the firmware registers them all. */
    sp_use_seqpacket();
    sp_use_rdm();
    sp_lwip_use_raw();
    sp_lwip_use_poller();
    sp_lwip_use_native_options();
    return board_start_lwip(0);
}

static void board_stop(sp_stack *stack)
{
    sp_lwip_stop(stack);
}

int main(void)
{
    struct cf_backend board = cf_sockport_backend("lwip-board", board_start, board_stop);
    static struct cf_run run;
    unsigned row = 0;
    for (size_t s = 0; s < cf_scenario_count; s++) {
        int families[3];
        int n = cf_row_families(&cf_scenarios[s], families);
        for (int f = 0; f < n; f++, row++) {
            cf_run_scenario(&board, &cf_scenarios[s], families[f], &run);
            for (int i = 0; i < run.steps; i++)
                printf("CF %u %d %ld %s\n", row, i, run.out[i].value, run.out[i].detail);
            printf("CFROW %u %d %d\n", row, run.steps, run.shown);
        }
    }
    printf("fw_conformance: %u rows\n", row);
    return 0;
}
