/**
 * @file
 * @brief MBEDTLS_TIMING_ALT for mps2-an385: mbedTLS's timing.h includes this
 *        header for its two context types; timing_alt.c implements
 *        mbedtls_timing_hardclock(), mbedtls_timing_get_timer(),
 *        mbedtls_set_alarm(), mbedtls_timing_set_delay() and
 *        mbedtls_timing_get_delay() on board_millis().
 */
#ifndef SOCKPORT_MBEDTLS_TIMING_ALT_H
#define SOCKPORT_MBEDTLS_TIMING_ALT_H

#include <stdint.h>

/** A start time for mbedtls_timing_get_timer(). */
struct mbedtls_timing_hr_time {
    uint32_t start_ms;
};

/** DTLS retransmission timer state (mbedtls_timing_set_delay()). */
typedef struct mbedtls_timing_delay_context {
    struct mbedtls_timing_hr_time timer;
    uint32_t int_ms;
    uint32_t fin_ms;
} mbedtls_timing_delay_context;

#endif /* SOCKPORT_MBEDTLS_TIMING_ALT_H */
