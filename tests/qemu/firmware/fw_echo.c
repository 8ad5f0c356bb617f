/*
 * Proof firmware for the board and its LAN9118 driver, on lwIP's raw API with
 * no sockport in between: TCP and UDP echo on port 7. Prints READY once the
 * interface is up. A UDP datagram "EXIT" makes it print its counters and exit
 * with status 0, so a test can check a clean shutdown through QEMU's status.
 */
#include <stdio.h>
#include <string.h>

#include "board.h"
#include "lan9118_netif.h"
#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "sp_lwip_hooks.h"

#define ECHO_PORT 7
#define MAX_CONNECTIONS 8
#define EXIT_COMMAND "EXIT"

/* ---- What the sockport lwIP port would provide (this firmware has no port) ---- */

u32_t sys_now(void);
u32_t sys_now(void)
{
    return board_millis();
}

uint32_t sp_lwip_rand(void)
{
    return board_random();
}

void sp_lwip_assert_failed(const char *message, const char *file, int line)
{
    printf("lwIP assertion \"%s\" failed at %s:%d\n", message, file, line);
    board_exit(BOARD_EXIT_ABORT);
}

int sp_lwip_hook_ip4_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)packet;
    (void)input_netif;
    return 0;
}

int sp_lwip_hook_ip6_input(struct pbuf *packet, struct netif *input_netif)
{
    (void)packet;
    (void)input_netif;
    return 0;
}

/* ---- TCP echo ---- */

/* Received data not yet accepted by tcp_write(); acknowledged to the peer
 * (tcp_recved) only once written, so a slow reader throttles the sender. */
struct connection {
    struct tcp_pcb *pcb;
    struct pbuf *pending;
};

static struct connection connections[MAX_CONNECTIONS];
static int exit_requested;
static uint32_t tcp_accepted, tcp_echoed_bytes, udp_echoed;

static void connection_free(struct connection *conn)
{
    if (conn->pending != NULL) {
        pbuf_free(conn->pending);
    }
    memset(conn, 0, sizeof *conn);
}

static void connection_close(struct connection *conn)
{
    struct tcp_pcb *pcb = conn->pcb;
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
    connection_free(conn);
    if (tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb);
    }
}

static void echo_pending(struct connection *conn)
{
    while (conn->pending != NULL) {
        u16_t room = tcp_sndbuf(conn->pcb);
        u16_t chunk = conn->pending->len < room ? conn->pending->len : room;
        if (chunk == 0 ||
            tcp_write(conn->pcb, conn->pending->payload, chunk, TCP_WRITE_FLAG_COPY) != ERR_OK) {
            break; /* retried from the sent callback */
        }
        tcp_recved(conn->pcb, chunk);
        tcp_echoed_bytes += chunk;
        conn->pending = pbuf_free_header(conn->pending, chunk);
    }
    (void)tcp_output(conn->pcb);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    echo_pending(arg);
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *data, err_t err)
{
    struct connection *conn = arg;
    (void)pcb;
    if (data == NULL || err != ERR_OK) {
        if (data != NULL) {
            pbuf_free(data);
        }
        connection_close(conn);
        return ERR_OK;
    }
    if (conn->pending == NULL) {
        conn->pending = data;
    } else {
        pbuf_cat(conn->pending, data);
    }
    echo_pending(conn);
    return ERR_OK;
}

static void on_error(void *arg, err_t err)
{
    (void)err;
    /* lwIP has already freed the pcb. */
    connection_free(arg);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    for (int i = 0; i < MAX_CONNECTIONS; ++i) {
        if (connections[i].pcb == NULL) {
            connections[i].pcb = pcb;
            tcp_arg(pcb, &connections[i]);
            tcp_recv(pcb, on_recv);
            tcp_sent(pcb, on_sent);
            tcp_err(pcb, on_error);
            tcp_accepted++;
            return ERR_OK;
        }
    }
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* ---- UDP echo ---- */

static void on_datagram(void *arg, struct udp_pcb *pcb, struct pbuf *data, const ip_addr_t *from,
                        u16_t port)
{
    (void)arg;
    if (data->tot_len == strlen(EXIT_COMMAND) &&
        pbuf_memcmp(data, 0, EXIT_COMMAND, (u16_t)strlen(EXIT_COMMAND)) == 0) {
        exit_requested = 1;
    }
    (void)udp_sendto(pcb, data, from, port);
    udp_echoed++;
    pbuf_free(data);
}

static int start_echo_servers(void)
{
    struct tcp_pcb *listener = tcp_new_ip_type(IPADDR_TYPE_ANY);
    struct udp_pcb *udp = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (listener == NULL || udp == NULL || tcp_bind(listener, IP_ANY_TYPE, ECHO_PORT) != ERR_OK ||
        udp_bind(udp, IP_ANY_TYPE, ECHO_PORT) != ERR_OK) {
        return -1;
    }
    listener = tcp_listen(listener);
    if (listener == NULL) {
        return -1;
    }
    tcp_accept(listener, on_accept);
    udp_recv(udp, on_datagram, NULL);
    return 0;
}

static void print_counters(void)
{
    struct lan9118_counters c;
    lan9118_netif_get_counters(&c);
    printf("lan9118: rx %lu frames %lu bytes, %lu errors, %lu no-pbuf, %lu rejected; "
           "tx %lu frames %lu bytes, %lu errors, %lu fifo-full; link changes %lu, irqs %lu\n",
           (unsigned long)c.rx_frames, (unsigned long)c.rx_bytes, (unsigned long)c.rx_errors,
           (unsigned long)c.rx_no_pbuf, (unsigned long)c.rx_rejected, (unsigned long)c.tx_frames,
           (unsigned long)c.tx_bytes, (unsigned long)c.tx_errors, (unsigned long)c.tx_fifo_full,
           (unsigned long)c.link_changes, (unsigned long)c.interrupts);
    printf("echo: %lu tcp connections, %lu tcp bytes, %lu udp datagrams; lwIP heap used %lu, "
           "pool errors %lu\n",
           (unsigned long)tcp_accepted, (unsigned long)tcp_echoed_bytes, (unsigned long)udp_echoed,
           (unsigned long)lwip_stats.mem.used, (unsigned long)lwip_stats.mem.err);
}

int main(void)
{
    uint32_t boot_ms = board_millis();
    lwip_init();
    if (board_netif_add(NULL) != 0) {
        printf("no LAN9118: run QEMU with -nic user,model=lan9118\n");
        return 2;
    }
    if (start_echo_servers() != 0) {
        printf("cannot start the echo servers\n");
        return 3;
    }
    struct netif *netif = netif_default;
    printf("mac %02x:%02x:%02x:%02x:%02x:%02x ip %s link %s\n", netif->hwaddr[0], netif->hwaddr[1],
           netif->hwaddr[2], netif->hwaddr[3], netif->hwaddr[4], netif->hwaddr[5],
           ip4addr_ntoa(netif_ip4_addr(netif)), netif_is_link_up(netif) ? "up" : "down");
    printf("READY after %lu ms\n", (unsigned long)(board_millis() - boot_ms));

    while (!exit_requested) {
        int frames = lan9118_netif_poll(netif);
        sys_check_timeouts();
        if (frames == 0) {
            board_idle(NULL);
        }
    }
    /* Let the reply to EXIT leave before QEMU stops. */
    for (uint32_t until = board_millis() + 20; (int32_t)(board_millis() - until) < 0;) {
        (void)lan9118_netif_poll(netif);
        sys_check_timeouts();
        board_idle(NULL);
    }
    print_counters();
    return 0;
}
