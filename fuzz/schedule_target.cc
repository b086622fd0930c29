#include "fuzz/schedule_target.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "fuzz/contract.h"
#include "fuzz/sim/sim_platform.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {
namespace {

// SEMFUZZ_ORDER_CHECKING=0 switches the happens-before checker and the data-race oracle off
// (fuzz/sim/happens_before.h; on by default), e.g. to measure what they cost.
sim::scheduler& shared_scheduler() {
  static sim::scheduler* s = [] {
    auto* made = new sim::scheduler;  // fibers reused across inputs
    const char* v = std::getenv("SEMFUZZ_ORDER_CHECKING");
    made->set_order_checking(v == nullptr || std::strcmp(v, "0") != 0);
    return made;
  }();
  return *s;
}

}  // namespace

run_result run_schedule_program(const program& prog, sim::chooser& choose, bool trace) {
  return contract::visit_algorithm(
      prog.algo, [&]<template <class> class A>(contract::algorithm_tag<A>) {
        using sem = basic_semaphore<A, sim::sim_platform>;
        return program_runner<sem>(prog, shared_scheduler(), trace).run(choose);
      });
}

run_result run_schedule_input(const std::uint8_t* data, std::size_t size, bool trace) {
  const decoded_input in = decode(data, size);
  sim::byte_stream_chooser bytes(in.choices, in.choice_size);
  return run_schedule_program(in.prog, bytes, trace);
}

}  // namespace semfuzz

// The libFuzzer entry point (also driven by fuzz/standalone_main.cc).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool trace = [] {
    const char* v = std::getenv("SEMFUZZ_TRACE");
    return v != nullptr && *v != 0 && *v != '0';
  }();
  const semfuzz::run_result r = semfuzz::run_schedule_input(data, size, trace);
  if (trace) {
    std::fprintf(stderr, "semfuzz: verdict %s\n", semfuzz::verdict_name(r.outcome.kind));
    std::fprintf(stderr, "semfuzz: trace-hash %016llx\n",
                 static_cast<unsigned long long>(r.trace_hash));
  }
  semfuzz::report_and_abort(r.outcome);
  return 0;
}
