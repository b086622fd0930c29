// The wake protocol of split64 (semfuzz/internal/split64.h), step by step on one thread.
//
// split64_core runs here on a scripted platform: std::atomic and steady_clock as in production,
// but a futex whose wait calls back into the test (which then plays the other threads: releases,
// more waiters) and returns, and whose wakes are only recorded. So each test states exactly which
// futex calls a sequence of operations makes: which word, how many sleepers, and none at all once
// every waiter that may sleep has a wake coming. The fuzzer proves the protocol safe
// (lost-wakeup, wasted-wake); these tests pin down its cost.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "semfuzz/internal/split64.h"

namespace {

using semfuzz::futex_status;

struct scripted_platform {
  template <class T>
  using atomic = std::atomic<T>;
  using clock = std::chrono::steady_clock;

  // The core under test (for naming its words) and what each futex wait does.
  static inline const void* object = nullptr;
  static inline std::vector<std::function<futex_status()>> waits;  // consumed in order
  static inline std::vector<std::string> calls;                    // every futex call

  static std::string word(const std::uint32_t* w) {
    const bool at_start = static_cast<const void*>(w) == object;
    const bool low = at_start == (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
    return low ? "low" : "high";
  }
  static std::string count(int n) { return n == INT_MAX ? "all" : std::to_string(n); }

  static futex_status futex_wait(const std::uint32_t* w, std::uint32_t, const clock::time_point*) {
    calls.push_back("wait " + word(w));
    if (waits.empty()) return futex_status::timed_out;  // a script that ran out: give up
    std::function<futex_status()> next = std::move(waits.front());
    waits.erase(waits.begin());
    return next();
  }
  static void futex_wake(const std::uint32_t* w, int n) {
    calls.push_back("wake " + word(w) + " " + count(n));
  }
  static void futex_wake_two(const std::uint32_t* a, int na, const std::uint32_t* b, int nb) {
    calls.push_back("wake " + word(a) + " " + count(na) + " + " + word(b) + " " + count(nb));
  }
};

using core = semfuzz::internal::split64_core<scripted_platform>;
using calls = std::vector<std::string>;

class Split64Protocol : public ::testing::Test {
 protected:
  void SetUp() override {
    scripted_platform::object = &sem_;
    scripted_platform::waits.clear();
    scripted_platform::calls.clear();
  }
  // What the wait does when the waiter sleeps: runs `others`, then returns woken.
  void on_sleep(std::function<void()> others) {
    scripted_platform::waits.push_back([others] {
      others();
      return futex_status::woken;
    });
  }
  static const calls& made() { return scripted_platform::calls; }

  core sem_{0};
};

TEST_F(Split64Protocol, NoFutexCallWithoutWaiters) {
  core s(1);
  scripted_platform::object = &s;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(s.try_acquire(1));
    s.release(1);
  }
  EXPECT_EQ(made(), calls{});
}

TEST_F(Split64Protocol, OneSleeperOneWakeThenNoMoreCalls) {
  on_sleep([&] {
    sem_.release(1);  // wakes the sleeper and lowers L: it has a wake coming
    sem_.release(1);  // nobody may lack a wake: no call
    sem_.release(1);
  });
  EXPECT_TRUE(sem_.acquire_slow(1, nullptr));
  EXPECT_EQ(made(), (calls{"wait low", "wake low 1"}));
  EXPECT_EQ(sem_.available(), 2u);
  sem_.release(1);  // the waiter left: nobody registered, no call
  EXPECT_EQ(made().size(), 2u);
}

TEST_F(Split64Protocol, FlagStaysUpWhileMoreWaitersThanTokens) {
  on_sleep([&] {  // T1 sleeps; T2 registers and sleeps too
    on_sleep([&] {
      sem_.release(1);  // 2 registered > 1: wakes one, keeps L (the other may still sleep)
      sem_.release(1);  // so this one wakes again
      sem_.release(1);  // and so on, while T2 is registered
    });
    EXPECT_TRUE(sem_.acquire_slow(1, nullptr));  // T2 takes a token and leaves
    sem_.release(1);  // T1 alone registered, L still up: wakes 1 and lowers L
    sem_.release(1);  // no call
  });
  EXPECT_TRUE(sem_.acquire_slow(1, nullptr));
  EXPECT_EQ(made(), (calls{"wait low", "wait low", "wake low 1", "wake low 1", "wake low 1",
                           "wake low 1"}));
  EXPECT_EQ(sem_.available(), 3u);
}

TEST_F(Split64Protocol, ReleaseOfManyWakesAtMostTheRegistered) {
  on_sleep([&] {
    on_sleep([&] { sem_.release(5); });  // 2 registered <= 5: wakes 2, not 5, and lowers L
    EXPECT_TRUE(sem_.acquire_slow(1, nullptr));
    sem_.release(1);  // no call
  });
  EXPECT_TRUE(sem_.acquire_slow(1, nullptr));
  EXPECT_EQ(made(), (calls{"wait low", "wait low", "wake low 2"}));
  EXPECT_EQ(sem_.available(), 4u);
}

TEST_F(Split64Protocol, MultiTokenSleeperIsWokenOnTheHighWordByEveryRelease) {
  on_sleep([&] {
    sem_.release(1);  // H was up: wakes every high sleeper, lowers H
    sem_.release(1);  // the sleeper has a wake coming: no call
  });
  EXPECT_TRUE(sem_.acquire_slow(2, nullptr));
  EXPECT_EQ(made(), (calls{"wait high", "wake high all"}));
  EXPECT_EQ(sem_.available(), 0u);
}

TEST_F(Split64Protocol, MultiTokenSleeperRaisesItsFlagAgainBeforeSleepingAgain) {
  on_sleep([&] { sem_.release(1); });  // wakes it with too few tokens
  on_sleep([&] { sem_.release(2); });  // it raised H again before this sleep, so: a wake
  EXPECT_TRUE(sem_.acquire_slow(2, nullptr));
  EXPECT_EQ(made(), (calls{"wait high", "wake high all", "wait high", "wake high all"}));
  EXPECT_EQ(sem_.available(), 1u);
}

TEST_F(Split64Protocol, BothKindsAsleepMeansOneWakeOpForBothWords) {
  on_sleep([&] {                         // T1 waits for 3 on the high word
    on_sleep([&] { sem_.release(1); });  // T2 waits for 1 on the low word: one call, both words
    EXPECT_TRUE(sem_.acquire_slow(1, nullptr));
    // H is down, but L is still up: the release above saw 2 registered, more than its 1 token,
    // and T2 took the token without lowering L (waiters never lower a flag). So this release
    // wakes the low word once more although only T1, on the high word, is left: the price of a
    // flag that says "may sleep". Then L is down and T1 has a wake coming: no more calls.
    sem_.release(3);
    sem_.release(1);
  });
  EXPECT_TRUE(sem_.acquire_slow(3, nullptr));
  EXPECT_EQ(made(), (calls{"wait high", "wait low", "wake low 1 + high all", "wake low 1"}));
  EXPECT_EQ(sem_.available(), 1u);
}

TEST_F(Split64Protocol, TimedOutWaiterLeavesAndLaterReleasesMakeNoCall) {
  scripted_platform::waits.push_back([] { return futex_status::timed_out; });
  const auto deadline = std::chrono::steady_clock::now();
  EXPECT_FALSE(sem_.acquire_slow(1, &deadline));
  sem_.release(1);  // L was left up, but nobody is registered: no call
  EXPECT_EQ(made(), (calls{"wait low"}));
  EXPECT_EQ(sem_.available(), 1u);
}

}  // namespace
