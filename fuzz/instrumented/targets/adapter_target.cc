// The harness side of a bring-your-own-semaphore target (semfuzz_add_instrumented_target(),
// fuzz/cmake/semfuzz_functions.cmake): every program runs on the user's semaphore through its
// adapter (SEMFUZZ_ADAPTER_HEADER, SEMFUZZ_ADAPTER_CLASS; fuzz/instrumented/adapter.h), whatever
// algorithm the input names, with the schedule target's input format, scheduler and oracles.
#include SEMFUZZ_ADAPTER_HEADER

#include <cstddef>
#include <cstdint>

#include "fuzz/instrumented/runtime/adapter_bridge.h"
#include "fuzz/instrumented/targets/run.h"
#include "fuzz/schedule/schedule_entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using bridge = semfuzz::instr::adapter_bridge<SEMFUZZ_ADAPTER_CLASS>;
  return semfuzz::fuzz_one_input(data, size, semfuzz::instr::run_instrumented<bridge>);
}
