#include "fuzz/schedule/schedule_entry.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace semfuzz {

// SEMFUZZ_ORDER_CHECKING=0 switches the happens-before checker and the data-race oracle off
// (fuzz/sim/happens_before.h; on by default), e.g. to measure what they cost.
// Stutter elision (fuzz/sim/scheduler.h, point_load) follows the input's format version: on for
// format v2, off for v1 (fuzz/schedule/runner.h), so every input keeps its run.
sim::scheduler& shared_scheduler() {
  static sim::scheduler* s = [] {
    auto* made = new sim::scheduler;  // fibers reused across inputs
    const char* v = std::getenv("SEMFUZZ_ORDER_CHECKING");
    made->set_order_checking(v == nullptr || std::strcmp(v, "0") != 0);
    return made;
  }();
  return *s;
}

run_result run_input(const std::uint8_t* data, std::size_t size, bool trace, program_run_fn run) {
  static thread_local program spare;  // the last input's program: its storage is reused
  decoded_input in = decode(data, size, std::move(spare));
  sim::byte_stream_chooser bytes(in.choices, in.choice_size);
  const run_result r = run(in.prog, bytes, trace);
  spare = std::move(in.prog);
  return r;
}

bool tracing_requested() {
  static const bool trace = [] {
    const char* v = std::getenv("SEMFUZZ_TRACE");
    return v != nullptr && *v != 0 && *v != '0';
  }();
  return trace;
}

void report_run(const run_result& r, bool trace) {
  if (trace) {
    std::fprintf(stderr, "semfuzz: verdict %s\n", verdict_name(r.outcome.kind));
    std::fprintf(stderr, "semfuzz: trace-hash %016llx\n",
                 static_cast<unsigned long long>(r.trace_hash));
    std::fprintf(stderr, "semfuzz: steps %llu\n", static_cast<unsigned long long>(r.steps));
  }
  report_and_abort(r.outcome);
}

int fuzz_one_input(const std::uint8_t* data, std::size_t size, program_run_fn run) {
  const bool trace = tracing_requested();
  report_run(run_input(data, size, trace, run), trace);
  return 0;
}

}  // namespace semfuzz
