#!/usr/bin/env bash
# Flash and RAM that sockport takes in linked firmware (-Os,
# -ffunction-sections -fdata-sections, --gc-sections, newlib-nano), read from
# each image's link map (scripts/map_sizes.awk): the input sections the linker
# kept, per part.
#  1. tests/qemu/firmware/fw_minimal (TCP, UDP, poll, timeouts, resolve on the
#     bare mps2-an385 start-up) and its variants that also open a sequenced-
#     packet, RDM or raw socket, for Cortex-M3 and Cortex-M0+ (the M0+ images
#     are linked, not run): core, the lwIP port's own files, lwIP itself.
#  2. lwIP's own socket layer for comparison (sockets.c, api_lib.c, api_msg.c,
#     tcpip.c, netbuf.c, netdb.c, err.c with NO_SYS=0): it needs an RTOS's
#     sys_arch, so it is linked as a relocatable object with --gc-sections
#     from the calls fw_minimal's equivalent makes (-u lwip_socket ...), and
#     what it calls in lwIP's core and the RTOS is not counted.
#  3. The BSD socket layer (bsd/) as the board's BSD firmware links it.
#  4. Static RAM per socket, Cortex-M3 (scripts/footprint_per_socket.sh).
#  After 1: fw_minimal on lwIP built without IPv6 (SOCKPORT_LWIP_IPV4_ONLY),
#  plain and with SOCKPORT_LTO, and lwIP's socket layer (2.) so built too.
#  After 1: fw_minimal again with SOCKPORT_LTO (core and the port's own files
#  link-time optimised, nothing else): sockport's part is then every section
#  of the link's LTO objects (ltrans), which the script first checks can hold
#  nothing else (no other input of the link carries LTO code); the change of
#  the whole image is printed beside it as a cross-check.
# Usage: bash scripts/footprint.sh [--flags]   (needs gcc-arm-none-eabi and
# third_party/lwip; writes build/footprint-*). --flags only measures core +
# port text of fw_minimal for a few optimisation choices (-Os, -Oz, inlining
# limits), with and without SOCKPORT_LTO, on both CPUs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
lwip_src="$root/third_party/lwip/src"
[ -r "$lwip_src/include/lwip/init.h" ] || { echo "footprint.sh: no lwIP in third_party/lwip: run scripts/setup.sh" >&2; exit 1; }

# part MAP PATTERN: "text data bss" of the kept input sections of the files matching PATTERN.
part() {
  awk -v PAT="$2" -f scripts/map_sizes.awk "$1"
}
sum3() {
  echo "$1 $2" | awk '{ printf "%8d %6d %8d\n", $1 + $4, $2 + $5, $3 + $6 }'
}

minimal=(fw_minimal fw_minimal_seqpacket fw_minimal_rdm fw_minimal_raw)
core_pat='libsockport_core[.]a'
port_pat='libsockport_lwip_port[.]a[(]lwip_'
lwip_pat='libsockport_lwip_port[.]a[(][^l]|libsockport_lwip_port[.]a[(]lwip[^_]'
sockport_pat="$core_pat|$port_pat"
lto_pat='[.]ltrans[0-9]*[.]ltrans[.]o$'

# configure DIR CPU CMAKE_ARG...: the board's firmware project for CPU (m3, m0plus), -Os.
configure() {
  local dir=$1 cpu=$2
  shift 2
  cmake -S tests/qemu/firmware -B "$dir" \
    -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-$cpu.cmake" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DSOCKPORT_QEMU_WITH_MBEDTLS=OFF "$@" >"$dir.log" 2>&1 ||
    { cat "$dir.log"; exit 1; }
}
build() {
  local dir=$1
  shift
  cmake --build "$dir" -j2 --target "$@" >>"$dir.log" 2>&1 || { tail -20 "$dir.log"; exit 1; }
}
image_text() {
  arm-none-eabi-size "$1" | awk 'NR == 2 { print $1 }'
}
# sockport_text MAP: core + port text of a plain image, or of one built with SOCKPORT_LTO.
sockport_text() {
  if grep -q 'ltrans[.]o$' "$1"; then part "$1" "$lto_pat"; else part "$1" "$sockport_pat"; fi | awk '{ print $1 }'
}
# lto_only_sockport DIR MAP: the LTO objects of a link hold only core's and the
# port's code if no other object of the build, and no archive the link loaded
# from outside it (newlib, libgcc), carries LTO code (.gnu.lto_ sections).
lto_only_sockport() {
  local dir=$1 map=$2 file others
  others=$(find "$dir" -name '*.obj' ! -path '*/sockport_core.dir/*' ! -path '*/sockport_lwip_port.dir/*' \
    ! -path '*/_CMakeLTOTest-*' \
    -exec sh -c 'arm-none-eabi-objdump -h "$1" | grep -q "[.]gnu[.]lto_" && echo "$1"' sh {} \;)
  for file in $(awk '$1 == "LOAD" && $2 ~ /[.]a$/ && $2 ~ /^\// { print $2 }' "$map"); do
    if arm-none-eabi-objdump -h "$file" 2>/dev/null | grep -q '[.]gnu[.]lto_'; then others+=" $file"; fi
  done
  if [ -n "$others" ]; then
    echo "footprint.sh: $map: LTO code outside core and the port, in:" $others | cut -c1-400 >&2
    exit 1
  fi
  if [ "$(find "$dir" -path '*/sockport_core.dir/*.obj' -exec arm-none-eabi-objdump -h {} + |
          grep -c '[.]gnu[.]lto_')" = 0 ]; then
    echo "footprint.sh: $dir: core was not compiled for LTO" >&2
    exit 1
  fi
}

if [ "${1:-}" = "--flags" ]; then
  # Core + port text of fw_minimal for each choice; the flags reach every file
  # of the firmware, but only sockport's sections are counted, and without LTO
  # nothing crosses a file.
  printf '%-7s %-38s %10s %10s\n' cpu "flags (MinSizeRel)" "plain" "SOCKPORT_LTO"
  for cpu in m3 m0plus; do
    for flags in "-Os" "-Oz" "-Os -fno-inline-small-functions" "-Os -finline-limit=8" \
                 "-Os -fno-inline-functions-called-once"; do
      sizes=()
      for lto in OFF ON; do
        dir="build/footprint-flags-$cpu-$lto"
        configure "$dir" "$cpu" -DSOCKPORT_LTO=$lto "-DCMAKE_C_FLAGS_MINSIZEREL=$flags -DNDEBUG"
        build "$dir" fw_minimal
        sizes+=("$(sockport_text "$dir/fw_minimal.map")")
      done
      printf '%-7s %-38s %10s %10s\n' "$cpu" "$flags" "${sizes[0]}" "${sizes[1]}"
    done
  done
  exit 0
fi

# print_parts CPU NAME DIR FIRMWARE: core, port, their sum, lwIP and the whole image of one link.
print_parts() {
  local map="$3/$4.map" core port
  core=$(part "$map" "$core_pat")
  port=$(part "$map" "$port_pat")
  printf '%-7s %-22s %-22s %s\n' "$1" "$2" "core" "$core"
  printf '%-7s %-22s %-22s %s\n' "$1" "$2" "lwIP port (lwip_*.c)" "$port"
  printf '%-7s %-22s %-22s %s\n' "$1" "$2" "core + lwIP port" "$(sum3 "$core" "$port")"
  printf '%-7s %-22s %-22s %s\n' "$1" "$2" "lwIP 2.1.3 itself" "$(part "$map" "$lwip_pat")"
  print_image "$1" "$2" "$3/$4.elf"
}
print_image() {
  printf '%-7s %-22s %-22s %s\n' "$1" "$2" "whole image" \
    "$(arm-none-eabi-size "$3" | awk 'NR == 2 { printf "%8d %6d %8d", $1, $2, $3 }')"
}

printf '%-7s %-22s %-22s %8s %6s %8s\n' cpu firmware part text data bss
for cpu in m3 m0plus; do
  dir="build/footprint-fw-$cpu"
  configure "$dir" "$cpu" -DSOCKPORT_LTO=OFF
  build "$dir" "${minimal[@]}"
  for fw in "${minimal[@]}"; do
    print_parts "$cpu" "$fw" "$dir" "$fw"
  done
done

# fw_minimal with SOCKPORT_LTO beside the plain build above. sockport's part:
# the sections of the link's LTO objects (checked to hold nothing else); the
# whole image's change should match it, but for alignment padding between
# sections, which no input section counts.
# Last column: the whole firmware link-time optimised
# (CMAKE_INTERPROCEDURAL_OPTIMIZATION=ON: lwIP, the board and fw_minimal.c
# too), whose sections can no longer be told apart.
echo
printf '%-7s %-10s %10s %9s %7s   %11s %9s %7s   %9s\n' cpu firmware "core+port" "with LTO" change \
  "whole image" "with LTO" change "all LTO"
for cpu in m3 m0plus; do
  dir="build/footprint-fw-$cpu-lto"
  configure "$dir" "$cpu" -DSOCKPORT_LTO=ON
  build "$dir" fw_minimal
  lto_only_sockport "$dir" "$dir/fw_minimal.map"
  plain=$(sockport_text "build/footprint-fw-$cpu/fw_minimal.map")
  lto=$(sockport_text "$dir/fw_minimal.map")
  plain_image=$(image_text "build/footprint-fw-$cpu/fw_minimal.elf")
  lto_image=$(image_text "$dir/fw_minimal.elf")
  configure "$dir-all" "$cpu" -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=ON
  build "$dir-all" fw_minimal
  printf '%-7s %-10s %10d %9d %+7d   %11d %9d %+7d   %9d\n' "$cpu" fw_minimal "$plain" "$lto" $((lto - plain)) \
    "$plain_image" "$lto_image" $((lto_image - plain_image)) "$(image_text "$dir-all/fw_minimal.elf")"
done

# fw_minimal on lwIP built without IPv6 (SOCKPORT_LWIP_IPV4_ONLY: the port
# leaves out its IPv6 code; core is the same), plain and with SOCKPORT_LTO.
echo
printf '%-7s %-22s %-22s %8s %6s %8s\n' cpu firmware part text data bss
for cpu in m3 m0plus; do
  for lto in OFF ON; do
    dir="build/footprint-fw-$cpu-ipv4"
    name="fw_minimal, IPv4 only"
    if [ $lto = ON ]; then dir+="-lto"; name+=", LTO"; fi
    configure "$dir" "$cpu" -DSOCKPORT_LWIP_IPV4_ONLY=ON -DSOCKPORT_LTO=$lto
    build "$dir" fw_minimal
    if [ $lto = OFF ]; then
      print_parts "$cpu" "$name" "$dir" fw_minimal
    else
      lto_only_sockport "$dir" "$dir/fw_minimal.map"
      printf '%-7s %-22s %-22s %8d\n' "$cpu" "$name" "core + lwIP port" "$(sockport_text "$dir/fw_minimal.map")"
      print_image "$cpu" "$name" "$dir/fw_minimal.elf"
    fi
  done
done

# lwIP's socket layer with the board's options turned to NO_SYS=0, sockets
# and netconn on; the OS types are opaque pointers (no RTOS is linked); once
# as the board has it and once without IPv6, beside the rows above.
dir="$root/build/footprint-lwip-sockets"
rm -rf "$dir"
mkdir -p "$dir/arch"
cat >"$dir/lwipopts.h" <<OPTS
#include "$root/boards/mps2-an385/lwipopts.h"
#undef NO_SYS
#define NO_SYS 0
#undef LWIP_SOCKET
#define LWIP_SOCKET 1
#undef LWIP_NETCONN
#define LWIP_NETCONN 1
#define LWIP_COMPAT_SOCKETS 0
#define LWIP_POSIX_SOCKETS_IO_NAMES 0
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1
#define TCPIP_MBOX_SIZE 8
#define DEFAULT_TCP_RECVMBOX_SIZE 8
#define DEFAULT_UDP_RECVMBOX_SIZE 8
#define DEFAULT_RAW_RECVMBOX_SIZE 8
#define DEFAULT_ACCEPTMBOX_SIZE 8
/* What Debian's lwIP leaves to the port's sockets.h: no sa_len. */
#define IP4ADDR_SOCKADDR_SET_LEN(addr)
#define IP6ADDR_SOCKADDR_SET_LEN(addr)
#define IPADDR_SOCKADDR_GET_LEN(addr) ((addr)->sa.sa_family == AF_INET ? sizeof(struct sockaddr_in) : \\
  ((addr)->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0))
#include <sys/time.h>
OPTS
printf 'typedef void *sys_sem_t;\ntypedef void *sys_mutex_t;\ntypedef void *sys_mbox_t;\ntypedef void *sys_thread_t;\n' \
  >"$dir/arch/sys_arch.h"
roots=(lwip_socket lwip_bind lwip_listen lwip_accept lwip_connect lwip_send lwip_recv lwip_sendto
       lwip_recvfrom lwip_close lwip_shutdown lwip_poll lwip_setsockopt lwip_getsockopt
       lwip_getsockname lwip_fcntl lwip_getaddrinfo lwip_freeaddrinfo tcpip_init)
mkdir -p "$dir/ipv4/arch"
cp "$dir/arch/sys_arch.h" "$dir/ipv4/arch/"
cat >"$dir/ipv4/lwipopts.h" <<OPTS
#include "$dir/lwipopts.h"
#undef LWIP_IPV6
#define LWIP_IPV6 0
#undef IPADDR_SOCKADDR_GET_LEN
#define IPADDR_SOCKADDR_GET_LEN(addr) sizeof(struct sockaddr_in)
OPTS
echo
printf '%-7s %-46s %8s %6s %8s\n' cpu "lwIP socket layer (NO_SYS=0)" text data bss
for cpu in m3 m0plus; do
  flags=(-mcpu=cortex-$cpu -mthumb -Os -ffunction-sections -fdata-sections -std=gnu11 -w -Werror=implicit-function-declaration)
  [ "$cpu" = m0plus ] && flags[0]=-mcpu=cortex-m0plus
  for variant in "" ipv4; do
    opts="$dir/$variant"
    objects=()
    for file in sockets api_lib api_msg tcpip netbuf netdb err; do
      arm-none-eabi-gcc "${flags[@]}" -I"$opts" -I"$root/port/lwip" -I"$lwip_src/include" \
        -c "$lwip_src/api/$file.c" -o "$opts/$file-$cpu.o"
      objects+=("$opts/$file-$cpu.o")
    done
    arm-none-eabi-ld -r --gc-sections "${roots[@]/#/-u}" -o "$opts/linked-$cpu.o" "${objects[@]}"
    printf '%-7s %-46s %s\n' "$cpu" "as linked from the calls above${variant:+, IPv4 only}" \
      "$(arm-none-eabi-size -A "$opts/linked-$cpu.o" | awk '$1 ~ /^[.](text|rodata)/ { t += $2 }
        $1 ~ /^[.]data/ { d += $2 } $1 ~ /^[.]bss/ { b += $2 } END { printf "%8d %6d %8d", t, d, b }')"
    printf '%-7s %-46s %s\n' "$cpu" "object files, summed${variant:+, IPv4 only}" \
      "$(arm-none-eabi-size "${objects[@]}" | awk 'NR > 1 { t += $1; d += $2; b += $3 } END { printf "%8d %6d %8d", t, d, b }')"
  done
done

# The BSD layer in linked Cortex-M3 firmware (tests/qemu/firmware, -Os, --gc-sections).
dir=build/footprint-bsd-firmware
cmake -S tests/qemu/firmware -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$root/toolchains/arm-none-eabi-cortex-m3.cmake" \
  -DCMAKE_BUILD_TYPE=MinSizeRel >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
firmware=(fw_bsd_tcp_client fw_bsd_tcp_server fw_bsd_udp_client fw_bsd_udp_server fw_suite)
targets=$(cmake --build "$dir" --target help)
if [[ $targets == *fw_ssl_server2* ]]; then
  firmware+=(fw_ssl_server2 fw_ssl_client2)
fi
cmake --build "$dir" -j2 --target "${firmware[@]}" >>"$dir.log" 2>&1 || { tail -20 "$dir.log"; exit 1; }
echo
printf '%-8s %-20s %-22s %8s %6s %8s\n' cpu firmware component text data bss
for fw in "${firmware[@]}"; do
  printf '%-8s %-20s %-22s %s\n' m3 "$fw" "BSD layer (bsd/)" \
    "$(awk -v PAT='libsockport_bsd[.]a' -f scripts/map_sizes.awk "$dir/$fw.map")"
  printf '%-8s %-20s %-22s %s\n' m3 "$fw" "core (as linked)" \
    "$(awk -v PAT='libsockport_core[.]a' -f scripts/map_sizes.awk "$dir/$fw.map")"
done

# 4. Static RAM per socket (core's slot and the lwIP port's record, with every
#    array sized by the socket count): scripts/footprint_per_socket.sh.
bash "$root/scripts/footprint_per_socket.sh"
