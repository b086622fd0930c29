// Simulated threads running lambdas, for the instrumentation runtime's tests (runtime_test.cc,
// pthread_mutex_test.cc, ...): a scheduler scope, an observer that counts steps and judges futex
// calls (check_futex_call), and one body per thread. The runtime's per-run state is forgotten
// at the end (forget_destroyed).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_HARNESS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_HARNESS_H_

#include <sanitizer/lsan_interface.h>
#include <time.h>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "fuzz/instrumented/runtime/pthread_thread.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {

struct counter final : sim::observer {
  std::uint64_t steps = 0;
  sim::scheduler* judge = nullptr;
  void on_clock_read(int, sim::vtime) override {}
  void on_wait(int, sim::vtime) override {}
  void on_futex_call(const sim::futex_call& call) override { check_futex_call(*judge, call); }
  void after_step(std::uint64_t n) override { steps = n; }
  void at_quiescence() override {}
};

// Simulated threads running lambdas inside a scheduler scope.
struct harness {
  sim::scheduler sched;
  sim::scheduler::scope scope{sched};
  counter obs;
  std::vector<std::function<void(int)>> bodies;

  harness() { obs.judge = &sched; }
  ~harness() { forget_destroyed(); }
  static void run_body(void* self, int t) { static_cast<harness*>(self)->bodies[t](t); }
  verdict run(std::vector<std::uint8_t> bytes = {}) {
    sim::byte_stream_chooser c(bytes.data(), bytes.size());
    return verdict_of(
        sched.run(static_cast<int>(bodies.size()), &harness::run_body, this, c, &obs, false));
  }
};

// 64 schedule bytes spread by `seed`: a different interleaving for each seed, the same each run.
inline std::vector<std::uint8_t> schedule_bytes(std::uint8_t seed) {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 64; ++i) bytes.push_back(static_cast<std::uint8_t>(seed * 37 + i * 11));
  return bytes;
}

// Runs `main` on T0 with every other simulated thread a spare (thread_slot), as a program runs;
// *hash (if given) is the run's trace hash.
inline verdict run_main(const std::function<void()>& main, std::vector<std::uint8_t> bytes = {},
                        std::uint64_t* hash = nullptr) {
  harness h;
  h.sched.set_parked_from(1);
  h.bodies.push_back([&](int) { main(); });
  for (int t = 1; t < sim::scheduler::kMaxThreads; ++t) {
    h.bodies.push_back([](int me) { thread_slot(me); });
  }
  const verdict v = h.run(std::move(bytes));
  if (hash != nullptr) *hash = h.sched.trace_hash();
  return v;
}

// run_main for a run that ends with a verdict: its threads are abandoned where they stand, with
// what they allocated (as a fuzz target's would be, which then aborts), so LeakSanitizer is told.
inline verdict run_main_to_verdict(const std::function<void()>& main) {
  __lsan_disable();
  const verdict v = run_main(main);
  __lsan_enable();
  return v;
}

inline constexpr sim::vtime kMs = 1'000'000;
// An absolute timespec for ns (virtual, on whichever clock the caller means).
inline timespec at_ns(sim::vtime ns) { return timespec{ns / 1'000'000'000, ns % 1'000'000'000}; }

// The deadlines of the models' "times out on virtual time on both clocks" tests: a timed call
// without a clock (clock -1: CLOCK_REALTIME, 5 ms ahead), with CLOCK_REALTIME (5 ms) and with
// CLOCK_MONOTONIC (7 ms); `expires` is the virtual time after the start it must return at.
struct timed_case {
  int clock;
  timespec at;
  sim::vtime expires;
};
inline std::array<timed_case, 3> timed_cases() {
  const timespec realtime = at_ns(sim::kStartTime + kRealtimeOffsetNs + 5 * kMs);
  return {{{-1, realtime, 5 * kMs},
           {CLOCK_REALTIME, realtime, 5 * kMs},
           {CLOCK_MONOTONIC, at_ns(sim::kStartTime + 7 * kMs), 7 * kMs}}};
}

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_HARNESS_H_
