# Building mbedTLS (Debian's 2.28 source in third_party/mbedtls, unmodified)
# and two of its programs, ssl_server2 and ssl_client2, for sockport's tests.
# Used by the host build (tls/CMakeLists.txt) and the firmware build
# (tests/qemu/firmware). Only include paths, -D options, a configuration file
# and link options are added; no mbedTLS file is copied or patched
# (tls/check_unmodified.sh proves it).

# sockport_mbedtls_library(<target> DIR <mbedtls-dir> [CONFIG_FILE <header>]
#                          [INCLUDES <dir>...] [DEFINITIONS <d>...] [EXCLUDE <file>...])
# A STATIC library of every library/*.c (crypto, X.509 and TLS in one: the
# options in the configuration decide what each file compiles to) but the
# EXCLUDE'd ones (names in library/, e.g. net_sockets.c to build it apart).
# Without CONFIG_FILE, mbedTLS's own default include/mbedtls/config.h is used.
# INCLUDES (PUBLIC) hold the configuration's own headers (timing_alt.h).
function(sockport_mbedtls_library target)
  cmake_parse_arguments(ARG "" "DIR;CONFIG_FILE" "INCLUDES;DEFINITIONS;EXCLUDE" ${ARGN})
  if(NOT EXISTS "${ARG_DIR}/include/mbedtls/version.h")
    message(FATAL_ERROR "sockport_mbedtls_library: ${ARG_DIR} holds no mbedTLS source (run scripts/setup.sh)")
  endif()
  file(GLOB sources "${ARG_DIR}/library/*.c")
  foreach(excluded IN LISTS ARG_EXCLUDE)
    list(REMOVE_ITEM sources "${ARG_DIR}/library/${excluded}")
  endforeach()
  add_library(${target} STATIC ${sources})
  target_include_directories(${target} SYSTEM PUBLIC ${ARG_INCLUDES} "${ARG_DIR}/include"
                             PRIVATE "${ARG_DIR}/library")
  if(ARG_CONFIG_FILE)
    target_compile_definitions(${target} PUBLIC "MBEDTLS_CONFIG_FILE=\"${ARG_CONFIG_FILE}\"")
  endif()
  if(ARG_DEFINITIONS)
    target_compile_definitions(${target} PUBLIC ${ARG_DEFINITIONS})
  endif()
  # mbedTLS is not ours to fix: C99 as it asks, none of sockport's warning
  # flags, and optimised even in Debug builds so that handshakes stay quick.
  set_target_properties(${target} PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
  target_compile_options(${target} PRIVATE -O2)
endfunction()

# sockport_mbedtls_program(<target> DIR <mbedtls-dir> PROGRAM <ssl_server2|ssl_client2>
#                          LIBRARY <mbedtls-library-target> [MAIN <name>] [USE_BSD])
# The program's own files as mbedTLS's programs/ssl/CMakeLists.txt builds
# them, as two OBJECT libraries: <target>_main (programs/ssl/<program>.c) and
# <target> (ssl_test_lib.c, programs/test/query_config.c and the test helpers
# from tests/src). An executable takes the objects of both. With MAIN, the
# program's main() is renamed (-Dmain=<name>, on <program>.c only) so that a
# wrapper of ours can set the platform up first and then call it with
# argc/argv. USE_BSD: compile both against the BSD layer (sockport_use_bsd).
function(sockport_mbedtls_program target)
  cmake_parse_arguments(ARG "USE_BSD" "DIR;PROGRAM;LIBRARY;MAIN" "" ${ARGN})
  set(program_source "${ARG_DIR}/programs/ssl/${ARG_PROGRAM}.c")
  if(NOT EXISTS "${program_source}")
    message(FATAL_ERROR "sockport_mbedtls_program: no ${program_source}")
  endif()
  # A target-level definition, not a source property: the same source file is
  # also built without it (the kernel build) in the same directory.
  add_library(${target}_main OBJECT "${program_source}")
  if(ARG_MAIN)
    target_compile_definitions(${target}_main PRIVATE "main=${ARG_MAIN}")
  endif()
  add_library(${target} OBJECT
    "${ARG_DIR}/programs/ssl/ssl_test_lib.c"
    "${ARG_DIR}/programs/test/query_config.c"
    "${ARG_DIR}/tests/src/helpers.c"
    "${ARG_DIR}/tests/src/random.c")
  foreach(part ${target} ${target}_main)
    target_include_directories(${part} SYSTEM PRIVATE "${ARG_DIR}/tests/include" "${ARG_DIR}/library")
    target_link_libraries(${part} PUBLIC ${ARG_LIBRARY})
    set_target_properties(${part} PROPERTIES C_STANDARD 99 C_EXTENSIONS OFF)
    target_compile_options(${part} PRIVATE -O2)
    if(ARG_USE_BSD)
      sockport_use_bsd(${part})
    endif()
  endforeach()
endfunction()
