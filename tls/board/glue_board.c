/*
 * The rest of the platform glue mbedTLS expects from an integrator on
 * mps2-an385 (mbedtls_config_board.h): time since boot, and an entropy source.
 *
 * THE ENTROPY SOURCE IS FOR TESTS ONLY. The board (and QEMU's model of it)
 * has no hardware random number generator, so mbedtls_hardware_poll() mixes
 * what little varies from boot to boot under QEMU: the free-running timer,
 * SysTick's count and the clock at each call. An attacker who can guess the
 * boot timing can guess the keys. A real product feeds mbedtls_hardware_poll()
 * from a TRNG.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mbedtls/entropy_poll.h"

#include "board.h"
#include "sockport_mbedtls_board.h"

#define TIMER0_VALUE (*(volatile uint32_t *)(uintptr_t)0x40000004u)
#define SYST_CVR (*(volatile uint32_t *)(uintptr_t)0xE000E018u)

time_t sockport_mbedtls_time(time_t *now)
{
    time_t seconds = (time_t)(board_millis() / 1000u);
    if (now != NULL) {
        *now = seconds;
    }
    return seconds;
}

void sockport_mbedtls_entropy_warning(void)
{
    static int printed;
    if (printed) {
        return;
    }
    printed = 1;
    printf("\n"
           "*****************************************************************\n"
           "* WARNING: TEST-ONLY ENTROPY. mps2-an385 has no hardware RNG:   *\n"
           "* mbedTLS is seeded from timer jitter under QEMU, which can be  *\n"
           "* guessed. Keys made here are NOT secret. Never use this source *\n"
           "* (tls/board/glue_board.c) on a real device.                    *\n"
           "*****************************************************************\n\n");
}

/* One 32-bit word per call of xorshift over the timers: the varying part is
 * the host's scheduling of QEMU, read at every call, not only at the first. */
static uint32_t jitter_word(void)
{
    static uint32_t state = 0x9E3779B9u;
    state ^= TIMER0_VALUE;
    state ^= SYST_CVR << 16;
    state ^= board_millis() * 0x85EBCA6Bu;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state ^ board_random();
}

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    sockport_mbedtls_entropy_warning();
    size_t done = 0;
    while (done < len) {
        uint32_t word = jitter_word();
        size_t chunk = len - done < sizeof word ? len - done : sizeof word;
        memcpy(output + done, &word, chunk);
        done += chunk;
    }
    *olen = len;
    return 0;
}
