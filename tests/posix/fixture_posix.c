/* The shared suite's fixture for the POSIX port: the kernel's sockets need no
 * start or stop, so set-up just makes the one POSIX stack the default and
 * tear-down closes what a case left open. Local socket paths go to a private
 * directory made once per run, so parallel runs never share a path. */
/* mkdtemp, unlink, geteuid: POSIX.1-2008, hidden by -std=c11 otherwise. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockport/posix.h>

#include "../suite/fixture.h"

static char s_local_dir[64] = "/tmp";

static void remove_local_dir(void)
{
    DIR *dir = opendir(s_local_dir);
    if (dir != NULL) {
        char path[sizeof s_local_dir + 256];
        for (struct dirent *entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
            if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", s_local_dir, entry->d_name);
                unlink(path);
            }
        }
        closedir(dir);
    }
    rmdir(s_local_dir);
}

/* The handle cases fill sockport's whole table: let the process have a
 * descriptor per handle where its hard limit allows (a fresh Debian's soft
 * limit is 1024). Where it does not, those cases skip and say so. */
static void raise_descriptor_limit(void)
{
    struct rlimit limit;
    const rlim_t wanted = (rlim_t)SP_MAX_SOCKETS + 256;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur >= wanted) {
        return;
    }
    limit.rlim_cur =
        limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted ? limit.rlim_max : wanted;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
}

static void make_local_dir_once(void)
{
    static int made;
    if (made) {
        return;
    }
    made = 1;
    raise_descriptor_limit();
    char template[] = "/tmp/sockport-suite-XXXXXX";
    if (mkdtemp(template) != NULL) {
        snprintf(s_local_dir, sizeof s_local_dir, "%s", template);
        atexit(remove_local_dir);
    }
}

static sp_stack *posix_setup(void)
{
    make_local_dir_once();
    sp_stack *stack = sp_posix_stack();
    sp_set_default_stack(stack);
    return stack;
}

static int posix_teardown(sp_stack *stack)
{
    return sp_close_all(stack);
}

static void posix_remove_local_path(const char *path)
{
    unlink(path);
}

/* Raw sockets need root (or CAP_NET_RAW): known only at run time. */
static int posix_set_dns_server(sp_stack *stack, const sp_addr *server)
{
    (void)stack;
    return sp_posix_set_dns_server(0, server);
}

static uint32_t posix_runtime_caps(void)
{
    return geteuid() == 0 ? SP_CAP_RAW : 0u;
}

const struct sp_test_fixture sp_test_fixture = {
    .port_name = "posix",
    .setup = posix_setup,
    .teardown = posix_teardown,
    .caps = SP_CAP_IPV6 | SP_CAP_LOCAL | SP_CAP_LOCAL_SEQPACKET | SP_CAP_NATIVE_OPTIONS |
            SP_CAP_RESOLVER | SP_CAP_HOST_PROCESSES,
    .local_dir = s_local_dir,
    .big_transfer_bytes = 64u << 20,
    .remove_local_path = posix_remove_local_path,
    .native_bool_level = SOL_SOCKET,
    .native_bool_name = SO_KEEPALIVE,
    .runtime_caps = posix_runtime_caps,
    .set_dns_server = posix_set_dns_server,
    .load_connections = 64,
};
