/* lwIP netif over a TAP device (see tap_netif.h). The device's fd is read
 * from the port's pump, one frame per pbuf; frames go out whole. Both ways
 * pass link_faults, which loses, doubles and reorders frames when a test asks. */
#include "tap_netif.h"

#include <stdio.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/nd6.h"
#include "lwip/priv/nd6_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

#include "tap_io.h"

#define TAP_FRAME_MAX LINK_FRAME_MAX
/* A frame held back for reordering goes out at the latest this long after,
 * when no later frame overtook it. */
#define TAP_MAX_HOLD_MS 5

static struct netif tap_netif;
static int tap_fd = -1;
static uint32_t tap_in, tap_out;
static struct link_faults to_lwip, to_kernel;

static void deliver_to_kernel(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    /* A full TAP queue loses the frame, as a real link would. */
    if (tap_io_write(tap_fd, frame, len) == 0)
        tap_out++;
}

static void deliver_to_lwip(void *ctx, const uint8_t *frame, size_t len)
{
    (void)ctx;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p == NULL)
        return; /* out of pbufs: the frame is lost, as on a real NIC */
    pbuf_take(p, frame, (u16_t)len);
    tap_in++;
    if (tap_netif.input(p, &tap_netif) != ERR_OK)
        pbuf_free(p);
}

static err_t tap_linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    static uint8_t frame[TAP_FRAME_MAX];
    if (p->tot_len > sizeof(frame))
        return ERR_BUF;
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    link_faults_pass(&to_kernel, frame, p->tot_len, (int64_t)sys_now());
    return ERR_OK;
}

static err_t tap_init(struct netif *netif)
{
    /* A locally administered MAC, different from the kernel side's. */
    static const uint8_t mac[6] = {0x02, 0x53, 0x50, 0x00, 0x00, 0x02};
    netif->name[0] = 't';
    netif->name[1] = 'p';
    netif->mtu = 1500;
    netif->hwaddr_len = 6;
    memcpy(netif->hwaddr, mac, 6);
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
#if LWIP_IPV6
    netif->output_ip6 = ethip6_output;
#endif
    netif->linkoutput = tap_linkoutput;
    return ERR_OK;
}

int tap_netif_add(void *ctx)
{
    const struct tap_netif_config *cfg = ctx;
    /* A restarted lwIP keeps the device: a second attach would be refused. */
    if (tap_fd < 0)
        tap_fd = tap_io_open(cfg->device);
    if (tap_fd < 0)
        return -1;
    link_faults_init(&to_lwip, deliver_to_lwip, NULL);
    link_faults_init(&to_kernel, deliver_to_kernel, NULL);
    ip4_addr_t ip, mask, gw;
    IP4_ADDR(&ip, cfg->ipv4[0], cfg->ipv4[1], cfg->ipv4[2], cfg->ipv4[3]);
    IP4_ADDR(&mask, cfg->netmask[0], cfg->netmask[1], cfg->netmask[2], cfg->netmask[3]);
    ip4_addr_set_zero(&gw);
    if (netif_add(&tap_netif, &ip, &mask, &gw, NULL, tap_init, ethernet_input) == NULL)
        return -1;
#if LWIP_IPV6
    static const uint8_t none[16];
    if (memcmp(cfg->ipv6, none, 16) != 0) {
        ip6_addr_t ip6;
        uint32_t words[4];
        for (int i = 0; i < 4; i++)
            words[i] =
                lwip_htonl((uint32_t)cfg->ipv6[4 * i] << 24 | (uint32_t)cfg->ipv6[4 * i + 1] << 16 |
                           (uint32_t)cfg->ipv6[4 * i + 2] << 8 | cfg->ipv6[4 * i + 3]);
        IP6_ADDR(&ip6, words[0], words[1], words[2], words[3]);
        /* Slot 0 is the link-local address; no duplicate-address detection on
         * a link the test owns alone. */
        netif_create_ip6_linklocal_address(&tap_netif, 1);
        netif_ip6_addr_set_state(&tap_netif, 0, IP6_ADDR_PREFERRED);
        s8_t index;
        netif_add_ip6_address(&tap_netif, &ip6, &index);
        netif_ip6_addr_set_state(&tap_netif, index, IP6_ADDR_PREFERRED);
    }
#endif
    netif_set_up(&tap_netif);
    netif_set_link_up(&tap_netif);
    return 0;
}

void tap_netif_poll(void *ctx)
{
    (void)ctx;
    static uint8_t frame[TAP_FRAME_MAX];
    int64_t now = (int64_t)sys_now();
    link_faults_flush(&to_lwip, now, TAP_MAX_HOLD_MS);
    link_faults_flush(&to_kernel, now, TAP_MAX_HOLD_MS);
    for (int n = 0; n < 64; n++) {
        long len = tap_io_read(tap_fd, frame, sizeof(frame));
        if (len <= 0)
            return;
        link_faults_pass(&to_lwip, frame, (size_t)len, now);
    }
}

void tap_netif_idle(void *ctx)
{
    (void)ctx;
    tap_io_wait(tap_fd, 1);
}

void tap_netif_counts(uint32_t *frames_in, uint32_t *frames_out)
{
    *frames_in = tap_in;
    *frames_out = tap_out;
}

void tap_netif_set_faults(const struct link_faults_config *config)
{
    struct link_faults_config other = *config;
    /* Each direction draws its own sequence from the one seed. */
    other.seed = config->seed ^ 0x5bd1e9955bd1e995u;
    link_faults_configure(&to_lwip, config);
    link_faults_configure(&to_kernel, &other);
}

void tap_netif_fault_counts(struct link_faults_counts *into_lwip,
                            struct link_faults_counts *into_kernel)
{
    *into_lwip = to_lwip.counts;
    *into_kernel = to_kernel.counts;
}

void tap_netif_lwip_mib(struct tap_lwip_mib *out)
{
    out->tcp_in_segs = lwip_stats.mib2.tcpinsegs;
    out->tcp_out_segs = lwip_stats.mib2.tcpoutsegs;
    out->tcp_retrans_segs = lwip_stats.mib2.tcpretranssegs;
    out->tcp_dropped = lwip_stats.tcp.drop;
}

static void dump_segments(const char *name, const struct tcp_seg *seg)
{
    unsigned count = 0;
    for (const struct tcp_seg *s = seg; s != NULL; s = s->next)
        count++;
    if (seg != NULL)
        printf("      %s: %u segments, first seq %lu len %u flags %#x\n", name, count,
               (unsigned long)lwip_ntohl(seg->tcphdr->seqno), (unsigned)seg->len,
               (unsigned)TCPH_FLAGS(seg->tcphdr));
}

static void dump_pcbs(const char *list, struct tcp_pcb *pcbs)
{
    for (struct tcp_pcb *pcb = pcbs; pcb != NULL; pcb = pcb->next) {
        printf("    lwIP %s pcb %u->%u: %s flags %#x snd_nxt %lu lastack %lu snd_wnd %lu "
               "snd_max %lu rcv_nxt %lu rcv_wnd %lu rtime %d nrtx %u persist %u refused %s\n",
               list, (unsigned)pcb->local_port, (unsigned)pcb->remote_port,
               tcp_debug_state_str(pcb->state), (unsigned)pcb->flags, (unsigned long)pcb->snd_nxt,
               (unsigned long)pcb->lastack, (unsigned long)pcb->snd_wnd,
               (unsigned long)pcb->snd_wnd_max, (unsigned long)pcb->rcv_nxt,
               (unsigned long)pcb->rcv_wnd, (int)pcb->rtime, (unsigned)pcb->nrtx,
               (unsigned)pcb->persist_backoff, pcb->refused_data != NULL ? "yes" : "no");
        dump_segments("unsent", pcb->unsent);
        dump_segments("unacked", pcb->unacked);
#if TCP_QUEUE_OOSEQ
        dump_segments("ooseq", pcb->ooseq);
#endif
    }
}

static void dump_held(const char *name, const struct link_faults *dir)
{
    if (dir->held_len > 0)
        printf("    fault injector %s: a %zu-byte frame held since %lld ms\n", name, dir->held_len,
               (long long)dir->held_since_ms);
    else
        printf("    fault injector %s: nothing held\n", name);
}

int tap_netif_tcp_sending(void)
{
    for (const struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->unsent != NULL || pcb->unacked != NULL || pcb->state == FIN_WAIT_1 ||
            pcb->state == CLOSING || pcb->state == LAST_ACK)
            return 1;
    }
    return 0;
}

void tap_netif_dump_state(void)
{
    printf("    lwIP now %lu ms; TAP frames in %lu, out %lu\n", (unsigned long)sys_now(),
           (unsigned long)tap_in, (unsigned long)tap_out);
    dump_pcbs("active", tcp_active_pcbs);
    dump_pcbs("time-wait", tcp_tw_pcbs);
    dump_held("kernel->lwIP", &to_lwip);
    dump_held("lwIP->kernel", &to_kernel);
#if LWIP_IPV6
    for (int i = 0; i < LWIP_ND6_NUM_NEIGHBORS; i++) {
        const struct nd6_neighbor_cache_entry *n = &neighbor_cache[i];
        if (n->state != ND6_NO_ENTRY)
            printf("    lwIP ND6 neighbour %s: state %u (1 incomplete 2 reachable 3 stale 4 "
                   "delay 5 probe), counter %lu, queued %s\n",
                   ip6addr_ntoa(&n->next_hop_address), (unsigned)n->state,
                   (unsigned long)n->counter.reachable_time, n->q != NULL ? "yes" : "no");
    }
#endif
    fflush(stdout);
}
