# schedule_libcxx: libc++ 14's std::counting_semaphore<INT_MAX> (fuzz/instrumented/libcxx.h),
# compiled instrumented with -stdlib=libc++ together with the model of what it calls in libc++.so
# (libcxx_sync.cc), in the runner's black-box mode. Included from instrumented.cmake (clang, no
# TSan, not OSS-Fuzz). Needs libc++ 14's headers (Debian: libc++-14-dev, libc++abi-14-dev, which
# scripts/semfuzz installs: CMakePresets.json); libc++.so is never linked.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-std=c++20 -stdlib=libc++")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # headers only: compile, do not link
check_cxx_source_compiles("
#include <semaphore>
#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error not libc++ 14
#endif
int main() { std::counting_semaphore<1> s(0); return 0; }" SEMFUZZ_HAVE_LIBCXX14)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_TRY_COMPILE_TARGET_TYPE)
if(NOT SEMFUZZ_HAVE_LIBCXX14)
  message(STATUS "schedule_libcxx skipped: clang finds no libc++ 14 headers (apt-get install "
                 "libc++-14-dev libc++abi-14-dev)")
  return()
endif()

set(libcxx_model ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/libcxx_sync.cc)
# libc++.so's locks, condition variables, call_once and barrier (libcxx_threads.cc), std::thread
# (libcxx_thread.cc) and shared_ptr's control block (libcxx_memory.cc).
set(libcxx_threads_model ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/libcxx_threads.cc
                         ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/libcxx_thread.cc
                         ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/libcxx_memory.cc)
semfuzz_add_instrumented(libcxx KEEP "_ZN7semfuzz5instr16libcxx_semaphore.*|semfuzz_instr_libcxx_state"
                         OPTIONS -stdlib=libc++ SOURCES instrumented/libcxx.cc ${libcxx_model})
semfuzz_fuzz_target(schedule_libcxx instrumented/libcxx_target.cc ${libcxx_OBJECT} ${libcxx_STUBS}
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
                                   instrumented/tests/libcxx_threads_probe.cc ${libcxx_model}
                                   ${libcxx_threads_model})
  add_executable(instrumented_libcxx_model_test instrumented/tests/libcxx_model_test.cc
                 instrumented/tests/libcxx_threads_test.cc
                 ${libcxx_probe_OBJECT} ${libcxx_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(instrumented_libcxx_model_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME instrumented_libcxx_model_test COMMAND instrumented_libcxx_model_test)
endif()
