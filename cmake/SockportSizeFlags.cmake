# SOCKPORT_SIZE_FLAGS (docs/footprint.md, "Compiler flags"): flags added to
# sockport's own libraries (core, the lwIP port's files) in MinSizeRel
# builds, after -Os; lwIP, the board and the application never get them. Its
# default is SOCKPORT_SIZE_FLAGS_INIT, which a toolchain file sets for a CPU
# where flags were measured to shrink that code with gcc (the Cortex-M3 one
# does); hosted builds and other compilers get none. -DSOCKPORT_SIZE_FLAGS=
# turns them off.
if(DEFINED SOCKPORT_SIZE_FLAGS_INIT AND CMAKE_C_COMPILER_ID STREQUAL "GNU")
  set(_sockport_size_flags_default "${SOCKPORT_SIZE_FLAGS_INIT}")
else()
  set(_sockport_size_flags_default "")
endif()
set(SOCKPORT_SIZE_FLAGS "${_sockport_size_flags_default}" CACHE STRING
    "Extra flags for sockport's own libraries in MinSizeRel builds (docs/footprint.md)")

# sockport_size_flags(<target>...): compile these libraries of sockport's with
# SOCKPORT_SIZE_FLAGS in MinSizeRel builds.
function(sockport_size_flags)
  separate_arguments(flags UNIX_COMMAND "${SOCKPORT_SIZE_FLAGS}")
  if(NOT flags)
    return()
  endif()
  foreach(target IN LISTS ARGN)
    target_compile_options(${target} PRIVATE "$<$<CONFIG:MinSizeRel>:${flags}>")
  endforeach()
endfunction()
