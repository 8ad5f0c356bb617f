/* bench/tls_heap.c's measurement, for a host main() and a board's firmware. */
#ifndef SOCKPORT_BENCH_TLS_HEAP_H
#define SOCKPORT_BENCH_TLS_HEAP_H

#include <stddef.h>

#include <sockport/sockport.h>

/**
 * Runs a TLS client and server on @p stack's loopback, a handshake and a
 * transfer of @p transfer_bytes, and prints the heap each context and each
 * connection held and peaked at. The program must be linked with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free.
 * @return 0; 1 if a step failed or bytes were still held at the end.
 */
int tls_heap_run(sp_stack *stack, size_t transfer_bytes);

#endif
