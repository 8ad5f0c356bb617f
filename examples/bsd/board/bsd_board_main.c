/*
 * Runs one classic program of examples/bsd, unmodified, as mps2-an385
 * firmware: start lwIP on the board's LAN9118 (the default stack the BSD
 * layer's socket() uses), then call the program's main(), which is compiled
 * with -Dmain=bsd_program_main. The firmware has no command line: its
 * arguments come from the environment (QEMU's -append, run_firmware.sh
 * --env) as SP_ARG1 .. SP_ARG4, and the word @HOST_PORT stands for the port
 * of the host-side server run_firmware.sh --server started (SP_HOST_PORT).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_sockport.h"

#ifndef BSD_PROGRAM_NAME
#define BSD_PROGRAM_NAME "bsd_program"
#endif

#define MAX_ARGS 4

int bsd_program_main(int argc, char **argv);

int main(void)
{
    if (board_start_lwip(1) == NULL) {
        printf("%s: the network did not start\n", BSD_PROGRAM_NAME);
        return 1;
    }
    static char program[] = BSD_PROGRAM_NAME;
    char *argv[MAX_ARGS + 2] = {program};
    int argc = 1;
    for (int i = 1; i <= MAX_ARGS; i++) {
        char name[] = "SP_ARG0";
        name[sizeof name - 2] = (char)('0' + i);
        char *value = getenv(name);
        if (value == NULL) {
            break;
        }
        if (strcmp(value, "@HOST_PORT") == 0) {
            value = getenv("SP_HOST_PORT");
            if (value == NULL) {
                printf("%s: @HOST_PORT without SP_HOST_PORT\n", BSD_PROGRAM_NAME);
                return 2;
            }
        }
        argv[argc++] = value;
    }
    return bsd_program_main(argc, argv);
}
