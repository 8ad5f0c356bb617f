/*
 * bench/tls_heap.c on the board: the heap sockport's TLS layer and the
 * board's mbedTLS take per context and per connection, a client and a
 * server on lwIP's loopback (docs/footprint.md). A measurement: it prints
 * figures; the exit status says only whether every step worked.
 */
#include <stdint.h>
#include <stdio.h>

#include <sockport/lwip.h>
#include <sockport/sockport.h>
#include <sockport/tls.h>

#include "board_sockport.h"
#include "sockport_mbedtls_board.h"
#include "tls_heap.h"

#define TRANSFER_BYTES (256u * 1024u)

/* tls_test_entropy.c: the wolfSSL build's test-only source (the mbedTLS
 * build's comes from the board's mbedTLS configuration, glue_board.c). */
int sp_t_tls_board_entropy(void *arg, uint8_t *out, size_t len);

int main(void)
{
    sp_stack *stack = board_start_lwip(0);
    if (stack == NULL)
        return 1;
#ifdef FW_TLS_HEAP_TEST_ENTROPY
    printf("WARNING: TEST-ONLY ENTROPY (mps2-an385 has no RNG): keys made here are not secret\n");
    sp_tls_set_entropy(sp_t_tls_board_entropy, NULL, SP_TLS_ENTROPY_TEST_ONLY);
#else
    sockport_mbedtls_entropy_warning();
#endif
    int rc = tls_heap_run(stack, TRANSFER_BYTES);
    sp_lwip_stop(stack);
    return rc;
}
