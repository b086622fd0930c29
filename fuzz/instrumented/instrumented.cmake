# Instrumented mode (fuzz/instrumented/runtime.h): the code under test compiled with clang's
# -fsanitize=thread hooks, linked without the TSan runtime against semfuzz's own hooks, so the
# deterministic scheduler controls production code. Included from fuzz/CMakeLists.txt.
#
# Needs clang (the hooks are clang's), and a harness without TSan (whose runtime defines the same
# hooks); elsewhere, and in OSS-Fuzz builds (targets.py: "oss_fuzz": False), the instrumented
# targets are skipped.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(STATUS "Instrumented targets (schedule_production) skipped: they need clang, not "
                 "${CMAKE_CXX_COMPILER_ID}")
  return()
endif()
if(SEMFUZZ_SANITIZER MATCHES "thread")
  message(STATUS "Instrumented targets (schedule_production) skipped under TSan: its runtime "
                 "defines the __tsan_* hooks that fuzz/instrumented/ supplies")
  return()
endif()
if(SEMFUZZ_FUZZ_ENGINE STREQUAL "env")
  message(STATUS "Instrumented targets (schedule_production) skipped in OSS-Fuzz builds "
                 "(SEMFUZZ_FUZZ_ENGINE=env): not part of the OSS-Fuzz project yet")
  return()
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# The runtime: the hooks and the OS models, compiled like the rest of the harness (ASan + UBSan).
add_library(semfuzz_instr_runtime OBJECT instrumented/hooks.cc instrumented/os.cc
                                         instrumented/runtime.cc)
target_link_libraries(semfuzz_instr_runtime PUBLIC semfuzz_sim)

# semfuzz_add_instrumented(NAME KEEP REGEX [OPTIONS flags...] SOURCES files...): compiles SOURCES
# (the code under test; OPTIONS: extra compile flags) with the -fsanitize=thread hooks instead of
# the build's sanitizers (clang refuses ASan and TSan on one TU), with libFuzzer's coverage where
# the build fuzzes with libFuzzer, and joins them through interpose.py, which fails the build when
# the code needs a hook the runtime lacks, into ${NAME}_OBJECT (an object file) and ${NAME}_STUBS
# (a generated source): add both to a target's sources, with
# $<TARGET_OBJECTS:semfuzz_instr_runtime>. KEEP matches the mangled names the harness calls (all
# other definitions are renamed apart from the harness's copies).
function(semfuzz_add_instrumented name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "KEEP" "OPTIONS;SOURCES")
  add_library(${name}_cut OBJECT ${arg_SOURCES})
  target_include_directories(${name}_cut PRIVATE ${PROJECT_SOURCE_DIR}
                             $<TARGET_PROPERTY:semfuzz_semaphore,INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_options(${name}_cut PRIVATE -fno-sanitize=all -fsanitize=thread ${arg_OPTIONS})
  if(SEMFUZZ_FUZZ_ENGINE STREQUAL "libfuzzer")
    target_compile_options(${name}_cut PRIVATE
                           -fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp)
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/instrumented)
  set(object ${dir}/${name}.o)
  set(stubs ${dir}/${name}_stubs.cc)
  add_custom_command(
    OUTPUT ${object} ${stubs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/interpose.py
            --nm ${CMAKE_NM} --objcopy ${CMAKE_OBJCOPY} --ld ${CMAKE_LINKER}
            --out ${object} --stubs ${stubs} --keep ${arg_KEEP}
            --runtime $<TARGET_OBJECTS:semfuzz_instr_runtime>
            --instrumented $<TARGET_OBJECTS:${name}_cut>
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/interpose.py ${name}_cut semfuzz_instr_runtime
            $<TARGET_OBJECTS:${name}_cut> $<TARGET_OBJECTS:semfuzz_instr_runtime>
    COMMAND_EXPAND_LISTS
    COMMENT "Interposing the instrumented objects of ${name}"
    VERBATIM)
  set(${name}_OBJECT ${object} PARENT_SCOPE)
  set(${name}_STUBS ${stubs} PARENT_SCOPE)
endfunction()

# schedule_production: semfuzz's production semaphore (its linux_futex_platform and .cc files).
semfuzz_add_instrumented(production KEEP "_ZNK?7semfuzz5instr20production_semaphore.*"
                         SOURCES instrumented/production.cc
                                 ${PROJECT_SOURCE_DIR}/semaphore/src/linux_futex.cc
                                 ${PROJECT_SOURCE_DIR}/semaphore/src/errors.cc)
semfuzz_fuzz_target(schedule_production instrumented/production_target.cc ${production_OBJECT}
                    ${production_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)

# SEMFUZZ_TRACE=1 ends each step's line with the code location of its atomic or futex call
# (runtime.h, code_location): a split64 input replayed through schedule_production names the
# compare-exchanges in split64.h and the futex calls in linux_futex.cc, each with its line.
set(traced ${PROJECT_SOURCE_DIR}/reproducers/schedule/lost-wakeup-split64-high-word-aba)
add_test(NAME schedule_production_trace_atomic_location
         COMMAND schedule_production_replay -runs=1 ${traced})
set_tests_properties(schedule_production_trace_atomic_location PROPERTIES
                     ENVIRONMENT SEMFUZZ_TRACE=1
                     PASS_REGULAR_EXPRESSION " T[0-9]+  cas ok [^\n]*  at split64\\.h:[0-9]+")
add_test(NAME schedule_production_trace_futex_location
         COMMAND schedule_production_replay -runs=1 ${traced})
set_tests_properties(schedule_production_trace_futex_location PROPERTIES
                     ENVIRONMENT SEMFUZZ_TRACE=1
                     PASS_REGULAR_EXPRESSION
                     " T[0-9]+  futex_wake [^\n]*  at linux_futex\\.cc:[0-9]+ < linux_futex\\.cc:[0-9]+")

if(SEMFUZZ_BUILD_TESTS)
  # `scripts/semfuzz replay --as-test --target schedule_production`: the tests as_test prints for
  # this target's reproducers compile against its objects and pass.
  semfuzz_reproducer_tests(production_reproducer_tests schedule_production
                           instrumented/production_target.cc ${production_OBJECT}
                           ${production_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)

  # The runtime's tests, through instrumented code (tests/probe.h) that reaches every hook.
  semfuzz_add_instrumented(probe KEEP "_ZN7semfuzz11instr_probe.*" OPTIONS -mcx16
                           SOURCES instrumented/tests/probe.cc)
  add_executable(instrumented_runtime_test instrumented/tests/runtime_test.cc ${probe_OBJECT}
                                           ${probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(instrumented_runtime_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME instrumented_runtime_test COMMAND instrumented_runtime_test)

  # The build fails when instrumented code needs a hook the runtime lacks: interpose.py, given a
  # runtime without hooks.cc, must refuse the probe and name the missing hooks.
  add_test(NAME instrumented_missing_hook_fails
           COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/interpose.py
                   --nm ${CMAKE_NM} --objcopy ${CMAKE_OBJCOPY} --ld ${CMAKE_LINKER}
                   --out ${CMAKE_CURRENT_BINARY_DIR}/instrumented/missing_hook.o
                   --stubs ${CMAKE_CURRENT_BINARY_DIR}/instrumented/missing_hook_stubs.cc
                   --keep "_ZN7semfuzz11instr_probe.*"
                   --runtime $<FILTER:$<TARGET_OBJECTS:semfuzz_instr_runtime>,EXCLUDE,hooks>
                   --instrumented $<TARGET_OBJECTS:probe_cut>
           COMMAND_EXPAND_LISTS)
  set_tests_properties(instrumented_missing_hook_fails PROPERTIES
                       PASS_REGULAR_EXPRESSION "does not define: .*__tsan_atomic64_fetch_nand")
endif()
