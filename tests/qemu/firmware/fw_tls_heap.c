/*
 * bench/tls_heap.c on the board: the heap sockport's TLS layer and the
 * board's mbedTLS take per context and per connection, a client and a
 * server on lwIP's loopback (docs/footprint.md). A measurement: it prints
 * figures; the exit status says only whether every step worked.
 */
#include <sockport/lwip.h>
#include <sockport/sockport.h>

#include "board_sockport.h"
#include "sockport_mbedtls_board.h"
#include "tls_heap.h"

#define TRANSFER_BYTES (256u * 1024u)

int main(void)
{
    sp_stack *stack = board_start_lwip(0);
    if (stack == NULL)
        return 1;
    sockport_mbedtls_entropy_warning();
    int rc = tls_heap_run(stack, TRANSFER_BYTES);
    sp_lwip_stop(stack);
    return rc;
}
