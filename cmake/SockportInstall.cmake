# Installation: headers, the static libraries, CMake package files
# (find_package(sockport) gives sockport::sockport, sockport::posix,
# sockport::core, and the lwIP port's targets when it was built) and a
# pkg-config file for the POSIX default (sockport.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SOCKPORT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/sockport" CACHE STRING
    "Where sockportConfig.cmake goes, relative to the install prefix")

# Every library of the project that a user may link. In the build tree they
# are called sockport_<part> with the alias sockport::<part>; the installed
# package spells them the same way, through EXPORT_NAME.
set(_sockport_install_targets)
foreach(_target IN ITEMS sockport sockport_core sockport_posix)
  if(TARGET ${_target})
    list(APPEND _sockport_install_targets ${_target})
  endif()
endforeach()
# The lwIP port's libraries, whatever port/lwip names them (sockport_lwip*).
if(TARGET sockport_lwip)
  get_directory_property(_sockport_lwip_targets DIRECTORY ${PROJECT_SOURCE_DIR}/port/lwip
                         BUILDSYSTEM_TARGETS)
  foreach(_target IN LISTS _sockport_lwip_targets)
    get_target_property(_type ${_target} TYPE)
    if(_target MATCHES "^sockport_lwip" AND _type MATCHES "^(STATIC_LIBRARY|INTERFACE_LIBRARY)$")
      list(APPEND _sockport_install_targets ${_target})
    endif()
  endforeach()
endif()

foreach(_target IN LISTS _sockport_install_targets)
  if(NOT _target STREQUAL "sockport")
    string(REGEX REPLACE "^sockport_" "" _export_name ${_target})
    set_target_properties(${_target} PROPERTIES EXPORT_NAME ${_export_name})
  endif()
endforeach()

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/sockport
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")

install(TARGETS ${_sockport_install_targets}
        EXPORT sockportTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(EXPORT sockportTargets
        NAMESPACE sockport::
        DESTINATION ${SOCKPORT_INSTALL_CMAKEDIR})

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/sockportConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sockportConfig.cmake
  INSTALL_DESTINATION ${SOCKPORT_INSTALL_CMAKEDIR})
# 0.x: a minor release may change the API, so only the same minor matches.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/sockportConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sockportConfig.cmake
              ${PROJECT_BINARY_DIR}/sockportConfigVersion.cmake
        DESTINATION ${SOCKPORT_INSTALL_CMAKEDIR})

# pkg-config describes the POSIX default library only: an lwIP build needs the
# board's lwipopts and drivers, which pkg-config cannot carry.
if(TARGET sockport)
  if(APPLE)
    set(SOCKPORT_PC_DEFAULT_STACK_SYMBOL _sp_port_default_stack)
  else()
    set(SOCKPORT_PC_DEFAULT_STACK_SYMBOL sp_port_default_stack)
  endif()
  # Relative, so that cmake --install --prefix <anywhere> gives a working file.
  file(RELATIVE_PATH SOCKPORT_PC_PREFIX_FROM_PCDIR "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig"
       "/prefix")
  configure_file(${CMAKE_CURRENT_LIST_DIR}/sockport.pc.in ${PROJECT_BINARY_DIR}/sockport.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/sockport.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
