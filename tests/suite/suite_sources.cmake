# The shared suite's sources, in one list: tests/CMakeLists.txt builds them
# into sockport_suite_cases, and a separate firmware project (a cross build
# for a board) can include() this file to build the very same cases.
# Adding a case file: list it here and add its group to SP_SUITE_GROUPS in suite.h.
set(SOCKPORT_SUITE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(SOCKPORT_SUITE_SOURCES
  ${SOCKPORT_SUITE_DIR}/suite_main.c
  ${SOCKPORT_SUITE_DIR}/suite_util.c
  ${SOCKPORT_SUITE_DIR}/cases_errors.c
  ${SOCKPORT_SUITE_DIR}/cases_addr.c
  ${SOCKPORT_SUITE_DIR}/cases_stack.c
  ${SOCKPORT_SUITE_DIR}/cases_handles.c
  ${SOCKPORT_SUITE_DIR}/cases_options.c
  ${SOCKPORT_SUITE_DIR}/cases_stream.c
  ${SOCKPORT_SUITE_DIR}/cases_dgram.c
  ${SOCKPORT_SUITE_DIR}/cases_poll.c
  ${SOCKPORT_SUITE_DIR}/cases_poller.c
  ${SOCKPORT_SUITE_DIR}/cases_transfer.c
  ${SOCKPORT_SUITE_DIR}/cases_ipv6.c
  ${SOCKPORT_SUITE_DIR}/cases_local.c
  ${SOCKPORT_SUITE_DIR}/cases_resolve.c
  ${SOCKPORT_SUITE_DIR}/cases_raw.c
  ${SOCKPORT_SUITE_DIR}/cases_seqpacket.c
  ${SOCKPORT_SUITE_DIR}/cases_rdm.c
  ${SOCKPORT_SUITE_DIR}/cases_bsd.c
  ${SOCKPORT_SUITE_DIR}/cases_load.c
  ${SOCKPORT_SUITE_DIR}/../conformance/header_codes.c
  ${CMAKE_CURRENT_BINARY_DIR}/suite_header_text.c)
# cases_load.c checks every error code against the list its function's
# comment gives (tests/conformance/header_codes.c reads them); a board has no
# files, so the header's text is compiled in, as bytes (no string literal
# length limit), made again when the header changes.
set(_sp_suite_header ${SOCKPORT_SUITE_DIR}/../../include/sockport/sockport.h)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_sp_suite_header})
file(READ ${_sp_suite_header} _sp_suite_header_hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _sp_suite_header_bytes "${_sp_suite_header_hex}")
file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/suite_header_text.c CONTENT
"/* include/sockport/sockport.h's text, made by tests/suite/suite_sources.cmake. */
extern const unsigned char sp_suite_header_text[];
const unsigned char sp_suite_header_text[] = {@_sp_suite_header_bytes@ 0};
" @ONLY)
# cases_bsd.c calls the BSD layer by its classic names (socket, read, select):
# a build links sockport_bsd, and on a host force-includes
# <sockport/bsd_hosted.h> into this one file (sockport_suite_use_bsd below).
set(SOCKPORT_SUITE_BSD_SOURCE ${SOCKPORT_SUITE_DIR}/cases_bsd.c)
# The TLS part of the suite: its own binaries (compiled with SP_SUITE_TLS and
# linked with sockport::tls and the certificates make_test_certs.sh generates).
set(SOCKPORT_SUITE_TLS_SOURCES
  ${SOCKPORT_SUITE_DIR}/suite_main.c
  ${SOCKPORT_SUITE_DIR}/suite_util.c
  ${SOCKPORT_SUITE_DIR}/cases_transfer.c
  ${SOCKPORT_SUITE_DIR}/cases_tls.c)
