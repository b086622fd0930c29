// The shared body of the real-thread fuzz targets: decode, run on the pool, report.
#ifndef SEMFUZZ_FUZZ_THREADS_TARGET_H_
#define SEMFUZZ_FUZZ_THREADS_TARGET_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/input/program.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/threads/runner.h"

namespace semfuzz::threads {

int coverage_anchor(int threads);  // fuzz/threads/coverage_anchor.cc

inline worker_pool& shared_pool() {
  static worker_pool* pool = new worker_pool(kMaxProgramThreads);  // lives for the process
  return *pool;
}

inline thread_options default_options() {
  thread_options o;
#if defined(__SANITIZE_THREAD__)
  o.confirm = std::chrono::milliseconds(4000);
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
  o.confirm = std::chrono::milliseconds(4000);
#endif
#endif
  return o;
}

// Runs one input against Adapter (chosen by the caller, e.g. from the program's algorithm).
template <thread_adapter Adapter>
void run_thread_input(const decoded_input& in) {
  if (std::getenv("SEMFUZZ_TRACE") != nullptr)
    std::fprintf(stderr, "%s", describe(in.prog).c_str());
  coverage_anchor(static_cast<int>(in.prog.threads.size()));
  thread_runner<Adapter> runner(in.prog, in.choices, in.choice_size, shared_pool(),
                                default_options());
  const verdict v = runner.run();
  runner.note_outcomes();
  report_and_abort(v);
}

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_TARGET_H_
