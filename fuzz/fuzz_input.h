/*
 * Decoding a libFuzzer input into choices, for the harnesses in fuzz/. Every
 * take_*() returns 0 (or nothing) once the input is used up, so a harness
 * never reads past it and a short input is a short run, not an error.
 */
#ifndef SOCKPORT_FUZZ_INPUT_H
#define SOCKPORT_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_input {
    const uint8_t *data;
    size_t left;
};

static inline uint8_t take_u8(struct fuzz_input *in)
{
    if (in->left == 0) {
        return 0;
    }
    in->left--;
    return *in->data++;
}

static inline uint16_t take_u16(struct fuzz_input *in)
{
    return (uint16_t)((unsigned)take_u8(in) << 8 | take_u8(in));
}

static inline uint32_t take_u32(struct fuzz_input *in)
{
    uint32_t high = take_u16(in);
    return high << 16 | take_u16(in);
}

/* Up to @p want bytes into @p out; returns how many there were. */
static inline size_t take_bytes(struct fuzz_input *in, uint8_t *out, size_t want)
{
    size_t n = want < in->left ? want : in->left;
    memcpy(out, in->data, n);
    in->data += n;
    in->left -= n;
    return n;
}

/* A harness's property failed: say which, with the input's own words, and
 * abort so that libFuzzer keeps the input as a crash. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif /* SOCKPORT_FUZZ_INPUT_H */
