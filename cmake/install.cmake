# cmake --install for linchpin, in the places a Debian tool uses (GNUInstallDirs):
#   bin/linchpin
#   lib/liblinchpin_engine.a, lib/liblinchpin_io.a   (.so with -DBUILD_SHARED_LIBS=ON)
#   include/linchpin/lp_*.h                           public headers (no lp_i_*)
#   lib/pkgconfig/linchpin.pc
#   lib/cmake/linchpin/linchpinConfig.cmake (+ Version, Targets): linchpin::engine, linchpin::io
#   share/man/man1/linchpin.1, share/bash-completion/completions/linchpin, share/doc/linchpin/
#
# Static libraries are the default: the engine makes no ABI promise yet
# (0.x: lp_analysis and the option structs still change shape), and a static
# archive cannot be broken by a later install. A shared build gets SOVERSION
# 0.<minor>, so each minor release is a new soname.
include(CMakePackageConfigHelpers)

set_target_properties(lp_engine PROPERTIES OUTPUT_NAME linchpin_engine EXPORT_NAME engine)
set_target_properties(lp_io PROPERTIES OUTPUT_NAME linchpin_io EXPORT_NAME io)
if(BUILD_SHARED_LIBS)
  set(LP_SOVERSION "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}")
  set_target_properties(lp_engine lp_io PROPERTIES VERSION ${PROJECT_VERSION}
                                                   SOVERSION ${LP_SOVERSION})
  # An install outside the system's library directories finds its libraries.
  list(FIND CMAKE_C_IMPLICIT_LINK_DIRECTORIES "${CMAKE_INSTALL_FULL_LIBDIR}" lp_system_libdir)
  if(lp_system_libdir EQUAL -1)
    set_target_properties(linchpin PROPERTIES INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR}")
  endif()
endif()

install(TARGETS linchpin RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS lp_engine lp_io EXPORT linchpinTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/linchpin)

# Public headers: every lp_*.h of engine/ and io/ except the internal lp_i_*.h.
# They include each other as "lp_x.h", so they live in one directory
# (include/linchpin, on the include path as igraph's headers are).
file(GLOB LP_PUBLIC_HEADERS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/engine/lp_*.h
     ${PROJECT_SOURCE_DIR}/io/lp_*.h)
list(FILTER LP_PUBLIC_HEADERS EXCLUDE REGEX "/lp_i_[^/]*$")
install(FILES ${LP_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/linchpin)

# ---- CMake package: find_package(linchpin) -> linchpin::engine, linchpin::io
set(LP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/linchpin)
install(EXPORT linchpinTargets NAMESPACE linchpin:: DESTINATION ${LP_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/linchpinConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/linchpinConfig.cmake
                              INSTALL_DESTINATION ${LP_CMAKE_DIR})
# 0.x: a minor release may change the API, so only the same major.minor matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/linchpinConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/linchpinConfig.cmake
              ${PROJECT_BINARY_DIR}/linchpinConfigVersion.cmake DESTINATION ${LP_CMAKE_DIR})

# ---- pkg-config: linchpin.pc
# igraph is a public requirement (lp_graph.h includes <igraph.h>); HDF5, zlib, cJSON,
# OpenMP and libm are implementation details. A shared library records them
# itself, so they are private; a static archive does not, so every link needs
# them and they are public.
set(LP_PC_LIBS_DEPS "")
if(LP_OPENMP)
  string(REPLACE ";" " " LP_PC_OMP "${OpenMP_C_FLAGS}")
  set(LP_PC_LIBS_DEPS "${LP_PC_OMP} ")
endif()
string(APPEND LP_PC_LIBS_DEPS "-lm")
if(BUILD_SHARED_LIBS)
  set(LP_PC_REQUIRES "igraph")
  set(LP_PC_REQUIRES_PRIVATE "hdf5-serial zlib libcjson")
  set(LP_PC_LIBS "")
  set(LP_PC_LIBS_PRIVATE "${LP_PC_LIBS_DEPS}")
else()
  set(LP_PC_REQUIRES "igraph hdf5-serial zlib libcjson")
  set(LP_PC_REQUIRES_PRIVATE "")
  set(LP_PC_LIBS " ${LP_PC_LIBS_DEPS}")
  set(LP_PC_LIBS_PRIVATE "")
endif()
# The prefix is the one given at install time (cmake --install --prefix P),
# not the configure-time default, so the file is written by the install step.
set(LP_PC_PREFIX "@LP_PC_PREFIX@")
configure_file(${CMAKE_CURRENT_LIST_DIR}/linchpin.pc.in ${PROJECT_BINARY_DIR}/linchpin.pc.in @ONLY)
install(CODE "set(LP_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
configure_file(\"${PROJECT_BINARY_DIR}/linchpin.pc.in\" \"${PROJECT_BINARY_DIR}/linchpin.pc\" @ONLY)")
install(FILES ${PROJECT_BINARY_DIR}/linchpin.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---- man page, bash completion, documentation
install(FILES ${PROJECT_SOURCE_DIR}/docs/linchpin.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/cli/linchpin.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME linchpin)
file(GLOB LP_DOCS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${LP_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})
