/*
 * Cortex-M3 reset and exception entry for mps2-an385: the vector table, the
 * C run-time set-up before main(), and the fault entry that finds the stacked
 * registers for board_fault_report().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "board_internal.h"

/* Symbols of mps2-an385.ld. */
extern uint32_t __stack_top[], __stack_limit[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void) __attribute__((noreturn));
void Fault_Handler(void);
void _init(void);
void _fini(void);

/* A handler a firmware does not define runs Fault_Handler, which reports the
 * stray exception like a fault and exits instead of hanging. */
#define WEAK_HANDLER __attribute__((weak, alias("Fault_Handler")))
void NMI_Handler(void) WEAK_HANDLER;
void SVC_Handler(void) WEAK_HANDLER;
void DebugMon_Handler(void) WEAK_HANDLER;
void PendSV_Handler(void) WEAK_HANDLER;
void SysTick_Handler(void) WEAK_HANDLER;
void UART0_Handler(void) WEAK_HANDLER;
void ETHERNET_Handler(void) WEAK_HANDLER;

typedef void (*exception_handler)(void);

/* AN385 wires 32 external interrupts; the LAN9118 is IRQ 13. */
enum { CORE_VECTORS = 15, EXTERNAL_IRQS = 32, ETHERNET_IRQ = 13 };

struct vector_table {
    uint32_t *initial_stack;
    exception_handler core[CORE_VECTORS];
    exception_handler irq[EXTERNAL_IRQS];
};

__attribute__((section(".vectors"), used)) static const struct vector_table vectors = {
    .initial_stack = __stack_top,
    .core =
        {
            Reset_Handler,    /* 1 */
            NMI_Handler,      /* 2 */
            Fault_Handler,    /* 3 HardFault */
            Fault_Handler,    /* 4 MemManage */
            Fault_Handler,    /* 5 BusFault */
            Fault_Handler,    /* 6 UsageFault */
            0, 0, 0, 0,       /* 7..10 reserved */
            SVC_Handler,      /* 11 */
            DebugMon_Handler, /* 12 */
            0,                /* 13 reserved */
            PendSV_Handler,   /* 14 */
            SysTick_Handler,  /* 15 */
        },
    .irq =
        {
            [0] = UART0_Handler,
            [1 ... ETHERNET_IRQ - 1] = Fault_Handler,
            [ETHERNET_IRQ] = ETHERNET_Handler,
            [ETHERNET_IRQ + 1 ... EXTERNAL_IRQS - 1] = Fault_Handler,
        },
};

void Reset_Handler(void)
{
    /* Word copies: the linker script aligns both ends of .data and .bss. */
    const uint32_t *load = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end; ++dst, ++load) {
        *dst = *load;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end; ++dst) {
        *dst = 0;
    }
    /* Leave the words this function itself uses alone. */
    uint32_t *sp;
    __asm volatile("mov %0, sp" : "=r"(sp));
    uint32_t *above_guard = __stack_limit + BOARD_STACK_GUARD_BYTES / sizeof(uint32_t);
    for (uint32_t *word = above_guard; word < sp - 16; ++word) {
        *word = BOARD_STACK_PAINT;
    }
    for (void (**ctor)(void) = __init_array_start; ctor < __init_array_end; ++ctor) {
        (*ctor)();
    }
#if BOARD_BARE
    /* No newlib exit(): nothing registered with atexit() and no stdio to
     * flush, and it would link both. */
    board_init_hardware();
    board_exit(main());
#else
    board_init();
    exit(main());
#endif
}

/* newlib's __libc_init_array/__libc_fini_array call these; crti.o would
 * define them, but firmware links with -nostartfiles (Reset_Handler is the
 * start-up code) and runs the constructors itself. used: newlib's objects
 * may join the link after a link-time optimiser has run (syscalls.c). */
__attribute__((used)) void _init(void) {}

__attribute__((used)) void _fini(void) {}

/* Hands the stack frame the exception pushed to the reporter: bit 2 of
 * EXC_RETURN in LR says whether it is on the main or the process stack. */
__attribute__((naked)) void Fault_Handler(void)
{
#if defined(__ARM_ARCH_6M__)
    /* Thumb-1 (Cortex-M0/M0+, for link-only footprint builds): no IT blocks. */
    __asm volatile("movs r0, #4\n"
                   "mov r1, lr\n"
                   "tst r0, r1\n"
                   "bne 1f\n"
                   "mrs r0, msp\n"
                   "ldr r1, =board_fault_report\n"
                   "bx r1\n"
                   "1:\n"
                   "mrs r0, psp\n"
                   "ldr r1, =board_fault_report\n"
                   "bx r1\n");
#else
    __asm volatile("tst lr, #4\n"
                   "ite eq\n"
                   "mrseq r0, msp\n"
                   "mrsne r0, psp\n"
                   "b board_fault_report\n");
#endif
}
