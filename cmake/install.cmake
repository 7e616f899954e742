# What `cmake --install` puts in place (included from CMakeLists.txt): the shared library
# (netlearn::netlearn), the static library (netlearn::netlearn_static), headers, the CLI, the man page,
# the CMake package files and netlearn.pc. docs/api.md ("Versions, soname and linking") says how a
# program links each.

# ---- the installed static library ------------------------------------------------------------
# The build tree's libnetlearn.a (netlearn_static) keeps every internal function linkable for the
# CLI, tests and benchmarks. The installed one exposes the public API only, as libnetlearn.so does:
# its objects are linked into one relocatable object (ld -r) whose hidden symbols (everything not
# NL_API, since the library is compiled with hidden visibility) are made local (objcopy
# --localize-hidden), and so are the locks of OpenMP's named critical sections (common symbols,
# allocated by ld -d), which the shared library keeps to itself too. A program linking it can call
# only what include/netlearn declares, and its own functions cannot collide with netlearn's internal
# names. Elsewhere (no GNU ld/objcopy) the archive holds the objects as they are.
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE AND CMAKE_LINKER AND CMAKE_OBJCOPY)
  set(NL_PUBLIC_OBJECT ${PROJECT_BINARY_DIR}/public/netlearn-public.o)
  add_custom_command(OUTPUT ${NL_PUBLIC_OBJECT}
    COMMAND ${CMAKE_LINKER} -r -d -o ${NL_PUBLIC_OBJECT} $<TARGET_OBJECTS:netlearn_obj>
    COMMAND ${CMAKE_OBJCOPY} --localize-hidden --wildcard --localize-symbol=.gomp_critical_user_*
            ${NL_PUBLIC_OBJECT}
    DEPENDS $<TARGET_OBJECTS:netlearn_obj>
    COMMENT "Linking the public static library's object (internal symbols made local)"
    COMMAND_EXPAND_LISTS VERBATIM)
  set_source_files_properties(${NL_PUBLIC_OBJECT} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(netlearn_public STATIC ${NL_PUBLIC_OBJECT})
  set_target_properties(netlearn_public PROPERTIES LINKER_LANGUAGE C)
  # the objects are files of another target: without this, a parallel build may link them first
  add_dependencies(netlearn_public netlearn_obj)
else()
  add_library(netlearn_public STATIC $<TARGET_OBJECTS:netlearn_obj>)
endif()
# build/public/libnetlearn.a, installed as lib/libnetlearn.a and exported as netlearn::netlearn_static
set_target_properties(netlearn_public PROPERTIES OUTPUT_NAME netlearn EXPORT_NAME netlearn_static
  ARCHIVE_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/public)
target_include_directories(netlearn_public INTERFACE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
  $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# What a program linking the archive needs: the components it was built with (igraph, NLopt, and
# cairo, SQLite, libfyaml as enabled), BLAS/LAPACK, OpenMP, libm. The exported names (PkgConfig::*,
# BLAS::BLAS, LAPACK::LAPACK, OpenMP::OpenMP_C, m) are re-created by netlearn-config.cmake.
target_link_libraries(netlearn_public INTERFACE ${NL_DEPS})
# the config file finds the same pkg-config modules under the same prefixes: "IGRAPH=igraph;..."
set(NL_PC_TARGETS "")
foreach(d ${NL_DEPS})
  if(d MATCHES "^PkgConfig::(.+)$")
    list(APPEND NL_PC_TARGETS "${CMAKE_MATCH_1}=${${CMAKE_MATCH_1}_MODULE_NAME}")
  endif()
endforeach()

install(TARGETS netlearn EXPORT netlearnTargets LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS netlearn_public EXPORT netlearnStaticTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS netlearn_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# ---- CMake package ---------------------------------------------------------------------------
# find_package(netlearn 0.1) gives netlearn::netlearn (the shared library, with its include
# directory) and, when its dependencies are found, netlearn::netlearn_static; COMPONENTS static
# requires the latter. examples/consumer builds both ways (test_install).
include(CMakePackageConfigHelpers)
set(NL_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/netlearn)
install(EXPORT netlearnTargets NAMESPACE netlearn:: DESTINATION ${NL_CMAKE_DIR})
install(EXPORT netlearnStaticTargets NAMESPACE netlearn:: DESTINATION ${NL_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/netlearn-config.cmake.in
  ${PROJECT_BINARY_DIR}/netlearn-config.cmake INSTALL_DESTINATION ${NL_CMAKE_DIR})
# 0.x: a minor version may break the API (docs/api.md), so only the same minor is compatible.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/netlearn-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/netlearn-config.cmake ${PROJECT_BINARY_DIR}/netlearn-config-version.cmake
  DESTINATION ${NL_CMAKE_DIR})
install(DIRECTORY include/netlearn DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/netlearn/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/netlearn)

# ---- pkg-config ------------------------------------------------------------------------------
# netlearn.pc: the modules the static library needs (Requires.private) and BLAS/LAPACK as found by
# find_package, OpenMP and libm (Libs.private), so `pkg-config --static --libs netlearn` links
# libnetlearn.a. netlearn-uninstalled.pc links this build tree's libnetlearn.a against the same,
# shared (the Python and R packages' `NETLEARN_BUILD=` mode).
list(JOIN NL_PC_REQUIRES " " NL_PC_REQUIRES)
set(NL_PC_LIBS_PRIVATE "")
set(libs ${LAPACK_LIBRARIES} ${BLAS_LIBRARIES})
list(REMOVE_DUPLICATES libs)
foreach(l ${libs})
  # /usr/lib/x86_64-linux-gnu/libopenblas.so -> -lopenblas (with -L<dir> outside the linker's own
  # directories), so the .pc file names a library, not one machine's path to it
  if(l MATCHES "^(.*)/lib([^/]+)\\.(so|a)(\\.[0-9.]+)?$")
    set(dir ${CMAKE_MATCH_1})
    set(l "-l${CMAKE_MATCH_2}")
    if(NOT dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
      set(l "-L${dir} ${l}")
    endif()
  elseif(NOT l MATCHES "^(-|/)")
    set(l "-l${l}")
  endif()
  string(APPEND NL_PC_LIBS_PRIVATE "${l} ")
endforeach()
string(APPEND NL_PC_LIBS_PRIVATE "${OpenMP_C_FLAGS}")
if(NOT NL_PC_LIBS_PRIVATE MATCHES "(^| )-lm( |$)")  # FindLAPACK's list may have it already
  string(APPEND NL_PC_LIBS_PRIVATE " -lm")
endif()
# Relocatable: prefix found from the .pc file's own directory, so `cmake --install --prefix X` works.
file(RELATIVE_PATH NL_PC_UP "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file(${PROJECT_SOURCE_DIR}/netlearn.pc.in ${PROJECT_BINARY_DIR}/netlearn.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/netlearn.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(WRITE ${PROJECT_BINARY_DIR}/netlearn-uninstalled.pc "Name: netlearn\nDescription: netlearn (build tree)\n\
Version: ${PROJECT_VERSION}\nRequires: ${NL_PC_REQUIRES}\n\
Libs: ${PROJECT_BINARY_DIR}/libnetlearn.a ${NL_PC_LIBS_PRIVATE}\n\
Cflags: -I${PROJECT_SOURCE_DIR}/include -I${PROJECT_BINARY_DIR}/include\n")
install(FILES ${PROJECT_SOURCE_DIR}/docs/netlearn.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
