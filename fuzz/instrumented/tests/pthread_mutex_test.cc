// Tests of the pthread mutex model (fuzz/instrumented/runtime/pthread_mutex.h) through instrumented
// code (mutex_probe.h): mutual exclusion with happens-before for the race detector, the three
// types' POSIX results, timed locks on virtual time on both clocks, std::mutex / std::timed_mutex /
// std::recursive_mutex, and misuse as the verdict sync-misuse.
#include "fuzz/instrumented/runtime/pthread_mutex.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/mutex_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = mutex_probe;
using sim::kStartTime;

TEST(PthreadMutex, StdMutexExcludesAndOrdersUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the counter's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    std::mutex m;
    int counter = 0;
    for (int t = 0; t < 3; ++t)
      h.bodies.push_back([&](int) { probe::locked_increment(m, &counter); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(counter, 3) << "seed " << int(seed);
  }
}

TEST(PthreadMutex, TypesGivePosixResults) {
  for (int type : {PTHREAD_MUTEX_NORMAL, PTHREAD_MUTEX_RECURSIVE, PTHREAD_MUTEX_ERRORCHECK}) {
    harness h;
    pthread_mutex_t m;
    std::vector<int> rc;
    h.bodies.push_back([&](int) {
      rc.push_back(probe::init(&m, type));
      rc.push_back(probe::lock(&m));
      rc.push_back(probe::trylock(&m));  // held by me
      if (type != PTHREAD_MUTEX_NORMAL) rc.push_back(probe::lock(&m));
      if (type == PTHREAD_MUTEX_RECURSIVE) rc.push_back(probe::unlock(&m));
      if (type == PTHREAD_MUTEX_RECURSIVE) rc.push_back(probe::unlock(&m));
      rc.push_back(probe::unlock(&m));
      rc.push_back(probe::destroy(&m));
    });
    const verdict v = h.run();
    EXPECT_FALSE(v.failed()) << v.message;
    if (type == PTHREAD_MUTEX_NORMAL) EXPECT_EQ(rc, (std::vector<int>{0, 0, EBUSY, 0, 0}));
    if (type == PTHREAD_MUTEX_RECURSIVE) EXPECT_EQ(rc, (std::vector<int>{0, 0, 0, 0, 0, 0, 0, 0}));
    if (type == PTHREAD_MUTEX_ERRORCHECK) {
      EXPECT_EQ(rc, (std::vector<int>{0, 0, EBUSY, EDEADLK, 0, 0}));
    }
  }
  // An errorcheck mutex refuses an unlock by a thread that does not hold it.
  harness h;
  pthread_mutex_t m;
  int unlocked = -1;
  h.bodies.push_back([&](int) {
    probe::init(&m, PTHREAD_MUTEX_ERRORCHECK);
    probe::lock(&m);
  });
  h.bodies.push_back([&](int) { unlocked = probe::unlock(&m); });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(unlocked, EPERM);
}

TEST(PthreadMutex, AContendedLockWaitsForTheUnlock) {
  harness h;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  std::vector<std::string> order;
  h.bodies.push_back([&](int) {
    probe::lock(&m);
    order.push_back("T0 locked");
    probe::sleep_for(std::chrono::milliseconds(5));  // T1 runs meanwhile, and waits
    probe::unlock(&m);
    order.push_back("T0 unlocked");
  });
  h.bodies.push_back([&](int) {
    probe::lock(&m);
    order.push_back("T1 locked");
    probe::unlock(&m);
  });
  EXPECT_FALSE(h.run().failed());
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(order[0], "T0 locked");
  EXPECT_EQ(order[1], "T0 unlocked");
  EXPECT_EQ(order[2], "T1 locked");
}

TEST(PthreadMutex, TimedLocksTimeOutOnVirtualTimeOnBothClocks) {
  for (const timed_case& c : timed_cases()) {  // clock -1: pthread_mutex_timedlock
    harness h;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    int rc = -1;
    sim::vtime when = 0;
    h.bodies.push_back([&](int) { probe::lock(&m); });  // and never unlocks
    h.bodies.push_back([&](int) {
      rc = c.clock < 0 ? probe::timedlock(&m, &c.at) : probe::clocklock(&m, c.clock, &c.at);
      when = h.sched.now();
    });
    EXPECT_FALSE(h.run().failed());
    EXPECT_EQ(rc, ETIMEDOUT);
    EXPECT_EQ(when, kStartTime + c.expires);
  }
  harness bad;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  const timespec invalid{0, 1'000'000'000};
  const timespec monotonic = timed_cases()[2].at;  // valid, for an invalid clock below
  std::vector<int> rc;
  bad.bodies.push_back([&](int) {
    rc.push_back(probe::timedlock(&m, &invalid));
    rc.push_back(probe::clocklock(&m, CLOCK_PROCESS_CPUTIME_ID, &monotonic));
  });
  EXPECT_FALSE(bad.run().failed());
  EXPECT_EQ(rc, (std::vector<int>{EINVAL, EINVAL}));
}

TEST(PthreadMutex, StdTimedAndRecursiveMutexes) {
  harness h;
  std::timed_mutex timed;
  std::recursive_mutex recursive;
  bool first = false, second = true, again = false;
  sim::vtime gave_up = 0;
  h.bodies.push_back([&](int) {
    first = probe::try_lock_for(timed, std::chrono::milliseconds(1));
    again = probe::recursive_twice(recursive);
  });
  h.bodies.push_back([&](int) {
    second = probe::try_lock_for(timed, std::chrono::milliseconds(3));
    gave_up = h.sched.now();
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_GE(gave_up, kStartTime + 3 * kMs);
  EXPECT_TRUE(again);
}

verdict misuse(const std::function<void(pthread_mutex_t*)>& t0,
               const std::function<void(pthread_mutex_t*)>& t1 = nullptr) {
  harness h;
  static pthread_mutex_t m;
  m = PTHREAD_MUTEX_INITIALIZER;
  h.bodies.push_back([&](int) { t0(&m); });
  if (t1) h.bodies.push_back([&](int) { t1(&m); });
  return h.run();
}

TEST(PthreadMutex, UndefinedUsesAreSyncMisuse) {
  const verdict unheld = misuse([](pthread_mutex_t* m) { probe::unlock(m); });
  EXPECT_EQ(unheld.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(unheld.message, "T0 unlocks a normal mutex that nobody holds");
  const verdict other = misuse([](pthread_mutex_t* m) { probe::lock(m); },
                               [](pthread_mutex_t* m) { probe::unlock(m); });
  EXPECT_EQ(other.message, "T1 unlocks a normal mutex that T0 holds");
  const verdict locked = misuse([](pthread_mutex_t* m) {
    probe::lock(m);
    probe::destroy(m);
  });
  EXPECT_EQ(locked.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(locked.message, "T0 destroys a mutex that T0 holds");
  const verdict self = misuse([](pthread_mutex_t* m) {
    probe::lock(m);
    probe::lock(m);
  });
  EXPECT_EQ(self.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(
      self.message,
      "T0 pthread_mutex_lock of a normal mutex it already holds: it waits for itself for ever");
}

// Threads that each hold one mutex and wait, without a deadline, for the next one's: a
// lock-order cycle, the verdict deadlock at the lock that closes it (T0 first, so each thread
// holds its own before anyone waits). With `timed_last`, the last thread's lock has a deadline:
// no cycle is certain, it times out, and everybody goes on.
verdict lock_ring(int threads, bool timed_last = false) {
  harness h;
  static pthread_mutex_t m[3];
  for (pthread_mutex_t& each : m) each = PTHREAD_MUTEX_INITIALIZER;
  const timespec soon = at_ns(kStartTime + 10 * kMs);
  for (int t = 0; t < threads; ++t) {
    h.bodies.push_back([&, threads, timed_last](int me) {
      probe::lock(&m[me]);
      probe::sleep_for(std::chrono::milliseconds(1 + me));  // all hold theirs before any waits
      pthread_mutex_t* next = &m[(me + 1) % threads];
      if (timed_last && me == threads - 1) {
        if (probe::clocklock(next, CLOCK_MONOTONIC, &soon) == 0) probe::unlock(next);
      } else {
        probe::lock(next);
        probe::unlock(next);
      }
      probe::unlock(&m[me]);
    });
  }
  return h.run();
}

TEST(PthreadMutex, ALockOrderCycleIsADeadlock) {
  const verdict two = lock_ring(2);
  EXPECT_EQ(two.kind, verdict_kind::deadlock);
  EXPECT_EQ(two.message,
            "lock-order cycle: T1 pthread_mutex_lock of word0+0, held by T0, which waits for "
            "word1+0, held by T1");
  const verdict three = lock_ring(3);
  EXPECT_EQ(three.kind, verdict_kind::deadlock);
  EXPECT_EQ(three.message,
            "lock-order cycle: T2 pthread_mutex_lock of word0+0, held by T0, which waits for "
            "word1+0, held by T1, which waits for word2+0, held by T2");
  // A timed lock in the ring breaks it: it times out and the others finish.
  const verdict timed = lock_ring(3, true);
  EXPECT_FALSE(timed.failed()) << timed.message;
}

}  // namespace
}  // namespace semfuzz::instr
