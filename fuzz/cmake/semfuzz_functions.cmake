# semfuzz's CMake functions, one copy for every way of using them:
#   - this repository's own build (included from CMakeLists.txt and fuzz/CMakeLists.txt);
#   - a project that adds this repository with add_subdirectory() or FetchContent;
#   - a project that finds an installed semfuzz with find_package(semfuzz CONFIG), whose
#     semfuzzConfig.cmake includes the installed copy of this file.
# The functions find the harness's sources relative to this file: ../ is fuzz/ in the repository
# and <prefix>/share/semfuzz/ once installed (the same layout: engine/standalone_main.cc,
# instrumented/runtime/interpose.py, ...). The harness's targets are named semfuzz::semaphore,
# semfuzz::sim (the harness library) and semfuzz::instr_runtime in all three cases (ALIAS
# targets in the build, IMPORTED ones when installed); semfuzz::sim carries how the harness was
# built in the properties SEMFUZZ_SANITIZER and SEMFUZZ_FUZZ_ENGINE.
include_guard(GLOBAL)

# The compile and link flags of a build with the sanitizers `sanitizer` (SEMFUZZ_SANITIZER: empty,
# "address,undefined" or "thread"), into ${out_compile} and ${out_link}.
function(semfuzz_sanitizer_flags sanitizer out_compile out_link)
  set(compile "")
  set(link "")
  if(sanitizer)
    set(compile -fsanitize=${sanitizer} -fno-omit-frame-pointer -g)
    set(link -fsanitize=${sanitizer})
    if(sanitizer MATCHES "undefined")
      list(APPEND compile -fno-sanitize-recover=undefined)
    endif()
  endif()
  set(${out_compile} ${compile} PARENT_SCOPE)
  set(${out_link} ${link} PARENT_SCOPE)
endfunction()

# Why this build cannot have instrumented targets, into ${out} (empty: it can). They need clang
# (the -fsanitize=thread hooks they are built on are clang's) and a harness built without TSan
# (whose runtime defines the very __tsan_* hooks that fuzz/instrumented/ supplies); OSS-Fuzz
# builds (engine "env") leave them out, as the OSS-Fuzz project does not list them yet.
function(semfuzz_instrumented_unsupported out)
  get_target_property(sanitizer semfuzz::sim SEMFUZZ_SANITIZER)
  get_target_property(engine semfuzz::sim SEMFUZZ_FUZZ_ENGINE)
  set(reason "")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    set(reason "they need clang (its -fsanitize=thread hooks are what they are built on), not "
               "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER}")
  elseif(sanitizer MATCHES "thread")
    set(reason "this semfuzz harness was built with TSan (SEMFUZZ_SANITIZER=${sanitizer}), whose "
               "runtime defines the __tsan_* hooks that the instrumentation runtime supplies. Use "
               "a harness built with the asan-fuzz preset (ASan + UBSan)")
  elseif(engine STREQUAL "env")
    set(reason "not part of OSS-Fuzz builds (SEMFUZZ_FUZZ_ENGINE=env)")
  endif()
  string(JOIN "" reason ${reason})
  set(${out} "${reason}" PARENT_SCOPE)
endfunction()

# semfuzz_fuzz_target(NAME SOURCES...): NAME_fuzzer linked with the harness's fuzzing engine,
# and NAME_replay, always with the standalone replay main (for ctest), both linking semfuzz::sim.
# NAME_fuzzer carries the TSan defaults that let libFuzzer's crash, timeout and interrupt
# handlers finish (engine/tsan_options.cc).
function(semfuzz_fuzz_target name)
  set(harness ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..)
  get_target_property(engine semfuzz::sim SEMFUZZ_FUZZ_ENGINE)
  add_executable(${name}_fuzzer ${ARGN} ${harness}/engine/tsan_options.cc)
  target_link_libraries(${name}_fuzzer PRIVATE semfuzz::sim)
  if(engine STREQUAL "libfuzzer")
    target_link_options(${name}_fuzzer PRIVATE -fsanitize=fuzzer)
  elseif(engine STREQUAL "env")
    if(NOT DEFINED ENV{LIB_FUZZING_ENGINE})
      message(FATAL_ERROR "SEMFUZZ_FUZZ_ENGINE=env needs LIB_FUZZING_ENGINE in the environment")
    endif()
    separate_arguments(engine_flags UNIX_COMMAND "$ENV{LIB_FUZZING_ENGINE}")
    target_link_libraries(${name}_fuzzer PRIVATE ${engine_flags})
  else()
    target_sources(${name}_fuzzer PRIVATE ${harness}/engine/standalone_main.cc)
  endif()
  add_executable(${name}_replay ${ARGN} ${harness}/engine/standalone_main.cc)
  target_link_libraries(${name}_replay PRIVATE semfuzz::sim)
  semfuzz_scope_to_code_under_test(${name}_fuzzer ${name}_replay)
endfunction()

# semfuzz_scope_to_code_under_test([COVERAGE_ONLY] TARGETS...): the targets' own sources keep
# edge coverage and UBSan for the code under test only, leaving out the harness's functions
# (harness_coverage.ignorelist) and files (harness_ubsan.ignorelist) beside this file;
# COVERAGE_ONLY: coverage only (the instrumentation runtime, which the runtime's unit tests share,
# keeps UBSan). Clang only; each list where the target has what it scopes when this is called:
# coverage (-fsanitize=fuzzer-no-link in its or its directory's options, or
# -fsanitize=fuzzer-no-link / -fsanitize-coverage= in CMAKE_CXX_FLAGS, as OSS-Fuzz sets) and UBSan.
function(semfuzz_scope_to_code_under_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "COVERAGE_ONLY" "" "")
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    return()
  endif()
  get_target_property(sanitizer semfuzz::sim SEMFUZZ_SANITIZER)
  get_directory_property(directory_options COMPILE_OPTIONS)
  # The lists are passed as copies named by their content: clang records no dependency on a
  # coverage list, so a changed list must change the command line (for ninja and ccache alike).
  foreach(list harness_coverage harness_ubsan)
    set(source ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${list}.ignorelist)
    file(SHA1 ${source} sha)
    string(SUBSTRING ${sha} 0 12 sha)
    set(${list} ${CMAKE_BINARY_DIR}/semfuzz-scope/${list}-${sha}.ignorelist)
    configure_file(${source} ${${list}} COPYONLY)
  endforeach()
  foreach(target ${arg_UNPARSED_ARGUMENTS})
    get_target_property(options ${target} COMPILE_OPTIONS)
    if("${CMAKE_CXX_FLAGS};${directory_options};${options}" MATCHES
       "fuzzer-no-link|sanitize-coverage=")
      target_compile_options(${target} PRIVATE
                             -fsanitize-coverage-ignorelist=${harness_coverage})
      set_property(GLOBAL APPEND PROPERTY SEMFUZZ_COVERAGE_SCOPED ${target})
    endif()
    if(NOT arg_COVERAGE_ONLY AND
       "${sanitizer};${CMAKE_CXX_FLAGS}" MATCHES "undefined|signed-integer")
      target_compile_options(${target} PRIVATE
                             -fsanitize-ignorelist=${harness_ubsan})
    endif()
  endforeach()
endfunction()

# semfuzz_add_instrumented(NAME [KEEP REGEX] [ALLOW REGEX] [ENTRY function] [OPTIONS flags...]
#                          [INCLUDE_DIRECTORIES dirs...] SOURCES files...): compiles SOURCES (the
# code under test; OPTIONS:
# extra compile flags, INCLUDE_DIRECTORIES: its own include directories) into the object library
# NAME_cut, with the -fsanitize=thread hooks instead of the build's sanitizers (clang refuses ASan
# and TSan on one TU), with libFuzzer's coverage where the harness fuzzes with libFuzzer, and joins
# them through interpose.py, which fails the build when the code needs a hook the runtime lacks,
# into ${NAME}_OBJECT (an object file) and ${NAME}_STUBS (a generated source): add both to a
# target's sources, with $<TARGET_OBJECTS:semfuzz::instr_runtime>. KEEP matches the mangled names
# the harness calls (all other definitions are renamed apart from the harness's copies); by
# default, the members of semfuzz::instr::adapter_bridge (fuzz/instrumented/adapter.h). ALLOW
# matches the mangled names of library calls that may reach the real library (interpose.py).
# ENTRY: SOURCES are a whole program and this its entry function (interpose.py --entry).
function(semfuzz_add_instrumented name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "KEEP;ALLOW;ENTRY" "OPTIONS;INCLUDE_DIRECTORIES;SOURCES")
  if(NOT arg_KEEP)
    set(arg_KEEP "_ZNK?7semfuzz5instr14adapter_bridgeI.*")
  endif()
  set(harness ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..)
  get_target_property(engine semfuzz::sim SEMFUZZ_FUZZ_ENGINE)
  if(NOT TARGET Python3::Interpreter)
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
  endif()
  add_library(${name}_cut OBJECT ${arg_SOURCES})
  target_include_directories(${name}_cut PRIVATE ${arg_INCLUDE_DIRECTORIES}
                             $<TARGET_PROPERTY:semfuzz::sim,INTERFACE_INCLUDE_DIRECTORIES>
                             $<TARGET_PROPERTY:semfuzz::semaphore,INTERFACE_INCLUDE_DIRECTORIES>)
  target_compile_features(${name}_cut PRIVATE cxx_std_20)
  # -femulated-tls: every thread_local access is a call the runtime models per simulated thread
  # (fuzz/instrumented/runtime/emutls.h).
  target_compile_options(${name}_cut PRIVATE -fno-sanitize=all -fsanitize=thread -femulated-tls
                                             ${arg_OPTIONS})
  if(engine STREQUAL "libfuzzer")
    target_compile_options(${name}_cut PRIVATE
                           -fsanitize-coverage=inline-8bit-counters,pc-table,trace-cmp)
  endif()
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/instrumented)
  set(object ${dir}/${name}.o)
  set(stubs ${dir}/${name}_stubs.cc)
  get_target_property(runtime semfuzz::instr_runtime ALIASED_TARGET)  # built here: a target
  if(NOT runtime)
    set(runtime "")  # installed: its objects are files
  endif()
  add_custom_command(
    OUTPUT ${object} ${stubs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${dir}
    COMMAND Python3::Interpreter ${harness}/instrumented/runtime/interpose.py
            --nm ${CMAKE_NM} --objcopy ${CMAKE_OBJCOPY} --ld ${CMAKE_LINKER}
            --out ${object} --stubs ${stubs} --keep ${arg_KEEP} "--allow=${arg_ALLOW}"
            "--entry=${arg_ENTRY}"
            --runtime $<TARGET_OBJECTS:semfuzz::instr_runtime>
            --instrumented $<TARGET_OBJECTS:${name}_cut>
    DEPENDS ${harness}/instrumented/runtime/interpose.py ${name}_cut ${runtime}
            $<TARGET_OBJECTS:${name}_cut> $<TARGET_OBJECTS:semfuzz::instr_runtime>
    COMMAND_EXPAND_LISTS
    COMMENT "Interposing the instrumented objects of ${name}"
    VERBATIM)
  set(${name}_OBJECT ${object} PARENT_SCOPE)
  set(${name}_STUBS ${stubs} PARENT_SCOPE)
endfunction()

# Whether clang compiles with libc++ 14's headers here (-stdlib=libc++: Debian's libc++-14-dev
# and libc++abi-14-dev), into ${out} (cached as SEMFUZZ_HAVE_LIBCXX14). Only its headers are
# needed: code under test built on libc++ is linked with the models of what libc++.so defines
# (semfuzz_libcxx_model_sources), never with libc++.so.
function(semfuzz_have_libcxx14 out)
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-std=c++20 -stdlib=libc++")
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # headers only: compile, do not link
  check_cxx_source_compiles("
#include <semaphore>
#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error not libc++ 14
#endif
int main() { std::counting_semaphore<1> s(0); return 0; }" SEMFUZZ_HAVE_LIBCXX14)
  set(${out} ${SEMFUZZ_HAVE_LIBCXX14} PARENT_SCOPE)
endfunction()

# The models of libc++ 14's shared library, into ${out}: its atomic wait / notify, sleep_for and
# steady_clock (instrumented/runtime/libcxx_sync.cc), its locks, condition variables, call_once and
# barrier (libcxx_threads.cc), std::thread (libcxx_thread.cc) and shared_ptr's control block
# (libcxx_memory.cc). Compiled instrumented with -stdlib=libc++ beside code under test built on
# libc++, they stand for libc++.so (docs/whole-programs.md).
function(semfuzz_libcxx_model_sources out)
  set(dir ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../instrumented/runtime)
  set(${out} ${dir}/libcxx_sync.cc ${dir}/libcxx_threads.cc ${dir}/libcxx_thread.cc
             ${dir}/libcxx_memory.cc PARENT_SCOPE)
endfunction()

# Stops the configuration, naming `function`(`name`), where instrumented targets are not possible.
function(semfuzz_require_instrumented function name)
  semfuzz_instrumented_unsupported(reason)
  if(NOT reason AND NOT TARGET semfuzz::instr_runtime)
    set(reason "this semfuzz has no instrumentation runtime (semfuzz::instr_runtime): build and "
               "install it with the asan-fuzz preset")
  endif()
  if(reason)
    message(FATAL_ERROR "${function}(${name}): instrumented targets are not possible here: "
                        "${reason}")
  endif()
endfunction()

# semfuzz_add_instrumented_target(NAME SOURCES files... ADAPTER header ADAPTER_CLASS type
#                                 [OPTIONS flags...] [INCLUDE_DIRECTORIES dirs...] [ALLOW regex])
# A deterministic schedule target for a semaphore of your own (bring your own semaphore):
# NAME_fuzzer (libFuzzer) and NAME_replay (the standalone replay main), reading semfuzz's input
# format and judged by its oracles, with every interleaving chosen by the input.
#   SOURCES              your semaphore's .cc files (none for a header-only one), compiled
#                        unmodified with the instrumentation (semfuzz_add_instrumented);
#   ADAPTER, ADAPTER_CLASS  the header that defines your adapter class, and its qualified name:
#                        the adapter wraps your semaphore in the API the harness calls
#                        (fuzz/instrumented/adapter.h says what it must offer);
#   OPTIONS              extra compile flags for your code and the adapter header (e.g. -DX);
#   INCLUDE_DIRECTORIES  where your headers are (the adapter header's directory is added);
#   ALLOW                library calls your code may make for real (semfuzz_add_instrumented).
# Needs clang and a harness built with ASan + UBSan (the asan-fuzz preset), never TSan: anything
# else stops the configuration with the reason (semfuzz_instrumented_unsupported).
function(semfuzz_add_instrumented_target name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ADAPTER;ADAPTER_CLASS;ALLOW"
                        "SOURCES;OPTIONS;INCLUDE_DIRECTORIES")
  if(NOT arg_ADAPTER OR NOT arg_ADAPTER_CLASS)
    message(FATAL_ERROR "semfuzz_add_instrumented_target(${name}): ADAPTER (a header) and "
                        "ADAPTER_CLASS (the class it defines) are required")
  endif()
  semfuzz_require_instrumented(semfuzz_add_instrumented_target ${name})
  set(harness ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..)
  get_filename_component(adapter ${arg_ADAPTER} ABSOLUTE)
  get_filename_component(adapter_dir ${adapter} DIRECTORY)
  set(includes ${adapter_dir} ${arg_INCLUDE_DIRECTORIES})
  set(adapter_defs "SEMFUZZ_ADAPTER_HEADER=\"${adapter}\"" "SEMFUZZ_ADAPTER_CLASS=${arg_ADAPTER_CLASS}")

  # The code under test: your sources, and the bridge through which the harness calls your
  # adapter (semfuzz::instr::adapter_bridge<ADAPTER_CLASS>, whose members are kept by name).
  semfuzz_add_instrumented(${name} ALLOW "${arg_ALLOW}" OPTIONS ${arg_OPTIONS}
                           INCLUDE_DIRECTORIES ${includes}
                           SOURCES ${arg_SOURCES} ${harness}/instrumented/runtime/adapter_bridge.cc)
  target_compile_definitions(${name}_cut PRIVATE ${adapter_defs})

  # The harness side (the sanitizers come with semfuzz::sim), with libFuzzer's coverage.
  get_target_property(engine semfuzz::sim SEMFUZZ_FUZZ_ENGINE)
  semfuzz_fuzz_target(${name} ${harness}/instrumented/targets/adapter_target.cc ${${name}_OBJECT}
                      ${${name}_STUBS} $<TARGET_OBJECTS:semfuzz::instr_runtime>)
  foreach(exe ${name}_fuzzer ${name}_replay)
    target_include_directories(${exe} PRIVATE ${includes})
    target_compile_definitions(${exe} PRIVATE ${adapter_defs})
    target_compile_options(${exe} PRIVATE ${arg_OPTIONS})
    if(engine STREQUAL "libfuzzer")
      target_compile_options(${exe} PRIVATE -fsanitize=fuzzer-no-link)
      semfuzz_scope_to_code_under_test(COVERAGE_ONLY ${exe})
    endif()
  endforeach()
endfunction()

# semfuzz_add_instrumented_program(NAME SOURCES files... [ENTRY function] [STDLIB libc++]
#                                  [OPTIONS flags...] [INCLUDE_DIRECTORIES dirs...] [ALLOW regex]
#                                  [TAIL chooser])
# A whole program under the deterministic scheduler (fuzz/instrumented/runtime/program.h): NAME_fuzzer
# (libFuzzer) and NAME_replay (the standalone replay main, the same flags as every target's),
# each input running the program once with its own threads (std::thread, pthread_create) on
# simulated threads, the whole input deciding the schedule until its bytes run out, the TAIL
# after that.
#   SOURCES              the program's .c / .cc files, compiled unmodified with the
#                        instrumentation (semfuzz_add_instrumented), assertions on (-UNDEBUG);
#   ENTRY                the function that runs it: main (the default), or a function
#                        `int f()` or `int f(int argc, char** argv)` (C or C++ linkage), called
#                        with argc 1 and argv {"program", nullptr};
#   STDLIB               the C++ standard library the program is built on: libstdc++ (the
#                        default: the one the harness links, whose std::thread, mutexes and
#                        condition variables the runtime models), or libc++ (LLVM's, version 14
#                        only: the program is compiled with -stdlib=libc++ together with the
#                        models of what libc++.so defines, semfuzz_libcxx_model_sources, and
#                        with _LIBCPP_DISABLE_EXTERN_TEMPLATE, so that it instantiates the
#                        templates libc++.so would (std::string's members); libc++.so is never
#                        linked; the configuration stops where clang finds no libc++ 14 headers,
#                        semfuzz_have_libcxx14);
#   OPTIONS, INCLUDE_DIRECTORIES, ALLOW  as for semfuzz_add_instrumented_target;
#   TAIL                 the schedule once an input's bytes run out (fuzz/schedule/schedule_driver.h:
#                        schedule_tail): random (the random walk, seeded by the input's bytes;
#                        the default, or the variable SEMFUZZ_PROGRAM_TAIL where it is set), pct,
#                        pct:D (PCT with depth D, 1 to 16) or fair (the scheduler's fair policy).
#                        An input's findings replay only on a target with its TAIL.
# Needs clang and a harness built with ASan + UBSan (the asan-fuzz preset), as every
# instrumented target (semfuzz_require_instrumented).
function(semfuzz_add_instrumented_program name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "ENTRY;ALLOW;STDLIB;TAIL"
                        "SOURCES;OPTIONS;INCLUDE_DIRECTORIES")
  if(NOT arg_SOURCES)
    message(FATAL_ERROR "semfuzz_add_instrumented_program(${name}): SOURCES (the program's files) "
                        "are required")
  endif()
  if(NOT arg_ENTRY)
    set(arg_ENTRY main)
  endif()
  if(NOT arg_TAIL)
    set(arg_TAIL random)
    if(SEMFUZZ_PROGRAM_TAIL)
      set(arg_TAIL ${SEMFUZZ_PROGRAM_TAIL})
    endif()
  endif()
  if(NOT arg_TAIL MATCHES "^(random|fair|pct|pct:([1-9]|1[0-6]))$")
    message(FATAL_ERROR "semfuzz_add_instrumented_program(${name}): TAIL '${arg_TAIL}' is not one "
                        "of random, pct, pct:D (D from 1 to 16) or fair")
  endif()
  semfuzz_require_instrumented(semfuzz_add_instrumented_program ${name})
  set(stdlib_options "")
  set(stdlib_sources "")
  if(arg_STDLIB STREQUAL "libc++")
    semfuzz_have_libcxx14(have_libcxx14)
    if(NOT have_libcxx14)
      message(FATAL_ERROR "semfuzz_add_instrumented_program(${name}): STDLIB libc++ needs libc++ "
                          "14's headers, which clang does not find here (Debian: apt-get install "
                          "libc++-14-dev libc++abi-14-dev)")
    endif()
    # libc++'s extern templates (std::string's members, ...) are instantiated in libc++.so, which
    # is not linked: the program instantiates its own.
    set(stdlib_options -stdlib=libc++ -D_LIBCPP_DISABLE_EXTERN_TEMPLATE)
    semfuzz_libcxx_model_sources(stdlib_sources)
  elseif(arg_STDLIB AND NOT arg_STDLIB STREQUAL "libstdc++")
    message(FATAL_ERROR "semfuzz_add_instrumented_program(${name}): STDLIB ${arg_STDLIB}: "
                        "libstdc++ (the default) or libc++")
  endif()
  set(harness ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/..)
  semfuzz_add_instrumented(${name} ENTRY ${arg_ENTRY} ALLOW "${arg_ALLOW}"
                           OPTIONS -UNDEBUG ${stdlib_options} ${arg_OPTIONS}
                           INCLUDE_DIRECTORIES ${arg_INCLUDE_DIRECTORIES}
                           SOURCES ${arg_SOURCES} ${stdlib_sources})
  semfuzz_fuzz_target(${name} ${harness}/instrumented/targets/program_target.cc ${${name}_OBJECT}
                      ${${name}_STUBS} $<TARGET_OBJECTS:semfuzz::instr_runtime>)
  foreach(exe ${name}_fuzzer ${name}_replay)
    target_compile_definitions(${exe} PRIVATE SEMFUZZ_PROGRAM_TAIL="${arg_TAIL}")
  endforeach()
endfunction()
