# `cmake --install` of the semfuzz package, for find_package(semfuzz CONFIG) in another project
# (README: "Bring your own semaphore"). Included from CMakeLists.txt when SEMFUZZ_INSTALL is on.
#
#   include/semfuzz/                 the semaphore's public headers
#   include/semfuzz-harness/fuzz/    the harness's headers (semfuzz::sim's include directory)
#   lib/                             libsemfuzz_semaphore.a, the harness's libraries (one per
#                                    folder of fuzz/: libsemfuzz_engine.a, _input, _simulation,
#                                    _oracles, _schedule; semfuzz::sim links them all), and the
#                                    instrumentation runtime's objects (semfuzz::instr_runtime)
#   share/semfuzz/                   what the functions compile into a user's targets, in the
#                                    layout of fuzz/ (engine/standalone_main.cc, instrumented/runtime/...)
#   share/semfuzz/cmake/             semfuzzConfig.cmake, the exported targets, the functions
#
# `cmake --build --preset asan-fuzz --target semfuzz_package` builds just what is installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(packaged semfuzz_semaphore semfuzz_engine semfuzz_input semfuzz_simulation semfuzz_oracles
             semfuzz_schedule)
if(TARGET semfuzz_instr_runtime)
  list(APPEND packaged semfuzz_instr_runtime)
endif()
add_custom_target(semfuzz_package DEPENDS ${packaged})
list(APPEND packaged semfuzz_sim)  # an INTERFACE library: nothing to build

install(TARGETS ${packaged} EXPORT semfuzzTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/semfuzz-objects)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/semaphore/include/semfuzz
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/fuzz/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/semfuzz-harness/fuzz
        FILES_MATCHING PATTERN "*.h"
        PATTERN "tests" EXCLUDE PATTERN "mutants" EXCLUDE PATTERN "tools" EXCLUDE)

set(share ${CMAKE_INSTALL_DATADIR}/semfuzz)
install(FILES ${PROJECT_SOURCE_DIR}/fuzz/engine/standalone_main.cc
              ${PROJECT_SOURCE_DIR}/fuzz/engine/tsan_options.cc
        DESTINATION ${share}/engine)
install(FILES ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/interpose.py
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/adapter_bridge.cc
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/libcxx_sync.cc
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/libcxx_threads.cc
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/libcxx_thread.cc
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/runtime/libcxx_memory.cc
        DESTINATION ${share}/instrumented/runtime)
install(FILES ${PROJECT_SOURCE_DIR}/fuzz/instrumented/targets/adapter_target.cc
              ${PROJECT_SOURCE_DIR}/fuzz/instrumented/targets/program_target.cc
        DESTINATION ${share}/instrumented/targets)

install(EXPORT semfuzzTargets NAMESPACE semfuzz:: DESTINATION ${share}/cmake)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/semfuzzConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/semfuzzConfig.cmake
                              INSTALL_DESTINATION ${share}/cmake)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/semfuzzConfigVersion.cmake
                                 VERSION 0.1 COMPATIBILITY ExactVersion)
install(FILES ${PROJECT_BINARY_DIR}/semfuzzConfig.cmake ${PROJECT_BINARY_DIR}/semfuzzConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/semfuzz_functions.cmake
              ${CMAKE_CURRENT_LIST_DIR}/harness_coverage.ignorelist
              ${CMAKE_CURRENT_LIST_DIR}/harness_ubsan.ignorelist
        DESTINATION ${share}/cmake)
