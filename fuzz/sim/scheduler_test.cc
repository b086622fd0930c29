// Tests of the deterministic scheduler, its futex model and its choosers, driven directly (no
// semaphore, no oracles): simulated threads are small lambdas over sim_platform atomics.
// FUTEX_WAIT_BITSET is not modelled (the platform seam has no bitset wait), so it has no test.
#include "fuzz/sim/scheduler.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/sim_platform.h"
#include "fuzz/sim/sim_test_harness.h"

namespace semfuzz::sim {
namespace {

// Two threads, each `atomics` times: an atomic fetch_add (a scheduling point before it), then
// its id appended to `order`.
void add_counters(harness& h, word& w, std::vector<int>& order, int atomics) {
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&w, &order, atomics](int self) {
      for (int i = 0; i < atomics; ++i) {
        w.fetch_add(1);
        order.push_back(self);
      }
    });
  }
}

TEST(Scheduler, FairPolicyRunsEachThreadUntilItEnds) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  std::vector<int> order;
  add_counters(h, w, order, 3);
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(order, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(h.obs.steps, 8u);  // three atomics and the end of each body
}

TEST(Scheduler, ChoiceBytesPickAmongRunnableThreads) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  std::vector<int> order;
  add_counters(h, w, order, 2);
  // Steps: T1 to its first point, T0 to its first point, then T1 (its first fetch_add), 2 % 2 =
  // T0 (its first), T1 (its second, then it ends); the bytes run out and the fair policy runs T0.
  EXPECT_FALSE(h.run({1, 0, 1, 2, 1}).failed());
  EXPECT_EQ(order, (std::vector<int>{1, 0, 1, 0}));
}

TEST(Scheduler, FutexWaitSleepsUntilWoken) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  futex_status got = futex_status::timed_out;
  h.bodies.push_back([&](int) { got = sim_platform::futex_wait(addr32(&w), 0, nullptr); });
  h.bodies.push_back([&](int) {
    w.store(1);
    sim_platform::futex_wake(addr32(&w), 1);
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(got, futex_status::woken);
  EXPECT_EQ(h.obs.log, (std::vector<std::string>{"T0 waits forever"}));
  ASSERT_EQ(h.obs.futex_calls.size(), 2u);
  EXPECT_TRUE(h.obs.futex_calls[0].supported);
  EXPECT_TRUE(h.obs.futex_calls[1].wake);
}

TEST(Scheduler, FutexWaitOnAChangedValueReturnsAtOnce) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(7);
  futex_status got = futex_status::woken;
  h.bodies.push_back([&](int) { got = sim_platform::futex_wait(addr32(&w), 6, nullptr); });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(got, futex_status::value_changed);  // EAGAIN
  EXPECT_TRUE(h.obs.log.empty());               // it never slept
}

TEST(Scheduler, DeadlinesAdvanceVirtualTimeWhenNothingElseCanRun) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  futex_status got = futex_status::woken;
  vtime woke_at = 0;
  h.bodies.push_back([&](int) {
    const sim_clock::time_point deadline{sim_clock::duration(kStartTime + 5'000)};
    got = sim_platform::futex_wait(addr32(&w), 0, &deadline);
    woke_at = sim_clock::now().time_since_epoch().count();
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(got, futex_status::timed_out);
  EXPECT_EQ(woke_at, kStartTime + 5'000);
  EXPECT_EQ(h.obs.quiescences, 2);  // before time moves, and at the end
}

TEST(Scheduler, APastDeadlineTimesOutWithoutSleeping) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  futex_status got = futex_status::woken;
  h.bodies.push_back([&](int) {
    const sim_clock::time_point deadline{sim_clock::duration(kStartTime)};
    got = sim_platform::futex_wait(addr32(&w), 0, &deadline);
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(got, futex_status::timed_out);
  EXPECT_TRUE(h.obs.log.empty());
}

TEST(Scheduler, ActionBytesWakeSleepersSpuriouslyOrWithEintr) {
  for (const auto& [byte, want] : {std::pair<std::uint8_t, futex_status>{0xF0, futex_status::woken},
                                   {0xF1, futex_status::interrupted}}) {
    harness h;
    scheduler::scope scope(h.sched);
    word w(0), other(0);
    futex_status got = futex_status::timed_out;
    h.bodies.push_back([&](int) { got = sim_platform::futex_wait(addr32(&w), 0, nullptr); });
    h.bodies.push_back([&](int) { other.load(); });
    // T0 reaches its wait (one step), sleeps (a second), then the action byte wakes it.
    EXPECT_FALSE(h.run({0, 0, byte}).failed());
    EXPECT_EQ(got, want) << int(byte);
  }
}

TEST(Scheduler, ClockBytesFireTimersOrBumpTheClock) {
  for (const auto& [byte, want] :
       {std::pair<std::uint8_t, vtime>{0xF8, 1'000'000'000}, {0xFC, kClockBumps[0]}}) {
    harness h;
    scheduler::scope scope(h.sched);
    word w(0), other(0);
    vtime woke_at = 0;
    h.bodies.push_back([&](int) {
      const sim_clock::time_point deadline{sim_clock::duration(kStartTime + 1'000'000'000)};
      sim_platform::futex_wait(addr32(&w), 0, &deadline);
    });
    h.bodies.push_back([&](int) {
      other.load();
      woke_at = sim_clock::now().time_since_epoch().count() - kStartTime;
    });
    // T0 to its wait, T0 sleeps; the action; then T1 runs (fair policy) and reads the clock.
    EXPECT_FALSE(h.run({0, 0, byte}).failed());
    EXPECT_EQ(woke_at, want) << int(byte);
  }
}

TEST(Scheduler, WakeReleasesTheWaiterTheChooserPicks) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  std::vector<int> woken;
  for (int t = 0; t < 3; ++t) {
    h.bodies.push_back([&](int self) {
      sim_platform::futex_wait(addr32(&w), 0, nullptr);
      woken.push_back(self);
    });
  }
  h.bodies.push_back([&](int) { sim_platform::futex_wake(addr32(&w), 1); });
  // T0, T1, T2 each go to sleep in order (two steps each; byte 0 is the first runnable thread),
  // T3 wakes one: waiter byte 2 picks the third to arrive. Nothing wakes the other two.
  EXPECT_FALSE(h.run({0, 0, 0, 0, 0, 0, 0, 0, 2}).failed());
  EXPECT_EQ(woken, (std::vector<int>{2}));
}

TEST(Scheduler, WakeOfTheWrongWidthIsReportedAndWakesNobody) {
  harness h;
  scheduler::scope scope(h.sched);
  sim_atomic<std::uint64_t> w(0);
  bool returned = false;
  h.bodies.push_back([&](int) {
    sim_platform::futex_wait(reinterpret_cast<const std::uint32_t*>(&w), 0, nullptr);
    returned = true;
  });
  h.bodies.push_back([&](int) { sim_platform::futex_wake(addr64(&w), 1); });
  EXPECT_FALSE(h.run({}).failed());  // this observer judges nothing
  EXPECT_FALSE(returned);
  ASSERT_EQ(h.obs.futex_calls.size(), 2u);
  EXPECT_EQ(h.obs.futex_calls[1].other_width_sleeper, 0);
  EXPECT_EQ(h.obs.futex_calls[1].other_width, 4u);
  EXPECT_EQ(h.obs.futex_calls[1].width, 8u);
}

TEST(Scheduler, UnsupportedWaitsReturnAtOnceAndAreReported) {
  harness h;
  scheduler::scope scope(h.sched);
  std::uint32_t plain = 0;  // not a simulated atomic
  sim_atomic<std::uint64_t> wide(0);
  std::vector<futex_status> got;
  h.bodies.push_back([&](int) {
    got.push_back(sim_platform::futex_wait(&plain, 0, nullptr));
    got.push_back(sim_platform::futex_wait(addr64(&wide), 0, nullptr));  // 64-bit wait
    got.push_back(sim_platform::futex_wait(
        reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const char*>(&wide) + 2), 0,
        nullptr));  // misaligned
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(got, std::vector<futex_status>(3, futex_status::woken));
  ASSERT_EQ(h.obs.futex_calls.size(), 3u);
  for (const futex_call& c : h.obs.futex_calls) EXPECT_FALSE(c.supported);
}

TEST(Scheduler, WakeTwoWakesBothHalvesInOneStep) {
  harness h;
  scheduler::scope scope(h.sched);
  sim_atomic<std::uint64_t> w(0);
  const auto* low = reinterpret_cast<const std::uint32_t*>(&w);
  const auto* high = low + 1;
  std::vector<int> woken;
  h.bodies.push_back([&](int self) {
    sim_platform::futex_wait(low, 0, nullptr);
    woken.push_back(self);
  });
  h.bodies.push_back([&](int self) {
    sim_platform::futex_wait(high, 0, nullptr);
    woken.push_back(self);
  });
  h.bodies.push_back([&](int) { sim_platform::futex_wake_two(low, 1, high, 1); });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(woken.size(), 2u);
  EXPECT_EQ(h.obs.futex_calls.size(), 4u);  // two waits, one report per word of the wake
}

TEST(Scheduler, ParkedThreadsWaitForUnpark) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  std::vector<int> order;
  h.bodies.push_back([&](int self) {
    h.sched.park();
    order.push_back(self);
  });
  bool was_parked = false;
  h.bodies.push_back([&](int self) {
    w.load();
    order.push_back(self);
    was_parked = h.sched.any_parked();
    h.sched.unpark(0);
    h.sched.unpark(0);  // no longer parked: nothing happens
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(order, (std::vector<int>{1, 0}));
  EXPECT_TRUE(was_parked);
  EXPECT_FALSE(h.sched.any_parked());
  EXPECT_EQ(h.sched.sleeping_threads(), 0);
}

// Threads from parked_from() start parked: they take no step until unparked, and one never
// unparked ends the run parked, having cost no step. end_run() stops the run without a verdict.
TEST(Scheduler, ThreadsStartParkedFromTheSetThreadAndEndRunStopsTheRun) {
  harness h;
  scheduler::scope scope(h.sched);
  h.sched.set_parked_from(1);
  word w(0);
  std::vector<int> order;
  h.bodies.push_back([&](int self) {
    w.load();
    order.push_back(self);
    h.sched.unpark(2);
    w.load();
  });
  h.bodies.push_back([&](int self) { order.push_back(self); });  // never unparked
  h.bodies.push_back([&](int self) {
    order.push_back(self);
    h.sched.end_run();
    w.load();  // the thread stops at this scheduling point
    order.push_back(-1);
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_EQ(order, (std::vector<int>{0, 2}));
  EXPECT_EQ(h.sched.waiting_in(1), wait_kind::parked);
  EXPECT_TRUE(h.sched.ended());
  EXPECT_EQ(h.sched.threads(), 3);
}

TEST(Scheduler, ObserverJudgesMisuseAndRunaway) {
  {
    harness h;
    scheduler::scope scope(h.sched);
    h.obs.judge = &h.sched;
    std::uint32_t plain = 0;
    h.bodies.push_back([&](int) { sim_platform::futex_wait(&plain, 0, nullptr); });
    EXPECT_EQ(h.run({}).kind, verdict_kind::futex_misuse);
  }
  {
    harness h;
    scheduler::scope scope(h.sched);
    h.obs.judge = &h.sched;
    word w(0);
    h.bodies.push_back([&](int) {
      for (;;) w.load();
    });
    const verdict v = h.run({});
    EXPECT_EQ(v.kind, verdict_kind::runaway);
    EXPECT_EQ(h.obs.steps, kMaxSteps + 1);
  }
}

// Stutter elision (scheduler::point_load): T0 polls x until it reads non-zero, at most `polls`
// times, and notes how many polls failed; T1 stores 1 to x once.
struct poller {
  harness h;
  scheduler::scope scope{h.sched};
  word x{0}, y{0};
  int failed_polls = -1;
  explicit poller(bool elide, int polls, bool alternate = false) {
    h.sched.set_stutter_elision(elide);
    h.bodies.push_back([this, polls, alternate](int) {
      int i = 0;
      while (i < polls && (x.load() == 0) && !(alternate && y.load() != 0)) ++i;
      failed_polls = i;
    });
    h.bodies.push_back([this](int) { x.store(1); });
  }
};

TEST(Scheduler, StutterElisionJoinsRepeatedLoadsOfOneAddressIntoOneStep) {
  {
    poller p(false, 100);
    EXPECT_FALSE(p.h.run({}).failed());
    EXPECT_EQ(p.failed_polls, 100);
    EXPECT_EQ(p.h.obs.steps, 103u);  // T0: 100 loads and its end; T1: its store and its end
  }
  {
    poller p(true, 100);
    EXPECT_FALSE(p.h.run({}).failed());
    EXPECT_EQ(p.failed_polls, 100);
    // T0's first load and its 66th are points (1 + kMaxStutter loads per step at most).
    EXPECT_EQ(p.h.obs.steps, 5u);
  }
  {
    // A store between two steps of polls is seen by the next poll: T0 runs to its first load,
    // then loads 1..65 (one step), T1 stores, and T0's 66th load reads 1.
    poller p(true, 100);
    EXPECT_FALSE(p.h.run({0, 0, 1, 1}).failed());
    EXPECT_EQ(p.failed_polls, 1 + scheduler::kMaxStutter);
  }
  {
    // Loads of two addresses in turn are never elided.
    poller p(true, 10, true);
    EXPECT_FALSE(p.h.run({}).failed());
    EXPECT_EQ(p.failed_polls, 10);
    EXPECT_EQ(p.h.obs.steps, 23u);  // T0: 20 loads and its end; T1: 2
  }
  {
    // A livelock of polls is still a runaway (after kMaxSteps steps of 65 loads each).
    harness h;
    scheduler::scope scope(h.sched);
    h.sched.set_stutter_elision(true);
    h.obs.judge = &h.sched;
    word w(0);
    std::uint64_t loads = 0;
    h.bodies.push_back([&](int) {
      for (;;) loads += w.load() + 1;
    });
    EXPECT_EQ(h.run({}).kind, verdict_kind::runaway);
    EXPECT_EQ(h.obs.steps, kMaxSteps + 1);
    EXPECT_EQ(loads, kMaxSteps * (1 + scheduler::kMaxStutter));
  }
}

// ---- Choosers

TEST(Choosers, RandomChooserIsDeterministicPerSeed) {
  std::vector<std::uint64_t> hashes;
  for (std::uint64_t seed : {1, 2, 3, 1}) {
    token_ring ring;
    random_chooser r(seed);
    recording_chooser rec(r);
    hashes.push_back(ring.run(rec));
    EXPECT_GT(rec.decisions().size(), 10u);
  }
  EXPECT_EQ(hashes[0], hashes[3]);
  EXPECT_NE(hashes[0], hashes[1]);
  EXPECT_NE(hashes[1], hashes[2]);
}

TEST(Choosers, RecordedAndEncodedRandomRunsReplayExactly) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::vector<decision> decisions;
    std::vector<std::uint8_t> bytes;
    std::uint64_t original;
    {
      token_ring ring;
      random_chooser r(seed);
      recording_chooser rec(r);
      original = ring.run(rec);
      ASSERT_TRUE(rec.encodable());
      decisions = rec.decisions();
      bytes = rec.bytes();
    }
    {
      token_ring ring;
      recorded_chooser replay(decisions);
      EXPECT_EQ(ring.run(replay), original) << seed;
      EXPECT_FALSE(replay.diverged());
      EXPECT_TRUE(replay.exhausted());
    }
    {
      token_ring ring;
      byte_stream_chooser stream(bytes.data(), bytes.size());
      EXPECT_EQ(ring.run(stream), original) << seed;
      EXPECT_EQ(stream.used(), bytes.size());
    }
  }
}

// The fuzzer's chooser is asked directly when its static type is known (scheduler::run), else
// through its virtual functions: the two paths make the same run.
TEST(Choosers, ByteStreamDecidesAlikeDirectlyAndThroughTheBase) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    std::vector<std::uint8_t> bytes;
    {
      token_ring ring;
      random_chooser r(seed);
      recording_chooser rec(r);
      ring.run(rec);
      bytes = rec.bytes();
    }
    byte_stream_chooser direct(bytes.data(), bytes.size()), base(bytes.data(), bytes.size());
    std::uint64_t direct_hash;
    {
      token_ring ring;
      EXPECT_FALSE(ring.h.run(direct).failed());  // static type: byte_stream_chooser
      direct_hash = ring.h.sched.trace_hash();
    }
    {
      token_ring ring;
      EXPECT_EQ(ring.run(base), direct_hash) << seed;  // as a chooser&
    }
    EXPECT_EQ(direct.used(), base.used());
    EXPECT_EQ(direct.used(), bytes.size());
  }
}

TEST(Choosers, EveryDecodedByteEncodesBackToTheSameStep) {
  const int ids[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  for (int runnable = 1; runnable <= 4; ++runnable) {
    for (int sleepers = 0; sleepers + runnable <= 8; ++sleepers) {
      for (bool timers : {false, true}) {
        if (timers && sleepers == 0) continue;
        const step_options o{ids, runnable, ids + runnable, sleepers, timers};
        for (int b = 0; b < 256; ++b) {
          const step_choice c = decode_step(static_cast<std::uint8_t>(b), o);
          const int e = encode_step(c, o);
          ASSERT_GE(e, 0) << b;
          const step_choice again = decode_step(static_cast<std::uint8_t>(e), o);
          EXPECT_TRUE(again.kind == c.kind && again.thread == c.thread &&
                      again.advance == c.advance)
              << runnable << " " << sleepers << " " << b;
        }
      }
    }
  }
}

TEST(Choosers, SomeStepsHaveNoByte) {
  const int ids[3] = {0, 1, 2};
  const step_options two_sleepers{ids, 1, ids + 1, 2, false};
  // Actions 0xF0..0xF7 wake sleeper a % 2 with EINTR when a is odd: sleeper 0 never gets EINTR.
  EXPECT_EQ(encode_step(step_choice{step_kind::interrupt, 1, 0}, two_sleepers), -1);
  EXPECT_EQ(encode_step(step_choice{step_kind::interrupt, 2, 0}, two_sleepers), 0xF1);
  EXPECT_EQ(encode_step(step_choice{step_kind::fire_timer, 0, 0}, two_sleepers), -1);  // no timer
  EXPECT_EQ(encode_step(step_choice{step_kind::run, 1, 0}, two_sleepers), -1);  // not runnable
}

// ---- The happens-before checker fed by the simulated platform (its rules: happens_before_test).
// T1 writes, then publishes with `store_order`; T0 waits for it (sleeping on the futex while the
// word is 0), reads it with `load_order`, and records whether it knows what T1 did before.
bool handoff_orders(std::memory_order store_order, std::memory_order load_order) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  epoch before = 0;
  bool ordered = false;
  h.bodies.push_back([&](int) {
    while (w.load(load_order) == 0) sim_platform::futex_wait(addr32(&w), 0, nullptr);
    ordered = h.sched.clocks().clock(0).knows(1, before);
  });
  h.bodies.push_back([&](int) {
    before = h.sched.clocks().now(1);
    w.store(1, store_order);
    sim_platform::futex_wake(addr32(&w), 1);
  });
  EXPECT_FALSE(h.run({}).failed());
  return ordered;
}

TEST(HappensBefore, AFutexWakeIsNoEdge) {
  EXPECT_TRUE(handoff_orders(std::memory_order_release, std::memory_order_acquire));
  // T0 slept on the futex and T1's wake ended the wait: still no edge without release/acquire.
  EXPECT_FALSE(handoff_orders(std::memory_order_relaxed, std::memory_order_acquire));
  EXPECT_FALSE(handoff_orders(std::memory_order_release, std::memory_order_relaxed));
}

// T0 publishes with a release store (the fair policy runs it to its end first); then T1's
// compare-exchange `cas` fails on the word. Returns whether T1 then knows what T0 did.
bool failed_cas_orders(const std::function<bool(word&)>& cas) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  bool ordered = false;
  h.bodies.push_back([&](int) { w.store(1, std::memory_order_release); });
  h.bodies.push_back([&](int) {
    EXPECT_FALSE(cas(w));
    ordered = h.sched.clocks().clock(1).knows(0, 1);
  });
  EXPECT_FALSE(h.run({}).failed());
  return ordered;
}

TEST(HappensBefore, AFailedCompareExchangeUsesTheFailureOrder) {
  for (const auto failure : {std::memory_order_relaxed, std::memory_order_acquire}) {
    EXPECT_EQ(failed_cas_orders([failure](word& w) {
                std::uint32_t expected = 5;  // fails: the word is 1
                return w.compare_exchange_strong(expected, 7, std::memory_order_acquire, failure);
              }),
              failure == std::memory_order_acquire);
  }
}

TEST(HappensBefore, OneOrderCompareExchangeDerivesItsFailureOrder) {
  for (const auto order : {std::memory_order_acq_rel, std::memory_order_release}) {
    EXPECT_EQ(failed_cas_orders([order](word& w) {
                std::uint32_t expected = 5;
                return w.compare_exchange_weak(expected, 7, order);
              }),
              order == std::memory_order_acq_rel);  // acquire, else relaxed
  }
}

TEST(HappensBefore, MutexAndConditionVariableOrderThroughTheMutex) {
  harness h;
  scheduler::scope scope(h.sched);
  sim_mutex m;
  sim_condition_variable cv;
  bool ready = false;  // guarded by m
  epoch before = 0;
  bool ordered = false;
  h.bodies.push_back([&](int) {
    std::unique_lock<sim_mutex> lock(m);
    while (!ready) cv.wait(lock);
    ordered = h.sched.clocks().clock(0).knows(1, before);
  });
  h.bodies.push_back([&](int) {
    before = h.sched.clocks().now(1);
    std::lock_guard<sim_mutex> lock(m);
    ready = true;
    cv.notify_one();
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_TRUE(ordered);
}

TEST(HappensBefore, AFenceAfterARelaxedLoadAcquires) {
  harness h;
  scheduler::scope scope(h.sched);
  word w(0);
  bool before_fence = true, after_fence = false;
  h.bodies.push_back([&](int) {
    sim_platform::thread_fence(std::memory_order_release);
    w.store(1, std::memory_order_relaxed);
  });
  h.bodies.push_back([&](int) {
    EXPECT_EQ(w.load(std::memory_order_relaxed), 1u);
    before_fence = h.sched.clocks().clock(1).knows(0, 1);
    sim_platform::thread_fence(std::memory_order_acquire);
    after_fence = h.sched.clocks().clock(1).knows(0, 1);
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_FALSE(before_fence);
  EXPECT_TRUE(after_fence);
}

TEST(HappensBefore, SwitchedOffKeepsNoClocks) {
  harness h;
  h.sched.set_order_checking(false);
  scheduler::scope scope(h.sched);
  word w(0);
  bool ordered = true;
  h.bodies.push_back([&](int) { w.store(1, std::memory_order_release); });
  h.bodies.push_back([&](int) {
    w.load(std::memory_order_acquire);
    ordered = h.sched.clocks().clock(1).knows(0, 1);
  });
  EXPECT_FALSE(h.run({}).failed());
  EXPECT_FALSE(ordered);
}

}  // namespace
}  // namespace semfuzz::sim
