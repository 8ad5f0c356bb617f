/**
 * @file
 * @brief Core internals shared by the files of core/: the handle table,
 *        deadlines and the wait loop. Not for ports, not for applications.
 */
#ifndef SOCKPORT_CORE_H
#define SOCKPORT_CORE_H

#include <stdbool.h>

#include <sockport/port.h>

#include "dispatch.h"

#if SP_MAX_SOCKETS < 1 || SP_MAX_SOCKETS > 65536
#error "SP_MAX_SOCKETS must be between 1 and 65536"
#endif
#if SP_MAX_POLLERS < 1 || SP_MAX_POLLERS > 255
#error "SP_MAX_POLLERS must be between 1 and 255"
#endif

/** A handle is (generation << SPC_INDEX_BITS) | slot index: as few index bits
 *  as the table needs, the rest of the 31 below the sign bit for the
 *  generation, so that a bigger table trades generations per slot for slots
 *  and the total stays near 2^31 sockets (see SP_MAX_SOCKETS). */
#if SP_MAX_SOCKETS <= 2
#define SPC_INDEX_BITS 1
#elif SP_MAX_SOCKETS <= 4
#define SPC_INDEX_BITS 2
#elif SP_MAX_SOCKETS <= 8
#define SPC_INDEX_BITS 3
#elif SP_MAX_SOCKETS <= 16
#define SPC_INDEX_BITS 4
#elif SP_MAX_SOCKETS <= 32
#define SPC_INDEX_BITS 5
#elif SP_MAX_SOCKETS <= 64
#define SPC_INDEX_BITS 6
#elif SP_MAX_SOCKETS <= 128
#define SPC_INDEX_BITS 7
#elif SP_MAX_SOCKETS <= 256
#define SPC_INDEX_BITS 8
#elif SP_MAX_SOCKETS <= 512
#define SPC_INDEX_BITS 9
#elif SP_MAX_SOCKETS <= 1024
#define SPC_INDEX_BITS 10
#elif SP_MAX_SOCKETS <= 2048
#define SPC_INDEX_BITS 11
#elif SP_MAX_SOCKETS <= 4096
#define SPC_INDEX_BITS 12
#elif SP_MAX_SOCKETS <= 8192
#define SPC_INDEX_BITS 13
#elif SP_MAX_SOCKETS <= 16384
#define SPC_INDEX_BITS 14
#elif SP_MAX_SOCKETS <= 32768
#define SPC_INDEX_BITS 15
#else
#define SPC_INDEX_BITS 16
#endif
/** The last generation a slot issues; after it the slot retires for good. */
#define SPC_GENERATION_MAX ((1u << (31 - SPC_INDEX_BITS)) - 1u)

/** Connection state as far as core needs it to give every port the same errors. */
enum spc_state {
    SPC_IDLE = 0,   /**< new, maybe bound */
    SPC_LISTENING,  /**< sp_listen() succeeded */
    SPC_CONNECTING, /**< a connect attempt is under way */
    SPC_CONNECTED,  /**< stream connected, or message socket with a default peer */
    SPC_FAILED,     /**< a connect attempt failed, found by a call other than sp_connect();
                         as Linux, the next sp_connect() reports it and starts over */
};

/**
 * Which data calls of a socket may skip core's general checks and go
 * straight to the port's direct operation (io.c's fast paths; port.h,
 * send_direct and recv_direct). Computed once from the fields they depend
 * on (in_use, type, state, shut_rd, shut_wr, service, and the port having
 * the operations) by spc_fast_update(), which every change of those fields
 * calls, so that a data call tests one byte instead of each field. A bit
 * only ever skips a check whose answer it fixes; all else (the arguments, a
 * first SP_EAGAIN that must wait) is still the call's to check.
 */
enum spc_fast {
    /** A send without a destination: a connected stream or datagram socket
     *  of the port's own, not shut for writing. */
    SPC_FAST_SEND = 1,
    /** A send to a destination of the socket's family: such a datagram
     *  socket, connected or not. */
    SPC_FAST_SEND_TO = 2,
    /** A receive that does not ask for the sender: a connected stream or
     *  any datagram socket of the port's own, not shut for reading. */
    SPC_FAST_RECV = 4,
    /** A receive that asks for the sender: such a datagram socket (a
     *  stream's sender is the peer core noted: the general path names it). */
    SPC_FAST_RECV_FROM = 8,
};

/**
 * Whether core has the data calls' fast path (io.c): about 500 bytes of code
 * on Cortex-M3 that save a port with send_direct and recv_direct tens of
 * instructions per call. A build for size (-Os) leaves it out, every data
 * call then taking the general path (the same results); -DSPC_FAST_PATH=0 or
 * 1 decides it for any build (docs/footprint.md).
 */
#ifndef SPC_FAST_PATH
#ifdef __OPTIMIZE_SIZE__
#define SPC_FAST_PATH 0
#else
#define SPC_FAST_PATH 1
#endif
#endif

struct spc_socket;
struct spc_deadline;

/**
 * A socket type that core builds over another type of the port (sequenced
 * packets over a stream, acknowledged datagrams over datagrams). Core's own
 * checks and waiting stay as for native sockets; a service replaces only the
 * port's data calls. Every function here must not wait.
 */
struct spc_service {
    /** Take a whole message now or return SP_EAGAIN (or an error). */
    ptrdiff_t (*send)(struct spc_socket *s, const void *buf, size_t len, const sp_addr *to);
    /** Deliver one whole message now (full length, as a port's recv) or SP_EAGAIN. */
    ptrdiff_t (*recv)(struct spc_socket *s, void *buf, size_t len, int flags, sp_addr *from);
    /** Make progress, then say which of SP_POLLIN/OUT/ERR/HUP hold for the caller;
     *  @p port_revents is what the port reported for the underlying socket. */
    short (*poll)(struct spc_socket *s, short port_revents);
    /** Milliseconds until the service must run again (retransmissions); -1: never. */
    int (*timer_ms)(struct spc_socket *s);
    /** What the service needs to hear of the port's socket to make progress
     *  whatever its caller waits for: SP_POLLIN to read its protocol, and
     *  SP_POLLOUT while it holds bytes the stream has not taken yet. */
    short (*wants)(struct spc_socket *s);
    /** Try briefly to send what the service still holds (before a shutdown
     *  for writing ends the stream under it); NULL: it holds nothing. */
    void (*drain)(struct spc_socket *s);
    /** Release the service's state (after a drain, if it has one). */
    void (*close)(struct spc_socket *s);
    /** Return and clear an error the service took from the port first (a
     *  reset its read-ahead met), for SP_OPT_ERROR; NULL: it keeps none. */
    int (*take_error)(struct spc_socket *s);
    /** The port readiness the service needs before its last SP_EAGAIN can
     *  end, given the @p events the caller waits for (TLS may have to read
     *  before it can write, or write before it can read); NULL: @p events. */
    short (*wait_events)(struct spc_socket *s, short events);
};

/** The services core builds over a port's socket, by the number a slot
 *  keeps (SPC_SERVICE_ID_BITS). */
enum spc_service_id {
    SPC_SERVICE_NONE = 0, /**< the port's own socket type */
    SPC_SERVICE_SEQPACKET,
    SPC_SERVICE_RDM,
    SPC_SERVICE_TLS,
};
#define SPC_SERVICE_ID_BITS 2
/** A slot names its service's state by index into that service's own pool
 *  (so each pool holds at most 256 states). */
#define SPC_SERVICE_INDEX_BITS 8
#define SPC_SERVICE_INDEX_MAX ((1u << SPC_SERVICE_INDEX_BITS) - 1u)

/** Each service's operations, by enum spc_service_id: set by the service
 *  itself when it first attaches to a socket, so that a firmware links only
 *  the services it uses. [SPC_SERVICE_NONE] stays NULL. */
extern const struct spc_service *spc_service_ops[1u << SPC_SERVICE_ID_BITS];

/*
 * A slot is per-socket RAM on a microcontroller (docs/footprint.md): 24 bytes
 * on a 32-bit target (a build-time check below keeps it there). So: small
 * types and bits, timeouts in 16 bits (spc_timeout_pack()), the service as a
 * 16-bit number, and no copy of what the port can answer (a connection's
 * peer: port.h, connection_peer). A free slot keeps only its generation;
 * its native field links the free list (handles.c).
 */
struct spc_socket {
    sp_stack *stack;
    sp_port_sock native;  /**< in a free slot: the link to the next free slot (handles.c) */
    uint32_t generation;  /**< of the handle that names this slot now; never 0 */
    uint16_t rcv_timeout; /**< SP_OPT_RCVTIMEO, spc_timeout_pack()ed */
    uint16_t snd_timeout; /**< SP_OPT_SNDTIMEO, likewise */
    /** enum spc_service_id << SPC_SERVICE_INDEX_BITS | its state's index in
     *  the service's pool; 0: the port's own socket type. */
    unsigned service : SPC_SERVICE_ID_BITS + SPC_SERVICE_INDEX_BITS;
    /** SPC_FAILED: the attempt's error (-SP_E*) until a call reported it, then 0. */
    unsigned failure : 6;
    /** enum spc_fast bits, what spc_fast_flags() says; 0 in a free slot. A
     *  whole byte: the fast path tests it with its generation. */
    uint8_t fast;
    bool in_use : 1;
    bool shut_rd : 1;
    bool shut_wr : 1;
    bool nonblocking : 1;
    bool bound : 1;
    /** Bound by sp_bind() to a port of the caller's (not 0): as on Linux, a
     *  failed connect keeps that port bound, and gives back any other. */
    bool port_chosen : 1;
    bool framed : 1; /**< sequenced packets built by core over a stream (also when listening) */
    /** A non-blocking connect no sp_connect() has reported the end of yet: as on
     *  Linux, the next sp_connect() says 0 once, only later SP_EISCONN. */
    bool connect_unreported : 1;
    uint8_t protocol;         /**< 0..255 (sp_socket() refuses others) */
    uint8_t poller;           /**< 1 + index of the poller holding this socket; 0: none */
    uint8_t family;           /**< enum sp_family; a byte: the fast path compares it */
    unsigned type : 3;        /**< enum sp_type */
    unsigned state : 3;       /**< enum spc_state */
    unsigned poll_events : 2; /**< its interest in its poller (SP_POLLIN | SP_POLLOUT) */
};

#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(sizeof(struct spc_socket) == 24,
               "a socket slot is 24 bytes on 32-bit targets (docs/footprint.md, per-socket RAM)");
#endif
#define SPC_CHECK_ERROR_FITS(name, value, text)                                                    \
    _Static_assert((value) < 64, "SP_E" #name " must fit spc_socket.failure (6 bits)");
SP_ERRNO_MAP(SPC_CHECK_ERROR_FITS)
#undef SPC_CHECK_ERROR_FITS

/** The service @p s is built by; NULL: the port's own socket type. */
static inline const struct spc_service *spc_service_of(const struct spc_socket *s)
{
    return spc_service_ops[s->service >> SPC_SERVICE_INDEX_BITS];
}

/** The index of @p s's state in its service's pool. */
static inline unsigned spc_service_index(const struct spc_socket *s)
{
    return s->service & SPC_SERVICE_INDEX_MAX;
}

/** Build @p s by service @p id (operations @p ops), its state at @p index of
 *  the service's pool. */
static inline void spc_service_attach(struct spc_socket *s, enum spc_service_id id,
                                      const struct spc_service *ops, unsigned index)
{
    spc_service_ops[id] = ops;
    s->service = (unsigned)id << SPC_SERVICE_INDEX_BITS | index;
}

/*
 * Timeouts in 16 bits. Up to 32 767 ms exactly; above, 12 significant bits:
 * the value rounded up to a multiple of 16 ms (up to 65 520), 32 ms (up to
 * 131 040), and so on, at most 0.05 % more than asked (Linux rounds
 * SO_RCVTIMEO up to its clock tick too). The largest is 2 146 435 072 ms
 * (24.8 days); a longer one is kept as that. SP_FOREVER is kept as is.
 * sp_getsockopt() returns the value kept (sockport.h, SP_OPT_RCVTIMEO).
 */
#define SPC_TIMEOUT_FOREVER 0xFFFFu
#define SPC_TIMEOUT_EXACT_MAX 0x7FFF
#define SPC_TIMEOUT_MANTISSA_BITS 11

/* The largest kept: 4094 << 19 (4095 << 19 would read as SPC_TIMEOUT_FOREVER). */
#define SPC_TIMEOUT_MAX 2146435072u

static inline uint16_t spc_timeout_pack(int ms)
{
    if (ms < 0)
        return SPC_TIMEOUT_FOREVER;
    if (ms <= SPC_TIMEOUT_EXACT_MAX)
        return (uint16_t)ms;
    uint32_t kept = (uint32_t)ms < SPC_TIMEOUT_MAX ? (uint32_t)ms : SPC_TIMEOUT_MAX;
    /* (2048 + m) << (e + 4) ms for 0x8000 | e << 11 | m: e = 0 starts at 32 768; the
     * first e whose units fit 12 bits (at most 15, as kept <= SPC_TIMEOUT_MAX). */
    unsigned e = 0;
    uint32_t units;
    while ((units = (kept + (16u << e) - 1u) >> (e + 4)) > 4095u)
        e++;
    return (uint16_t)(0x8000u | e << SPC_TIMEOUT_MANTISSA_BITS | (units - 2048u));
}

/* What spc_timeout_pack() kept, in ms (deadline.c: one copy for every file). */
int spc_timeout_unpack(uint16_t code);

/* Whether core keeps connections' peers for ports without connection_peer
 * (an array of SP_MAX_SOCKETS peers): on by default, off in firmware builds
 * (CMake's SOCKPORT_KEEP_PEERS; docs/porting.md). */
#ifndef SP_KEEP_PEERS
#define SP_KEEP_PEERS 1
#endif
#if SP_KEEP_PEERS
/** Keep @p addr as @p s's peer if its port cannot name it after a reset (no
 *  connection_peer operation). */
void spc_peer_keep(struct spc_socket *s, const sp_addr *addr);
/** Forget what a slot kept (it starts a new socket). */
void spc_peer_forget(const struct spc_socket *s);
#else
static inline void spc_peer_keep(struct spc_socket *s, const sp_addr *addr)
{
    (void)s;
    (void)addr;
}
#endif

/* --- dispatch.c, dispatch.h: the only place core calls a port ---------- */

/* Each calls the port's operation of that name, or, where the port has none
 * (NULL), gives what the public header documents: SP_EOPNOTSUPP; 0 for close
 * and take_error; SP_ENOPROTOOPT for options; SP_ENONAME for resolve. A code
 * the port returns that is not SP_E* fails an assertion (debug) or becomes
 * SP_EIO. */
const char *spc_port_name(const sp_stack *stack);
/** The stack's clock; 0 if the port has none (spc_port_has_clock(), dispatch.h). */
int64_t spc_port_now_ms(sp_stack *stack);
/* open, close, bind, listen, accept, connect, take_error, shutdown,
 * local_addr, the options, resolve, entropy, send and recv: inline, in
 * dispatch.h. */
int spc_port_peer_addr(sp_stack *stack, sp_port_sock sock, sp_addr *out);
int spc_port_poll(sp_stack *stack, struct sp_port_pollent *ents, size_t n, int timeout_ms);
/** Whether the port has all four poller operations (else core's generic poller). */
bool spc_port_has_poller(const sp_stack *stack);
int spc_port_poller_open(sp_stack *stack, sp_port_poller *out);
void spc_port_poller_close(sp_stack *stack, sp_port_poller poller);
int spc_port_poller_ctl(sp_stack *stack, sp_port_poller poller, int op, sp_port_sock sock,
                        uint32_t key, short events);
int spc_port_poller_wait(sp_stack *stack, sp_port_poller poller, sp_poller_event *out, size_t max,
                         int timeout_ms);

/* --- handles.c --------------------------------------------------------- */

extern struct spc_socket spc_table[SP_MAX_SOCKETS];

/** Find the open socket @p handle names; SP_EBADF if none (never issued, closed, stale).
 *  Inline: every public call starts here. */
static inline int spc_lookup(int handle, struct spc_socket **out)
{
    uint32_t index = (uint32_t)handle & ((1u << SPC_INDEX_BITS) - 1u);
    uint32_t generation = (uint32_t)handle >> SPC_INDEX_BITS;
    struct spc_socket *s = &spc_table[index < SP_MAX_SOCKETS ? index : 0];
    if (handle < 0 || index >= SP_MAX_SOCKETS || !s->in_use || s->generation != generation) {
        *out = NULL;
        return SP_EBADF;
    }
    *out = s;
    return 0;
}

/** The open socket @p handle names, or NULL (never issued, closed, stale: the
 *  caller's SP_EBADF). spc_lookup() out of line, for the calls not on the
 *  data path: one copy of it in a firmware image. */
struct spc_socket *spc_find(int handle);

/** The slot @p handle names if the slot's fast-path bits hold @p need, else
 *  NULL. A free slot's bits are 0, so the generation alone tells a current
 *  handle from a stale one here; a negative handle's generation is above
 *  SPC_GENERATION_MAX and matches no slot. */
static inline struct spc_socket *spc_lookup_fast(int handle, unsigned need)
{
    uint32_t index = (uint32_t)handle & ((1u << SPC_INDEX_BITS) - 1u);
    if ((uint32_t)SP_MAX_SOCKETS < (1u << SPC_INDEX_BITS) && index >= (uint32_t)SP_MAX_SOCKETS)
        return NULL;
    struct spc_socket *s = &spc_table[index];
    if (s->generation != (uint32_t)handle >> SPC_INDEX_BITS || (s->fast & need) == 0)
        return NULL;
    return s;
}

/** Whether a free slot exists (checked before a port creates anything). */
bool spc_has_free_slot(void);

/** Take a free slot for a socket the port already created; returns the slot
 *  (spc_handle_of() names it). The caller checked spc_has_free_slot() first. */
struct spc_socket *spc_claim(sp_stack *stack, sp_port_sock native, int family, int type,
                             int protocol);

/** Release the slot of @p s; its handle becomes stale. The slot is reused
 *  after every slot released before it (oldest first), and never again once
 *  it has issued SPC_GENERATION_MAX: a generation never repeats. */
void spc_release(struct spc_socket *s);

/** Test hook: make the free slot @p index issue @p generation (1 ..
 *  SPC_GENERATION_MAX) at its next claim, as if it had been reused that often.
 *  Returns 0, or SP_EINVAL if the slot is in use or an argument out of range. */
int spc_test_set_generation(int index, uint32_t generation);

/** The slot at @p index (0..SP_MAX_SOCKETS-1), in use or not; for iteration. */
struct spc_socket *spc_slot(int index);

/** The handle that currently names @p s. */
int spc_handle_of(const struct spc_socket *s);

/* --- poller.c ---------------------------------------------------------- */

/** Take @p s, which is in a poller, out of it (before the socket closes).
 *  NULL until the first sp_poller_open(), which sets it: a socket joins a
 *  poller only through one, so a firmware that never opens one links none of
 *  poller.c (docs/footprint.md). */
extern void (*spc_poller_forget)(struct spc_socket *s);

/* --- deadline.c -------------------------------------------------------- */

/**
 * An absolute point on a stack's clock, fixed once per call: when the call
 * first has to wait. A call that never waits (the common case) then never
 * reads the clock, and one that does still ends by its timeout.
 */
struct spc_deadline {
    int64_t at_ms;
    int timeout_ms;
    bool fixed;
};

struct spc_deadline spc_deadline_in(int timeout_ms);

/** Milliseconds left, clamped to int: SP_FOREVER for no limit, 0 once passed. */
int spc_deadline_left(sp_stack *stack, struct spc_deadline *d);

/**
 * Wait until @p s is ready for @p events or the deadline passes, running the
 * stack meanwhile. 0 when the port reported something (the caller retries
 * its operation); SP_ETIMEDOUT when the deadline has passed; a port error.
 */
int spc_wait(struct spc_socket *s, short events, struct spc_deadline *d);

/* --- io.c -------------------------------------------------------------- */

#if SPC_FAST_PATH
/** The enum spc_fast bits that @p s's fields give now. */
uint8_t spc_fast_flags(const struct spc_socket *s);

/** Recompute s->fast: called wherever in_use, state, shut_rd, shut_wr or
 *  service change (debug builds check at every data call that none was missed). */
void spc_fast_update(struct spc_socket *s);
#else
/* Without the fast path no call reads the bits: they stay 0. */
static inline void spc_fast_update(struct spc_socket *s)
{
    (void)s;
}
#endif

/* --- socket.c ---------------------------------------------------------- */

/** Whether @p type keeps message boundaries (datagram, raw, seqpacket, rdm). */
static inline bool spc_is_message_type(int type)
{
    return type != SP_SOCK_STREAM;
}

/** Whether @p type is connection-oriented (stream, seqpacket). */
static inline bool spc_is_connection_type(int type)
{
    return type == SP_SOCK_STREAM || type == SP_SOCK_SEQPACKET;
}

/**
 * If a connect attempt of @p s is under way, see whether it has ended (without
 * waiting) and update the state. Returns 0 if the socket is not connecting
 * or the attempt succeeded, SP_EALREADY if it is still under way, or the
 * attempt's error (the socket is then SPC_FAILED, the error kept in
 * s->failure until spc_take_failure() reports it).
 */
int spc_settle_connect(struct spc_socket *s);

/** The failed attempt's error if no call reported it yet (then 0 from now on), else 0. */
int spc_take_failure(struct spc_socket *s);

/* --- services.c, seqpacket.c, rdm.c ------------------------------------ */

/** Core's sequenced packets over a stream, reached only through the registry
 *  so that a firmware that never calls sp_use_seqpacket() links none of it. */
struct spc_seqpacket_hooks {
    /** Attach the framing to a connected stream socket; SP_ENOBUFS when all
     *  SP_SEQPACKET_MAX_SOCKETS states are taken. */
    int (*attach)(struct spc_socket *s);
    /** Whether attach() would find a free state now. */
    bool (*has_room)(void);
};

/** Core's RDM protocol over datagrams (sp_use_rdm()). */
struct spc_rdm_hooks {
    /** Attach the protocol to a datagram socket; SP_ENOBUFS when all
     *  SP_RDM_MAX_SOCKETS states are taken. */
    int (*attach)(struct spc_socket *s);
    /** RDM options (SP_OPT_RDM_*) of an RDM socket. */
    int (*set_option)(struct spc_socket *s, int option, int value);
    int (*get_option)(struct spc_socket *s, int option, int *value);
};

/** The optional socket types this program registered; NULL: not registered,
 *  sp_socket() of that type gives SP_EPROTONOSUPPORT. With SP_ALL_SERVICES
 *  (hosted builds) both start registered. */
struct spc_registry {
    const struct spc_seqpacket_hooks *seqpacket;
    const struct spc_rdm_hooks *rdm;
};
extern struct spc_registry spc_registry;
extern const struct spc_seqpacket_hooks spc_seqpacket_hooks;
extern const struct spc_rdm_hooks spc_rdm_hooks;

/** Test hook: forget what RDM's fallback session generator has drawn, as a
 *  reboot does, so that a test can check sessions still differ. */
void spc_test_rdm_reboot(void);

/* --- addr.c ------------------------------------------------------------ */

/** Parse exactly @p len characters as a dotted-quad IPv4 address. */
bool spc_parse_ipv4(const char *text, size_t len, uint8_t out[4]);

/** Parse exactly @p len characters as an IPv6 address, with an optional
 *  numeric "%zone" suffix when @p scope_id is not NULL. */
bool spc_parse_ipv6(const char *text, size_t len, uint8_t out[16], uint32_t *scope_id);

/** An address of @p family that names nothing: all zero (an unnamed local socket: ""). */
void spc_addr_unnamed(sp_addr *out, int family);

/** Parse a decimal number of at most @p max (no sign, no leading junk). */
bool spc_parse_uint(const char *text, size_t len, uint32_t max, uint32_t *out);

#endif /* SOCKPORT_CORE_H */
