/*
 * Faults on purpose, one kind per run, chosen by SP_FAULT in the environment
 * (run_firmware.sh --env SP_FAULT=...). The board must print the fault
 * registers and exit with BOARD_EXIT_FAULT instead of hanging until a timeout:
 *   bus         read unmapped memory        BusFault, BFAR = the address
 *   null_write  write through NULL          MemManage (code region read-only)
 *   stack       unbounded recursion         the stack guard, "main stack overflow"
 *   divide      integer division by zero    UsageFault (DIVBYZERO)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

/* Nothing is mapped here on mps2-an385. */
#define UNMAPPED_ADDRESS 0x60000000u
#define FRAME_BYTES 256

static volatile uint32_t sink;
/* Far deeper than 4 MB of RAM allows at FRAME_BYTES a level. */
static volatile uint32_t recursion_limit = 1000000u;

static uint32_t recurse(uint32_t depth)
{
    volatile uint8_t frame[FRAME_BYTES];
    for (size_t i = 0; i < sizeof frame; i++) {
        frame[i] = (uint8_t)(depth + i);
    }
    if (depth >= recursion_limit) {
        return 0;
    }
    /* Used after the call, so the recursion cannot become a loop. */
    return recurse(depth + 1) + frame[depth % FRAME_BYTES];
}

int main(void)
{
    const char *kind = getenv("SP_FAULT");
    if (kind == NULL) {
        kind = "bus";
    }
    printf("fw_fault: %s\n", kind);
    if (strcmp(kind, "bus") == 0) {
        sink = *(volatile uint32_t *)(uintptr_t)UNMAPPED_ADDRESS;
    } else if (strcmp(kind, "null_write") == 0) {
        volatile uint32_t *null_pointer = (volatile uint32_t *)(uintptr_t)sink;
        *null_pointer = 0xBADu;
    } else if (strcmp(kind, "stack") == 0) {
        sink = recurse(0);
    } else if (strcmp(kind, "divide") == 0) {
        volatile uint32_t zero = sink;
        sink = 1000u / zero;
    } else {
        printf("fw_fault: unknown SP_FAULT=%s\n", kind);
        return 2;
    }
    printf("fw_fault: no fault\n");
    return 0;
}
