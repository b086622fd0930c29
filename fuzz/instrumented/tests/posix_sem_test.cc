// Tests of the POSIX unnamed semaphore model (fuzz/instrumented/runtime/posix_sem.h) through
// instrumented code (sem_probe.h): counting and blocking with happens-before for the race
// detector, POSIX's results, timed waits on virtual time on both clocks, and misuse as the
// verdict sync-misuse.
#include "fuzz/instrumented/runtime/posix_sem.h"

#include <gtest/gtest.h>
#include <semaphore.h>

#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/sem_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = sem_probe;
using sim::kStartTime;

TEST(PosixSem, APostOrdersThePayloadForTheWaiterUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the payload's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    sem_t s;
    ASSERT_EQ(probe::init(&s, 0), 0);  // outside a simulated thread, as a program's set-up
    int payload = 0, seen = -1;
    h.bodies.push_back([&](int) { probe::publish(&s, &payload, 42); });
    h.bodies.push_back([&](int) { seen = probe::consume(&s, &payload); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(seen, 42) << "seed " << int(seed);
  }
}

// With a token there from the start, the taker need not wait for the post: its read of the
// payload is unordered with the write, and some schedule shows it.
TEST(PosixSem, ATakeOfAnInitialTokenOrdersNothing) {
  bool raced = false;
  for (std::uint8_t seed = 0; seed < 40 && !raced; ++seed) {
    harness h;
    sem_t s;
    ASSERT_EQ(probe::init(&s, 1), 0);
    int payload = 0;
    h.bodies.push_back([&](int) { probe::publish(&s, &payload, 1); });
    h.bodies.push_back([&](int) { probe::consume(&s, &payload); });
    const verdict v = h.run(schedule_bytes(seed));
    raced = v.kind == verdict_kind::data_race;
  }
  EXPECT_TRUE(raced);
}

TEST(PosixSem, PosixResults) {
  harness h;
  sem_t s;
  std::vector<int> rc;
  int value = -1;
  h.bodies.push_back([&](int) {
    rc.push_back(probe::init(&s, static_cast<unsigned>(SEM_VALUE_MAX) + 1u));
    rc.push_back(probe::init(&s, 2));
    rc.push_back(probe::trywait(&s));
    rc.push_back(probe::wait(&s));
    rc.push_back(probe::trywait(&s));
    rc.push_back(probe::getvalue(&s, &value));
    rc.push_back(probe::destroy(&s));
    rc.push_back(probe::init(&s, SEM_VALUE_MAX));
    rc.push_back(probe::post(&s));
    rc.push_back(probe::getvalue(&s, &value));
    rc.push_back(probe::destroy(&s));
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{EINVAL, 0, 0, 0, EAGAIN, 0, 0, 0, EOVERFLOW, 0, 0}));
  EXPECT_EQ(value, SEM_VALUE_MAX);
}

TEST(PosixSem, AWaitBlocksUntilThePost) {
  harness h;
  sem_t s;
  std::vector<std::string> order;
  h.bodies.push_back([&](int) {
    probe::init(&s, 0);
    probe::wait(&s);
    order.push_back("T0 took");
  });
  h.bodies.push_back([&](int) {
    timespec later = at_ns(kStartTime + 3 * kMs);
    probe::clockwait(&s, CLOCK_MONOTONIC, &later);  // nothing to take: times out at 3 ms
    order.push_back("T1 posts");
    probe::post(&s);
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(order, (std::vector<std::string>{"T1 posts", "T0 took"}));
}

TEST(PosixSem, TimedWaitsTimeOutOnVirtualTimeOnBothClocks) {
  for (const timed_case& c : timed_cases()) {  // clock -1: sem_timedwait
    harness h;
    sem_t s;
    int rc = -1;
    sim::vtime when = 0;
    h.bodies.push_back([&](int) {
      probe::init(&s, 0);
      rc = c.clock < 0 ? probe::timedwait(&s, &c.at) : probe::clockwait(&s, c.clock, &c.at);
      when = h.sched.now();
    });
    EXPECT_FALSE(h.run().failed());
    EXPECT_EQ(rc, ETIMEDOUT);
    EXPECT_EQ(when, kStartTime + c.expires);
  }
  harness bad;
  sem_t s;
  const timespec invalid{0, 1'000'000'000};
  const timespec monotonic = timed_cases()[2].at;  // valid, for an invalid clock below
  std::vector<int> rc;
  bad.bodies.push_back([&](int) {
    probe::init(&s, 0);
    rc.push_back(probe::timedwait(&s, &invalid));
    rc.push_back(probe::clockwait(&s, CLOCK_PROCESS_CPUTIME_ID, &monotonic));
    probe::post(&s);
    rc.push_back(probe::timedwait(&s, &invalid));  // POSIX: no check when it need not block
  });
  EXPECT_FALSE(bad.run().failed());
  EXPECT_EQ(rc, (std::vector<int>{EINVAL, EINVAL, 0}));
}

TEST(PosixSem, DestroyingASemaphoreSomeoneWaitsOnIsSyncMisuse) {
  harness h;
  static sem_t s;
  h.bodies.push_back([&](int) {
    probe::init(&s, 0);
    probe::wait(&s);
  });
  h.bodies.push_back([&](int) {
    timespec later = at_ns(kStartTime + 1 * kMs);
    probe::clockwait(&s, CLOCK_MONOTONIC, &later);  // T0 waits by then
    probe::destroy(&s);
  });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(v.message, "T1 destroys a semaphore that 1 thread(s) wait on");
}

}  // namespace
}  // namespace semfuzz::instr
