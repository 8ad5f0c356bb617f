/* The reference backend: plain BSD calls on the host's kernel (host only). */
#ifndef SOCKPORT_CONFORMANCE_BACKEND_KERNEL_H
#define SOCKPORT_CONFORMANCE_BACKEND_KERNEL_H

#include "conformance.h"

struct cf_backend cf_kernel_backend(void);

/** Run core's services as the types they are built over: sequenced packets
 *  as TCP, acknowledged datagrams as UDP (CF_REF_CARRIER rows). */
void cf_kernel_services_as_carriers(bool on);

#endif
