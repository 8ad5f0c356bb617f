/**
 * @file
 * @brief Board support for QEMU's mps2-an385 (ARM MPS2 FPGA image AN385:
 *        Cortex-M3 at 25 MHz, CMSDK UART0 console, LAN9118 Ethernet).
 *
 * What a firmware needs to run sockport's lwIP port on this board: a console
 * behind printf, a millisecond clock, an idle hook, an exit status QEMU hands
 * back to the shell, and the network interface hooks of struct sp_lwip_config.
 * The function signatures match the sp_lwip_config hooks so they plug in
 * directly:
 *
 * @code
 * struct sp_lwip_config cfg = {
 *     .clock_ms = board_millis, .idle = board_idle,
 *     .add_netifs = board_netif_add, .poll_netifs = board_netif_poll,
 * };
 * @endcode
 *
 * This header includes no lwIP header: lwIP's types stay in lan9118_netif.h.
 */
#ifndef SOCKPORT_BOARD_MPS2_AN385_H
#define SOCKPORT_BOARD_MPS2_AN385_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The CPU clock QEMU gives mps2-an385 (its SysTick counts at this rate). */
#define BOARD_CPU_HZ 25000000u

/** Exit status after a HardFault (or an escalated Bus/Usage/MemManage fault). */
#define BOARD_EXIT_FAULT 120
/** Exit status after abort() or a failed lwIP assertion. */
#define BOARD_EXIT_ABORT 121

/**
 * @brief Start the console (UART0, TX only), the clock (TIMER0) and the 1 ms
 *        SysTick that wakes board_idle(), enable the
 *        divide-by-zero trap, make the code region read-only (MPU), and turn
 *        each NAME=VALUE word of QEMU's `-append` text (the semihosting
 *        command line) into an environment variable for getenv(). The reset
 *        handler calls this before main(), so printf works from main's first
 *        line; calling it again is harmless.
 */
void board_init(void);

/**
 * @brief The hardware part of board_init(): console, clock, SysTick, traps
 *        and MPU, without stdio or the environment (no newlib stdio, no
 *        malloc). The reset handler of a bare firmware
 *        (sockport_board_mps2_an385_bare) calls only this: its main() writes
 *        with board_console_write() and its getenv() sees nothing.
 */
void board_init_hardware(void);

/** The most words board_argv() returns (the image's name included). */
#define BOARD_ARGV_MAX 32

/**
 * @brief The semihosting command line as a C program's arguments: argv[0] is
 *        the image's name, then each space-separated word of QEMU's `-append`
 *        text (at most BOARD_ARGV_MAX words in all, 255 characters), and
 *        argv[*argc] is NULL. For running a program written for a hosted
 *        system, unmodified, as `main(argc, argv)` on the board. Without a
 *        command line the result is {"firmware", NULL}.
 * @return the argument vector, in static storage (a second call rereads the
 *         command line and overwrites it); never NULL.
 */
char **board_argv(int *argc);

/** Milliseconds since board_init(), from the free-running CMSDK TIMER0 at
 *  the CPU clock (not a count of SysTick interrupts, which QEMU may merge);
 *  wraps after ~49.7 days. */
uint32_t board_millis(void);

/**
 * @brief Sleep until the next interrupt (WFI): at the latest the next SysTick,
 *        1 ms later. @p ctx is unused; the signature fits sp_lwip_config.idle.
 */
void board_idle(void *ctx);

/**
 * @brief Stop the machine: flush the console, then ask QEMU through
 *        semihosting (SYS_EXIT_EXTENDED) to exit with @p status.
 * @note Needs `-semihosting-config enable=on,target=native`; without it the
 *       breakpoint faults and QEMU aborts.
 */
void board_exit(int status) __attribute__((noreturn));

/** Write @p len bytes to the console, waiting while the TX buffer is full. */
void board_console_write(const char *text, int len);

/** A 32-bit pseudo-random number (xorshift seeded from the cycle counter at
 *  the first call): lwIP's LWIP_RAND for port numbers and sequence numbers. */
uint32_t board_random(void);

/**
 * @brief Fill @p buf with @p len bytes from the board's WEAK entropy source
 *        (timer jitter: this board has no hardware RNG), for identifiers that
 *        must differ from boot to boot; never for keys.
 *        Signature of sp_lwip_config.entropy.
 * @return 0.
 */
int board_entropy(void *buf, size_t len);

/**
 * @brief Add the LAN9118 as lwIP's default interface with the static IPv4
 *        address 10.0.2.15/24, gateway 10.0.2.2 (QEMU user-mode networking),
 *        and send an ARP request for the gateway so that slirp learns the
 *        board's MAC before the host sends anything.
 *        Signature of sp_lwip_config.add_netifs; @p ctx is unused.
 * @return 0; SP_EIO if the chip does not answer (no `-nic ...,model=lan9118`).
 */
int board_netif_add(void *ctx);

/** Move received frames into lwIP and track the PHY link.
 *  Signature of sp_lwip_config.poll_netifs; @p ctx is unused. */
void board_netif_poll(void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_BOARD_MPS2_AN385_H */
