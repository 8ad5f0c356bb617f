# docs.readme_example test: the C example README.md shows between
# "<!-- BEGIN examples/tcp_client.c -->" and "<!-- END ... -->" must be the
# file itself, which the build compiles, so the README never shows code that
# does not build.
#   cmake -DREADME=<README.md> -DEXAMPLE=<examples/tcp_client.c> -P readme_example.cmake
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
set(begin_marker "<!-- BEGIN examples/tcp_client.c -->\n```c\n")
set(end_marker "```\n<!-- END examples/tcp_client.c -->")
string(FIND "${readme}" "${begin_marker}" begin)
string(FIND "${readme}" "${end_marker}" end)
if(begin EQUAL -1 OR end EQUAL -1)
  message(FATAL_ERROR "README.md lacks the markers around the tcp_client.c example")
endif()
string(LENGTH "${begin_marker}" begin_length)
math(EXPR start "${begin} + ${begin_length}")
math(EXPR length "${end} - ${start}")
string(SUBSTRING "${readme}" ${start} ${length} shown)
if(NOT shown STREQUAL example)
  message(FATAL_ERROR "README.md's copy of examples/tcp_client.c differs from the file: "
                      "paste the file between the markers again")
endif()
message(STATUS "README.md shows examples/tcp_client.c as it is")
