/* The reference backend: plain BSD calls on the host's kernel (host only). */
#ifndef SOCKPORT_CONFORMANCE_BACKEND_KERNEL_H
#define SOCKPORT_CONFORMANCE_BACKEND_KERNEL_H

#include "conformance.h"

struct cf_backend cf_kernel_backend(void);

/** Run sequenced-packet sockets of IPv4/IPv6 rows as TCP (CF_REF_TCP rows). */
void cf_kernel_seqpacket_as_tcp(bool on);

#endif
