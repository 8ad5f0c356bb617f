# The consumer.install test: install the build tree into a scratch prefix,
# then build tests/consumer/project against it twice, as users do:
#   1. find_package(sockport) + sockport::sockport (and sockport::lwip, if
#      the lwIP port was built: the same main.c, only the library differs)
#   2. pkg-config --cflags --libs sockport
# and run both programs.
#   cmake -DBUILD_DIR= -DWORK_DIR= -DPROJECT_DIR= -DC_COMPILER= -DC_FLAGS= -DLINKER_FLAGS=
#         -DCONFIG= -P run_consumer.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${command}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

message(STATUS "install ${BUILD_DIR} into ${prefix}")
if(CONFIG)
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --config ${CONFIG})
else()
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
endif()

message(STATUS "find_package(sockport) build")
run(${CMAKE_COMMAND} -S ${PROJECT_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_C_COMPILER=${C_COMPILER}
    "-DCMAKE_C_FLAGS=${C_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/consumer)
# Built when the install holds the lwIP port (the same main.c on lwIP's loopback).
if(EXISTS ${WORK_DIR}/build/consumer_lwip)
  run(${WORK_DIR}/build/consumer_lwip)
endif()

message(STATUS "pkg-config build")
find_program(PKG_CONFIG pkg-config)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found (scripts/setup.sh installs it)")
endif()
file(GLOB_RECURSE pc_files ${prefix}/*/sockport.pc)
list(LENGTH pc_files pc_count)
if(NOT pc_count EQUAL 1)
  message(FATAL_ERROR "expected one installed sockport.pc, found: ${pc_files}")
endif()
get_filename_component(pc_dir ${pc_files} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs sockport
                OUTPUT_VARIABLE pc_flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config --cflags --libs sockport failed")
endif()
message(STATUS "pkg-config: ${pc_flags}")
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
separate_arguments(extra_flags UNIX_COMMAND "${C_FLAGS} ${LINKER_FLAGS}")
run(${C_COMPILER} -std=c11 ${extra_flags} ${PROJECT_DIR}/main.c ${pc_flags}
    -o ${WORK_DIR}/consumer_pkgconfig)
run(${WORK_DIR}/consumer_pkgconfig)
