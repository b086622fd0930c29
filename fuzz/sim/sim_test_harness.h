// What the scheduler's tests share (fuzz/sim/scheduler_test.cc, fuzz/sim/pct_test.cc,
// fuzz/schedule/schedule_driver_test.cc): simulated threads as small lambdas over sim_platform
// atomics, an observer that records what the scheduler reports, a program with blocking, timers
// and contention for whole-run tests, and a depth-2 bug (a lost update) for choosers' rates.
#ifndef SEMFUZZ_FUZZ_SIM_SIM_TEST_HARNESS_H_
#define SEMFUZZ_FUZZ_SIM_SIM_TEST_HARNESS_H_

#include <gtest/gtest.h>

#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/scheduler.h"
#include "fuzz/sim/sim_platform.h"

namespace semfuzz::sim {

// Records what the scheduler reports; judges nothing unless `judge` is set.
struct recorder final : observer {
  std::vector<futex_call> futex_calls;
  std::vector<std::string> log;
  int quiescences = 0;
  std::uint64_t steps = 0;
  scheduler* judge = nullptr;  // when set: the harness's oracles judge (fuzz/oracles/sim_oracles.h)

  void on_clock_read(int, vtime) override {}
  void on_wait(int thread, vtime deadline) override {
    log.push_back(
        "T" + std::to_string(thread) + " waits " +
        (deadline == kNoDeadline ? std::string("forever") : std::to_string(deadline - kStartTime)));
  }
  void on_futex_call(const futex_call& call) override {
    futex_calls.push_back(call);
    if (judge) check_futex_call(*judge, call);
  }
  void after_step(std::uint64_t n) override {
    steps = n;
    if (judge) check_step_bound(*judge, n);
  }
  void at_quiescence() override { ++quiescences; }
};

using body = std::function<void(int)>;

struct harness {
  scheduler sched;
  recorder obs;
  std::vector<body> bodies;

  static void run_body(void* self, int t) { static_cast<harness*>(self)->bodies[t](t); }
  // C's static type picks the scheduler's path (a byte_stream_chooser: the direct one).
  template <std::derived_from<chooser> C>
  verdict run(C& c) {
    return verdict_of(
        sched.run(static_cast<int>(bodies.size()), &harness::run_body, this, c, &obs, false));
  }
  verdict run(std::vector<std::uint8_t> bytes) {
    byte_stream_chooser c(bytes.data(), bytes.size());
    return run(c);
  }
};

using word = sim_atomic<std::uint32_t>;
// The futex addresses of simulated atomics (their value is their first member).
inline const std::uint32_t* addr32(const void* atomic) {
  return static_cast<const std::uint32_t*>(atomic);
}
inline const std::uint64_t* addr64(const void* atomic) {
  return static_cast<const std::uint64_t*>(atomic);
}

// A program with blocking, timers and contention, for whole-run chooser tests: three threads
// pass one token around through a futex word with timed and untimed waits.
struct token_ring {
  harness h;
  scheduler::scope scope{h.sched};
  word w{1};
  token_ring() {
    for (int t = 0; t < 3; ++t) {
      h.bodies.push_back([this](int self) {
        for (int i = 0; i < 3; ++i) {
          std::uint32_t v = w.load();
          while (v == 0 || !w.compare_exchange_strong(v, v - 1)) {
            const sim_clock::time_point deadline(
                sim_clock::duration(sim_clock::now().time_since_epoch().count() + 1'000'000));
            sim_platform::futex_wait(addr32(&w), 0, self == 2 ? &deadline : nullptr);
            v = w.load();
          }
          w.fetch_add(1);
          sim_platform::futex_wake(addr32(&w), 1);
        }
      });
    }
  }
  std::uint64_t run(chooser& c) {
    EXPECT_FALSE(h.run(c).failed());
    return h.sched.trace_hash();
  }
};

// A depth-2 bug: two threads each do kPad atomic steps of their own, then increment a shared
// word non-atomically (a load, then a store). The update is lost exactly when the thread that
// runs first is preempted between its load and its store and the other does both in between.
inline constexpr int kPad = 7;

struct lost_update {
  harness h;
  scheduler::scope scope{h.sched};
  word x{0};
  word pad[2] = {word{0}, word{0}};
  lost_update() {
    for (int t = 0; t < 2; ++t) {
      h.bodies.push_back([this](int self) {
        for (int i = 0; i < kPad; ++i) pad[self].fetch_add(1);
        const std::uint32_t v = x.load();
        x.store(v + 1);
      });
    }
  }
  // Whether the update was lost under `c`.
  bool lost(chooser& c) {
    EXPECT_FALSE(h.run(c).failed());
    return x.load() != 2;
  }
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_SIM_TEST_HARNESS_H_
