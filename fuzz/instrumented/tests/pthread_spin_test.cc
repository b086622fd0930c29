// Tests of the spin lock model (fuzz/instrumented/runtime/pthread_spin.h) through instrumented code
// (spin_probe.h): mutual exclusion with happens-before for the race detector under many
// schedules, trylock's EBUSY, a spinner entering when the holder unlocks (on virtual time), and
// misuse as the verdict sync-misuse.
#include "fuzz/instrumented/runtime/pthread_spin.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/spin_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = spin_probe;
using sim::kStartTime;
using std::chrono::milliseconds;

TEST(PthreadSpin, ExcludesAndOrdersUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the counter's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    pthread_spinlock_t l;
    ASSERT_EQ(probe::init(&l), 0);  // outside a simulated thread, as a program's set-up
    int counter = 0;
    for (int t = 0; t < 3; ++t)
      h.bodies.push_back([&](int) { probe::locked_increment(&l, &counter); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(counter, 3) << "seed " << int(seed);
  }
}

TEST(PthreadSpin, ASpinnerEntersWhenTheHolderUnlocks) {
  harness h;
  pthread_spinlock_t l = 0;
  std::vector<int> rc;
  sim::vtime entered = 0;
  h.bodies.push_back([&](int) {
    rc.push_back(probe::lock(&l));
    rc.push_back(probe::trylock(&l));  // held by me
    probe::sleep_for(milliseconds(5));
    rc.push_back(probe::unlock(&l));
  });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));
    rc.push_back(probe::trylock(&l));
    rc.push_back(probe::lock(&l));
    entered = h.sched.now();
    rc.push_back(probe::unlock(&l));
    rc.push_back(probe::destroy(&l));
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{0, EBUSY, EBUSY, 0, 0, 0, 0}));
  EXPECT_EQ(entered, kStartTime + 5 * kMs);
}

TEST(PthreadSpin, MisuseIsSyncMisuse) {
  struct misuse_case {
    std::function<void(pthread_spinlock_t*)> t0, t1;
    const char* message;
  };
  const misuse_case cases[] = {
      {[](pthread_spinlock_t* l) {
         probe::lock(l);
         probe::lock(l);
       },
       nullptr, "T0 pthread_spin_lock of a spin lock it holds: it spins for ever"},
      {[](pthread_spinlock_t* l) { probe::lock(l); },
       [](pthread_spinlock_t* l) {
         probe::sleep_for(milliseconds(1));
         probe::unlock(l);
       },
       "T1 unlocks a spin lock that T0 holds"},
      {[](pthread_spinlock_t* l) { probe::unlock(l); }, nullptr,
       "T0 unlocks a spin lock that nobody holds"},
      {[](pthread_spinlock_t* l) {
         probe::lock(l);
         probe::destroy(l);
       },
       nullptr, "T0 destroys a spin lock that T0 holds"},
      {[](pthread_spinlock_t* l) {
         probe::lock(l);
         probe::sleep_for(milliseconds(1));  // T1 spins by then
         probe::unlock(l);
         probe::destroy(l);  // T1, woken, has not run yet: it still spins
       },
       [](pthread_spinlock_t* l) { probe::lock(l); },
       "T0 destroys a spin lock that 1 thread(s) spin on"},
  };
  for (const misuse_case& c : cases) {
    harness h;
    static pthread_spinlock_t l;
    l = 0;
    h.bodies.push_back([&](int) { c.t0(&l); });
    if (c.t1) h.bodies.push_back([&](int) { c.t1(&l); });
    const verdict v = h.run();
    EXPECT_EQ(v.kind, verdict_kind::sync_misuse) << c.message;
    EXPECT_EQ(v.message, c.message);
  }
}

// Two threads, each holding one spin lock and spinning on the other's: a lock-order cycle
// (lock_graph.h), the verdict deadlock at the lock that closes it.
TEST(PthreadSpin, ALockOrderCycleIsADeadlock) {
  harness h;
  static pthread_spinlock_t l[2];
  for (pthread_spinlock_t& each : l) probe::init(&each);
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&](int me) {
      probe::lock(&l[me]);
      probe::sleep_for(milliseconds(1 + me));  // both hold theirs before either spins
      probe::lock(&l[(me + 1) % 2]);
      probe::unlock(&l[(me + 1) % 2]);
      probe::unlock(&l[me]);
    });
  }
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::deadlock);
  EXPECT_EQ(v.message,
            "lock-order cycle: T1 pthread_spin_lock of word0+0, held by T0, which waits for "
            "word1+0, held by T1");
}

}  // namespace
}  // namespace semfuzz::instr
