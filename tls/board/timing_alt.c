/*
 * MBEDTLS_TIMING_ALT on mps2-an385: mbedTLS's timing functions on the board's
 * millisecond clock. DTLS retransmission (mbedtls_timing_set_delay/get_delay)
 * is what the SSL programs use.
 */
#include "mbedtls/timing.h"

#include <stddef.h>

#include "board.h"

volatile int mbedtls_timing_alarmed = 0;

/* mbedtls_set_alarm() has no interrupt of its own: the flag is raised by the
 * next timing call after the deadline (see mbedtls_set_alarm). */
static uint32_t alarm_deadline_ms;
static int alarm_armed;

static uint32_t now_ms(void)
{
    uint32_t now = board_millis();
    if (alarm_armed && (int32_t)(now - alarm_deadline_ms) >= 0) {
        alarm_armed = 0;
        mbedtls_timing_alarmed = 1;
    }
    return now;
}

/* No cycle counter on this core as QEMU models it (no DWT): CPU clock cycles
 * derived from the millisecond clock, so with 1 ms resolution. */
unsigned long mbedtls_timing_hardclock(void)
{
    return (unsigned long)now_ms() * (BOARD_CPU_HZ / 1000u);
}

unsigned long mbedtls_timing_get_timer(struct mbedtls_timing_hr_time *val, int reset)
{
    uint32_t now = now_ms();
    if (reset) {
        val->start_ms = now;
        return 0;
    }
    return (unsigned long)(now - val->start_ms);
}

/* Not asynchronous: mbedtls_timing_alarmed is raised by the first timing call
 * (hardclock, get_timer, get_delay) made after the deadline, so a loop that
 * only reads the flag (mbedTLS's benchmark program) would not stop. The TLS
 * programs do not use the alarm. */
void mbedtls_set_alarm(int seconds)
{
    mbedtls_timing_alarmed = 0;
    alarm_armed = 0;
    if (seconds <= 0) {
        mbedtls_timing_alarmed = 1;
        return;
    }
    alarm_deadline_ms = board_millis() + (uint32_t)seconds * 1000u;
    alarm_armed = 1;
}

void mbedtls_timing_set_delay(void *data, uint32_t int_ms, uint32_t fin_ms)
{
    mbedtls_timing_delay_context *ctx = data;
    ctx->int_ms = int_ms;
    ctx->fin_ms = fin_ms;
    if (fin_ms != 0) {
        (void)mbedtls_timing_get_timer(&ctx->timer, 1);
    }
}

/* -1: cancelled; 0: before the intermediate delay; 1: past it; 2: past the
 * final one (the contract of mbedtls_timing_get_delay in timing.h). */
int mbedtls_timing_get_delay(void *data)
{
    mbedtls_timing_delay_context *ctx = data;
    if (ctx->fin_ms == 0) {
        return -1;
    }
    unsigned long elapsed = mbedtls_timing_get_timer(&ctx->timer, 0);
    if (elapsed >= ctx->fin_ms) {
        return 2;
    }
    if (elapsed >= ctx->int_ms) {
        return 1;
    }
    return 0;
}
