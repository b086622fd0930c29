// The schedule_production target: semfuzz's split64 and word32 with the production platform
// (linux_futex_platform, semaphore/src/linux_futex.cc), compiled instrumented
// (fuzz/instrumented/targets/production.h), on the same scheduler, input format and oracles as the
// schedule target (fuzz/schedule/runner.h). Inputs whose program names the condvar algorithm do not
// apply (its production platform is std::mutex / std::condition_variable, which the runtime does
// not model): they pass without running. The happens-before checker is on (SEMFUZZ_ORDER_CHECKING=0
// switches it off): the hooks feed it every atomic's memory order, so the ordering promise
// (data-race, fuzz/oracles/ordering_oracle.h) is checked on the production code path, and every
// plain access of the production code goes to the race detector (fuzz/sim/race_detector.h).
#include "fuzz/instrumented/targets/production_target.h"

#include "fuzz/instrumented/targets/production.h"
#include "fuzz/instrumented/targets/run.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/schedule/schedule_entry.h"

namespace semfuzz {
namespace {

template <template <class> class A>
constexpr bool kInstrumented = false;
template <>
constexpr bool kInstrumented<internal::split64_core> = true;
template <>
constexpr bool kInstrumented<internal::word32_core> = true;
// The wasted-wake oracle (fuzz/schedule/runner.h) judges split64 here as on the simulated platform.
static_assert(instr::production_semaphore<internal::split64_core>::exact_wakes &&
              !instr::production_semaphore<internal::word32_core>::exact_wakes);

run_result run_production_program(const program& prog, sim::byte_stream_chooser& choose,
                                  bool trace) {
  return contract::visit_algorithm(
      prog.algo, [&]<template <class> class A>(contract::algorithm_tag<A>) {
        if constexpr (kInstrumented<A>) {
          return instr::run_instrumented<instr::production_semaphore<A>>(prog, choose, trace);
        } else {
          return run_result{};
        }
      });
}

}  // namespace

run_result run_production_input(const std::uint8_t* data, std::size_t size, bool trace) {
  return run_input(data, size, trace, run_production_program);
}

}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::fuzz_one_input(data, size, semfuzz::run_production_program);
}
