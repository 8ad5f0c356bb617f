/*
 * The sockport side that bench_udp (POSIX port) and bench_lwip (lwIP port)
 * measure alike. Static inline, so that each program compiles the measured
 * loop into itself, as its baseline's loop is: a call into another object
 * would be counted against sockport only.
 */
#ifndef SOCKPORT_BENCH_SP_H
#define SOCKPORT_BENCH_SP_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

#include "bench_common.h"

/** A connected TCP pair over IPv4 loopback on @p stack, all three blocking. */
static inline void bench_sp_tcp_pair(sp_stack *stack, int *listener, int *client, int *server)
{
    sp_addr addr;
    *listener = sp_socket_on(stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    sp_addr_loopback(&addr, SP_AF_INET, 0);
    if (sp_bind(*listener, &addr) < 0 || sp_listen(*listener, 1) < 0 ||
        sp_getsockname(*listener, &addr) < 0)
        bench_die("sp_listen", 0);
    *client = sp_socket_on(stack, SP_AF_INET, SP_SOCK_STREAM, 0);
    if (sp_connect(*client, &addr) < 0)
        bench_die("sp_connect", 0);
    *server = sp_accept(*listener, NULL);
    if (*server < 0)
        bench_die("sp_accept", *server);
}

/** Two UDP sockets on IPv4 loopback of @p stack, each connected to the other. */
static inline void bench_sp_udp_pair(sp_stack *stack, int *a, int *b)
{
    sp_addr a_addr, b_addr;
    *a = sp_socket_on(stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    *b = sp_socket_on(stack, SP_AF_INET, SP_SOCK_DGRAM, 0);
    sp_addr_loopback(&a_addr, SP_AF_INET, 0);
    sp_addr_loopback(&b_addr, SP_AF_INET, 0);
    if (sp_bind(*a, &a_addr) < 0 || sp_bind(*b, &b_addr) < 0)
        bench_die("sp_bind", 0);
    sp_getsockname(*a, &a_addr);
    sp_getsockname(*b, &b_addr);
    sp_connect(*a, &b_addr);
    sp_connect(*b, &a_addr);
}

/** @p count round trips of @p bytes between the sockets of bench_sp_udp_pair(). */
static inline void bench_sp_udp_exchange(int a, int b, uint8_t *buffer, size_t bytes, long count)
{
    for (long i = 0; i < count; i++) {
        if (sp_send(a, buffer, bytes, 0) != (ptrdiff_t)bytes)
            bench_die("sp_send a", i);
        if (sp_recv(b, buffer, bytes, 0) != (ptrdiff_t)bytes)
            bench_die("sp_recv b", i);
        if (sp_send(b, buffer, bytes, 0) != (ptrdiff_t)bytes)
            bench_die("sp_send b", i);
        if (sp_recv(a, buffer, bytes, 0) != (ptrdiff_t)bytes)
            bench_die("sp_recv a", i);
    }
}

/** @p count round trips of @p bytes between two connected UDP sockets. */
static inline void bench_sp_udp_round_trips(sp_stack *stack, uint8_t *buffer, size_t bytes,
                                            long count)
{
    int a, b;
    bench_sp_udp_pair(stack, &a, &b);
    bench_sp_udp_exchange(a, b, buffer, bytes, count);
    sp_close(a);
    sp_close(b);
}

#endif
