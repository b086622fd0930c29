// Tests of the once model (fuzz/instrumented/runtime/pthread_once.h) through instrumented code
// (once_probe.h): the routine runs once, on the first caller's thread, and happens-before every
// caller's return (the race detector sees no race), under many schedules, for pthread_once and
// std::call_once; the others wait for it; a routine that throws leaves the once to the next
// caller, with that caller's own callable; a recursive call is sync-misuse.
#include "fuzz/instrumented/runtime/pthread_once.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <mutex>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/once_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = once_probe;
using sim::kStartTime;
using std::chrono::milliseconds;

TEST(PthreadOnce, TheRoutineRunsOnceAndOrdersEveryCallerUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the counter's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    static pthread_once_t o;
    o = PTHREAD_ONCE_INIT;
    probe::reset();
    std::vector<int> seen;
    for (int t = 0; t < 3; ++t)
      h.bodies.push_back([&](int) { seen.push_back(probe::once_then_read(&o)); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(seen, (std::vector<int>{1, 1, 1})) << "seed " << int(seed);
  }
}

TEST(PthreadOnce, StdCallOnceRunsOnceAndOrdersEveryCallerUnderEverySchedule) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    std::once_flag f;
    int counter = 0;
    std::vector<int> seen;
    for (int t = 0; t < 3; ++t)
      h.bodies.push_back([&](int) { seen.push_back(probe::call_once_then_read(f, &counter)); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(seen, (std::vector<int>{1, 1, 1})) << "seed " << int(seed);
  }
}

// T0 calls first and runs its callable for 5 ms; T1 calls at 1 ms and waits for it.
TEST(PthreadOnce, TheFirstCallerRunsItAndTheOthersWait) {
  harness h;
  std::once_flag f;
  int runner = -1;
  sim::vtime t1_back = 0;
  h.bodies.push_back([&](int) { probe::call_once(f, &runner, 0, milliseconds(5), false); });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));
    probe::call_once(f, &runner, 1, milliseconds(0), false);
    t1_back = h.sched.now();
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(runner, 0);
  EXPECT_EQ(t1_back, kStartTime + 5 * kMs);
}

// T0's callable throws at 2 ms: the once is not done, so T1, waiting since 1 ms, runs its own
// callable (std::call_once's thread-locals handed back to it, although T0's unwinding cleared
// them).
TEST(PthreadOnce, ARoutineThatThrowsLeavesTheOnceToTheNextCaller) {
  harness h;
  std::once_flag f;
  int runner = -1;
  bool t0_threw = false, t1_threw = true;
  h.bodies.push_back(
      [&](int) { t0_threw = probe::call_once(f, &runner, 0, milliseconds(2), true); });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));
    t1_threw = probe::call_once(f, &runner, 1, milliseconds(1), false);
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_TRUE(t0_threw);
  EXPECT_FALSE(t1_threw);
  EXPECT_EQ(runner, 1);
}

TEST(PthreadOnce, ARecursiveCallIsSyncMisuse) {
  harness h;
  static pthread_once_t o;
  o = PTHREAD_ONCE_INIT;
  h.bodies.push_back([&](int) { probe::once_recursive(&o); });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(
      v.message,
      "T0 calls pthread_once on the once whose routine it runs: it waits for itself for ever");
}

}  // namespace
}  // namespace semfuzz::instr
