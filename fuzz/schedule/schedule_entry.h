// What every deterministic schedule target shares (fuzz/schedule/schedule_target.cc on the
// simulated platform, fuzz/instrumented/targets/production_target.cc on instrumented production
// code): the scheduler, decoding an input into a program and its choice bytes, and the libFuzzer
// entry point's body.
#ifndef SEMFUZZ_FUZZ_SCHEDULE_ENTRY_H_
#define SEMFUZZ_FUZZ_SCHEDULE_ENTRY_H_

#include <cstddef>
#include <cstdint>

#include "fuzz/input/program.h"
#include "fuzz/schedule/runner.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz {

// Runs a program with the input's choice bytes deciding the schedule; trace: print the program
// and every step. (A target's run function has an overload for any sim::chooser too, e.g.
// run_schedule_program, for random and recorded schedules; this one is the fuzzer's direct path,
// sim::scheduler::run.)
using program_run_fn = run_result (*)(const program& prog, sim::byte_stream_chooser& choose,
                                      bool trace);

// The process's scheduler (its fibers are reused across inputs).
sim::scheduler& shared_scheduler();

// Decodes one input and runs its program with its choice bytes deciding the schedule.
run_result run_input(const std::uint8_t* data, std::size_t size, bool trace, program_run_fn run);

// A libFuzzer entry point's body: runs the input (SEMFUZZ_TRACE=1: with the trace, then the
// verdict, trace hash and step count on stderr) and fails from the verdict's oracle function.
int fuzz_one_input(const std::uint8_t* data, std::size_t size, program_run_fn run);

// Its two halves, for an entry point that runs inputs its own way (a whole program's,
// fuzz/instrumented/runtime/program.h): whether SEMFUZZ_TRACE asks for the trace; the report of a
// run (with the trace: verdict, trace hash and steps on stderr), failing from the verdict's oracle.
bool tracing_requested();
void report_run(const run_result& r, bool trace);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SCHEDULE_ENTRY_H_
