/*
 * ping: ICMP (IPv4) or ICMPv6 echo requests over a raw socket, with round-trip
 * times. Public API only, so the same source runs on every port: the host
 * kernel (needs CAP_NET_RAW, or root), lwIP in-process, a board.
 *
 *   ping [-6] [-c count] [-i interval_ms] [-W timeout_ms] [host]
 *
 * Exit status: 0 every request answered; 1 not; 2 bad usage; 77 the stack
 * refused the raw socket for want of privilege (SP_EACCES: the host kernel
 * without CAP_NET_RAW), which the tests count as skipped, not failed.
 *
 * Raw sockets deliver what the stack gives every raw socket of that protocol:
 * for IPv4 the whole packet with its IP header, for IPv6 the ICMPv6 message
 * alone (the stack fills in the ICMPv6 checksum). Replies are matched by
 * identifier and sequence, so other ICMP traffic is ignored.
 */
#include <sockport/sockport.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ping.h"

#define PING_PAYLOAD "sockport ping 0123456789abcdef"
#define PING_HEADER 8
#define PING_PACKET_MAX 1500

static uint16_t ping_checksum(const uint8_t *data, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (len % 2 != 0)
        sum += (uint32_t)data[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static size_t ping_build(uint8_t *out, int family, uint16_t id, uint16_t seq)
{
    size_t len = PING_HEADER + sizeof(PING_PAYLOAD) - 1;
    memset(out, 0, PING_HEADER);
    out[0] = family == SP_AF_INET6 ? 128 : 8; /* echo request */
    out[4] = (uint8_t)(id >> 8);
    out[5] = (uint8_t)id;
    out[6] = (uint8_t)(seq >> 8);
    out[7] = (uint8_t)seq;
    memcpy(out + PING_HEADER, PING_PAYLOAD, sizeof(PING_PAYLOAD) - 1);
    if (family == SP_AF_INET) {
        /* ICMPv6's checksum covers a pseudo-header: the stack computes it. */
        uint16_t sum = ping_checksum(out, len);
        out[2] = (uint8_t)(sum >> 8);
        out[3] = (uint8_t)sum;
    }
    return len;
}

/* Whether @p packet is the echo reply to (id, seq); skips an IPv4 header. */
static int ping_is_reply(const uint8_t *packet, size_t len, int family, uint16_t id, uint16_t seq)
{
    if (family == SP_AF_INET) {
        if (len < 20 || packet[0] >> 4 != 4)
            return 0;
        size_t header = (size_t)(packet[0] & 0x0f) * 4;
        if (header > len)
            return 0;
        packet += header;
        len -= header;
    }
    uint8_t reply_type = family == SP_AF_INET6 ? 129 : 0;
    return len >= PING_HEADER + sizeof(PING_PAYLOAD) - 1 && packet[0] == reply_type &&
           packet[4] == (uint8_t)(id >> 8) && packet[5] == (uint8_t)id &&
           packet[6] == (uint8_t)(seq >> 8) && packet[7] == (uint8_t)seq &&
           memcmp(packet + PING_HEADER, PING_PAYLOAD, sizeof(PING_PAYLOAD) - 1) == 0;
}

/* Waits for the reply to (id, seq) until @p deadline; its arrival time, or an error. */
static int64_t ping_await(sp_stack *stack, int sock, int family, uint16_t id, uint16_t seq,
                          int64_t deadline)
{
    static uint8_t packet[PING_PACKET_MAX];
    for (int other = 0; other < 1000; other++) {
        int64_t left = deadline - sp_stack_now_ms(stack);
        if (left <= 0)
            return SP_ETIMEDOUT;
        sp_pollfd pfd = {sock, SP_POLLIN, 0};
        int ready = sp_poll(&pfd, 1, (int)left);
        if (ready < 0)
            return ready;
        if (ready == 0)
            continue;
        ptrdiff_t n = sp_recv(sock, packet, sizeof(packet), SP_MSG_DONTWAIT);
        if (n == SP_EAGAIN)
            continue;
        if (n < 0)
            return n;
        if (ping_is_reply(packet, (size_t)n, family, id, seq))
            return sp_stack_now_ms(stack);
    }
    return SP_ETIMEDOUT;
}

/* The address without the port sp_addr_format() adds ("[::1]:0" -> "::1"). */
static void ping_host_text(const sp_addr *addr, char *out, size_t size)
{
    char text[SP_ADDR_STRLEN];
    int n = sp_addr_format(addr, text, sizeof(text));
    char *end = n > 0 ? strrchr(text, ':') : NULL;
    if (end != NULL)
        *end = '\0';
    size_t skip = text[0] == '[' ? 1 : 0;
    if (skip && end != NULL && end > text && end[-1] == ']')
        end[-1] = '\0';
    snprintf(out, size, "%s", text + skip);
}

int ping_run(sp_stack *stack, const struct ping_options *opt, struct ping_result *result)
{
    sp_addr target;
    memset(result, 0, sizeof(*result));
    int rc = sp_resolve_on(stack, opt->host, NULL, opt->family, &target, 1, opt->timeout_ms);
    if (rc < 0) {
        fprintf(stderr, "ping: %s: %s (%s)\n", opt->host, sp_strerror(rc), sp_err_name(rc));
        return rc;
    }
    int family = target.family;
    int protocol = family == SP_AF_INET6 ? SP_IPPROTO_ICMPV6 : SP_IPPROTO_ICMP;
    int sock = sp_socket_on(stack, family, SP_SOCK_RAW, protocol);
    if (sock < 0) {
        fprintf(stderr, "ping: raw socket: %s (%s)%s\n", sp_strerror(sock), sp_err_name(sock),
                sock == SP_EACCES ? ": raw sockets need CAP_NET_RAW (run as root)" : "");
        return sock;
    }
    char shown[SP_ADDR_STRLEN];
    ping_host_text(&target, shown, sizeof(shown));
    printf("PING %s (%s) on %s: %u data bytes\n", opt->host, shown, sp_stack_name(stack),
           (unsigned)(sizeof(PING_PAYLOAD) - 1));

    uint16_t id = (uint16_t)(0x5350 ^ (uint16_t)sp_stack_now_ms(stack));
    uint8_t request[PING_HEADER + sizeof(PING_PAYLOAD)];
    for (int i = 0; i < opt->count; i++) {
        uint16_t seq = (uint16_t)(i + 1);
        size_t len = ping_build(request, family, id, seq);
        int64_t sent_at = sp_stack_now_ms(stack);
        ptrdiff_t sent = sp_sendto(sock, request, len, 0, &target);
        result->transmitted++;
        if (sent < 0) {
            printf("seq=%u: send: %s (%s)\n", seq, sp_strerror((int)sent), sp_err_name((int)sent));
        } else {
            int64_t arrived = ping_await(stack, sock, family, id, seq, sent_at + opt->timeout_ms);
            if (arrived < 0) {
                printf("seq=%u: %s\n", seq, sp_strerror((int)arrived));
            } else {
                int64_t rtt = arrived - sent_at;
                printf("reply from %s: seq=%u time=%lld ms\n", shown, seq, (long long)rtt);
                if (result->received == 0 || rtt < result->rtt_min_ms)
                    result->rtt_min_ms = rtt;
                if (rtt > result->rtt_max_ms)
                    result->rtt_max_ms = rtt;
                result->rtt_total_ms += rtt;
                result->received++;
            }
        }
        if (i + 1 < opt->count && opt->interval_ms > 0)
            sp_stack_pump(stack, opt->interval_ms);
    }
    sp_close(sock);
    printf("--- %s ping statistics ---\n%d transmitted, %d received, %d%% loss", opt->host,
           result->transmitted, result->received,
           result->transmitted ? 100 * (result->transmitted - result->received) / result->transmitted
                               : 0);
    if (result->received > 0)
        printf(", rtt min/avg/max = %lld/%lld/%lld ms", (long long)result->rtt_min_ms,
               (long long)(result->rtt_total_ms / result->received), (long long)result->rtt_max_ms);
    printf("\n");
    return result->received == result->transmitted ? 0 : SP_ETIMEDOUT;
}

#ifndef PING_NO_MAIN
int main(int argc, char **argv)
{
    struct ping_options opt = {"127.0.0.1", SP_AF_UNSPEC, 3, 200, 2000};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-6") == 0) {
            opt.family = SP_AF_INET6;
            if (strcmp(opt.host, "127.0.0.1") == 0)
                opt.host = "::1";
        } else if (strcmp(arg, "-4") == 0) {
            opt.family = SP_AF_INET;
        } else if ((strcmp(arg, "-c") == 0 || strcmp(arg, "-i") == 0 || strcmp(arg, "-W") == 0) &&
                   value != NULL) {
            int n = atoi(value);
            if (n < 0 || n > 100000) {
                fprintf(stderr, "ping: %s %s: out of range\n", arg, value);
                return 2;
            }
            if (arg[1] == 'c')
                opt.count = n;
            else if (arg[1] == 'i')
                opt.interval_ms = n;
            else
                opt.timeout_ms = n;
            i++;
        } else if (arg[0] != '-') {
            opt.host = arg;
        } else {
            fprintf(stderr, "usage: ping [-4|-6] [-c count] [-i interval_ms] [-W timeout_ms] [host]\n");
            return 2;
        }
    }
    struct ping_result result;
    int rc = ping_run(sp_default_stack(), &opt, &result);
    if (rc == SP_EACCES && result.transmitted == 0)
        return 77;
    return rc == 0 ? 0 : 1;
}
#endif
