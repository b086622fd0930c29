# Instrumented mode (fuzz/instrumented/runtime/runtime.h): the code under test compiled with clang's
# -fsanitize=thread hooks, linked without the TSan runtime against semfuzz's own hooks, so the
# deterministic scheduler controls production code. Included from fuzz/CMakeLists.txt; the
# functions that build such targets are in fuzz/cmake/semfuzz_functions.cmake.
#
# Where the build cannot have them (semfuzz_instrumented_unsupported: g++, a TSan harness, an
# OSS-Fuzz build; targets.py: "oss_fuzz": False), the instrumented targets are skipped.
semfuzz_instrumented_unsupported(reason)
if(reason)
  message(STATUS "Instrumented targets (schedule_production) skipped: ${reason}")
  return()
endif()
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# The runtime: the hooks and the OS models, compiled like the rest of the harness (ASan + UBSan),
# without edge coverage (semfuzz_scope_to_code_under_test).
add_library(semfuzz_instr_runtime OBJECT
            instrumented/runtime/hooks.cc instrumented/runtime/os.cc instrumented/runtime/runtime.cc
            instrumented/runtime/annotations.cc instrumented/runtime/futex_memory.cc
            instrumented/runtime/lock_graph.cc instrumented/runtime/pthread_mutex.cc
            instrumented/runtime/pthread_cond.cc instrumented/runtime/posix_sem.cc
            instrumented/runtime/pthread_rwlock.cc instrumented/runtime/pthread_once.cc
            instrumented/runtime/pthread_spin.cc instrumented/runtime/pthread_barrier.cc
            instrumented/runtime/pthread_thread.cc instrumented/runtime/pthread_key.cc
            instrumented/runtime/emutls.cc instrumented/runtime/program.cc)
target_link_libraries(semfuzz_instr_runtime PUBLIC semfuzz_sim)
set_target_properties(semfuzz_instr_runtime PROPERTIES EXPORT_NAME instr_runtime)
add_library(semfuzz::instr_runtime ALIAS semfuzz_instr_runtime)
semfuzz_scope_to_code_under_test(COVERAGE_ONLY semfuzz_instr_runtime)
if(NOT SEMFUZZ_BUILD_TARGETS)
  return()
endif()

# schedule_production: semfuzz's production semaphore (its linux_futex_platform and .cc files).
semfuzz_add_instrumented(production SOURCES instrumented/targets/production.cc
                                            ${PROJECT_SOURCE_DIR}/semaphore/src/linux_futex.cc
                                            ${PROJECT_SOURCE_DIR}/semaphore/src/errors.cc)
semfuzz_fuzz_target(schedule_production instrumented/targets/production_target.cc ${production_OBJECT}
                    ${production_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)

# schedule_libstdcxx: the build's libstdc++ std::counting_semaphore (header code, all of it
# instrumented), in the runner's black-box mode. Only where the standard library is libstdc++.
if(CMAKE_CXX_FLAGS MATCHES "-stdlib=libc\\+\\+")
  message(STATUS "schedule_libstdcxx skipped: the build uses libc++")
else()
  semfuzz_add_instrumented(libstdcxx KEEP "_ZN7semfuzz5instr19libstdcxx_semaphore.*"
                           SOURCES instrumented/targets/libstdcxx.cc)
  semfuzz_fuzz_target(schedule_libstdcxx instrumented/targets/libstdcxx_target.cc ${libstdcxx_OBJECT}
                      ${libstdcxx_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
endif()

# byo_proxy_wait: a semaphore brought as "your own" (tests/proxy_wait_adapter.h) whose correctness
# rests on four seq_cst operations (a store-buffering proof, fuzz/sim/proxy_wait_semaphore.h),
# on the production futex platform: the weak-memory model's fuzz target, and the target of its
# weakened-order mutants (fuzz/mutants/PROXY-*.patch). A fuzz target of scripts/semfuzz, so built
# without the tests too; on libstdc++ builds only (a user's code and the harness share a standard
# library, as for every target of semfuzz_add_instrumented_target).
if(NOT CMAKE_CXX_FLAGS MATCHES "-stdlib=libc\\+\\+")
  semfuzz_add_instrumented_target(byo_proxy_wait
                                  SOURCES ${PROJECT_SOURCE_DIR}/semaphore/src/linux_futex.cc
                                  ADAPTER instrumented/tests/proxy_wait_adapter.h
                                  ADAPTER_CLASS semfuzz::byo_test::proxy_wait_adapter)
endif()

# Whole programs (fuzz/instrumented/runtime/program.h) from tests/programs/, each with its fixed twin
# (-DSEMFUZZ_PROGRAM_FIXED): program_lost_update_fixed is a fuzz target of scripts/semfuzz (its
# corpus is corpus/program_lost_update_fixed), so built without the tests too; libstdc++ builds
# only (their std::thread members are modelled for libstdc++).
if(NOT CMAKE_CXX_FLAGS MATCHES "-stdlib=libc\\+\\+")
  semfuzz_add_instrumented_program(program_lost_update_fixed OPTIONS -DSEMFUZZ_PROGRAM_FIXED
                                   SOURCES instrumented/tests/programs/lost_update.cc)
endif()

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
                           instrumented/targets/production_target.cc ${production_OBJECT}
                           ${production_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)

  # The runtime's tests, through instrumented code (tests/probe.h) that reaches every hook.
  semfuzz_add_instrumented(probe KEEP "_ZN7semfuzz11instr_probe.*" OPTIONS -mcx16
                           SOURCES instrumented/tests/probe.cc)
  add_executable(instrumented_runtime_test instrumented/tests/runtime_test.cc ${probe_OBJECT}
                                           ${probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(instrumented_runtime_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME instrumented_runtime_test COMMAND instrumented_runtime_test)

  # The weak-memory model's litmus tests (fuzz/sim/litmus.h) through the hooks, on std::atomic.
  semfuzz_add_instrumented(litmus KEEP "_ZN7semfuzz12instr_litmus.*"
                           SOURCES instrumented/tests/litmus_instr.cc)
  add_executable(instrumented_litmus_test instrumented/tests/litmus_instr_test.cc ${litmus_OBJECT}
                                          ${litmus_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(instrumented_litmus_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME instrumented_litmus_test COMMAND instrumented_litmus_test)

  # The pthread mutex and condition variable models' tests, through instrumented code
  # (tests/mutex_probe.h).
  semfuzz_add_instrumented(mutex_probe KEEP "_ZN7semfuzz11mutex_probe.*"
                           SOURCES instrumented/tests/mutex_probe.cc)
  add_executable(pthread_mutex_test instrumented/tests/pthread_mutex_test.cc ${mutex_probe_OBJECT}
                                    ${mutex_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_mutex_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_mutex_test COMMAND pthread_mutex_test)
  add_executable(pthread_cond_test instrumented/tests/pthread_cond_test.cc ${mutex_probe_OBJECT}
                                   ${mutex_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_cond_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_cond_test COMMAND pthread_cond_test)
  # The POSIX unnamed semaphore model's tests, through instrumented code (tests/sem_probe.h).
  semfuzz_add_instrumented(sem_probe KEEP "_ZN7semfuzz9sem_probe.*"
                           SOURCES instrumented/tests/sem_probe.cc)
  add_executable(posix_sem_test instrumented/tests/posix_sem_test.cc ${sem_probe_OBJECT}
                                ${sem_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(posix_sem_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME posix_sem_test COMMAND posix_sem_test)
  # The read-write lock model's tests, through instrumented code (tests/rwlock_probe.h).
  semfuzz_add_instrumented(rwlock_probe KEEP "_ZN7semfuzz12rwlock_probe.*"
                           SOURCES instrumented/tests/rwlock_probe.cc)
  add_executable(pthread_rwlock_test instrumented/tests/pthread_rwlock_test.cc
                                     ${rwlock_probe_OBJECT} ${rwlock_probe_STUBS}
                                     $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_rwlock_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_rwlock_test COMMAND pthread_rwlock_test)
  # The once model's tests, through instrumented code (tests/once_probe.h).
  semfuzz_add_instrumented(once_probe KEEP "_ZN7semfuzz10once_probe.*"
                           SOURCES instrumented/tests/once_probe.cc)
  add_executable(pthread_once_test instrumented/tests/pthread_once_test.cc ${once_probe_OBJECT}
                                   ${once_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_once_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_once_test COMMAND pthread_once_test)
  # The spin lock model's tests, through instrumented code (tests/spin_probe.h).
  semfuzz_add_instrumented(spin_probe KEEP "_ZN7semfuzz10spin_probe.*"
                           SOURCES instrumented/tests/spin_probe.cc)
  add_executable(pthread_spin_test instrumented/tests/pthread_spin_test.cc ${spin_probe_OBJECT}
                                   ${spin_probe_STUBS} $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_spin_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_spin_test COMMAND pthread_spin_test)
  # The barrier model's tests, through instrumented code (tests/barrier_probe.h).
  semfuzz_add_instrumented(barrier_probe KEEP "_ZN7semfuzz13barrier_probe.*"
                           SOURCES instrumented/tests/barrier_probe.cc)
  add_executable(pthread_barrier_test instrumented/tests/pthread_barrier_test.cc
                                      ${barrier_probe_OBJECT} ${barrier_probe_STUBS}
                                      $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_barrier_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_barrier_test COMMAND pthread_barrier_test)

  # The thread model's tests, through instrumented code (tests/thread_probe.h).
  semfuzz_add_instrumented(thread_probe KEEP "_ZN7semfuzz12thread_probe.*"
                           SOURCES instrumented/tests/thread_probe.cc)
  add_executable(pthread_thread_test instrumented/tests/pthread_thread_test.cc
                                     ${thread_probe_OBJECT} ${thread_probe_STUBS}
                                     $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(pthread_thread_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME pthread_thread_test COMMAND pthread_thread_test)

  # Per-thread storage (the key model), through instrumented code (tests/storage_probe.h).
  semfuzz_add_instrumented(storage_probe KEEP "_ZN7semfuzz13storage_probe.*"
                           SOURCES instrumented/tests/storage_probe.cc)
  add_executable(thread_storage_test instrumented/tests/thread_storage_test.cc
                                     ${storage_probe_OBJECT} ${storage_probe_STUBS}
                                     $<TARGET_OBJECTS:semfuzz_instr_runtime>)
  target_link_libraries(thread_storage_test PRIVATE semfuzz_sim GTest::gtest_main)
  add_test(NAME thread_storage_test COMMAND thread_storage_test)

  # An adapter that lacks a member, or has it with another signature, is refused with an error
  # naming the member (check_fuzzable, fuzz/instrumented/adapter.h): one case per member.
  add_test(NAME adapter_compile_fail
           COMMAND ${CMAKE_COMMAND} -DCXX=${CMAKE_CXX_COMPILER} "-DFLAGS=${CMAKE_CXX_FLAGS}"
                   "-DINCLUDE=${PROJECT_SOURCE_DIR}|${PROJECT_SOURCE_DIR}/semaphore/include"
                   -DSOURCE=${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/compile_fail/adapter_members.cc
                   -P ${PROJECT_SOURCE_DIR}/semaphore/tests/compile_fail/run.cmake)

  # The build fails when instrumented code needs a hook the runtime lacks: interpose.py, given a
  # runtime without hooks.cc, must refuse the probe and name the missing hooks.
  add_test(NAME instrumented_missing_hook_fails
           COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/runtime/interpose.py
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

# Bring your own semaphore (fuzz/instrumented/adapter.h), in builds on libstdc++ (a user's code and
# the harness must share a standard library; atomic_ref::wait is header code only there).
if(SEMFUZZ_BUILD_TESTS AND NOT CMAKE_CXX_FLAGS MATCHES "-stdlib=libc\\+\\+")
  # The function as this build's own: a header-only semaphore on the __atomic builtins,
  # std::atomic_ref::wait and the futex (tests/atomic_wait_semaphore.h), a black box with
  # multi-token calls; every input of corpus/schedule passes on it.
  semfuzz_add_instrumented_target(byo_atomic_wait
                                  ADAPTER instrumented/tests/atomic_wait_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::atomic_wait_semaphore)
  add_test(NAME byo_atomic_wait_replay
           COMMAND byo_atomic_wait_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/schedule)

  # A destructor that is code under test (tests/draining_semaphore.h): it waits, with a futex,
  # for releasers still inside release() and asserts that nobody sleeps in the semaphore. It runs
  # on a simulated thread: every input of corpus/schedule passes, and the variant whose last
  # releaser forgets to wake it leaves the destructor blocked for good on a committed input.
  semfuzz_add_instrumented_target(byo_draining
                                  ADAPTER instrumented/tests/draining_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::draining_semaphore)
  add_test(NAME byo_draining_replay
           COMMAND byo_draining_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/schedule)
  # The owner deletes the semaphore while a peer is still inside its final release: the
  # destructor's futex wait is scheduled, the releaser's wake ends it, and the input passes.
  add_test(NAME byo_draining_destructor_waits
           COMMAND byo_draining_replay -runs=1
                   ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/stuck-destructor)
  set_tests_properties(byo_draining_destructor_waits PROPERTIES ENVIRONMENT SEMFUZZ_TRACE=1
                       PASS_REGULAR_EXPRESSION
                       "T0  futex_wait  [^\n]* < draining_semaphore\\.h:[0-9]+\n.*verdict pass")
  semfuzz_add_instrumented_target(byo_draining_forgets_wake
                                  ADAPTER instrumented/tests/draining_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::draining_semaphore
                                  OPTIONS -DSEMFUZZ_DRAINING_FORGETS_WAKE)
  # (through sh: the replay aborts on a finding, and ctest fails any aborted test)
  add_test(NAME byo_draining_stuck_destructor
           COMMAND sh -c "\"$0\" -runs=1 \"$1\" 2>&1; true"
                   $<TARGET_FILE:byo_draining_forgets_wake_replay>
                   ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/stuck-destructor)
  set_tests_properties(byo_draining_stuck_destructor PROPERTIES PASS_REGULAR_EXPRESSION
                       "VERDICT lost-wakeup: [^\n]*blocked for good in the semaphore's destructor")

  # Futex words on memory the semaphore does not own (tests/parking_semaphore.h): a word of a
  # heap block the semaphore allocates (byo_parking), a word of a global table (byo_parking_lot).
  # Every input of corpus/schedule passes on both.
  semfuzz_add_instrumented_target(byo_parking ADAPTER instrumented/tests/parking_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::parking_semaphore)
  semfuzz_add_instrumented_target(byo_parking_lot ADAPTER instrumented/tests/parking_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::parking_semaphore
                                  OPTIONS -DSEMFUZZ_PARKING_LOT)
  foreach(t byo_parking byo_parking_lot)
    add_test(NAME ${t}_replay COMMAND ${t}_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/schedule)
  endforeach()

  # The proxy-wait semaphore (byo_proxy_wait, above): every input of its corpus (format v2, the
  # weak-memory option on, both futex views), the reproducers of its weakened-order mutants and
  # corpus/schedule (v1: interleavings only) pass on the correct semaphore.
  add_test(NAME byo_proxy_wait_replay
           COMMAND byo_proxy_wait_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/byo_proxy_wait
                   ${PROJECT_SOURCE_DIR}/reproducers/byo_proxy_wait
                   ${PROJECT_SOURCE_DIR}/corpus/schedule)

  # A semaphore on a POSIX sem_t (tests/posix_semaphore.h), on the runtime's sem_* model: every
  # input of corpus/schedule passes.
  semfuzz_add_instrumented_target(byo_posix_sem ADAPTER instrumented/tests/posix_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::posix_semaphore)
  add_test(NAME byo_posix_sem_replay
           COMMAND byo_posix_sem_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/schedule)

  # A mutex + condition-variable semaphore (tests/condvar_semaphore.h) on the pthread models:
  # every input of corpus/schedule passes; its two classic bugs, each a build of its own, fail
  # their committed inputs (found by fuzzing them from an empty corpus).
  semfuzz_add_instrumented_target(byo_condvar ADAPTER instrumented/tests/condvar_semaphore.h
                                  ADAPTER_CLASS semfuzz::byo_test::condvar_semaphore)
  add_test(NAME byo_condvar_replay
           COMMAND byo_condvar_replay -runs=1 ${PROJECT_SOURCE_DIR}/corpus/schedule)
  foreach(bug if_not_while unlocked_signal)
    string(TOUPPER "SEMFUZZ_CONDVAR_${bug}" option)
    semfuzz_add_instrumented_target(byo_condvar_${bug}
                                    ADAPTER instrumented/tests/condvar_semaphore.h
                                    ADAPTER_CLASS semfuzz::byo_test::condvar_semaphore
                                    OPTIONS -D${option})
  endforeach()
  # (through sh: the replay aborts on a finding, and ctest fails any aborted test)
  function(byo_condvar_expect bug input ordering verdict)
    add_test(NAME byo_${input}
             COMMAND sh -c "SEMFUZZ_ORDER_CHECKING=$2 \"$0\" -runs=1 \"$1\" 2>&1; true"
                     $<TARGET_FILE:byo_condvar_${bug}_replay>
                     ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/${input} "${ordering}")
    set_tests_properties(byo_${input} PROPERTIES PASS_REGULAR_EXPRESSION "VERDICT ${verdict}:")
  endfunction()
  byo_condvar_expect(if_not_while condvar-if-not-while "" conservation)
  byo_condvar_expect(unlocked_signal condvar-unlocked-signal-unordered "" data-race)
  byo_condvar_expect(unlocked_signal condvar-unlocked-signal-lost-wakeup 0 lost-wakeup)

  # Whole programs: the fixed twins pass every input of corpus/program_lost_update_fixed (any
  # bytes are a schedule); each bug gives its verdict on its committed input (found by fuzzing
  # from an empty corpus) in 100 replays out of 100.
  add_test(NAME program_lost_update_fixed_replay
           COMMAND program_lost_update_fixed_replay -runs=1
                   ${PROJECT_SOURCE_DIR}/corpus/program_lost_update_fixed)
  semfuzz_add_instrumented_program(program_lost_update
                                   SOURCES instrumented/tests/programs/lost_update.cc)
  semfuzz_add_instrumented_program(program_atomicity
                                   SOURCES instrumented/tests/programs/atomicity.cc)
  semfuzz_add_instrumented_program(program_atomicity_fixed OPTIONS -DSEMFUZZ_PROGRAM_FIXED
                                   SOURCES instrumented/tests/programs/atomicity.cc)
  semfuzz_add_instrumented_program(program_lost_signal
                                   SOURCES instrumented/tests/programs/lost_signal.cc)
  semfuzz_add_instrumented_program(program_join_holding_lock
                                   SOURCES instrumented/tests/programs/join_holding_lock.cc)
  semfuzz_add_instrumented_program(program_join_holding_lock_fixed
                                   OPTIONS -DSEMFUZZ_PROGRAM_FIXED
                                   SOURCES instrumented/tests/programs/join_holding_lock.cc)
  semfuzz_add_instrumented_program(program_lost_signal_fixed OPTIONS -DSEMFUZZ_PROGRAM_FIXED
                                   SOURCES instrumented/tests/programs/lost_signal.cc)
  foreach(fixed program_atomicity_fixed program_lost_signal_fixed program_join_holding_lock_fixed)
    add_test(NAME ${fixed}_replay COMMAND ${fixed}_replay -runs=1
                                          ${PROJECT_SOURCE_DIR}/corpus/program_lost_update_fixed)
  endforeach()
  # Each way a process ends (tests/programs/ways_out.cc, one ENTRY per target, both
  # signatures): the verdict, or the pass, on the empty schedule.
  function(program_way_out entry verdict)
    semfuzz_add_instrumented_program(program_${entry} ENTRY ${entry}
                                     SOURCES instrumented/tests/programs/ways_out.cc)
    add_test(NAME program_way_out_${entry}
             COMMAND sh -c "\"$0\" -runs=1 \"$1\" 2>&1; true" $<TARGET_FILE:program_${entry}_replay>
                     ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/program-empty-schedule)
    set_tests_properties(program_way_out_${entry} PROPERTIES PASS_REGULAR_EXPRESSION "${verdict}")
  endfunction()
  program_way_out(exits_from_a_thread "VERDICT program-failure: T1 calls exit with 3")
  program_way_out(exits_zero "verdict pass|all passed")
  program_way_out(aborts "VERDICT program-failure: T0 calls abort\\(\\)")
  program_way_out(throws "VERDICT program-failure: T0 lets an exception leave main")
  program_way_out(returns_two "VERDICT program-failure: T0 returns from main with 2")
  program_way_out(main_thread_exits "all passed")
  program_way_out(thread_local_destroyed_at_exit
                  "VERDICT program-failure: T0 fails the assertion `!armed && \"main's thread_local")
  program_way_out(key_destructor_at_main_thread_exit
                  "VERDICT program-failure: T0 fails the assertion `false && \"main's key destructor")
  program_way_out(sem_never_posted "VERDICT deadlock: [^;]*T0 in std::thread::join \\([^)]*\\) \
on T1 \\(its end\\), holding table_lock[^,]* for writing, stats_spin[^;]*; T1 in sem_wait \
\\(ways_out.cc:[0-9]+\\) on [^,]*, holding config_lock[^,]* for reading")

  # A whole program correct under every schedule: every input of corpus/program_lost_update_fixed
  # and 500 PCT (d=2) schedules pass (ctest NAME_replay).
  function(program_passes name source)
    semfuzz_add_instrumented_program(${name} SOURCES instrumented/tests/programs/${source})
    add_test(NAME ${name}_replay
             COMMAND sh -c "\"$0\" -runs=1 \"$1\" && \"$0\" -random_schedules=500 -chooser=pct:2 \"$2\""
                     $<TARGET_FILE:${name}_replay>
                     ${PROJECT_SOURCE_DIR}/corpus/program_lost_update_fixed
                     ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/program-empty-schedule)
    set_tests_properties(${name}_replay PROPERTIES
                         PASS_REGULAR_EXPRESSION "random schedules: 500 run, 0 failed")
  endfunction()
  # Per-thread storage (thread_local variables, a pthread key, their destructors), correct only
  # with a copy per thread.
  program_passes(program_thread_storage thread_storage.cc)
  # std::jthread and std::stop_token (libstdc++'s header code).
  program_passes(program_jthread jthread.cc)

  # 100 replays, each a process of its own (a finding aborts the replay), each giving the verdict
  # (a grep regular expression) on the committed input.
  function(program_expect target input ordering verdict)
    add_test(NAME ${input}
             COMMAND sh -c "n=0; for i in $(seq 100); do SEMFUZZ_ORDER_CHECKING=$2 \"$0\" -runs=1 \
                            \"$1\" 2>&1 | grep -q -e \"$3\" && n=$((n+1)); done; \
                            echo \"$n of 100 replays\""
                     $<TARGET_FILE:${target}_replay>
                     ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/inputs/${input} "${ordering}"
                     "${verdict}")
    set_tests_properties(${input} PROPERTIES
                         PASS_REGULAR_EXPRESSION "(^|[^0-9])100 of 100 replays")
  endfunction()
  program_expect(program_lost_update program-lost-update-race ""
                 "data-race: T[12] write of 4 bytes at step [0-9]* (lost_update.cc in ")
  program_expect(program_atomicity program-atomicity-assert ""
                 "program-failure: T0 fails the assertion `counter.load() == 4` at [^ ]*atomicity.cc")
  program_expect(program_lost_signal program-lost-signal-deadlock ""
                 "deadlock: every thread of the program is blocked")
  program_expect(program_join_holding_lock program-join-holding-lock "" "deadlock: [^;]*T0 in \
std::thread::join ([^)]*) on T1 (its end), holding [^;]*totals_mutex[^;]*; T1 in pthread_mutex_lock")

  # The README's walkthrough (tests/byo_walkthrough.py): installs this build's package to a
  # temporary prefix, builds examples/ against it, replays its committed finding, fuzzes it to
  # the finding from an empty corpus (60 s at most; about 3 s here), and checks that the fixed
  # semaphore passes the finding.
  if(SEMFUZZ_FUZZ_ENGINE STREQUAL "libfuzzer")
    add_test(NAME byo_walkthrough
             COMMAND Python3::Interpreter -B
                     ${CMAKE_CURRENT_SOURCE_DIR}/instrumented/tests/byo_walkthrough.py
                     --build ${PROJECT_BINARY_DIR} --source ${PROJECT_SOURCE_DIR}
                     --cxx ${CMAKE_CXX_COMPILER} --generator ${CMAKE_GENERATOR} --fuzz-seconds 60)
    set_tests_properties(byo_walkthrough PROPERTIES TIMEOUT 600)
  endif()
endif()

include(instrumented/targets/libcxx.cmake)
