// The schedule_production target (fuzz/instrumented/targets/production_target.cc): semfuzz's
// split64 and word32 over the production platform (linux_futex_platform), compiled instrumented, on
// the deterministic scheduler with the schedule target's input format and oracles.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_TARGET_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_TARGET_H_

#include <cstddef>
#include <cstdint>

#include "fuzz/schedule/runner.h"

namespace semfuzz {

// Decodes and runs one input on the production code path (its choice bytes decide the
// schedule); an input whose program names condvar passes without running. trace: print the
// program and every step to stderr.
run_result run_production_input(const std::uint8_t* data, std::size_t size, bool trace);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_TARGET_H_
