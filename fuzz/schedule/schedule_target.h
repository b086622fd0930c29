// The deterministic schedule target: one input = one program run on the simulated platform
// against the semaphore algorithm the input names.
#ifndef SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_
#define SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_

#include <cstddef>
#include <cstdint>

#include "fuzz/schedule/runner.h"

namespace semfuzz {

// Decodes and runs one input (its choice bytes decide the schedule). trace: print the program
// and every step to stderr.
run_result run_schedule_input(const std::uint8_t* data, std::size_t size, bool trace);

// Runs a program with `choose` deciding the schedule: the input's choice bytes (the fuzzer's
// direct path, sim::scheduler::run), or any other chooser.
run_result run_schedule_program(const program& prog, sim::byte_stream_chooser& choose, bool trace);
run_result run_schedule_program(const program& prog, sim::chooser& choose, bool trace);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_
