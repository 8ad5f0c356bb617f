/* SHA-256 (FIPS 180-4), for tests that must show that what arrived is what
 * was sent, byte for byte, without keeping a copy of either. */
#ifndef SOCKPORT_TESTS_SHA256_H
#define SOCKPORT_TESTS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32

struct sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, uint8_t digest[SHA256_DIGEST_SIZE]);
/** @p digest as 64 lowercase hex digits and a NUL into @p text. */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char text[2 * SHA256_DIGEST_SIZE + 1]);

#endif
