/* Declarations shared by the board's own files only. */
#ifndef SOCKPORT_BOARD_MPS2_AN385_INTERNAL_H
#define SOCKPORT_BOARD_MPS2_AN385_INTERNAL_H

#include <stdint.h>

/* 1 in sockport_board_mps2_an385_bare: no newlib stdio, environment or exit(). */
#ifndef BOARD_BARE
#define BOARD_BARE 0
#endif

/* Print the fault status registers and the frame the exception stacked
 * (r0 r1 r2 r3 r12 lr pc xpsr), then exit with BOARD_EXIT_FAULT. Entered from
 * Fault_Handler's assembly with the frame in r0. */
void board_fault_report(const uint32_t *frame) __attribute__((noreturn));

/* Exit QEMU now with @p status, with no newlib call in between: usable from a
 * fault handler and from _exit(). */
void board_semihost_exit(int status) __attribute__((noreturn));

/* Reset_Handler fills the unused main stack with this word, so that the
 * deepest use can be measured. */
#define BOARD_STACK_PAINT 0x5AC4DEADu
/* The bottom of the main stack reservation is an MPU no-access guard. */
#define BOARD_STACK_GUARD_BYTES 1024u

/* At exit, with SP_BOARD_REPORT=1 in the environment: print the peak stack
 * and heap use. */
void board_report_at_exit(void);

/* Bytes of the heap _sbrk has handed out. */
uint32_t board_heap_used(void);

/* Cortex-M system control registers the board touches. */
#define BOARD_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define SCB_ICSR BOARD_REG(0xE000ED04u)
#define SCB_CCR BOARD_REG(0xE000ED14u)
#define SCB_SHCSR BOARD_REG(0xE000ED24u)
#define SCB_CFSR BOARD_REG(0xE000ED28u)
#define SCB_HFSR BOARD_REG(0xE000ED2Cu)
#define SCB_MMFAR BOARD_REG(0xE000ED34u)
#define SCB_BFAR BOARD_REG(0xE000ED38u)
#define MPU_CTRL BOARD_REG(0xE000ED94u)
#define MPU_RNR BOARD_REG(0xE000ED98u)
#define MPU_RBAR BOARD_REG(0xE000ED9Cu)
#define MPU_RASR BOARD_REG(0xE000EDA0u)
#define NVIC_ISER0 BOARD_REG(0xE000E100u)
#define NVIC_ICER0 BOARD_REG(0xE000E180u)
#define NVIC_ICPR0 BOARD_REG(0xE000E280u)

#endif
