/**
 * @file
 * @brief The conformance table's step language, and the backends that run it.
 *
 * A scenario is a short list of steps on a few socket slots (create, bind,
 * connect, send, reset the peer...). The engine runs the same steps on each
 * backend: the Linux kernel's BSD calls (the reference), and sockport on a
 * port. Every step's outcome is normalised (error meaning, byte count, poll
 * bits, address shape) so that outcomes of different backends compare as
 * plain values. Portable C11 over the public API only, except
 * backend_kernel.c and conformance_main.c, which are host programs.
 */
#ifndef SOCKPORT_CONFORMANCE_H
#define SOCKPORT_CONFORMANCE_H

#include <stdbool.h>
#include <stddef.h>

#include <sockport/sockport.h>

/** Socket slots a scenario may use. */
#define CF_SLOTS 6
/** Steps in one scenario at most. */
#define CF_MAX_STEPS 24

/** What a step does. */
enum cf_op {
    CF_END = 0,
    CF_SOCKET,      /* slot, a = type, b = protocol (family from the scenario; c = CF_FAM_*) */
    CF_CLOSE,       /* slot */
    CF_RESET,       /* slot: SP_OPT_LINGER 0, then close (the peer sees a reset) */
    CF_BIND,        /* slot, a = address */
    CF_LISTEN,      /* slot, a = backlog */
    CF_ACCEPT,      /* slot = listener, a = slot for the new socket */
    CF_CONNECT,     /* slot, a = address */
    CF_SEND,        /* slot, a = length, b = flags */
    CF_SENDTO,      /* slot, a = length, b = flags, c = address */
    CF_RECV,        /* slot, a = length, b = flags */
    CF_RECVFROM,    /* slot, a = length, b = flags; the outcome shows the sender */
    CF_SHUTDOWN,    /* slot, a = how */
    CF_GETSOCKNAME, /* slot; the outcome shows the address */
    CF_GETPEERNAME, /* slot; the outcome shows the address */
    CF_SETOPT,      /* slot, a = option, b = value */
    CF_GETOPT,      /* slot, a = option; the outcome is the value */
    CF_POLL,        /* slot, a = events; the outcome is revents (timeout 0) */
    CF_SETTLE,      /* let in-flight packets arrive (lwIP: run the stack a while) */
    CF_STALL,       /* slot = listener, a = first of 3 free slots: fill its queue until a
                       non-blocking connect stays in progress; that one ends in slot a */
    CF_FILL,        /* slot: send with SP_MSG_DONTWAIT until the stack takes no more; the
                       outcome is the error that ended it */
    /* The row's poller (one per row, opened at its first use): Linux's epoll
     * on the kernel, sp_poller_* on sockport. */
    CF_POLLER_ADD,    /* slot, a = events */
    CF_POLLER_MODIFY, /* slot, a = events */
    CF_POLLER_REMOVE, /* slot */
    CF_POLLER_WAIT,   /* slot; the outcome is its revents in one wait (timeout 0), or none */
};

/** Symbolic addresses, resolved per backend when the step runs. */
enum cf_addr_kind {
    CF_AD_LOOP = 1,    /* the family's loopback, port 0 */
    CF_AD_ANY,         /* the family's wildcard, port 0 */
    CF_AD_DEAD,        /* loopback, a port where nobody of this type is bound */
    CF_AD_OTHER,       /* the loopback of the other IP family, port 9 */
    CF_AD_BCAST,       /* 127.255.255.255 port 9 (IPv4 loopback's broadcast) */
    CF_AD_FOREIGN6,    /* ::2, an address this host does not have (bind only: no packet leaves) */
    CF_AD_NULL,        /* a NULL pointer */
    CF_AD_V4_OF0 = 8,  /* + k: 127.0.0.1 with slot k's port (IPv4 into an IPv6 socket) */
    CF_AD_NAME0 = 16,  /* + k: slot k's own address (wildcard replaced by loopback) */
    CF_AD_MAPPED0 = 24, /* + k: ::ffff:127.0.0.1 with slot k's port */
    CF_AD_UNSPEC = 32   /* family SP_AF_UNSPEC (AF_UNSPEC): a datagram socket's disconnect */
};
#define CF_AD_NAME(k) (CF_AD_NAME0 + (k))
#define CF_AD_V4_OF(k) (CF_AD_V4_OF0 + (k))
#define CF_AD_MAPPED(k) (CF_AD_MAPPED0 + (k))

/** A length: the largest UDP payload of the row's family (65507 IPv4, 65527 IPv6). */
#define CF_LEN_MAX_UDP (-1)
/** A protocol: the row's family's ICMP (SP_IPPROTO_ICMP or SP_IPPROTO_ICMPV6). */
#define CF_PROTO_ICMP (-1)
/** A family other than the row's, for sp_socket(): CF_FAMILY(SP_AF_UNSPEC). */
#define CF_FAMILY(f) (0x100 | (f))

/** How a step's outcome is compared between backends. */
enum cf_cmp {
    CF_EXACT = 0, /* same code or value, same detail */
    CF_CLASS,     /* same error, or both succeeded whatever the value */
};

struct cf_step {
    unsigned char op;   /* enum cf_op */
    signed char slot;   /* -1 for none */
    unsigned char cmp;  /* enum cf_cmp */
    unsigned char show; /* this step's outcome is the row's outcome */
    int a, b, c;
};

/** Families a scenario runs in: each one gives a row of its own. */
enum cf_family_bits {
    CF_V4 = 1,
    CF_V6 = 2,
    CF_LOCAL = 4,
    CF_IP = CF_V4 | CF_V6,
};

/** What the kernel can say about a scenario. */
enum cf_reference {
    CF_REF_KERNEL = 0, /* the kernel runs the same steps: it is the reference */
    CF_REF_PORTS,      /* the kernel has no such service (sequenced packets over IP):
                          the ports must agree with each other */
    CF_REF_CARRIER,    /* a service core builds over another type, run on the kernel as
                          that type: sequenced packets over IP as TCP (connecting, closing,
                          resets are TCP's), acknowledged datagrams as UDP (addresses,
                          binding, the calls' errors are UDP's) */
};

struct cf_scenario {
    const char *name;        /* short id, unique */
    const char *situation;   /* one sentence for the docs */
    unsigned families;       /* enum cf_family_bits */
    unsigned char reference; /* enum cf_reference */
    const char *lwip_limit;  /* non-NULL: a declared limitation of the lwIP port, why */
    const char *posix_limit; /* non-NULL: a declared limitation of the POSIX port, why */
    struct cf_step steps[CF_MAX_STEPS];
};

extern const struct cf_scenario cf_scenarios[];
extern const size_t cf_scenario_count;

/* ------------------------------------------------------------------------ */
/* Backends                                                                 */
/* ------------------------------------------------------------------------ */

/**
 * One way of running steps, in sockport's terms: handles, sp_addr, SP_MSG_*,
 * SP_OPT_*, SP_POLL* and SP_E* codes. Every call returns >= 0 or an SP_E*
 * code; a backend over native calls translates the native error to the
 * sockport code of the same meaning and keeps the native name for the docs.
 */
struct cf_backend {
    const char *name;
    /** Before and after each scenario row (a fresh stack for lwIP). */
    int (*begin)(void *ctx);
    void (*end)(void *ctx);
    long (*socket)(void *ctx, int family, int type, int protocol);
    long (*close)(void *ctx, int h);
    long (*bind)(void *ctx, int h, const sp_addr *addr);
    long (*listen)(void *ctx, int h, int backlog);
    long (*accept)(void *ctx, int h, sp_addr *peer);
    long (*connect)(void *ctx, int h, const sp_addr *addr);
    long (*sendto)(void *ctx, int h, const void *buf, size_t len, int flags, const sp_addr *to);
    long (*recvfrom)(void *ctx, int h, void *buf, size_t len, int flags, sp_addr *from);
    long (*shutdown)(void *ctx, int h, int how);
    long (*getsockname)(void *ctx, int h, sp_addr *out);
    long (*getpeername)(void *ctx, int h, sp_addr *out);
    long (*setopt)(void *ctx, int h, int option, int value);
    long (*getopt)(void *ctx, int h, int option, int *value);
    /** Poll one socket without waiting: revents, or an SP_E* code. */
    long (*poll)(void *ctx, int h, int events);
    /** On the row's poller: add, modify or remove @p h (op: CF_POLLER_*; 0 or
     *  an SP_E* code), or wait without waiting (@p h's revents, 0 if it is not
     *  reported). */
    long (*poller)(void *ctx, int op, int h, int events);
    void (*settle)(void *ctx);
    /** The native name of the last failure ("ECONNREFUSED"), or NULL. */
    const char *(*native_name)(void *ctx);
    void *ctx;
};

/** The sockport backend on @p stack_start's stacks (NULL stack_start: the POSIX port). */
struct cf_backend cf_sockport_backend(const char *name, sp_stack *(*stack_start)(void),
                                      void (*stack_stop)(sp_stack *stack));

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

#define CF_DETAIL 40

/** What one step gave. */
struct cf_outcome {
    long value;             /* >= 0: success value; < 0: SP_E* meaning */
    char detail[CF_DETAIL]; /* poll bits, an address's shape, or "" */
    char native[24];        /* the native error's name (kernel), or "" */
};

/** A whole scenario row on one backend. */
struct cf_run {
    int steps;                           /* steps run */
    int shown;                           /* index of the shown step */
    struct cf_outcome out[CF_MAX_STEPS]; /* per step */
};

/** The families (SP_AF_*) of @p sc's rows, in row order; returns how many. */
int cf_row_families(const struct cf_scenario *sc, int out[3]);

/** Run @p sc in @p family (SP_AF_*) on @p backend. */
void cf_run_scenario(const struct cf_backend *backend, const struct cf_scenario *sc, int family,
                     struct cf_run *run);

/** Whether two outcomes of step @p step mean the same. */
bool cf_same(const struct cf_step *step, const struct cf_outcome *a, const struct cf_outcome *b);

/** The outcome as text for the docs ("SP_EPIPE", "5", "IN|OUT", "0 127.0.0.1:=s0"). */
void cf_format_outcome(const struct cf_outcome *o, bool native, char *buf, size_t size);

/** The public function a step calls ("sp_connect"), for the header's lists. */
const char *cf_step_function(const struct cf_step *step);

#endif /* SOCKPORT_CONFORMANCE_H */
