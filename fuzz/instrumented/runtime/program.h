// Whole programs under the scheduler (semfuzz_add_instrumented_program(), fuzz/cmake/
// semfuzz_functions.cmake): a program's own main() (or a named entry function), compiled with the
// instrumentation and renamed by interpose.py to semfuzz_program_entry, runs once per input on
// simulated thread T0; the threads it creates (fuzz/instrumented/runtime/pthread_thread.h) run on
// the spare simulated threads T1..T7. The whole input is choice bytes (sim::byte_stream_chooser);
// the replay binary's -random_schedules=N [-chooser=random|pct[:D]] runs the program under N
// chosen schedules instead (give it one file, e.g. an empty one: its bytes are not read).
//
// Globals: the program object's writable data (.data, .data.rel.local and .bss, with their
// COMDAT variants) are gathered by interpose.py into the sections semfuzz_program_data and
// semfuzz_program_bss; the first run copies them (after static initialisation) and every run
// starts from that copy. Not restored: heap blocks a global points to, what the program's static
// constructors did outside its globals. thread_local variables are per simulated thread and
// fresh in each run (fuzz/instrumented/runtime/emutls.h).
//
// Findings (verdicts with their messages):
//   program-failure  an assertion fails (__assert_fail: the expression, file, line, function),
//                    abort(), std::terminate() (also an exception that leaves main or a
//                    thread's start routine), exit / _exit / _Exit with a non-zero status, a
//                    non-zero return from the entry;
//   deadlock         nothing can run and no timer is pending while a thread of the program is
//                    still blocked: each blocked thread, its call (with its code location) and
//                    the object it waits on, and the locks it holds (besides the lock
//                    models' lock-order cycle, lock_graph.h);
//   data-race, runaway, sync-misuse, unsupported-call, futex-misuse: as for every
//                    instrumented target.
// Leaks are no finding (LeakSanitizer ignores what a run allocates: threads abandoned at exit(0)
// or at a verdict hold their memory on fiber stacks it does not scan, and each run's restore of
// the globals drops their pointers to heap blocks).
// A return of 0 from the entry, or exit(0) from any thread, ends the run at once (the process
// would end: threads still running are not run further). A main thread that ends by
// pthread_exit leaves the program running until its other threads end.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PROGRAM_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PROGRAM_H_

#include <cstddef>
#include <cstdint>

#include "fuzz/schedule/runner.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz::instr {

// The program's entry, as interpose.py renames it: main, or ENTRY as int f() or int f(int, char**)
// (called with argc 1 and argv {"program", nullptr}).
using program_entry = int (*)(int, char**);

// One run of the program with `choose` deciding the schedule (the process's scheduler, its order
// checking as SEMFUZZ_ORDER_CHECKING says); the globals restored first.
run_result run_program(program_entry entry, sim::byte_stream_chooser& choose, bool trace);
// The same with any chooser (a seeded random or PCT one), through its virtual functions.
run_result run_program(program_entry entry, sim::chooser& choose, bool trace);

// The libFuzzer entry point's body for a program target: the whole input is choice bytes, and
// `tail` (null: the fair policy) decides once they run out (the target's schedule tail,
// fuzz/schedule/schedule_driver.h); with SEMFUZZ_TRACE=1 the trace, verdict, hash and steps on
// stderr; a finding aborts from its oracle function (fuzz_one_input's conventions,
// fuzz/schedule/schedule_entry.h).
int fuzz_program(const std::uint8_t* data, std::size_t size, program_entry entry,
                 sim::chooser* tail);

}  // namespace semfuzz::instr

// The models of a program's ways out, as its code calls them (renamed by interpose.py in program
// targets only).
extern "C" {
[[noreturn]] void semfuzz_instr_abort();
[[noreturn]] void semfuzz_instr_exit(int status);
[[noreturn]] void semfuzz_instr_exit_now(int status);  // _exit, _Exit
[[noreturn]] void semfuzz_instr_assert_fail(const char* expression, const char* file, unsigned line,
                                            const char* function);
[[noreturn]] void semfuzz_instr_terminate();
// __cxa_atexit / atexit: the program's static destructors are not run (each run would register
// its function-local statics' destructors again); accepted and ignored.
int semfuzz_instr_cxa_atexit(void (*function)(void*), void* arg, void* dso);
int semfuzz_instr_atexit(void (*function)());
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PROGRAM_H_
