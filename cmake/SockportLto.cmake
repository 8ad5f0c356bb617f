# SOCKPORT_LTO (docs/footprint.md, "Link-time optimisation"): core and the
# lwIP port's own files (sockport_core, sockport_lwip_port without lwIP's
# objects) are compiled for link-time optimisation, and a program linking them
# is optimised over them as a whole at its link. Nothing else is: not lwIP,
# not the program's or the board's files, so that nothing of theirs is inlined
# into sockport or sockport into them, and every section of the link's LTO
# objects is sockport's (scripts/footprint.sh counts them so).
# CMAKE_INTERPROCEDURAL_OPTIMIZATION=ON is CMake's switch for every target of
# a build instead (the board supports that too).
option(SOCKPORT_LTO "Compile core and the lwIP port for link-time optimisation (docs/footprint.md)" OFF)
if(SOCKPORT_LTO)
  include(CheckIPOSupported)
  # CMake's check links a program: on a bare-metal toolchain that needs
  # newlib's system-call stubs, which only the check gets (CMP0138 passes the
  # check our CMAKE_C_FLAGS).
  cmake_policy(PUSH)
  if(POLICY CMP0138)
    cmake_policy(SET CMP0138 NEW)
  endif()
  set(_sockport_c_flags "${CMAKE_C_FLAGS}")
  if(CMAKE_SYSTEM_NAME STREQUAL "Generic" AND CMAKE_C_COMPILER_ID STREQUAL "GNU")
    string(APPEND CMAKE_C_FLAGS " --specs=nosys.specs")
  endif()
  check_ipo_supported(RESULT _sockport_lto_ok OUTPUT _sockport_lto_why LANGUAGES C)
  set(CMAKE_C_FLAGS "${_sockport_c_flags}")
  cmake_policy(POP)
  if(NOT _sockport_lto_ok)
    message(FATAL_ERROR "SOCKPORT_LTO=ON, but ${CMAKE_C_COMPILER} cannot link-time optimise here: "
                        "${_sockport_lto_why}")
  endif()
endif()

# sockport_lto(<target>...): with SOCKPORT_LTO, compile these libraries of
# sockport's for link-time optimisation (gcc: -flto=auto -fno-fat-lto-objects,
# archived with gcc-ar; clang: -flto=thin, llvm-ar). Every program that links
# them gets the same flags on its link line: clang's linker cannot read the
# objects without them. gcc's would (its linker plugin finds LTO objects by
# itself and optimises them with the options they were compiled with, -Os in
# a MinSizeRel build); with the flags, the image is the same.
function(sockport_lto)
  if(NOT SOCKPORT_LTO)
    return()
  endif()
  foreach(target IN LISTS ARGN)
    set_property(TARGET ${target} PROPERTY INTERPROCEDURAL_OPTIMIZATION ON)
    target_link_options(${target} INTERFACE ${CMAKE_C_COMPILE_OPTIONS_IPO} ${CMAKE_C_LINK_OPTIONS_IPO})
  endforeach()
endfunction()
