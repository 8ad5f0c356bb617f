/*
 * main() of the mbedTLS program firmware (ssl_server2, ssl_client2): the
 * program's own main() is compiled renamed (-Dmain=sockport_tls_program_main)
 * and called from here once the board is ready, with the words of QEMU's
 * -append text as its arguments, e.g.
 *   -append "server_port=4433 dtls=1"   ->  ssl_server2 server_port=4433 dtls=1
 */
#include <stdio.h>

#include "board.h"
#include "board_sockport.h"
#include "sockport_mbedtls_board.h"

int sockport_tls_program_main(int argc, char *argv[]);

int main(void)
{
    /* Before anything else, so that nobody misses it in the console. */
    sockport_mbedtls_entropy_warning();
    if (board_start_lwip(1) == NULL) {
        return 1;
    }
    int argc = 0;
    char **argv = board_argv(&argc);
    return sockport_tls_program_main(argc, argv);
}
