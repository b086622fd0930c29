// Tests of the read-write lock model (fuzz/instrumented/runtime/pthread_rwlock.h) through
// instrumented code (rwlock_probe.h): std::shared_mutex excludes writers from everyone and orders a
// write unlock before every later lock and a read unlock before the next write lock (the race
// detector sees no race); readers share and do not order each other; POSIX's (glibc's) results;
// reader and writer preference; timed locks on virtual time on both clocks and
// std::shared_timed_mutex; misuse as the verdict sync-misuse.
#include "fuzz/instrumented/runtime/pthread_rwlock.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/rwlock_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = rwlock_probe;
using sim::kStartTime;
using std::chrono::milliseconds;

// Two writers and two readers of a counter under a std::shared_mutex: the writers' read-modify-
// writes never interleave, every read sees a whole number of increments, and no plain access
// races: write unlock -> later locks, read unlock -> the next write lock.
TEST(PthreadRwlock, StdSharedMutexExcludesAndOrdersUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the counter's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    harness h;
    std::shared_mutex m;
    int counter = 0;
    std::vector<int> seen;
    for (int t = 0; t < 2; ++t) {
      h.bodies.push_back([&](int) { probe::write_increment(m, &counter); });
      h.bodies.push_back([&](int) { seen.push_back(probe::read_shared(m, &counter)); });
    }
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(counter, 2) << "seed " << int(seed);
    for (int s : seen) EXPECT_TRUE(s >= 0 && s <= 2) << "seed " << int(seed);
  }
}

// Readers hold the lock together, so a write under a read lock races with another reader's, and
// some schedule shows it.
TEST(PthreadRwlock, ReadersShareAndDoNotOrderEachOther) {
  bool raced = false;
  for (std::uint8_t seed = 0; seed < 40 && !raced; ++seed) {
    harness h;
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
    int counter = 0;
    for (int t = 0; t < 2; ++t) {
      h.bodies.push_back([&](int) { probe::write_under_read_lock(&rw, &counter); });
    }
    const verdict v = h.run(schedule_bytes(seed));
    raced = v.kind == verdict_kind::data_race;
  }
  EXPECT_TRUE(raced);

  harness h;
  pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  std::vector<int> rc;
  h.bodies.push_back([&](int) {
    rc.push_back(probe::rdlock(&rw));
    probe::sleep_for(milliseconds(5));
    rc.push_back(probe::unlock(&rw));
  });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));
    rc.push_back(probe::tryrdlock(&rw));  // T0 reads: so may T1
    rc.push_back(probe::trywrlock(&rw));  // but nobody writes
    rc.push_back(probe::unlock(&rw));
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(rc, (std::vector<int>{0, 0, EBUSY, 0, 0}));
}

TEST(PthreadRwlock, PosixResults) {
  harness h;
  pthread_rwlock_t rw;
  const timespec past = at_ns(kStartTime);
  const timespec invalid{0, 1'000'000'000};
  std::vector<int> rc;
  h.bodies.push_back([&](int) {
    rc.push_back(probe::init(&rw, PTHREAD_RWLOCK_PREFER_READER_NP));
    rc.push_back(probe::rdlock(&rw));
    rc.push_back(probe::rdlock(&rw));  // read locks count
    rc.push_back(probe::trywrlock(&rw));
    rc.push_back(probe::clockwrlock(&rw, CLOCK_MONOTONIC, &past));  // its own readers hold it
    rc.push_back(probe::unlock(&rw));
    rc.push_back(probe::unlock(&rw));
    rc.push_back(probe::wrlock(&rw));
    rc.push_back(probe::rdlock(&rw));  // glibc: the writer relocking
    rc.push_back(probe::wrlock(&rw));
    rc.push_back(probe::timedrdlock(&rw, &past));
    rc.push_back(probe::tryrdlock(&rw));
    rc.push_back(probe::trywrlock(&rw));
    rc.push_back(probe::timedwrlock(&rw, &invalid));  // checked first, as glibc
    rc.push_back(probe::clockrdlock(&rw, CLOCK_PROCESS_CPUTIME_ID, &past));
    rc.push_back(probe::unlock(&rw));
    rc.push_back(probe::timedrdlock(&rw, &past));  // free: no wait, so no timeout
    rc.push_back(probe::unlock(&rw));
    rc.push_back(probe::destroy(&rw));
  });
  const verdict v = h.run();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{0, 0, 0, EBUSY, ETIMEDOUT, 0, 0, 0, EDEADLK, EDEADLK, EDEADLK,
                                  EBUSY, EBUSY, EINVAL, EINVAL, 0, 0, 0, 0}));
}

// T0 reads until 10 ms; T1 asks to write at 1 ms; T2 asks to read at 2 ms. Preferring readers
// (the default), T2 enters at once and T1 waits for both; preferring writers, T2 waits for T1.
TEST(PthreadRwlock, ReaderOrWriterPreference) {
  for (int kind : {PTHREAD_RWLOCK_PREFER_READER_NP, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP}) {
    harness h;
    pthread_rwlock_t rw;
    std::vector<std::string> order;
    h.bodies.push_back([&](int) {
      probe::init(&rw, kind);
      probe::rdlock(&rw);
      probe::sleep_for(milliseconds(10));
      order.push_back("T0 unlocks");
      probe::unlock(&rw);
    });
    h.bodies.push_back([&](int) {
      probe::sleep_for(milliseconds(1));
      probe::wrlock(&rw);
      order.push_back("T1 writes");
      probe::unlock(&rw);
    });
    h.bodies.push_back([&](int) {
      probe::sleep_for(milliseconds(2));
      const bool may = probe::tryrdlock(&rw) == 0;
      order.push_back(may ? "T2 may read" : "T2 may not read");
      if (may) probe::unlock(&rw);
      probe::rdlock(&rw);
      order.push_back("T2 reads");
      probe::unlock(&rw);
    });
    const verdict v = h.run();
    EXPECT_FALSE(v.failed()) << v.message;
    if (kind == PTHREAD_RWLOCK_PREFER_READER_NP) {
      EXPECT_EQ(order,
                (std::vector<std::string>{"T2 may read", "T2 reads", "T0 unlocks", "T1 writes"}));
    } else {
      EXPECT_EQ(order, (std::vector<std::string>{"T2 may not read", "T0 unlocks", "T1 writes",
                                                 "T2 reads"}));
    }
  }
}

// Preferring writers, a writer that gives up (timed out) lets the readers it held back in.
TEST(PthreadRwlock, AWriterThatTimesOutLetsWaitingReadersIn) {
  harness h;
  pthread_rwlock_t rw;
  int writer_rc = -1;
  sim::vtime read_at = 0;
  h.bodies.push_back([&](int) {
    probe::init(&rw, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    probe::rdlock(&rw);
    probe::sleep_for(milliseconds(10));
    probe::unlock(&rw);
  });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(1));
    const timespec at = at_ns(kStartTime + 5 * kMs);
    writer_rc = probe::clockwrlock(&rw, CLOCK_MONOTONIC, &at);
  });
  h.bodies.push_back([&](int) {
    probe::sleep_for(milliseconds(2));
    probe::rdlock(&rw);  // waits for the writer, who waits for T0
    read_at = h.sched.now();
    probe::unlock(&rw);
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(writer_rc, ETIMEDOUT);
  EXPECT_EQ(read_at, kStartTime + 5 * kMs);
}

TEST(PthreadRwlock, TimedLocksTimeOutOnVirtualTimeOnBothClocks) {
  harness h;
  pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
  std::shared_timed_mutex m;
  std::vector<int> rc;
  std::vector<sim::vtime> when;
  bool got_write = true, got_read = true;
  h.bodies.push_back([&](int) {
    probe::wrlock(&rw);
    probe::lock(m);
    probe::sleep_for(milliseconds(50));
    probe::unlock(m);
    probe::unlock(&rw);
  });
  h.bodies.push_back([&](int) {
    const timespec realtime = at_ns(kStartTime + kRealtimeOffsetNs + 5 * kMs);
    const timespec monotonic = at_ns(kStartTime + 7 * kMs);
    rc.push_back(probe::timedrdlock(&rw, &realtime));
    when.push_back(h.sched.now() - kStartTime);
    rc.push_back(probe::clockwrlock(&rw, CLOCK_MONOTONIC, &monotonic));
    when.push_back(h.sched.now() - kStartTime);
    rc.push_back(probe::clockrdlock(&rw, CLOCK_REALTIME, &realtime));  // already past
    got_write = probe::try_lock_for(m, milliseconds(3));
    got_read = probe::try_lock_shared_for(m, milliseconds(3));
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(rc, (std::vector<int>{ETIMEDOUT, ETIMEDOUT, ETIMEDOUT}));
  EXPECT_EQ(when, (std::vector<sim::vtime>{5 * kMs, 7 * kMs}));
  EXPECT_FALSE(got_write);
  EXPECT_FALSE(got_read);
}

struct misuse_case {
  const char* name;
  std::function<void(pthread_rwlock_t*)> t0, t1;
  const char* message;
};

TEST(PthreadRwlock, MisuseIsSyncMisuse) {
  const misuse_case cases[] = {
      {"unlock of a lock held by another", [](pthread_rwlock_t* rw) { probe::wrlock(rw); },
       [](pthread_rwlock_t* rw) {
         probe::sleep_for(milliseconds(1));
         probe::unlock(rw);
       },
       "T1 unlocks a read-write lock that T0 holds for writing"},
      {"unlock of a free lock", [](pthread_rwlock_t* rw) { probe::unlock(rw); }, nullptr,
       "T0 unlocks a read-write lock that nobody holds"},
      {"destroy of a read-locked lock",
       [](pthread_rwlock_t* rw) {
         probe::rdlock(rw);
         probe::destroy(rw);
       },
       nullptr, "T0 destroys a read-write lock read-locked 1 time(s)"},
      {"a reader's write lock",
       [](pthread_rwlock_t* rw) {
         probe::rdlock(rw);
         probe::wrlock(rw);
       },
       nullptr,
       "T0 pthread_rwlock_wrlock of a read-write lock it holds for reading: it waits for itself "
       "for ever"},
  };
  for (const misuse_case& c : cases) {
    harness h;
    static pthread_rwlock_t rw;
    rw = PTHREAD_RWLOCK_INITIALIZER;
    h.bodies.push_back([&](int) { c.t0(&rw); });
    if (c.t1) h.bodies.push_back([&](int) { c.t1(&rw); });
    const verdict v = h.run();
    EXPECT_EQ(v.kind, verdict_kind::sync_misuse) << c.name;
    EXPECT_EQ(v.message, c.message) << c.name;
  }
  // Destroying a lock a thread waits for.
  harness h;
  static pthread_rwlock_t rw;
  rw = PTHREAD_RWLOCK_INITIALIZER;
  h.bodies.push_back([&](int) {
    probe::wrlock(&rw);
    probe::sleep_for(milliseconds(1));  // T1 waits by then
    probe::unlock(&rw);
    probe::destroy(&rw);  // T1, woken, has not run yet: it still waits
  });
  h.bodies.push_back([&](int) { probe::rdlock(&rw); });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::sync_misuse);
  EXPECT_EQ(v.message, "T0 destroys a read-write lock that 1 thread(s) wait for");
}

// Two threads, each holding one read-write lock and waiting without a deadline for the other's:
// a lock-order cycle (lock_graph.h), the verdict deadlock at the lock that closes it. A writer
// waits for every reader, a reader for the writer. T0 takes its lock first, so each holds its own
// before anyone waits.
verdict rwlock_ring(bool hold_for_writing, bool wait_for_writing) {
  harness h;
  static pthread_rwlock_t rw[2];
  for (pthread_rwlock_t& each : rw) each = PTHREAD_RWLOCK_INITIALIZER;
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&, hold_for_writing, wait_for_writing](int me) {
      (hold_for_writing ? probe::wrlock : probe::rdlock)(&rw[me]);
      probe::sleep_for(milliseconds(1 + me));  // both hold theirs before either waits
      pthread_rwlock_t* next = &rw[(me + 1) % 2];
      (wait_for_writing ? probe::wrlock : probe::rdlock)(next);
      probe::unlock(next);
      probe::unlock(&rw[me]);
    });
  }
  return h.run();
}

TEST(PthreadRwlock, ALockOrderCycleIsADeadlock) {
  const verdict readers = rwlock_ring(false, true);
  EXPECT_EQ(readers.kind, verdict_kind::deadlock);
  EXPECT_EQ(readers.message,
            "lock-order cycle: T1 pthread_rwlock_wrlock of word0+0, held by T0, which waits for "
            "word1+0, held by T1");
  const verdict writers = rwlock_ring(true, false);
  EXPECT_EQ(writers.kind, verdict_kind::deadlock);
  EXPECT_EQ(writers.message,
            "lock-order cycle: T1 pthread_rwlock_rdlock of word0+0, held by T0, which waits for "
            "word1+0, held by T1");
  // Readers that wait only for readers share: no cycle, both finish.
  const verdict shared = rwlock_ring(false, false);
  EXPECT_FALSE(shared.failed()) << shared.message;
}

}  // namespace
}  // namespace semfuzz::instr
