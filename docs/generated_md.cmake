# Compare a generated document with its committed copy (the docs.errors_md and
# docs.conformance_md tests), or rewrite the copy (-DWRITE=ON, the
# sockport_errors_md and sockport_conformance_md targets), so that tables in
# the docs can never drift from what generates them.
#   cmake -DGENERATOR=<program> [-DGENERATOR_ARGS=<args>] -DCOMMITTED=<docs/x.md>
#         -DOUT=<scratch> [-DWRITE=ON] -P generated_md.cmake
execute_process(COMMAND "${GENERATOR}" ${GENERATOR_ARGS} OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(rc EQUAL 77)
  file(READ "${OUT}" why)
  message(STATUS "SKIP: ${why}")
  return()
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GENERATOR} failed (${rc})")
endif()
if(WRITE)
  configure_file("${OUT}" "${COMMITTED}" COPYONLY)
  message(STATUS "wrote ${COMMITTED}")
  return()
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${COMMITTED}" "${OUT}"
                RESULT_VARIABLE differs)
if(differs)
  execute_process(COMMAND diff -u "${COMMITTED}" "${OUT}")
  get_filename_component(name "${COMMITTED}" NAME_WE)
  message(FATAL_ERROR "${COMMITTED} differs from the generated ${OUT}.\n"
                      "Regenerate it: cmake --build <build dir> --target sockport_${name}_md")
endif()
message(STATUS "${COMMITTED} matches its generator")
