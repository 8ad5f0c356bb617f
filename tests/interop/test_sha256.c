/* The interop test's SHA-256 against FIPS 180-4's examples and the host's
 * sha256sum, so that a transfer it calls intact is intact. Runs unprivileged,
 * where the interop test itself is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex_of(const void *data, size_t len, size_t piece, char text[65])
{
    struct sha256 ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    const uint8_t *bytes = data;
    sha256_init(&ctx);
    /* Fed in pieces, so that blocks split across calls are covered too. */
    for (size_t at = 0; at < len; at += piece)
        sha256_update(&ctx, bytes + at, len - at < piece ? len - at : piece);
    sha256_final(&ctx, digest);
    sha256_hex(digest, text);
}

static void sha256_matches_the_standard_examples(void **state)
{
    (void)state;
    char text[65];
    hex_of("", 0, 1, text);
    assert_string_equal(text, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    hex_of("abc", 3, 1, text);
    assert_string_equal(text, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    static const char two_blocks[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    for (size_t piece = 1; piece <= sizeof(two_blocks); piece++) {
        hex_of(two_blocks, strlen(two_blocks), piece, text);
        assert_string_equal(text,
                            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }
}

static void sha256_of_a_million_a(void **state)
{
    (void)state;
    static char million[1000000];
    char text[65];
    memset(million, 'a', sizeof(million));
    hex_of(million, sizeof(million), 4099, text);
    assert_string_equal(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the padding boundary (55, 56, 63, 64 bytes), where the
 * length must spill into an extra block; digests from sha256sum. */
static void sha256_padding_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
    };
    char buf[64], text[65];
    memset(buf, 'a', sizeof(buf));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hex_of(buf, cases[i].len, 7, text);
        assert_string_equal(text, cases[i].hex);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_matches_the_standard_examples),
        cmocka_unit_test(sha256_of_a_million_a),
        cmocka_unit_test(sha256_padding_boundaries),
    };
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
