# Building lwIP for sockport: lwIP's own sources from LWIP_DIR, compiled with
# the lwipopts.h of our choosing, plus the port, as one static library.
#
# lwIP's Filelists.cmake is read, not included: including it defines targets,
# runs Doxygen lookups and writes into the lwIP tree. We take its
# lwipcore/lwipcore4/lwipcore6 lists (2.1.x and 2.2.x both have them) and fall
# back to globbing src/core when a tree has no such file.

# sockport_lwip_sources(<out-var> <lwip-dir>): lwIP's core, IPv4, IPv6 and
# Ethernet sources, nothing else (no apps, no sequential/socket API).
function(sockport_lwip_sources out_var lwip_dir)
  set(sources "")
  set(filelists "${lwip_dir}/src/Filelists.cmake")
  if(EXISTS "${filelists}")
    file(READ "${filelists}" text)
    foreach(list_name lwipcore_SRCS lwipcore4_SRCS lwipcore6_SRCS)
      if(text MATCHES "set\\(${list_name}([^)]*)\\)")
        string(REPLACE "\${LWIP_DIR}" "${lwip_dir}" body "${CMAKE_MATCH_1}")
        string(REGEX REPLACE "[ \t\r\n]+" ";" body "${body}")
        foreach(item IN LISTS body)
          if(item MATCHES "\\.c$")
            list(APPEND sources "${item}")
          endif()
        endforeach()
      endif()
    endforeach()
  endif()
  if(NOT sources)
    file(GLOB sources "${lwip_dir}/src/core/*.c" "${lwip_dir}/src/core/ipv4/*.c"
         "${lwip_dir}/src/core/ipv6/*.c")
  endif()
  list(APPEND sources "${lwip_dir}/src/netif/ethernet.c")
  foreach(source IN LISTS sources)
    if(NOT EXISTS "${source}")
      message(FATAL_ERROR "lwIP source ${source} is missing: is LWIP_DIR=${lwip_dir} an lwIP tree?")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES sources)
  set(${out_var} "${sources}" PARENT_SCOPE)
endfunction()

# sockport_add_lwip_port(<target> OPTS_DIR <dir> [DEFINITIONS <d>...])
# A STATIC library: the lwIP port's files (built with -Werror) and lwIP itself
# (third-party: built without our warning flags), configured by <dir>/lwipopts.h.
# DEFINITIONS reach both and every user of <target> (lwipopts.h variants).
function(sockport_add_lwip_port target)
  cmake_parse_arguments(ARG "" "OPTS_DIR" "DEFINITIONS" ${ARGN})
  if(NOT ARG_OPTS_DIR)
    message(FATAL_ERROR "sockport_add_lwip_port(${target}): OPTS_DIR is required")
  endif()
  set(port_dir "${PROJECT_SOURCE_DIR}/port/lwip")
  sockport_lwip_sources(lwip_sources "${LWIP_DIR}")

  add_library(${target}_lwip OBJECT ${lwip_sources})
  target_include_directories(${target}_lwip PUBLIC
    "${ARG_OPTS_DIR}" "${port_dir}" "${LWIP_DIR}/src/include")
  # SP_LWIP_PORT turns on the port's hooks in lwipopts.h (see port/lwip/host/lwipopts.h).
  target_compile_definitions(${target}_lwip PUBLIC SP_LWIP_PORT=1 ${ARG_DEFINITIONS})
  set_target_properties(${target}_lwip PROPERTIES POSITION_INDEPENDENT_CODE ON)

  add_library(${target} STATIC
    ${port_dir}/lwip_addr.c
    ${port_dir}/lwip_dgram.c
    ${port_dir}/lwip_errors.c
    ${port_dir}/lwip_input_hooks.c
    ${port_dir}/lwip_resolve.c
    ${port_dir}/lwip_sock.c
    ${port_dir}/lwip_native.c
    ${port_dir}/lwip_poller.c
    ${port_dir}/lwip_raw.c
    ${port_dir}/lwip_stack.c
    ${port_dir}/lwip_tcp.c
    $<TARGET_OBJECTS:${target}_lwip>)
  # lwIP's headers are for board code in this build tree (netif_add() and
  # friends); installed applications use <sockport/*.h> only.
  target_include_directories(${target} PUBLIC
    "$<BUILD_INTERFACE:${ARG_OPTS_DIR}>" "$<BUILD_INTERFACE:${port_dir}>"
    "$<BUILD_INTERFACE:${LWIP_DIR}/src/include>")
  target_compile_definitions(${target} PUBLIC SP_LWIP_PORT=1 ${ARG_DEFINITIONS})
  target_link_libraries(${target} PUBLIC sockport_core PRIVATE $<BUILD_INTERFACE:sockport_warnings>)
endfunction()
