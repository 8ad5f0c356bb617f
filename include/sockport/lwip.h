/**
 * @file
 * @brief The lwIP port: sockport over lwIP's raw API with NO_SYS=1.
 *
 * For firmware and host tests that start the lwIP stack. lwIP with NO_SYS=1
 * is a process-wide singleton, so there is at most one lwIP stack at a time.
 * Its sockets are only ever touched from the thread that calls sockport; the
 * calls run the stack themselves while they wait (driver input, lwIP timers,
 * the idle hook), and a main loop can run it with sp_stack_pump().
 */
#ifndef SOCKPORT_LWIP_H
#define SOCKPORT_LWIP_H

#include <stddef.h>
#include <stdint.h>

#include <sockport/sockport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How to start the lwIP stack. Zero-initialised fields mean "the default". */
struct sp_lwip_config {
    /**
     * For tests: drive sys_now() from a simulated clock. A wait whose
     * condition cannot change before lwIP's next timer jumps the clock to that
     * timer instead of sleeping (never past the wait's own deadline), so a
     * 30 s timeout takes microseconds and runs the same every time. A poll
     * that finds something ready at once still moves the clock by 1 ms, so a
     * caller that polls in a loop lets lwIP's timers run, as real time would.
     * Only in-process interfaces fit: nothing outside waits for this clock.
     * 0 (default): the real clock.
     */
    int simulated_clock;

    /** The millisecond clock behind sys_now() when not simulated. NULL: the
     *  host's monotonic clock (host builds); a board must supply it (SysTick). */
    uint32_t (*clock_ms)(void);

    /** Called when a wait has nothing to do until the next event (a board's
     *  WFI, a host's short sleep). NULL: the port's own default. */
    void (*idle)(void *ctx);
    void *idle_ctx;

    /**
     * Fill @p buf with @p len unpredictable bytes; return 0, or SP_EIO if none
     * are available. Core draws RDM session identifiers from it, and the port
     * seeds lwIP's LWIP_RAND (ephemeral ports, TCP initial sequence numbers,
     * DNS query ids) from it at every start (not on the simulated clock, whose
     * runs stay the same every time). A hardware RNG if the board has one;
     * else the board's best weak source, documented as such (mps2-an385:
     * board_entropy(), timer jitter). NULL: host builds read /dev/urandom;
     * a board build then has none, and RDM sessions and lwIP's numbers may
     * repeat after a reboot.
     */
    int (*entropy)(void *buf, size_t len);

    /** Called at every sp_lwip_start() to add the board's network interfaces
     *  (lwIP netif_add() and friends) besides the loopback; sp_lwip_stop()
     *  removes them again. Return 0 or an SP_E* code. */
    int (*add_netifs)(void *ctx);
    /** Called on every turn of the pump to move received frames into lwIP. */
    void (*poll_netifs)(void *ctx);
    void *netif_ctx;
};

/**
 * @brief Start lwIP (loopback interface 127.0.0.1 and ::1, then @p config's
 *        interfaces) and return its stack.
 *
 * lwip_init() runs at the first start of the process only: lwIP cannot be
 * initialised twice. sp_lwip_stop() leaves it empty instead (no pcb, no
 * interface but the loopback), so a start after a stop is a fresh stack; its
 * clock goes on from where the last one stopped, never backwards.
 * @param[in] config  NULL: loopback only, the real clock, the default idle.
 * @return the stack; NULL if lwIP is already started, an interface failed, or
 *         a board build gave neither clock_ms nor simulated_clock.
 */
sp_stack *sp_lwip_start(const struct sp_lwip_config *config);

/**
 * @brief Register raw IP sockets (SP_SOCK_RAW) on the lwIP port, an optional
 *        service as sp_use_rdm() is (see sockport.h): until this call, or in
 *        a build with SOCKPORT_ALL_SERVICES=ON (hosted builds), sp_socket()
 *        of SP_SOCK_RAW gives SP_EPROTONOSUPPORT and the firmware links none
 *        of the port's raw code or lwIP's raw pcb calls. Idempotent.
 */
void sp_lwip_use_raw(void);

/**
 * @brief Register the lwIP port's own poller: ready lists fed by lwIP's
 *        callbacks, so that sp_poller_wait() looks only at sockets something
 *        happened to. Until this call, or in a build with
 *        SOCKPORT_ALL_SERVICES=ON (hosted builds), sp_poller_*() work through
 *        core's generic poller, which asks the port about every member at
 *        each wait (the same results, cost growing with the member count),
 *        and the firmware links none of the port's poller code. A poller
 *        opened before the call stays generic. Idempotent; cannot fail.
 */
void sp_lwip_use_poller(void);

/**
 * @brief Register the lwIP port's native options (SP_LWIP_LEVEL_IP,
 *        SP_LWIP_LEVEL_TCP below) for sp_setsockopt_native() and
 *        sp_getsockopt_native(): until this call, or in a build with
 *        SOCKPORT_ALL_SERVICES=ON (hosted builds), they give SP_ENOPROTOOPT
 *        and the firmware links none of their code. Idempotent; cannot fail.
 */
void sp_lwip_use_native_options(void);

/**
 * @brief The running lwIP stack.
 * @return the stack sp_lwip_start() returned; NULL if lwIP is not running.
 */
sp_stack *sp_lwip_stack(void);

/**
 * @brief Close every socket on the lwIP stack and stop it, so that a test can
 *        start a fresh one.
 *
 * Handles still open become stale (SP_EBADF); connections are reset, lwIP's
 * TIME_WAIT pcbs freed and the board's interfaces removed. Until the next
 * sp_lwip_start(), sp_socket_on() of this stack gives SP_EIO.
 * @return 0; SP_EINVAL if @p stack is not the running lwIP stack.
 */
int sp_lwip_stop(sp_stack *stack);

/**
 * Native options: sp_setsockopt_native() / sp_getsockopt_native() levels and
 * names on the lwIP port. Every value is an int (len == sizeof(int), else
 * SP_EINVAL); an unknown level or name, or a TCP option on another socket
 * type, gives SP_ENOPROTOOPT; a TCP option on a listening socket or on a
 * connection lwIP already freed gives SP_EINVAL. They are optional, as the
 * services are: until sp_lwip_use_native_options(), or in a build with
 * SOCKPORT_ALL_SERVICES=ON (hosted builds), every native option gives
 * SP_ENOPROTOOPT and the firmware links none of their code.
 */
enum sp_lwip_native_level {
    SP_LWIP_LEVEL_IP = 0x4C01,  /**< options of the socket's IP pcb */
    SP_LWIP_LEVEL_TCP = 0x4C02, /**< options of a TCP connection */
};
enum sp_lwip_native_name {
    SP_LWIP_IP_TTL = 1,           /**< time to live of sent packets, 1..255 */
    SP_LWIP_IP_TOS = 2,           /**< type of service byte, 0..255 */
    SP_LWIP_TCP_NODELAY = 1,      /**< 0/1: lwIP's TF_NODELAY (as SP_OPT_NODELAY) */
    SP_LWIP_TCP_KEEPIDLE_MS = 2,  /**< idle time before the first keepalive probe, ms, >= 1 */
    SP_LWIP_TCP_KEEPINTVL_MS = 3, /**< time between keepalive probes, ms, >= 1 */
    SP_LWIP_TCP_KEEPCNT = 4,      /**< probes unanswered before the connection is dropped, >= 1 */
};

/**
 * @brief Tell lwIP's DNS client (behind sp_resolve()) which server to ask.
 *
 * lwIP keeps up to DNS_MAX_SERVERS servers (2 by default) and asks them in
 * order. lwIP has one server port for all of them: the port of the last
 * server set (0 means 53) applies to every server.
 * @param[in] stack   the running lwIP stack.
 * @param[in] index   0 .. DNS_MAX_SERVERS - 1.
 * @param[in] server  an IPv4 or IPv6 address and port; NULL forgets that server.
 * @return 0; SP_EINVAL @p stack is not the running lwIP stack or @p index is
 *         out of range; SP_EAFNOSUPPORT not an IP address, or an IPv6
 *         address with lwIP built without IPv6 (LWIP_IPV6 0); SP_EOPNOTSUPP
 *         the build has no DNS client (LWIP_DNS 0).
 */
int sp_lwip_set_dns_server(sp_stack *stack, unsigned index, const sp_addr *server);

/**
 * @brief What a board does when lwIP's own checks (LWIP_ASSERT) find a bug:
 *        say so on its console and stop. A board build (no host OS) must
 *        define it; on a host the port reports on stderr and aborts itself.
 *
 * It is the board's so that the port needs no stdio: printf() and abort()
 * would pull newlib's stdio and with it malloc into every firmware (6-7 KB
 * of flash), for a message that only a bug prints.
 */
void sp_lwip_board_assert(const char *message, const char *file, int line);

/** Counters of the running stack: what a test asserts to prove nothing leaked. */
struct sp_lwip_stats {
    uint32_t tcp_pcbs_used;       /**< TCP pcbs allocated now (incl. listening, TIME_WAIT) */
    uint32_t udp_pcbs_used;       /**< UDP pcbs allocated now */
    uint32_t raw_pcbs_used;       /**< raw pcbs allocated now */
    uint32_t pbufs_used;          /**< pbufs from the pools allocated now */
    uint32_t heap_used;           /**< bytes of lwIP's heap in use now */
    uint32_t pool_errors;         /**< allocation failures since start, all pools */
    uint32_t sockets_used;        /**< port socket records in use now */
    uint32_t datagrams_dropped;   /**< datagrams dropped at a full receive queue (the
                                       socket's, or the shared pool of queue nodes) */
    uint32_t tcp_segments_out;    /**< TCP segments sent since start, every kind: data,
                                       ACKs, SYNs, retransmissions (lwIP's tcp.xmit) */
    uint32_t tcp_retransmissions; /**< TCP segments sent again since start (timeout
                                       and fast retransmissions) */
    uint32_t queue_nodes_used;    /**< nodes of the shared receive queue pool in use now
                                       (SP_LWIP_QUEUE_NODES: queued datagrams and the
                                       peers of connections not accepted yet) */
};

/**
 * @brief Read the stack's counters.
 * @return 0; SP_EINVAL if a pointer is NULL or @p stack is not the lwIP stack.
 */
int sp_lwip_get_stats(sp_stack *stack, struct sp_lwip_stats *out);

/** One of lwIP's fixed-size memory pools (memp), or its heap: how close it is
 *  to exhaustion, for a status page or a test. */
struct sp_lwip_pool_stats {
    const char *name; /**< lwIP's pool name ("TCP_PCB", "PBUF_POOL", ...) or "HEAP" */
    uint32_t used;    /**< elements (heap: bytes) in use now */
    uint32_t peak;    /**< most in use at once since lwIP started */
    uint32_t size;    /**< elements (heap: bytes) the pool has */
    uint32_t errors;  /**< allocations refused since lwIP started */
};

/**
 * @brief Read pool @p index of the running stack: 0 .. n-1 are lwIP's memp
 *        pools in lwIP's order, n is the heap. Iterate from 0 until SP_ENOENT.
 * @return 0; SP_EINVAL if @p out is NULL or @p stack is not the running lwIP
 *         stack; SP_ENOENT if @p index is past the heap.
 */
int sp_lwip_get_pool_stats(sp_stack *stack, unsigned index, struct sp_lwip_pool_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* SOCKPORT_LWIP_H */
