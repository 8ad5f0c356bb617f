/*
 * Makes a bus fault on purpose: the board must print the fault registers and
 * exit with BOARD_EXIT_FAULT instead of hanging until a timeout.
 */
#include <stdint.h>
#include <stdio.h>

#include "board.h"

/* Nothing is mapped here on mps2-an385. */
#define UNMAPPED_ADDRESS 0x60000000u

int main(void)
{
    printf("reading unmapped memory at 0x%08lx\n", (unsigned long)UNMAPPED_ADDRESS);
    uint32_t value = *(volatile uint32_t *)(uintptr_t)UNMAPPED_ADDRESS;
    printf("no fault: read 0x%08lx\n", (unsigned long)value);
    return 0;
}
