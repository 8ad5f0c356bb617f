/* An installed sockport works: one UDP datagram over the loopback and back,
 * through the default stack of the library linked (sockport::sockport: POSIX;
 * sockport::lwip: lwIP's own loopback). Exit 0 on success. */
#include <sockport/sockport.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, int err)
{
    fprintf(stderr, "consumer: %s: %s (%s)\n", what, sp_strerror(err), sp_err_name(err));
    return 1;
}

int main(void)
{
    static const char ping[] = "ping through an installed sockport";
    char reply[64];
    sp_addr receiver_addr;
    sp_addr from;
    ptrdiff_t n;
    int receiver = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    int sender = sp_socket(SP_AF_INET, SP_SOCK_DGRAM, 0);
    int rc;

    if (receiver < 0 || sender < 0) {
        return fail("socket", receiver < 0 ? receiver : sender);
    }
    rc = sp_addr_loopback(&receiver_addr, SP_AF_INET, 0);
    if (rc == 0) {
        rc = sp_bind(receiver, &receiver_addr);
    }
    if (rc == 0) {
        rc = sp_getsockname(receiver, &receiver_addr);
    }
    if (rc == 0) {
        rc = sp_setsockopt(receiver, SP_OPT_RCVTIMEO, 5000);
    }
    if (rc < 0) {
        return fail("set up the receiver", rc);
    }
    n = sp_sendto(sender, ping, sizeof ping, 0, &receiver_addr);
    if (n < 0) {
        return fail("sendto", (int)n);
    }
    n = sp_recvfrom(receiver, reply, sizeof reply, 0, &from);
    if (n < 0) {
        return fail("recvfrom", (int)n);
    }
    if ((size_t)n != sizeof ping || memcmp(reply, ping, sizeof ping) != 0) {
        fprintf(stderr, "consumer: got %ld bytes that differ from what was sent\n", (long)n);
        return 1;
    }
    sp_close(sender);
    sp_close(receiver);
    printf("consumer: sockport %d.%d.%d, stack %s: UDP loopback round trip OK\n",
           SOCKPORT_VERSION_MAJOR, SOCKPORT_VERSION_MINOR, SOCKPORT_VERSION_PATCH,
           sp_stack_name(sp_default_stack()));
    return 0;
}
