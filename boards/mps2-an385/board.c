/*
 * mps2-an385 console, clock, idle, exit, environment and fault report.
 */
#define _POSIX_C_SOURCE 200112L /* setenv() */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "board_internal.h"

/* CMSDK APB UART0. */
#define UART0_DATA BOARD_REG(0x40004000u)
#define UART0_STATE BOARD_REG(0x40004004u)
#define UART0_CTRL BOARD_REG(0x40004008u)
#define UART0_BAUDDIV BOARD_REG(0x40004010u)
#define UART_STATE_TX_FULL (1u << 0)
#define UART_CTRL_TX_ENABLE (1u << 0)
#define CONSOLE_BAUD 115200u

/* SysTick. */
#define SYST_CSR BOARD_REG(0xE000E010u)
#define SYST_RVR BOARD_REG(0xE000E014u)
#define SYST_CVR BOARD_REG(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CPU_CLOCK (1u << 2)

#define CCR_DIV_0_TRP (1u << 4)
#define MPU_CTRL_ENABLE (1u << 0)
#define MPU_CTRL_DEFAULT_MAP_FOR_PRIVILEGED (1u << 2)
#define MPU_RASR_ENABLE (1u << 0)
#define MPU_RASR_SIZE_4MB (21u << 1) /* 2^(21+1) bytes */
#define MPU_RASR_READ_ONLY (6u << 24)
#define MPU_RASR_CACHEABLE (1u << 17)
#define MPU_RASR_NO_ACCESS (0u << 24)
#define MPU_RASR_EXECUTE_NEVER (1u << 28)
#define MPU_RASR_SIZE_1KB (9u << 1) /* 2^(9+1) bytes: BOARD_STACK_GUARD_BYTES */
#define CFSR_MMFAR_VALID (1u << 7)
#define MPU_RBAR_VALID (1u << 4)
#define CODE_REGION_BASE 0x00000000u
#define SHCSR_SEPARATE_FAULTS ((1u << 16) | (1u << 17) | (1u << 18))

/* Semihosting: SYS_EXIT_EXTENDED carries any status, unlike SYS_EXIT. */
#define SEMIHOSTING_SYS_GET_CMDLINE 0x15u
#define SEMIHOSTING_SYS_EXIT_EXTENDED 0x20u
#define COMMAND_LINE_MAX 256
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* CMSDK APB TIMER0: a 32-bit down-counter at the CPU clock, free-running. */
#define TIMER0_CTRL BOARD_REG(0x40000000u)
#define TIMER0_VALUE BOARD_REG(0x40000004u)
#define TIMER0_RELOAD BOARD_REG(0x40000008u)
#define TIMER_CTRL_ENABLE (1u << 0)
#define TICKS_PER_MS (BOARD_CPU_HZ / 1000u)

/* The clock counts TIMER0's ticks rather than SysTick interrupts: QEMU raises
 * one interrupt for several expiries when the host deschedules it for over a
 * millisecond, so a count of interrupts ran ~40% slow on a loaded machine.
 * Only the TIMER0 wrap (every 171 s) has to be seen, and the 1 ms SysTick
 * interrupt reads the timer often enough for that. */
static uint32_t timer_last_value;
/* Elapsed time as whole milliseconds and the ticks beyond them: a 64-bit tick
 * count would need a 64-bit division per read, and libgcc's (750 bytes of
 * flash) for it. */
static uint32_t timer_ms;
static uint32_t timer_sub_ms_ticks;
static uint32_t timer_ticks; /* wraps: only the entropy's samples read it */

static uint32_t interrupts_off(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n"
                   "cpsid i"
                   : "=r"(primask)::"memory");
    return primask;
}

static void interrupts_restore(uint32_t primask)
{
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

/* Counts what TIMER0 ran down since the last call; returns the low 32 bits
 * of the ticks since start. */
static uint32_t advance_clock(void)
{
    uint32_t primask = interrupts_off();
    uint32_t value = TIMER0_VALUE;
    uint32_t ticks = (uint32_t)(timer_last_value - value);
    timer_last_value = value;
    timer_ticks += ticks;
    timer_ms += ticks / TICKS_PER_MS;
    timer_sub_ms_ticks += ticks % TICKS_PER_MS;
    if (timer_sub_ms_ticks >= TICKS_PER_MS) {
        timer_sub_ms_ticks -= TICKS_PER_MS;
        timer_ms++;
    }
    uint32_t now = timer_ticks;
    interrupts_restore(primask);
    return now;
}

void SysTick_Handler(void);
/* Its one job besides waking WFI every millisecond: see every TIMER0 wrap. */
void SysTick_Handler(void)
{
    (void)advance_clock();
}

extern uint32_t __stack_top[], __stack_limit[];

/* QEMU maps the code region as RAM, so a write through a NULL (or small)
 * pointer would silently overwrite the vector table and crash much later,
 * somewhere else: MPU region 0 makes the whole code region read-only.
 * Region 1 is a 1 KB no-access guard at the bottom of the main stack, so an
 * overflow faults instead of running into the heap (the fault handler runs
 * with the MPU off, so it can still report). The rest of the map keeps its
 * default attributes. */
static void protect_memory(void)
{
    MPU_CTRL = 0;
    MPU_RBAR = CODE_REGION_BASE | MPU_RBAR_VALID | 0u;
    MPU_RASR = MPU_RASR_READ_ONLY | MPU_RASR_CACHEABLE | MPU_RASR_SIZE_4MB | MPU_RASR_ENABLE;
    MPU_RBAR = (uint32_t)(uintptr_t)__stack_limit | MPU_RBAR_VALID | 1u;
    MPU_RASR = MPU_RASR_NO_ACCESS | MPU_RASR_EXECUTE_NEVER | MPU_RASR_SIZE_1KB | MPU_RASR_ENABLE;
    MPU_CTRL = MPU_CTRL_ENABLE | MPU_CTRL_DEFAULT_MAP_FOR_PRIVILEGED;
    __asm volatile("dsb\n"
                   "isb" ::
                       : "memory");
}

static uint32_t semihosting_call(uint32_t operation, void *argument)
{
    register uint32_t op __asm("r0") = operation;
    register void *arg __asm("r1") = argument;
    __asm volatile("bkpt 0xab" : "+r"(op) : "r"(arg) : "memory");
    return op;
}

/* The semihosting command line (the image's name, then QEMU's -append text)
 * into @p line; 0 if there is none or it does not fit. */
static uint32_t read_command_line(char *line, uint32_t size)
{
    struct {
        char *buffer;
        uint32_t length;
    } block = {line, size - 1u};
    if (semihosting_call(SEMIHOSTING_SYS_GET_CMDLINE, &block) != 0 || block.length >= size) {
        return 0;
    }
    line[block.length] = '\0';
    return block.length;
}

/* The firmware has no shell to set its environment: QEMU's -append text
 * arrives as the semihosting command line, and every NAME=VALUE word in it
 * becomes an environment variable (after the first word, the image's name). */
static void import_environment(void)
{
    static char line[COMMAND_LINE_MAX];
    if (read_command_line(line, sizeof line) == 0) {
        return;
    }
    char *word = strtok(line, " ");
    while ((word = strtok(NULL, " ")) != NULL) {
        char *equals = strchr(word, '=');
        if (equals != NULL && equals != word) {
            *equals = '\0';
            (void)setenv(word, equals + 1, 1);
        }
    }
}

char **board_argv(int *argc)
{
    static char line[COMMAND_LINE_MAX];
    static char *words[BOARD_ARGV_MAX + 1];
    static char image_name[] = "firmware";
    int count = 0;
    if (read_command_line(line, sizeof line) != 0) {
        char *save = NULL;
        for (char *word = strtok_r(line, " ", &save); word != NULL && count < BOARD_ARGV_MAX;
             word = strtok_r(NULL, " ", &save)) {
            words[count++] = word;
        }
    }
    if (count == 0) {
        words[count++] = image_name;
    }
    words[count] = NULL;
    *argc = count;
    return words;
}

void board_init_hardware(void)
{
    protect_memory();
    UART0_BAUDDIV = BOARD_CPU_HZ / CONSOLE_BAUD;
    UART0_CTRL = UART_CTRL_TX_ENABLE;

    if ((TIMER0_CTRL & TIMER_CTRL_ENABLE) == 0) {
        TIMER0_RELOAD = UINT32_MAX;
        TIMER0_VALUE = UINT32_MAX;
        timer_last_value = UINT32_MAX;
        TIMER0_CTRL = TIMER_CTRL_ENABLE;
    }
    SYST_CSR = 0;
    SYST_RVR = TICKS_PER_MS - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CPU_CLOCK;

    /* A division by zero would otherwise silently give 0. Separate fault
     * vectors are enabled only so that the report names the fault kind. */
    SCB_CCR |= CCR_DIV_0_TRP;
    SCB_SHCSR |= SHCSR_SEPARATE_FAULTS;
}

void board_init(void)
{
    board_init_hardware();

    /* Unbuffered: nothing printed is lost when the firmware faults or is
     * killed by a timeout, and newlib allocates no stdio buffer. */
    setvbuf(stdout, NULL, _IONBF, 0);
    setvbuf(stderr, NULL, _IONBF, 0);

    import_environment();
}

uint32_t board_millis(void)
{
    (void)advance_clock();
    return timer_ms; /* one word: read whole, even if SysTick advanced it since */
}

void board_idle(void *ctx)
{
    (void)ctx;
    __asm volatile("wfi" ::: "memory");
}

void board_console_write(const char *text, int len)
{
    for (int i = 0; i < len; ++i) {
        while (UART0_STATE & UART_STATE_TX_FULL) {
        }
        UART0_DATA = (uint8_t)text[i];
    }
}

uint32_t board_random(void)
{
    static uint32_t state;
    if (state == 0) {
        state = (SYST_CVR << 16) ^ TIMER0_VALUE ^ 0x9E3779B9u;
    }
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

/* murmur3's finaliser: every input bit reaches every output bit. */
static uint32_t entropy_mix(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x;
}

/*
 * WEAK ENTROPY: the mps2-an385 has no hardware random number generator.
 * What varies from boot to boot is timing: how many loop turns pass before
 * TIMER0 moves on depends on everything the CPU did before, on a real board
 * on the oscillators' drift, and in QEMU on the host's scheduling. Sixteen
 * such samples per word, with SysTick and TIMER0 themselves, are mixed into
 * a pool that every call stirs further. That makes identifiers that differ
 * from one boot to the next (what RDM sessions need), not secrets: never use
 * it for keys. (RAM left uninitialised at power-up is another weak source on
 * real silicon; QEMU zeroes RAM, so it is not used here.)
 */
int board_entropy(void *buf, size_t len)
{
    static uint32_t pool = 0x6A09E667u;
    uint8_t *out = buf;
    while (len > 0) {
        for (int sample = 0; sample < 16; sample++) {
            uint32_t start = TIMER0_VALUE;
            uint32_t turns = 0;
            while (TIMER0_VALUE == start && turns < 100000u) {
                turns++;
            }
            pool = entropy_mix(pool ^ turns ^ (SYST_CVR << 8) ^ (TIMER0_VALUE << 16) ^
                               advance_clock());
        }
        size_t take = len < sizeof pool ? len : sizeof pool;
        memcpy(out, &pool, take);
        out += take;
        len -= take;
    }
    return 0;
}

void board_semihost_exit(int status)
{
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    (void)semihosting_call(SEMIHOSTING_SYS_EXIT_EXTENDED, block);
    for (;;) {
        /* Only reached if the debugger ignored the request. */
        __asm volatile("wfi");
    }
}

void board_exit(int status)
{
#if !BOARD_BARE /* a bare firmware has no stdio to flush, and must not link it */
    fflush(stdout);
    fflush(stderr);
#endif
    board_semihost_exit(status);
}

/* The fault path avoids printf: the fault may have hit inside newlib. */
static void console_puts(const char *text)
{
    int len = 0;
    while (text[len] != '\0') {
        ++len;
    }
    board_console_write(text, len);
}

static void console_hex(const char *name, uint32_t value)
{
    char digits[8];
    for (int i = 0; i < 8; ++i) {
        digits[7 - i] = "0123456789abcdef"[(value >> (4 * i)) & 0xFu];
    }
    console_puts(" ");
    console_puts(name);
    console_puts("=0x");
    board_console_write(digits, (int)sizeof digits);
}

static void console_decimal(uint32_t value)
{
    char digits[10];
    int n = 0;
    do {
        digits[sizeof digits - 1u - (size_t)n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0);
    board_console_write(&digits[sizeof digits - (size_t)n], n);
}

void board_report_at_exit(void)
{
    const char *report = getenv("SP_BOARD_REPORT");
    if (report == NULL || strcmp(report, "1") != 0) {
        return;
    }
    const uint32_t *word = __stack_limit + BOARD_STACK_GUARD_BYTES / sizeof(uint32_t);
    while (word < __stack_top && *word == BOARD_STACK_PAINT) {
        ++word;
    }
    console_puts("board: peak stack ");
    console_decimal((uint32_t)((uintptr_t)__stack_top - (uintptr_t)word));
    console_puts(" bytes, heap ");
    console_decimal(board_heap_used());
    console_puts(" bytes\r\n");
}

static int in_stack_guard(uint32_t address)
{
    uintptr_t guard = (uintptr_t)__stack_limit;
    return address >= guard && address - guard < BOARD_STACK_GUARD_BYTES;
}

static const char *exception_name(uint32_t number)
{
    switch (number) {
    case 2:
        return "NMI";
    case 3:
        return "HardFault";
    case 4:
        return "MemManage";
    case 5:
        return "BusFault";
    case 6:
        return "UsageFault";
    case 11:
        return "SVCall";
    case 14:
        return "PendSV";
    case 15:
        return "SysTick";
    default:
        return number >= 16 ? "unhandled IRQ" : "reserved exception";
    }
}

enum { FRAME_R0, FRAME_R1, FRAME_R2, FRAME_R3, FRAME_R12, FRAME_LR, FRAME_PC, FRAME_XPSR };

/* used: Fault_Handler's assembly is its only caller, which a link-time
 * optimiser does not see (it would drop the function). */
__attribute__((used)) void board_fault_report(const uint32_t *frame)
{
    uint32_t exception = SCB_ICSR & 0x1FFu;
    console_puts("\r\n*** FAULT: ");
    console_puts(exception_name(exception));
    console_hex("exception", exception);
    console_hex("CFSR", SCB_CFSR);
    console_hex("HFSR", SCB_HFSR);
    console_hex("MMFAR", SCB_MMFAR);
    console_hex("BFAR", SCB_BFAR);
    if ((SCB_CFSR & CFSR_MMFAR_VALID) != 0 && in_stack_guard(SCB_MMFAR)) {
        /* The frame itself could not be stacked: its words are garbage. */
        console_puts("\r\n*** main stack overflow: raise __stack_size in mps2-an385.ld");
    }
    console_puts("\r\n***");
    console_hex("PC", frame[FRAME_PC]);
    console_hex("LR", frame[FRAME_LR]);
    console_hex("xPSR", frame[FRAME_XPSR]);
    console_hex("R0", frame[FRAME_R0]);
    console_hex("R1", frame[FRAME_R1]);
    console_hex("R2", frame[FRAME_R2]);
    console_hex("R3", frame[FRAME_R3]);
    console_hex("R12", frame[FRAME_R12]);
    console_hex("SP", (uint32_t)(uintptr_t)frame);
    console_puts("\r\n");
    board_semihost_exit(BOARD_EXIT_FAULT);
}
