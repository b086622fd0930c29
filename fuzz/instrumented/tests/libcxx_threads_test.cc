// Tests of libc++ 14's modelled locks, condition variables, std::call_once and std::barrier
// (fuzz/instrumented/runtime/libcxx_threads.cc), through libc++'s own headers
// (libcxx_threads_probe.h): each member reaches the pthread models as libc++.so's code does, so
// lock / unlock order plain accesses for the race detector, waits block on the scheduler, and timed
// waits run on virtual time.
#include <gtest/gtest.h>
#include <sanitizer/lsan_interface.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/pthread_thread.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/targets/libcxx_process.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/libcxx_threads_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = instr_libcxx_threads_probe;
using sim::kStartTime;

// The instrumentation tests' harness, with libc++'s shared state fresh (its contention table,
// which std::barrier's phase word notifies through) and the probe's objects constructed again.
struct libcxx_harness : harness {
  libcxx_process process{sched};
  explicit libcxx_harness(int barrier_threads = 3) { probe::reset(barrier_threads); }
};

// As run_main (harness.h), with libc++'s shared state fresh: `main` on T0, every other simulated
// thread a spare that runs the threads it creates.
verdict run_libcxx_main(const std::function<void()>& main, std::vector<std::uint8_t> bytes = {}) {
  libcxx_harness h;
  h.sched.set_parked_from(1);
  h.bodies.push_back([&](int) { main(); });
  for (int t = 1; t < sim::scheduler::kMaxThreads; ++t) {
    h.bodies.push_back([](int me) { thread_slot(me); });
  }
  return h.run(std::move(bytes));
}

TEST(LibcxxThreads, MutexExcludesAndOrdersUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());  // the counter's plain accesses go to the race detector
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    for (int t = 0; t < 3; ++t) h.bodies.push_back([](int) { probe::increment(true); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(probe::counter(), 3) << "seed " << int(seed);
    EXPECT_FALSE(probe::overlaps()) << "seed " << int(seed);
  }
  libcxx_harness racy;
  for (int t = 0; t < 2; ++t) racy.bodies.push_back([](int) { probe::increment(false); });
  EXPECT_EQ(racy.run().kind, verdict_kind::data_race);
}

TEST(LibcxxThreads, RecursiveMutexCountsItsOwnersLocks) {
  int orders_seen = 0;
  for (std::uint8_t seed = 0; seed < 20; ++seed) {
    libcxx_harness h;
    bool twice = false, held = false, held_when_tried = false, other = true;
    h.bodies.push_back([&](int) {
      twice = probe::recursive_twice();
      probe::hold_recursive();
      held = true;
    });
    h.bodies.push_back([&](int) {
      probe::wait_for_ms(1);  // a sleep (unless woken spuriously): T0 runs meanwhile
      held_when_tried = held;
      other = probe::other_try_lock();
    });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_TRUE(twice);
    if (held_when_tried) {
      ++orders_seen;
      EXPECT_FALSE(other) << "seed " << int(seed);
    }
  }
  EXPECT_GT(orders_seen, 0);
}

// The lost signal: a consumer that waits once, without its predicate, sleeps for good where the
// producer notified first. Some schedule finds it; with the while-loop, none does.
TEST(LibcxxThreads, ConditionVariableLostSignalIsFoundBySomeSchedule) {
  int lost = 0;
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    h.bodies.push_back([](int) { probe::consume(false); });
    h.bodies.push_back([](int) { probe::produce(); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << v.message;  // a thread blocked for good ends the run
    lost += probe::consumed() == 0;
  }
  EXPECT_GT(lost, 0);
  EXPECT_LT(lost, 40);
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    h.bodies.push_back([](int) { probe::consume(true); });
    h.bodies.push_back([](int) { probe::produce(); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(probe::consumed(), 1) << "seed " << int(seed);
  }
}

// The members that pass the call on are tail calls of the models (libcxx_threads.cc), so the
// trace names the probe's lines, never the model's (an optimised build: -O0 makes no tail calls).
TEST(LibcxxThreads, TracesNameTheCallersLinesForLocksAndWaits) {
#if defined(__OPTIMIZE__)
  libcxx_harness h;
  h.bodies.push_back([](int) { probe::consume(true); });
  h.bodies.push_back([](int) { probe::produce(); });
  sim::byte_stream_chooser c(nullptr, 0);
  testing::internal::CaptureStderr();
  const verdict v = verdict_of(h.sched.run(2, &harness::run_body, &h, c, &h.obs, true));
  const std::string trace = testing::internal::GetCapturedStderr();
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(probe::consumed(), 1);
  EXPECT_NE(trace.find("libcxx_threads_probe.cc:"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("libcxx_threads.cc:"), std::string::npos) << trace;
#else
  GTEST_SKIP() << "an unoptimised build makes no tail calls";
#endif
}

// Each timed form gives up at its deadline on virtual time (steady_clock::now() costs 8 us of it
// per read in the model, so the deadline lies a few reads past the start).
TEST(LibcxxThreads, TimedWaitsExpireOnVirtualTime) {
  constexpr sim::vtime kSlack = 100'000;  // 100 us: the model's clock reads
  struct timed_case {
    const char* name;
    int ms;
    bool (*wait)(int ms);
    void (*hold)();  // by another thread first, or nullptr
  } cases[] = {
      {"condition_variable::wait_for", 5, probe::wait_for_ms, nullptr},
      {"condition_variable::wait_until(system_clock)", 7, probe::wait_until_system_ms, nullptr},
      {"timed_mutex::try_lock_for", 3, probe::try_lock_for_ms, probe::hold_timed},
      {"recursive_timed_mutex::try_lock_for", 2, probe::recursive_try_lock_for_ms,
       probe::hold_recursive_timed},
      {"shared_timed_mutex::try_lock_for", 4, probe::shared_timed_try_lock_for_ms,
       probe::hold_shared_timed},
  };
  for (const timed_case& c : cases) {
    libcxx_harness h;
    bool got = true;
    sim::vtime when = 0;
    if (c.hold != nullptr) h.bodies.push_back([&](int) { c.hold(); });
    h.bodies.push_back([&](int) {
      got = c.wait(c.ms);
      when = h.sched.now();
    });
    const verdict v = h.run();
    EXPECT_FALSE(v.failed()) << c.name << ": " << v.message;
    EXPECT_FALSE(got) << c.name;
    EXPECT_GE(when, kStartTime + c.ms * kMs) << c.name;
    EXPECT_LT(when, kStartTime + c.ms * kMs + kSlack) << c.name;
  }
  // An unlock wakes the timed waiter before its deadline.
  libcxx_harness h;
  bool got = false;
  sim::vtime when = 0;
  h.bodies.push_back([&](int) {
    probe::hold_timed();
    probe::wait_for_ms(1);  // a sleep of 1 ms, T1 waiting meanwhile
    probe::unlock_timed();
  });
  h.bodies.push_back([&](int) {
    got = probe::try_lock_for_ms(50);
    when = h.sched.now();
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_TRUE(got);
  EXPECT_GE(when, kStartTime + kMs);
  EXPECT_LT(when, kStartTime + kMs + kSlack);
}

TEST(LibcxxThreads, RecursiveTimedMutexCountsItsOwnersLocks) {
  libcxx_harness h;
  bool twice = false;
  h.bodies.push_back([&](int) { twice = probe::recursive_timed_twice(); });
  EXPECT_FALSE(h.run().failed());
  EXPECT_TRUE(twice);
}

TEST(LibcxxThreads, SharedMutexReadersShareAndWritersExclude) {
  int most_readers = 0;
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    std::vector<int> seen;
    h.bodies.push_back([](int) { probe::write(); });
    h.bodies.push_back([](int) { probe::write(); });
    h.bodies.push_back([&](int) { seen.push_back(probe::read()); });
    h.bodies.push_back([&](int) { seen.push_back(probe::read()); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(probe::counter(), 2);
    for (int s : seen) EXPECT_TRUE(s >= 0 && s <= 2);
    most_readers = std::max(most_readers, probe::max_readers());
  }
  EXPECT_EQ(most_readers, 2);  // some schedule has both readers inside at once
  // Writes under a shared lock race where two readers are inside at once.
  int races = 0;
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    for (int t = 0; t < 2; ++t) h.bodies.push_back([](int) { probe::read_and_write(); });
    races += h.run(schedule_bytes(seed)).kind == verdict_kind::data_race;
  }
  EXPECT_GT(races, 0);
}

TEST(LibcxxThreads, CallOnceRunsTheRoutineOnceAndPublishesIt) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    libcxx_harness h;
    std::vector<int> seen;
    for (int t = 0; t < 3; ++t) h.bodies.push_back([&](int) { seen.push_back(probe::once()); });
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(probe::runs(), 1);
    EXPECT_EQ(seen, (std::vector<int>{42, 42, 42}));
  }
  // A callable that throws leaves the flag to the next caller, whose callable runs.
  for (std::uint8_t seed = 0; seed < 20; ++seed) {
    libcxx_harness h;
    std::vector<int> seen;
    for (int t = 0; t < 2; ++t) {
      h.bodies.push_back([&](int) { seen.push_back(probe::once_throwing_first()); });
    }
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(probe::runs(), 2);
    std::sort(seen.begin(), seen.end());
    EXPECT_EQ(seen, (std::vector<int>{-1, 42}));
  }
}

TEST(LibcxxThreads, BarrierOrdersEveryRoundsWrites) {
  for (std::uint8_t seed = 0; seed < 10; ++seed) {
    libcxx_harness h(3);
    std::vector<int> sums;
    for (int t = 0; t < 3; ++t) {
      h.bodies.push_back([&](int self) { sums.push_back(probe::barrier_rounds(self, 3)); });
    }
    const verdict v = h.run(schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(sums, (std::vector<int>{18, 18, 18})) << "seed " << int(seed);  // 3 x (1 + 2 + 3)
  }
}

TEST(LibcxxThreads, WhatLibcxxWouldThrowIsAnUnsupportedCall) {
  libcxx_harness h;
  h.bodies.push_back([](int) { probe::wait_unlocked(); });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::unsupported_call);
  EXPECT_NE(v.message.find("condition_variable::wait: mutex not locked: Operation not permitted"),
            std::string::npos)
      << v.message;
}

// std::thread: the start and the join order the threads' writes (race-free under a lock, a race
// without it); a detached thread is not joinable; a thread's exit notification wakes its waiter.
TEST(LibcxxThreads, StdThreadStartsAndJoinsThroughTheThreadModel) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    int counter = 0;
    const verdict v =
        run_libcxx_main([&] { counter = probe::spawn_and_join(true); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(counter, 2) << "seed " << int(seed);
  }
  __lsan_disable();  // the run ends at the race, its threads abandoned with what they hold
  const verdict racy = run_libcxx_main([] { probe::spawn_and_join(false); });
  __lsan_enable();
  EXPECT_EQ(racy.kind, verdict_kind::data_race) << racy.message;
  bool joinable = true;
  EXPECT_FALSE(run_libcxx_main([&] { joinable = probe::detach_leaves_unjoinable(); }).failed());
  EXPECT_FALSE(joinable);
  for (std::uint8_t seed = 0; seed < 20; ++seed) {
    bool seen = false;
    const verdict v =
        run_libcxx_main([&] { seen = probe::exit_notification(); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_TRUE(seen) << "seed " << int(seed);
  }
  __lsan_disable();
  const verdict twice = run_libcxx_main([] { probe::join_twice(); });
  __lsan_enable();
  EXPECT_EQ(twice.kind, verdict_kind::unsupported_call);
  EXPECT_NE(twice.message.find("thread::join failed: Invalid argument"), std::string::npos)
      << twice.message;
}

TEST(LibcxxThreads, ConditionVariableAnyAndLatchHandOff) {
  for (std::uint8_t seed = 0; seed < 20; ++seed) {
    bool seen = false;
    int sum = 0;
    verdict v = run_libcxx_main([&] { seen = probe::condition_variable_any_handoff(); },
                                schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_TRUE(seen);
    v = run_libcxx_main([&] { sum = probe::latch_handoff(); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(sum, 3);
  }
}

}  // namespace
}  // namespace semfuzz::instr
