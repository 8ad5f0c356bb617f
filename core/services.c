/*
 * Which of core's optional socket types this program registered. Core's other
 * files reach sequenced packets and RDM only through this table, so that
 * with --gc-sections a firmware that never registers them links none of their
 * code or pools (docs/footprint.md); hosted builds, where a few kilobytes do
 * not matter and existing programs expect every type, start with all of them.
 */
#include "core.h"

#ifndef SP_ALL_SERVICES
#define SP_ALL_SERVICES 0
#endif

const struct spc_service *spc_service_ops[1u << SPC_SERVICE_ID_BITS];

struct spc_registry spc_registry = {
#if SP_ALL_SERVICES
    .seqpacket = &spc_seqpacket_hooks,
    .rdm = &spc_rdm_hooks,
#else
    .seqpacket = NULL,
    .rdm = NULL,
#endif
};
