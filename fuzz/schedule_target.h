// The deterministic schedule target: one input = one program run on the simulated platform
// against the semaphore algorithm the input names.
#ifndef SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_
#define SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_

#include <cstddef>
#include <cstdint>

#include "fuzz/runner.h"

namespace semfuzz {

// Decodes and runs one input. trace: print the program and every step to stderr.
run_result run_schedule_input(const std::uint8_t* data, std::size_t size, bool trace);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SCHEDULE_TARGET_H_
