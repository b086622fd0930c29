// Tests of the condition variable model (fuzz/instrumented/runtime/pthread_cond.h) through
// instrumented code (mutex_probe.h): timed waits on the attribute's clock and on clockwait's, the
// mutex held again on return, signal waking one sleeper and broadcast all, and misuse as
// sync-misuse.
#include "fuzz/instrumented/runtime/pthread_cond.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cerrno>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/mutex_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = mutex_probe;
using sim::kStartTime;

TEST(PthreadCond, TimedWaitsExpireOnTheirClockWithTheMutexHeldAgain) {
  const timespec realtime = at_ns(kStartTime + kRealtimeOffsetNs + 4 * kMs);
  const timespec monotonic = at_ns(kStartTime + 6 * kMs);
  struct {
    clockid_t attr_clock;
    int wait_clock;  // -1: pthread_cond_timedwait (the attribute's clock)
    const timespec* at;
    sim::vtime expires;
  } cases[] = {{CLOCK_REALTIME, -1, &realtime, 4 * kMs},
               {CLOCK_MONOTONIC, -1, &monotonic, 6 * kMs},
               {CLOCK_REALTIME, CLOCK_MONOTONIC, &monotonic, 6 * kMs},
               {CLOCK_MONOTONIC, CLOCK_REALTIME, &realtime, 4 * kMs}};
  for (const auto& k : cases) {
    harness h;
    pthread_mutex_t m;
    pthread_cond_t c;
    int rc = -1, relock = -1;
    sim::vtime when = 0;
    h.bodies.push_back([&](int) {
      probe::init(&m, PTHREAD_MUTEX_ERRORCHECK);
      probe::cond_init(&c, k.attr_clock);
      probe::lock(&m);
      rc = k.wait_clock < 0 ? probe::cond_timedwait(&c, &m, k.at)
                            : probe::cond_clockwait(&c, &m, k.wait_clock, k.at);
      when = h.sched.now();
      relock = probe::lock(&m);  // errorcheck: EDEADLK while held
      probe::unlock(&m);
    });
    EXPECT_FALSE(h.run().failed());
    EXPECT_EQ(rc, ETIMEDOUT);
    EXPECT_EQ(when, kStartTime + k.expires);
    EXPECT_EQ(relock, EDEADLK);
  }
  harness bad;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  const timespec invalid{0, -1};
  std::vector<int> rc;
  bad.bodies.push_back([&](int) {
    probe::lock(&m);
    rc.push_back(probe::cond_timedwait(&c, &m, &invalid));
    rc.push_back(probe::cond_clockwait(&c, &m, CLOCK_PROCESS_CPUTIME_ID, &monotonic));
    probe::unlock(&m);
  });
  EXPECT_FALSE(bad.run().failed());
  EXPECT_EQ(rc, (std::vector<int>{EINVAL, EINVAL}));
}

// Two sleepers wait for `ready`; T2 sets it and signals (one wakes) or broadcasts (both wake).
int woken_by(bool broadcast) {
  harness h;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  int woke = 0;
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&](int) {
      probe::lock(&m);
      probe::cond_wait(&c, &m);
      ++woke;
      probe::unlock(&m);
    });
  }
  h.bodies.push_back([&](int) {
    probe::lock(&m);
    broadcast ? probe::cond_broadcast(&c) : probe::cond_signal(&c);
    probe::unlock(&m);
  });
  h.run();  // a sleeper left: blocked for good, which the harness here does not judge
  return woke;
}

TEST(PthreadCond, SignalWakesOneAndBroadcastAll) {
  EXPECT_EQ(woken_by(false), 1);
  EXPECT_EQ(woken_by(true), 2);
}

TEST(PthreadCond, UndefinedUsesAreSyncMisuse) {
  harness unheld;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t c = PTHREAD_COND_INITIALIZER;
  unheld.bodies.push_back([&](int) { probe::cond_wait(&c, &m); });
  const verdict v = unheld.run();
  EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(v.message, "T0 pthread_cond_wait with a mutex it does not hold");

  harness busy;
  pthread_cond_t c2 = PTHREAD_COND_INITIALIZER;
  busy.bodies.push_back([&](int) {
    probe::lock(&m);
    probe::cond_wait(&c2, &m);
  });
  busy.bodies.push_back([&](int) { probe::cond_destroy(&c2); });
  const verdict d = busy.run();
  EXPECT_EQ(d.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(d.message, "T1 destroys a condition variable that 1 thread(s) sleep on");
}

}  // namespace
}  // namespace semfuzz::instr
