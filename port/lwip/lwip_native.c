/*
 * The lwIP port's native options (sp_setsockopt_native(), <sockport/lwip.h>):
 * fields of lwIP's pcbs that no portable option covers. Optional: the port's
 * operations reach them only through sp_lwip_native_calls, which
 * sp_lwip_use_native_options() sets (or a build with SP_ALL_SERVICES), so
 * that a firmware that never calls it links none of this file.
 */
#include <string.h>

#include "lwip/raw.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "lwip_internal.h"

/* The int an lwIP native option refers to, with its range; NULL if unknown. */
static int native_option(struct sp_lwip_sock *sock, int level, int name, bool write, int value,
                         int *out)
{
    u8_t *ip_field = NULL;
    if (level == SP_LWIP_LEVEL_IP) {
        if (sock->pcb.any == NULL) {
            return SP_EINVAL;
        }
        /* ttl and tos sit in IP_PCB, at the same place in every pcb type. */
        struct udp_pcb *ip_pcb = sock->pcb.udp;
        if (name == SP_LWIP_IP_TTL) {
            ip_field = sock->kind == SP_LWIP_KIND_TCP   ? &sock->pcb.tcp->ttl
                       : sock->kind == SP_LWIP_KIND_RAW ? &sock->pcb.raw->ttl
                                                        : &ip_pcb->ttl;
        } else if (name == SP_LWIP_IP_TOS) {
            ip_field = sock->kind == SP_LWIP_KIND_TCP   ? &sock->pcb.tcp->tos
                       : sock->kind == SP_LWIP_KIND_RAW ? &sock->pcb.raw->tos
                                                        : &ip_pcb->tos;
        } else {
            return SP_ENOPROTOOPT;
        }
        int low = name == SP_LWIP_IP_TTL ? 1 : 0;
        if (write) {
            if (value < low || value > 255) {
                return SP_EINVAL;
            }
            *ip_field = (u8_t)value;
        } else {
            *out = *ip_field;
        }
        return 0;
    }
    if (level != SP_LWIP_LEVEL_TCP) {
        return SP_ENOPROTOOPT;
    }
    if (sock->kind != SP_LWIP_KIND_TCP || name < SP_LWIP_TCP_NODELAY ||
        name > SP_LWIP_TCP_KEEPCNT) {
        return SP_ENOPROTOOPT;
    }
    struct tcp_pcb *pcb = sock->pcb.tcp;
    if (pcb == NULL || pcb->state == LISTEN) {
        return SP_EINVAL;
    }
    if (name == SP_LWIP_TCP_NODELAY) {
        if (!write) {
            *out = tcp_nagle_disabled(pcb) ? 1 : 0;
            return 0;
        }
        if (value != 0 && value != 1) {
            return SP_EINVAL;
        }
        sock->options =
            value != 0 ? sock->options | SP_LWIP_OPT_NODELAY : sock->options & ~SP_LWIP_OPT_NODELAY;
        sp_lwip_tcp_apply_options(sock);
        return 0;
    }
    u32_t *field = name == SP_LWIP_TCP_KEEPIDLE_MS    ? &pcb->keep_idle
                   : name == SP_LWIP_TCP_KEEPINTVL_MS ? &pcb->keep_intvl
                                                      : &pcb->keep_cnt;
    if (write) {
        if (value < 1) {
            return SP_EINVAL;
        }
        *field = (u32_t)value;
    } else {
        *out = *field > (u32_t)INT32_MAX ? INT32_MAX : (int)*field;
    }
    return 0;
}

static int set_native_option(void *state, sp_port_sock ref, int level, int name, const void *value,
                             size_t len)
{
    (void)state;
    struct sp_lwip_sock *sock = sp_lwip_sock_from_ref(ref);
    if (sock == NULL) {
        return SP_EBADF;
    }
    int number;
    if (len != sizeof number) {
        return SP_EINVAL;
    }
    memcpy(&number, value, sizeof number);
    return native_option(sock, level, name, true, number, NULL);
}

static int get_native_option(void *state, sp_port_sock ref, int level, int name, void *value,
                             size_t *len)
{
    (void)state;
    struct sp_lwip_sock *sock = sp_lwip_sock_from_ref(ref);
    if (sock == NULL) {
        return SP_EBADF;
    }
    int number = 0;
    if (*len < sizeof number) {
        return SP_EINVAL;
    }
    int rc = native_option(sock, level, name, false, 0, &number);
    if (rc == 0) {
        memcpy(value, &number, sizeof number);
        *len = sizeof number;
    }
    return rc;
}

const struct sp_lwip_native_calls sp_lwip_native_options = {
    .set = set_native_option,
    .get = get_native_option,
};

void sp_lwip_use_native_options(void)
{
    sp_lwip_native_calls = &sp_lwip_native_options;
}
