/*
 * The demo's HTTP request parser (examples/http_status.c,
 * http_request_parse()) on any bytes, NUL and control characters included,
 * as they arrive in pieces: no crash, no read past the bytes given; a head is
 * complete exactly when a blank line has arrived, and once complete the
 * answer does not change as more bytes come (a body); an accepted request
 * line gives a non-empty method and path without spaces or control bytes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "http_status.h"

#include "fuzz_input.h"

static int has_blank_line(const uint8_t *data, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        if (data[i] == '\n' &&
            (data[i - 1] == '\n' ||
             (i >= 3 && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r'))) {
            return 1;
        }
    }
    return 0;
}

static void check_word(const char *word, size_t room, const char *what)
{
    const char *end = memchr(word, '\0', room);
    size_t len = end == NULL ? room : (size_t)(end - word);

    FUZZ_CHECK(len > 0 && len < room, "%s is empty or unterminated", what);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)word[i];
        FUZZ_CHECK(c > 0x20 && c != 0x7f, "%s holds byte %02x", what, c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_request first;
    enum http_head complete_as = HTTP_HEAD_INCOMPLETE;
    size_t complete_at = 0;

    /* Every prefix, as if the bytes arrived one by one; each in a buffer of
     * exactly its size, so that ASan sees any read past it. */
    for (size_t len = 0; len <= size && len <= HTTP_STATUS_REQUEST_BYTES; len++) {
        uint8_t *copy = malloc(len == 0 ? 1 : len);
        struct http_request req;
        enum http_head head;

        FUZZ_CHECK(copy != NULL, "out of memory");
        memcpy(copy, data, len);
        memset(&req, 0xAA, sizeof req);
        head = http_request_parse((const char *)copy, len, &req);
        free(copy);
        FUZZ_CHECK(head == HTTP_HEAD_INCOMPLETE || head == HTTP_HEAD_OK || head == HTTP_HEAD_BAD,
                   "unknown result %d", (int)head);
        FUZZ_CHECK((head != HTTP_HEAD_INCOMPLETE) == has_blank_line(data, len),
                   "%zu bytes: complete is %d, a blank line is %s", len,
                   head != HTTP_HEAD_INCOMPLETE, has_blank_line(data, len) ? "there" : "not there");
        if (head == HTTP_HEAD_OK) {
            check_word(req.method, sizeof req.method, "the method");
            check_word(req.path, sizeof req.path, "the path");
        }
        if (complete_as == HTTP_HEAD_INCOMPLETE && head != HTTP_HEAD_INCOMPLETE) {
            complete_as = head;
            complete_at = len;
            first = req;
        } else if (complete_as != HTTP_HEAD_INCOMPLETE) {
            FUZZ_CHECK(head == complete_as, "complete at %zu bytes as %d, at %zu as %d",
                       complete_at, (int)complete_as, len, (int)head);
            FUZZ_CHECK(head != HTTP_HEAD_OK || (strcmp(req.method, first.method) == 0 &&
                                                strcmp(req.path, first.path) == 0),
                       "more bytes after the head changed the request");
        }
    }
    return 0;
}
