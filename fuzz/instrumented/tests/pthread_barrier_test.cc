// Tests of the barrier model (fuzz/instrumented/runtime/pthread_barrier.h) through instrumented
// code (barrier_probe.h): every arrival of a round happens-before every return from it (the race
// detector sees no race, every thread sees every write) over reused rounds under many schedules,
// PTHREAD_BARRIER_SERIAL_THREAD to exactly one thread per round, POSIX's results, a destroy by
// the serial thread while the others leave, and misuse as the verdict sync-misuse.
#include "fuzz/instrumented/runtime/pthread_barrier.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/barrier_probe.h"
#include "fuzz/instrumented/tests/harness.h"

namespace semfuzz::instr {
namespace {

namespace probe = barrier_probe;
using std::chrono::milliseconds;

TEST(PthreadBarrier, RoundsOrderEveryThreadUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the slots' plain accesses go to the race detector
  constexpr int n = 3;
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    pthread_barrier_t b;
    ASSERT_EQ(probe::init(&b, n), 0);  // outside a simulated thread, as a program's set-up
    int slots[n] = {};
    int seen[n][2 * n] = {};
    int serial = 0;
    for (int t = 0; t < n; ++t) {
      h.bodies.push_back([&](int me) { serial += probe::two_rounds(&b, slots, me, n, seen[me]); });
    }
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(serial, 3) << "seed " << int(seed);  // one per round
    for (int t = 0; t < n; ++t) {
      EXPECT_EQ(std::vector<int>(seen[t], seen[t] + 2 * n), (std::vector<int>{1, 2, 3, 10, 20, 30}))
          << "seed " << int(seed) << ", T" << t;
    }
  }
}

TEST(PthreadBarrier, PosixResults) {
  harness h;
  pthread_barrier_t b;
  std::vector<int> rc;
  h.bodies.push_back([&](int) {
    rc.push_back(probe::init(&b, 0));
    rc.push_back(probe::init(&b, 1));
    rc.push_back(probe::wait(&b));
    rc.push_back(probe::wait(&b));
    rc.push_back(probe::destroy(&b));
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{EINVAL, 0, PTHREAD_BARRIER_SERIAL_THREAD,
                                  PTHREAD_BARRIER_SERIAL_THREAD, 0}));
}

// The last to arrive destroys the barrier before the others, released, have returned.
TEST(PthreadBarrier, TheSerialThreadMayDestroyItWhileTheOthersLeave) {
  harness h;
  static pthread_barrier_t b;
  probe::init(&b, 3);
  std::vector<int> rc(3, -1);
  for (int t = 0; t < 3; ++t) {
    h.bodies.push_back([&](int me) {
      probe::sleep_for(milliseconds(me));  // T2 arrives last
      rc[static_cast<std::size_t>(me)] = probe::wait(&b);
      if (rc[static_cast<std::size_t>(me)] == PTHREAD_BARRIER_SERIAL_THREAD) probe::destroy(&b);
    });
  }
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{0, 0, PTHREAD_BARRIER_SERIAL_THREAD}));
}

TEST(PthreadBarrier, MisuseIsSyncMisuse) {
  {
    harness h;
    static pthread_barrier_t b;
    h.bodies.push_back([&](int) { probe::wait(&b); });
    const verdict v = h.run();
    EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
    EXPECT_EQ(v.message, "T0 waits at a barrier that was not initialised");
  }
  harness h;
  static pthread_barrier_t b;
  probe::init(&b, 2);
  h.bodies.push_back([&](int) { probe::wait(&b); });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));  // T0 waits by then
    probe::destroy(&b);
  });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(v.message, "T1 destroys a barrier that 1 thread(s) wait at");
}

}  // namespace
}  // namespace semfuzz::instr
