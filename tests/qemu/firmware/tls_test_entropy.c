/*
 * A TEST-ONLY entropy source for the TLS suite's wolfSSL firmware: mps2-an385
 * has no RNG, so this mixes the timers that vary from run to run under QEMU
 * (as tls/board/glue_board.c does for mbedTLS). Registered with
 * SP_TLS_ENTROPY_TEST_ONLY, which contexts refuse unless their configuration
 * allows it: keys made from it can be guessed.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "board.h"

#define TIMER0_VALUE (*(volatile uint32_t *)(uintptr_t)0x40000004u)
#define SYST_CVR (*(volatile uint32_t *)(uintptr_t)0xE000E018u)

int sp_t_tls_board_entropy(void *arg, uint8_t *out, size_t len);

int sp_t_tls_board_entropy(void *arg, uint8_t *out, size_t len)
{
    static uint32_t state = 0x9E3779B9u;
    (void)arg;
    for (size_t done = 0; done < len;) {
        state ^= TIMER0_VALUE ^ (SYST_CVR << 16) ^ (board_millis() * 0x85EBCA6Bu);
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        uint32_t word = state ^ board_random();
        size_t chunk = len - done < sizeof word ? len - done : sizeof word;
        memcpy(out + done, &word, chunk);
        done += chunk;
    }
    return 0;
}
