/**
 * @file
 * @brief The platform glue mbedTLS expects an integrator to supply on
 *        mps2-an385 (named in mbedtls_config_board.h): time, and a TEST-ONLY
 *        entropy source. Timing is in timing_alt.h.
 */
#ifndef SOCKPORT_MBEDTLS_BOARD_H
#define SOCKPORT_MBEDTLS_BOARD_H

#include <time.h>

/**
 * @brief mbedtls_time() on the board (MBEDTLS_PLATFORM_TIME_MACRO): seconds
 *        since boot, from board_millis(). The board has no calendar clock.
 * @param now if not NULL, receives the same value.
 * @return seconds since boot; never fails.
 */
time_t sockport_mbedtls_time(time_t *now);

/**
 * @brief Print the TEST-ONLY entropy warning on the console (once; later
 *        calls print nothing). mbedtls_hardware_poll() calls it too, so no
 *        key is ever made without it having been printed.
 */
void sockport_mbedtls_entropy_warning(void);

#endif /* SOCKPORT_MBEDTLS_BOARD_H */
