#include "fuzz/schedule/schedule_target.h"

#include "fuzz/oracles/contract.h"
#include "fuzz/schedule/schedule_entry.h"
#include "fuzz/sim/sim_platform.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {

namespace {

template <class C>
run_result run_on_sim(const program& prog, C& choose, bool trace) {
  return contract::visit_algorithm(
      prog.algo, [&]<template <class> class A>(contract::algorithm_tag<A>) {
        using sem = basic_semaphore<A, sim::sim_platform>;
        return program_runner<sem>(prog, shared_scheduler(), trace).run(choose);
      });
}

}  // namespace

run_result run_schedule_program(const program& prog, sim::byte_stream_chooser& choose, bool trace) {
  return run_on_sim(prog, choose, trace);
}

run_result run_schedule_program(const program& prog, sim::chooser& choose, bool trace) {
  return run_on_sim(prog, choose, trace);
}

run_result run_schedule_input(const std::uint8_t* data, std::size_t size, bool trace) {
  return run_input(data, size, trace, run_schedule_program);
}

}  // namespace semfuzz

// The libFuzzer entry point (also driven by fuzz/engine/standalone_main.cc).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::fuzz_one_input(data, size, semfuzz::run_schedule_program);
}
