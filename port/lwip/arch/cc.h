/*
 * lwIP's compiler/platform glue for every target sockport builds lwIP for
 * (host tests and arm-none-eabi boards alike): only C11 and newlib/glibc
 * headers, nothing OS-specific.
 */
#ifndef SOCKPORT_LWIP_ARCH_CC_H
#define SOCKPORT_LWIP_ARCH_CC_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define BYTE_ORDER BIG_ENDIAN
#else
#define BYTE_ORDER LITTLE_ENDIAN
#endif

/* Deterministic randomness (TCP initial sequence numbers, ephemeral ports):
 * the port seeds it at start, so a simulated-clock test replays exactly. */
uint32_t sp_lwip_rand(void);
#define LWIP_RAND() ((u32_t)sp_lwip_rand())

/* Assertions are bugs: report and stop, on a host as on a board. */
void sp_lwip_assert_failed(const char *message, const char *file, int line);
#define LWIP_PLATFORM_ASSERT(message) sp_lwip_assert_failed((message), __FILE__, __LINE__)

#define LWIP_PLATFORM_DIAG(args)                                                                   \
    do {                                                                                           \
        printf args;                                                                               \
    } while (0)

#endif /* SOCKPORT_LWIP_ARCH_CC_H */
