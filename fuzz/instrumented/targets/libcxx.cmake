# schedule_libcxx: libc++ 14's std::counting_semaphore<INT_MAX> (fuzz/instrumented/targets/libcxx.h),
# compiled instrumented with -stdlib=libc++ together with the model of what it calls in libc++.so
# (libcxx_sync.cc), in the runner's black-box mode. Included from instrumented.cmake (clang, no
# TSan, not OSS-Fuzz). Needs libc++ 14's headers (Debian: libc++-14-dev, libc++abi-14-dev, which
# scripts/semfuzz installs: CMakePresets.json); libc++.so is never linked.
semfuzz_have_libcxx14(have_libcxx14)
if(NOT have_libcxx14)
  message(STATUS "schedule_libcxx skipped: clang finds no libc++ 14 headers (apt-get install "
                 "libc++-14-dev libc++abi-14-dev)")
  return()
endif()

# The semaphore calls only libc++.so's atomic wait / notify and clocks (libcxx_sync.cc); the tests
# and whole programs take every model (semfuzz_libcxx_model_sources).
set(libcxx_model ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/runtime/libcxx_sync.cc)
semfuzz_libcxx_model_sources(libcxx_all_models)
semfuzz_add_instrumented(libcxx KEEP "_ZN7semfuzz5instr16libcxx_semaphore.*|semfuzz_instr_libcxx_state"
                         OPTIONS -stdlib=libc++ SOURCES instrumented/targets/libcxx.cc ${libcxx_model})
semfuzz_fuzz_target(schedule_libcxx instrumented/targets/libcxx_target.cc ${libcxx_OBJECT} ${libcxx_STUBS}
                    $<TARGET_OBJECTS:semfuzz_instr_runtime>)

# Its corpus, reproducers and unfixed findings are replayed from fuzz/CMakeLists.txt.

if(SEMFUZZ_BUILD_TESTS)
  # One probe of libc++'s headers, one gtest binary: the atomic wait / notify model
  # (libcxx_model_test.cc) and the locks, condition variables, call_once and barrier
  # (libcxx_threads_test.cc).
  semfuzz_add_instrumented(libcxx_probe
                           KEEP "_ZN7semfuzz(18|26)instr_libcxx(_threads)?_probe.*|semfuzz_instr_libcxx_state"
                           OPTIONS -stdlib=libc++
                           SOURCES instrumented/tests/libcxx_probe.cc
                                   instrumented/tests/libcxx_threads_probe.cc ${libcxx_all_models})
  add_executable(instrumented_libcxx_model_test instrumented/tests/libcxx_model_test.cc
                 instrumented/tests/libcxx_threads_test.cc
                 ${libcxx_probe_OBJECT} ${libcxx_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(instrumented_libcxx_model_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME instrumented_libcxx_model_test COMMAND instrumented_libcxx_model_test)
endif()

# Whole programs on libc++ (semfuzz_add_instrumented_program's STDLIB libc++): the lost update of
# tests/programs/lost_update.cc, built on libc++ 14 and its modelled libc++.so, gives the verdict
# it gives on libstdc++ on its committed input, and its fixed twin (a std::mutex around each
# increment) passes every input of corpus/program_lost_update_fixed. One ctest for both.
if(SEMFUZZ_BUILD_TESTS)
  semfuzz_add_instrumented_program(program_lost_update_libcxx STDLIB libc++
                                   SOURCES instrumented/tests/programs/lost_update.cc)
  semfuzz_add_instrumented_program(program_lost_update_libcxx_fixed STDLIB libc++
                                   OPTIONS -DSEMFUZZ_PROGRAM_FIXED
                                   SOURCES instrumented/tests/programs/lost_update.cc)
  # (through sh: the replay aborts on a finding, and ctest fails any aborted test)
  add_test(NAME program_lost_update_libcxx
           COMMAND sh -c "\"$0\" -runs=1 \"$1\" 2>&1; \"$2\" -runs=1 \"$3\" 2>&1 | tail -n 3"
                   $<TARGET_FILE:program_lost_update_libcxx_replay>
                   ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/program-lost-update-race
                   $<TARGET_FILE:program_lost_update_libcxx_fixed_replay>
                   ${PROJECT_SOURCE_DIR}/corpus/program_lost_update_fixed)
  set_tests_properties(program_lost_update_libcxx PROPERTIES PASS_REGULAR_EXPRESSION
                       "VERDICT data-race: T[12] write of 4 bytes at step [0-9]* \\(lost_update.cc in .*all passed")
endif()
