/*
 * SMSC LAN9118 driver for lwIP (register layout from the LAN9118 data sheet,
 * behaviour checked against QEMU's model). Frames go through one aligned
 * buffer each way: the FIFOs move 32-bit words, lwIP's pbufs are byte chains
 * of any alignment, and a copy of at most 1518 bytes keeps both simple.
 */
#include "lan9118_netif.h"

#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "netif/ethernet.h"

#ifndef LAN9118_USE_IRQ
#define LAN9118_USE_IRQ 0
#endif

/* ---- Registers (byte offsets from the base) ---- */
#define RX_DATA_FIFO 0x00u
#define TX_DATA_FIFO 0x20u
#define RX_STATUS_FIFO 0x40u
#define TX_STATUS_FIFO 0x48u
#define IRQ_CFG 0x54u
#define INT_STS 0x58u
#define INT_EN 0x5Cu
#define BYTE_TEST 0x64u
#define RX_CFG 0x6Cu
#define TX_CFG 0x70u
#define HW_CFG 0x74u
#define RX_FIFO_INF 0x7Cu
#define TX_FIFO_INF 0x80u
#define PMT_CTRL 0x84u
#define MAC_CSR_CMD 0xA4u
#define MAC_CSR_DATA 0xA8u

#define BYTE_TEST_VALUE 0x87654321u
#define HW_CFG_SOFT_RESET (1u << 0)
#define PMT_CTRL_READY (1u << 0)
#define IRQ_CFG_PUSH_PULL (1u << 0)
#define IRQ_CFG_ACTIVE_HIGH (1u << 4)
#define IRQ_CFG_ENABLE (1u << 8)
#define INT_RX_STATUS_LEVEL (1u << 3)
#define TX_CFG_TX_ON (1u << 1)
/* Let TX status words overwrite old ones: the driver counts errors from them
 * but never waits on them. */
#define TX_CFG_STATUS_OVERRUN_OK (1u << 2)
#define RX_STATUS_ERROR (1u << 15)
#define RX_STATUS_LENGTH(status) (((status) >> 16) & 0x3FFFu)
#define RX_FIFO_INF_STATUS_USED(inf) (((inf) >> 16) & 0xFFu)
#define TX_STATUS_ERROR (1u << 15)
#define TX_FIFO_INF_DATA_FREE(inf) ((inf)&0xFFFFu)
#define TX_FIFO_INF_STATUS_USED(inf) (((inf) >> 16) & 0xFFu)
#define TX_CMD_A_FIRST_SEGMENT (1u << 13)
#define TX_CMD_A_LAST_SEGMENT (1u << 12)

/* MAC control and status registers, reached through MAC_CSR_CMD/DATA. */
#define MAC_CSR_BUSY (1u << 31)
#define MAC_CSR_READ (1u << 30)
#define MAC_CR 1u
#define MAC_ADDRH 2u
#define MAC_ADDRL 3u
#define MAC_MII_ACC 6u
#define MAC_MII_DATA 7u
#define MAC_CR_FULL_DUPLEX (1u << 20)
#define MAC_CR_PASS_ALL_MULTICAST (1u << 19)
#define MAC_CR_TX_ENABLE (1u << 3)
#define MAC_CR_RX_ENABLE (1u << 2)
#define MII_ACC_BUSY (1u << 0)
#define MII_ACC_WRITE (1u << 1)
#define INTERNAL_PHY_ADDRESS 1u

/* PHY registers. */
#define PHY_BASIC_STATUS 1u
#define PHY_BASIC_STATUS_LINK_UP (1u << 2)

/* ---- Limits ---- */
#define ETH_HEADER_LEN 14u
#define ETH_MAX_FRAME 1514u /* without the CRC */
#define ETH_CRC_LEN 4u
#define FRAME_BUFFER_WORDS ((ETH_MAX_FRAME + ETH_CRC_LEN + 3u) / 4u)
/* Reset and register waits: QEMU answers at once, real chips within
 * microseconds; a chip that never does must not hang the board. */
#define WAIT_SPINS 100000u
#define RX_FRAMES_PER_POLL 32
#define LINK_CHECK_INTERVAL_MS 250u
#define NETIF_NAME0 'e'
#define NETIF_NAME1 'n'

struct lan9118 {
    uintptr_t base;
    uint32_t last_link_check_ms;
    uint16_t tx_tag;
    struct lan9118_counters counters;
    uint32_t frame[FRAME_BUFFER_WORDS];
};

static struct lan9118 chip = {.base = LAN9118_MPS2_BASE};

static uint32_t reg_read(uint32_t offset)
{
    return *(volatile uint32_t *)(chip.base + offset);
}

static void reg_write(uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)(chip.base + offset) = value;
}

static int wait_until_clear(uint32_t offset, uint32_t mask)
{
    for (uint32_t spin = 0; spin < WAIT_SPINS; ++spin) {
        if ((reg_read(offset) & mask) == 0) {
            return 0;
        }
    }
    return -1;
}

static uint32_t mac_csr_read(uint32_t index)
{
    (void)wait_until_clear(MAC_CSR_CMD, MAC_CSR_BUSY);
    reg_write(MAC_CSR_CMD, MAC_CSR_BUSY | MAC_CSR_READ | index);
    (void)wait_until_clear(MAC_CSR_CMD, MAC_CSR_BUSY);
    return reg_read(MAC_CSR_DATA);
}

static void mac_csr_write(uint32_t index, uint32_t value)
{
    (void)wait_until_clear(MAC_CSR_CMD, MAC_CSR_BUSY);
    reg_write(MAC_CSR_DATA, value);
    reg_write(MAC_CSR_CMD, MAC_CSR_BUSY | index);
    (void)wait_until_clear(MAC_CSR_CMD, MAC_CSR_BUSY);
}

static int mii_wait_idle(void)
{
    for (uint32_t spin = 0; spin < WAIT_SPINS; ++spin) {
        if ((mac_csr_read(MAC_MII_ACC) & MII_ACC_BUSY) == 0) {
            return 0;
        }
    }
    return -1;
}

static uint32_t phy_read(uint32_t phy_register)
{
    if (mii_wait_idle() != 0) {
        return 0;
    }
    mac_csr_write(MAC_MII_ACC, (INTERNAL_PHY_ADDRESS << 11) | (phy_register << 6) | MII_ACC_BUSY);
    if (mii_wait_idle() != 0) {
        return 0;
    }
    return mac_csr_read(MAC_MII_DATA) & 0xFFFFu;
}

static int chip_reset(void)
{
    if (reg_read(BYTE_TEST) != BYTE_TEST_VALUE) {
        return -1;
    }
    reg_write(HW_CFG, HW_CFG_SOFT_RESET);
    if (wait_until_clear(HW_CFG, HW_CFG_SOFT_RESET) != 0) {
        return -1;
    }
    for (uint32_t spin = 0; (reg_read(PMT_CTRL) & PMT_CTRL_READY) == 0; ++spin) {
        if (spin == WAIT_SPINS) {
            return -1;
        }
    }
    return 0;
}

static void read_mac_address(struct netif *netif)
{
    uint32_t low = mac_csr_read(MAC_ADDRL);
    uint32_t high = mac_csr_read(MAC_ADDRH);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    for (int i = 0; i < 4; ++i) {
        netif->hwaddr[i] = (u8_t)(low >> (8 * i));
    }
    netif->hwaddr[4] = (u8_t)high;
    netif->hwaddr[5] = (u8_t)(high >> 8);
}

static int phy_link_up(void)
{
    return (phy_read(PHY_BASIC_STATUS) & PHY_BASIC_STATUS_LINK_UP) != 0;
}

static void update_link(struct netif *netif)
{
    int up = phy_link_up();
    if (up == netif_is_link_up(netif)) {
        return;
    }
    chip.counters.link_changes++;
    if (up) {
        netif_set_link_up(netif);
    } else {
        netif_set_link_down(netif);
    }
}

static err_t linkoutput(struct netif *netif, struct pbuf *frame)
{
    (void)netif;
    u16_t length = (u16_t)(frame->tot_len - ETH_PAD_SIZE);
    if (length > ETH_MAX_FRAME) {
        chip.counters.tx_too_long++;
        return ERR_BUF;
    }
    if (length < ETH_HEADER_LEN) {
        return ERR_ARG;
    }
    uint32_t words = (length + 3u) / 4u;
    /* Command words A and B take FIFO space too. */
    uint32_t needed = 4u * (words + 2u);
    uint32_t spin = 0;
    while (TX_FIFO_INF_DATA_FREE(reg_read(TX_FIFO_INF)) < needed) {
        if (++spin == WAIT_SPINS) {
            chip.counters.tx_fifo_full++;
            return ERR_MEM;
        }
    }
    chip.frame[words - 1u] = 0; /* no stale bytes after the frame's end */
    pbuf_copy_partial(frame, chip.frame, length, ETH_PAD_SIZE);

    chip.tx_tag++;
    reg_write(TX_DATA_FIFO, TX_CMD_A_FIRST_SEGMENT | TX_CMD_A_LAST_SEGMENT | length);
    reg_write(TX_DATA_FIFO, ((uint32_t)chip.tx_tag << 16) | length);
    for (uint32_t i = 0; i < words; ++i) {
        reg_write(TX_DATA_FIFO, chip.frame[i]);
    }
    chip.counters.tx_frames++;
    chip.counters.tx_bytes += length;
    return ERR_OK;
}

/* Pops one frame (status word, then its data words) and hands a good one to
 * lwIP. Returns 1 if lwIP got a frame. */
static int receive_one(struct netif *netif)
{
    uint32_t status = reg_read(RX_STATUS_FIFO);
    uint32_t length_with_crc = RX_STATUS_LENGTH(status);
    uint32_t words = (length_with_crc + 3u) / 4u;
    for (uint32_t i = 0; i < words; ++i) {
        uint32_t word = reg_read(RX_DATA_FIFO);
        if (i < FRAME_BUFFER_WORDS) {
            chip.frame[i] = word;
        }
    }
    /* QEMU hands on frames shorter than the 64-byte minimum unpadded. */
    if ((status & RX_STATUS_ERROR) != 0 || length_with_crc < ETH_HEADER_LEN + ETH_CRC_LEN ||
        length_with_crc > ETH_MAX_FRAME + ETH_CRC_LEN) {
        chip.counters.rx_errors++;
        return 0;
    }
    u16_t length = (u16_t)(length_with_crc - ETH_CRC_LEN);
    struct pbuf *packet = pbuf_alloc(PBUF_RAW, (u16_t)(length + ETH_PAD_SIZE), PBUF_POOL);
    if (packet == NULL) {
        chip.counters.rx_no_pbuf++;
        return 0;
    }
    (void)pbuf_take_at(packet, chip.frame, length, ETH_PAD_SIZE);
    if (netif->input(packet, netif) != ERR_OK) {
        chip.counters.rx_rejected++;
        pbuf_free(packet);
        return 0;
    }
    chip.counters.rx_frames++;
    chip.counters.rx_bytes += length;
    return 1;
}

static void collect_tx_status(void)
{
    uint32_t used = TX_FIFO_INF_STATUS_USED(reg_read(TX_FIFO_INF));
    for (uint32_t i = 0; i < used; ++i) {
        if (reg_read(TX_STATUS_FIFO) & TX_STATUS_ERROR) {
            chip.counters.tx_errors++;
        }
    }
}

int lan9118_netif_poll(struct netif *netif)
{
    int delivered = 0;
    for (int i = 0; i < RX_FRAMES_PER_POLL; ++i) {
        if (RX_FIFO_INF_STATUS_USED(reg_read(RX_FIFO_INF)) == 0) {
            break;
        }
        delivered += receive_one(netif);
    }
    collect_tx_status();
    uint32_t now = sys_now();
    if (now - chip.last_link_check_ms >= LINK_CHECK_INTERVAL_MS) {
        chip.last_link_check_ms = now;
        update_link(netif);
    }
    return delivered;
}

#if LAN9118_USE_IRQ
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)

void ETHERNET_Handler(void);
/* Acknowledging is enough: the CPU leaves WFI, and the next poll reads the
 * FIFOs from lwIP's thread. */
void ETHERNET_Handler(void)
{
    reg_write(INT_STS, reg_read(INT_STS));
    chip.counters.interrupts++;
}

static void enable_interrupts(void)
{
    reg_write(INT_EN, INT_RX_STATUS_LEVEL);
    reg_write(IRQ_CFG, IRQ_CFG_ACTIVE_HIGH | IRQ_CFG_PUSH_PULL | IRQ_CFG_ENABLE);
    NVIC_ISER0 = 1u << LAN9118_MPS2_IRQ;
}
#else
static void enable_interrupts(void)
{
    /* Inactive level while disabled, so the NVIC sees no pending line. */
    reg_write(IRQ_CFG, IRQ_CFG_ACTIVE_HIGH | IRQ_CFG_PUSH_PULL);
}
#endif

err_t lan9118_netif_init(struct netif *netif)
{
    if (chip_reset() != 0) {
        return ERR_IF;
    }
    memset(&chip.counters, 0, sizeof chip.counters);
    netif->name[0] = NETIF_NAME0;
    netif->name[1] = NETIF_NAME1;
    netif->mtu = ETH_MAX_FRAME - ETH_HEADER_LEN;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
#if LWIP_IPV6
    netif->output_ip6 = ethip6_output;
#endif
    netif->linkoutput = linkoutput;
    netif->state = &chip;
    read_mac_address(netif);

    reg_write(INT_EN, 0);
    reg_write(INT_STS, 0xFFFFFFFFu);
    reg_write(RX_CFG, 0); /* no offset before the data, word end alignment */
    reg_write(TX_CFG, TX_CFG_TX_ON | TX_CFG_STATUS_OVERRUN_OK);
    /* Exact unicast match and broadcast; every multicast, so IPv6 neighbour
     * discovery works without programming the hash filter. */
    mac_csr_write(MAC_CR, MAC_CR_FULL_DUPLEX | MAC_CR_PASS_ALL_MULTICAST | MAC_CR_TX_ENABLE |
                              MAC_CR_RX_ENABLE);
    enable_interrupts();

    /* netif_add() has not finished: set the flag, announce nothing yet. */
    if (phy_link_up()) {
        netif->flags |= NETIF_FLAG_LINK_UP;
    }
    chip.last_link_check_ms = sys_now();
    return ERR_OK;
}

void lan9118_netif_get_counters(struct lan9118_counters *out)
{
    *out = chip.counters;
}
