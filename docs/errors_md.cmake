# Compare docs/errors.md with what gen_errors prints (the docs.errors_md test),
# or rewrite it (-DWRITE=ON, the sockport_errors_md target), so the table in
# the docs can never drift from SP_ERRNO_MAP.
#   cmake -DGENERATOR=<gen_errors> -DCOMMITTED=<docs/errors.md> -DOUT=<scratch>
#         [-DWRITE=ON] -P errors_md.cmake
execute_process(COMMAND "${GENERATOR}" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gen_errors failed (${rc})")
endif()
if(WRITE)
  configure_file("${OUT}" "${COMMITTED}" COPYONLY)
  message(STATUS "wrote ${COMMITTED}")
  return()
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${COMMITTED}" "${OUT}"
                RESULT_VARIABLE differs)
if(differs)
  message(FATAL_ERROR "${COMMITTED} differs from the generated ${OUT}.\n"
                      "Regenerate it: cmake --build <build dir> --target sockport_errors_md")
endif()
message(STATUS "${COMMITTED} matches SP_ERRNO_MAP")
