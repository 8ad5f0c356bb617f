/*
 * Writes docs/errors.md on stdout: one row per SP_ERRNO_MAP entry, so the
 * names, values and messages come from <sockport/errors.h> and nowhere else.
 * Only the "typical causes" column is written here, because the error table
 * has no room for prose; a row appended to SP_ERRNO_MAP without a cause here
 * makes this program fail, and with it the docs.errors_md test.
 *
 *   gen_errors > docs/errors.md
 */
#include <sockport/errors.h>

#include <stdio.h>

struct error_row {
    const char *name;
    int code;
    const char *message;
};

static const struct error_row rows[] = {
#define ERROR_ROW(name, value, text) {"SP_E" #name, -(value), text},
    SP_ERRNO_MAP(ERROR_ROW)
#undef ERROR_ROW
};

#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* Indexed by -code. Drawn from the per-function error lists in sockport.h. */
static const char *const causes[ROW_COUNT + 1] = {
    [-SP_EINVAL] = "NULL pointer where one is required; length over PTRDIFF_MAX; value out of "
                   "its enum or range; call not valid in the socket's state (bind twice, "
                   "accept on a socket that does not listen, listen on a connected socket); "
                   "unparsable address text",
    [-SP_EBADF] = "negative handle, handle never issued, or used after sp_close() (the "
                  "generation no longer matches)",
    [-SP_EMFILE] = "the handle table (SP_MAX_SOCKETS) is full: sp_socket(), sp_accept()",
    [-SP_ENOBUFS] = "the stack has no memory for a socket, a segment or a datagram (lwIP "
                    "pools, kernel buffers)",
    [-SP_EAFNOSUPPORT] = "family the stack lacks (SP_AF_LOCAL on lwIP); address of another "
                         "family than the socket; loopback/any of an unknown family",
    [-SP_EPROTONOSUPPORT] = "socket type the stack lacks in that family; protocol that does "
                            "not fit the type",
    [-SP_EOPNOTSUPP] = "listen/accept on a connectionless socket; sp_recv_all() on a message "
                       "socket; operation the port does not provide",
    [-SP_EAGAIN] = "non-blocking socket (SP_OPT_NONBLOCK or SP_MSG_DONTWAIT) and nothing to "
                   "do now: no data, no room, no queued connection",
    [-SP_ETIMEDOUT] = "SP_OPT_RCVTIMEO / SP_OPT_SNDTIMEO or the call's timeout passed: connect "
                      "without answer, recv without data, send without room, resolver silent",
    [-SP_ECONNREFUSED] = "nobody listens at the peer's port (TCP reset on connect), also "
                         "from the first send/recv after a refused non-blocking connect; a "
                         "connected datagram socket's peer port is closed (ICMP)",
    [-SP_ECONNRESET] = "the peer reset the connection (abortive close, SP_OPT_LINGER 0, "
                       "peer crashed)",
    [-SP_ECONNABORTED] = "a queued connection died before sp_accept() took it; sp_connect() "
                         "after a failed non-blocking attempt whose error SP_OPT_ERROR took",
    [-SP_EADDRINUSE] = "bind to an address/port (or local path) already taken; listen found "
                       "no free ephemeral port",
    [-SP_EADDRNOTAVAIL] = "bind to an address that is not one of this host's; connect to an "
                          "unusable address",
    [-SP_ENOTCONN] = "send/recv/shutdown/getpeername on a stream socket that is not "
                     "connected (recv on a listener too)",
    [-SP_EISCONN] = "connect on an already connected stream socket, or on a listening one",
    [-SP_EALREADY] = "sp_connect() again while an earlier attempt is still in progress "
                     "(non-blocking, or blocking past the send timeout)",
    [-SP_EINPROGRESS] = "non-blocking sp_connect() started: wait for SP_POLLOUT, then read "
                        "SP_OPT_ERROR",
    [-SP_EMSGSIZE] = "datagram larger than the socket type allows",
    [-SP_ENETUNREACH] = "no route to the destination network",
    [-SP_EHOSTUNREACH] = "the destination host does not answer on its network (ICMP host "
                         "unreachable, no ARP/ND reply)",
    [-SP_EPIPE] = "send after sp_shutdown(SP_SHUT_WR), or after the connection is gone "
                  "(never a signal)",
    [-SP_EACCES] = "raw socket without privilege; privileged port; local path not "
                   "writable; broadcast without SP_OPT_BROADCAST",
    [-SP_EDESTADDRREQ] = "sp_send() on a datagram socket that has no peer (use sp_sendto() or "
                         "sp_connect() first)",
    [-SP_ENOENT] = "connect or send to a local socket path that does not exist; "
                   "sp_poller_modify()/sp_poller_remove() (and the POSIX _fd calls) on a socket "
                   "or descriptor not in that poller (Linux epoll_ctl says ENOENT); "
                   "sp_lwip_get_pool_stats() past the heap",
    [-SP_ENOPROTOOPT] = "option that does not apply to the socket's type (SP_OPT_NODELAY on "
                        "UDP) or that the stack lacks; unknown native option",
    [-SP_ENONAME] = "host name that does not exist or has no address of the family asked",
    [-SP_ENAMETEMP] = "the resolver did not answer (no DNS server reachable); try later",
    [-SP_ERANGE] = "sp_addr_format() buffer too small for the text",
    [-SP_EEOF] = "sp_recv_all(): the stream ended before the requested length arrived",
    [-SP_EIO] = "the stack failed in a way no other code describes (a bug in a port or the "
                "stack); please report it",
    [-SP_ETLSHANDSHAKE] = "TLS (<sockport/tls.h>): the peers share no version, cipher suite or "
                          "key (wrong PSK identity); the peer sent a fatal alert (it rejected "
                          "our certificate)",
    [-SP_ECERTUNTRUSTED] = "TLS: the peer's certificate does not chain to a configured CA, has "
                           "expired or is not yet valid, or does not parse",
    [-SP_EHOSTMISMATCH] = "TLS: the certificate is trusted but names another host than "
                          "sp_tls_config.server_name",
    [-SP_ETLSTRUNCATED] = "TLS: the TCP stream ended without close_notify (the peer crashed, "
                          "or someone cut the connection: the data may be incomplete)",
    [-SP_ETLSPROTO] = "TLS: the peer sent something that is not TLS (a plain-text server) or "
                      "a malformed or unexpected record",
    [-SP_EEXIST] = "sp_poller_add() of a socket that is in a poller already (this one or "
                   "another), sp_posix_poller_add_fd() of a descriptor already in that poller "
                   "(Linux epoll_ctl says EEXIST)",
};

/* '|' would end a table cell early. */
static void print_cell(const char *text)
{
    for (; *text != '\0'; text++) {
        if (*text == '|') {
            fputs("\\|", stdout);
        } else {
            putchar(*text);
        }
    }
}

int main(void)
{
    size_t i;

    for (i = 0; i < ROW_COUNT; i++) {
        int index = -rows[i].code;

        if (index <= 0 || (size_t)index > ROW_COUNT || causes[index] == NULL) {
            fprintf(stderr, "gen_errors: %s has no entry in docs/gen_errors.c's causes table\n",
                    rows[i].name);
            return 1;
        }
    }
    printf("# sockport error codes\n\n"
           "<!-- Generated by docs/gen_errors.c from SP_ERRNO_MAP in "
           "include/sockport/errors.h; do not edit.\n"
           "     Regenerate: cmake --build build/host --target sockport_errors_md -->\n\n"
           "Every sockport call returns a value >= 0 on success and one of these negative "
           "codes on failure,\nthe same on every port. `sp_strerror(code)` gives the message, "
           "`sp_err_name(code)` the name.\nThe values are sockport's own (not `-errno`) and "
           "never change.\n\n"
           "| Name | Value | Message | Typical causes |\n"
           "|------|------:|---------|----------------|\n");
    for (i = 0; i < ROW_COUNT; i++) {
        printf("| `%s` | %d | ", rows[i].name, rows[i].code);
        print_cell(rows[i].message);
        fputs(" | ", stdout);
        print_cell(causes[-rows[i].code]);
        fputs(" |\n", stdout);
    }
    return 0;
}
