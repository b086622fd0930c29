// Timed calls, for every algorithm: Qt tst_qsemaphore's tryAcquireWithTimeout,
// tryAcquireWithTimeoutStarvation (QTBUG-11500), tryAcquireWithTimeoutForever (QTBUG-64413) and
// stdCompat. Deadlines are never early and not hugely late; a zero timeout or a passed deadline
// never waits; negative ms, duration::max(), time_point::max() and far-future deadlines mean
// forever; far-past deadlines mean try once, on steady_clock and on other clocks; timed-out
// waiters leave nothing behind.
#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// A zero timeout, or a deadline already passed, never waits: 2000 failing calls of each form
// take far less than the 2000 ms that a wait of even 1 ms per call would.
TYPED_TEST(SemaphoreTest, ZeroTimeoutNeverWaits) {
  constexpr int kCalls = 2000;
  TypeParam s;
  const auto time_calls = [](const auto& call) {
    const Clock::time_point start = Clock::now();
    int successes = 0;
    for (int i = 0; i < kCalls; ++i) successes += call() ? 1 : 0;
    EXPECT_EQ(successes, 0);
    return Clock::now() - start;
  };
  const Clock::duration bound = 1s;
  Clock::duration d = time_calls([&] { return s.try_acquire(1, 0); });
  EXPECT_LT(d, bound) << "try_acquire(1, 0) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire(3, 0); });
  EXPECT_LT(d, bound) << "try_acquire(3, 0) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire_for(1, 0ms); });
  EXPECT_LT(d, bound) << "try_acquire_for(1, 0ms) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire_for(1, -1s); });
  EXPECT_LT(d, bound) << "try_acquire_for(1, -1s) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire(1, 0ms); });
  EXPECT_LT(d, bound) << "try_acquire(1, 0ms) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire(1, Clock::now()); });
  EXPECT_LT(d, bound) << "try_acquire(1, now) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire_until(1, Clock::now()); });
  EXPECT_LT(d, bound) << "try_acquire_until(1, now) x " << kCalls << ": " << Ms(d) << " ms";
  d = time_calls([&] { return s.try_acquire_until(1, SysClock::now() - 1ms); });
  EXPECT_LT(d, bound) << "try_acquire_until(1, system now - 1ms) x " << kCalls << ": " << Ms(d)
                      << " ms";
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: tryAcquireWithTimeout --------------------------------------------------------------

// Qt tryAcquireWithTimeout, expected failures: each returns false no earlier than the timeout,
// not hugely late, and takes nothing.
TYPED_TEST(SemaphoreTest, TryAcquireWithTimeoutFailsNeitherEarlyNorLate) {
  for (const int timeout_ms : {50, 150}) {
    SCOPED_TRACE("timeout " + std::to_string(timeout_ms) + " ms");
    const Clock::duration timeout = milliseconds(timeout_ms);
    TypeParam s;
    const auto ms_form = [&s, timeout_ms](std::ptrdiff_t n) {
      return [&s, timeout_ms, n](Clock::time_point) { return s.try_acquire(n, timeout_ms); };
    };
    s.release();
    ExpectTimesOut(s, timeout, ms_form(2));
    s.release();
    ExpectTimesOut(s, timeout, ms_form(3));
    s.release(10);
    ExpectTimesOut(s, timeout, ms_form(100));
    s.release(10);
    ExpectTimesOut(s, timeout, ms_form(100));
    EXPECT_EQ(s.available(), 22);
    s.acquire(22);
    ExpectTimesOut(s, timeout, ms_form(1));
    ExpectTimesOut(s, timeout, ms_form(1));
    ExpectTimesOut(s, timeout, ms_form(10));
    ExpectTimesOut(s, timeout, ms_form(10));
    EXPECT_EQ(s.available(), 0);
  }
}

// The same oracle for the chrono forms, odd duration types and deadlines on other clocks.
TYPED_TEST(SemaphoreTest, ChronoTimeoutsFailNeitherEarlyNorLate) {
  TypeParam s(1);
  const Clock::duration t = 100ms;
  {
    SCOPED_TRACE("try_acquire_for(2, 100ms)");
    ExpectTimesOut(s, t, [&](Clock::time_point) { return s.try_acquire_for(2, 100ms); });
  }
  {
    SCOPED_TRACE("try_acquire_for(2, 0.1s as double)");
    ExpectTimesOut(s, t, [&](Clock::time_point) {
      return s.try_acquire_for(2, std::chrono::duration<double>(0.1));
    });
  }
  {
    SCOPED_TRACE("try_acquire_for(2, 1500us)");
    ExpectTimesOut(s, 1500us, [&](Clock::time_point) { return s.try_acquire_for(2, 1500us); });
  }
  {
    SCOPED_TRACE("try_acquire_for(2, 1ns)");
    ExpectTimesOut(s, 1ns, [&](Clock::time_point) { return s.try_acquire_for(2, 1ns); });
  }
  {
    SCOPED_TRACE("try_acquire(2, 100ms)");
    ExpectTimesOut(s, t, [&](Clock::time_point) { return s.try_acquire(2, 100ms); });
  }
  {
    SCOPED_TRACE("try_acquire(2, 0.1s as double)");
    ExpectTimesOut(s, t, [&](Clock::time_point) {
      return s.try_acquire(2, std::chrono::duration<double>(0.1));
    });
  }
  {
    SCOPED_TRACE("try_acquire(2, steady now + 100ms)");
    ExpectTimesOut(s, t, [&](Clock::time_point start) { return s.try_acquire(2, start + 100ms); });
  }
  {
    SCOPED_TRACE("try_acquire_until(2, steady now + 100ms)");
    ExpectTimesOut(s, t,
                   [&](Clock::time_point start) { return s.try_acquire_until(2, start + 100ms); });
  }
  {
    SCOPED_TRACE("try_acquire_until(2, steady time_point<milliseconds>)");
    ExpectTimesOut(s, t, [&](Clock::time_point start) {
      return s.try_acquire_until(2, std::chrono::ceil<milliseconds>(start + 100ms));
    });
  }
  {
    // The deadline is on system_clock: it is turned into a steady timeout from one reading of
    // system_clock, so allow 1 ms for the two clocks' readings and rates to differ.
    SCOPED_TRACE("try_acquire_until(2, system_clock now + 100ms)");
    ExpectTimesOut(
        s, t, [&](Clock::time_point) { return s.try_acquire_until(2, SysClock::now() + 100ms); },
        1ms);
  }
  {
    SCOPED_TRACE("one-token form try_acquire_for(50ms) at 0");
    ASSERT_TRUE(s.try_acquire());
    ExpectTimesOut(s, 50ms, [&](Clock::time_point) { return s.try_acquire_for(50ms); });
    ExpectTimesOut(s, 50ms,
                   [&](Clock::time_point start) { return s.try_acquire_until(start + 50ms); });
  }
  EXPECT_EQ(s.available(), 0);
}

// Qt tryAcquireWithTimeout, expected successes: with tokens there, a timed call returns true
// at once (the timeout is long, so waiting for it would show).
TYPED_TEST(SemaphoreTest, TryAcquireWithTimeoutSucceedsAtOnce) {
  TypeParam s(22);
  ExpectQuickSuccess([&] { return s.try_acquire(1, 10000); });
  EXPECT_EQ(s.available(), 21);
  ExpectQuickSuccess([&] { return s.try_acquire(1, 10000); });
  EXPECT_EQ(s.available(), 20);
  ExpectQuickSuccess([&] { return s.try_acquire(10, 10000); });
  EXPECT_EQ(s.available(), 10);
  ExpectQuickSuccess([&] { return s.try_acquire(10, 10000); });
  EXPECT_EQ(s.available(), 0);
  s.release(3);
  ExpectQuickSuccess([&] { return s.try_acquire_for(1, 10s); });
  ExpectQuickSuccess([&] { return s.try_acquire_until(1, Clock::now() + 10s); });
  ExpectQuickSuccess([&] { return s.try_acquire_until(1, SysClock::now() + 10s); });
  EXPECT_EQ(s.available(), 0);
  s.release(2);
  ExpectQuickSuccess([&] { return s.try_acquire(1, 10s); });
  ExpectQuickSuccess([&] { return s.try_acquire(1, Clock::now() + 10s); });
  EXPECT_EQ(s.available(), 0);
}

// A timed waiter that sleeps is woken by a release before its deadline and returns true.
TYPED_TEST(SemaphoreTest, TimedWaitersAreWokenBeforeTheirDeadline) {
  TypeParam s;
  std::atomic<int> got{0};
  Workers w([&] { s.release(3); });
  w.Spawn([&] { got += s.try_acquire(1, 60000) ? 1 : 0; });
  w.Spawn([&] { got += s.try_acquire_for(2, 60s) ? 1 : 0; });
  w.Spawn([&] { got += s.try_acquire_until(3, Clock::now() + 60s) ? 1 : 0; });
  w.Spawn([&] { got += s.try_acquire_until(2, SysClock::now() + 60s) ? 1 : 0; });
  w.WaitUntilAsleep();
  const Clock::time_point start = Clock::now();
  s.release(8);
  EXPECT_TRUE(w.WaitAllDone(kLiveness)) << w.done() << " of 4 timed waiters returned";
  EXPECT_LT(Clock::now() - start, kLiveness);
  w.Finish();
  EXPECT_EQ(got.load(), 4);
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: tryAcquireWithTimeoutStarvation ----------------------------------------------------

// QTBUG-11500: a timed multi-token waiter must time out although another thread keeps taking and
// returning the single token (each return wakes it); the timeout is a deadline, not restarted.
TYPED_TEST(SemaphoreTest, TimedMultiTokenWaiterTimesOutUnderSingleTokenChurn) {
  TypeParam s(1);
  std::atomic<bool> stop{false};
  std::atomic<long> rounds{0};
  std::atomic<bool> consumer_failed{false};
  std::thread consumer([&] {
    while (!stop.load()) {
      if (!s.try_acquire(1, 1000)) {
        consumer_failed = true;
        return;
      }
      s.release(1);
      rounds.fetch_add(1);
    }
  });
  while (rounds.load() == 0) std::this_thread::sleep_for(1ms);

  const Clock::duration timeout = 300ms;
  std::atomic<bool> got{true};
  std::atomic<long> rounds_during{0};
  Clock::duration elapsed{};
  Workers w([&] { s.release(2); });
  w.Spawn([&] {
    const long rounds_before = rounds.load();
    const Clock::time_point start = Clock::now();
    got = s.try_acquire(2, 300);
    elapsed = Clock::now() - start;
    rounds_during = rounds.load() - rounds_before;
  });
  const bool returned = w.WaitAllDone(timeout + kLate + kLate);
  stop = true;
  consumer.join();
  EXPECT_TRUE(returned) << "try_acquire(2, 300) starved: no return while the token churned";
  w.Finish();
  if (returned) {
    EXPECT_FALSE(got.load());
    EXPECT_GE(elapsed, timeout) << "returned early: " << Ms(elapsed) << " ms";
    EXPECT_LE(elapsed, timeout + kLate) << "returned late: " << Ms(elapsed) << " ms";
    EXPECT_GT(rounds_during.load(), 0) << "the consumer did not churn during the wait";
    EXPECT_EQ(s.available(), 1);
  }
  EXPECT_FALSE(consumer_failed.load()) << "the churning thread's own try_acquire(1, 1000) failed";
}

// ---- Qt: tryAcquireWithTimeoutForever -------------------------------------------------------

// QTBUG-64413: any negative timeout, INT_MIN included, means wait forever.
TYPED_TEST(SemaphoreTest, NegativeTimeoutWaitsForever) {
  for (const int timeout_ms : {-1, INT_MIN}) {
    SCOPED_TRACE("timeout " + std::to_string(timeout_ms));
    TypeParam s;
    s.release(11);
    EXPECT_TRUE(s.try_acquire(1, timeout_ms));
    EXPECT_TRUE(s.try_acquire(10, timeout_ms));
    EXPECT_EQ(s.available(), 0);

    const Clock::time_point start = Clock::now();
    std::thread helper([&s] {
      std::this_thread::sleep_for(200ms);
      s.release(2);
    });
    bool got = false;
    Clock::duration elapsed{};
    {
      Workers w([&s] { s.release(1); });
      w.Spawn([&] {
        got = s.try_acquire(1, timeout_ms);
        elapsed = Clock::now() - start;
      });
      EXPECT_TRUE(w.WaitAllDone()) << "try_acquire(1, " << timeout_ms << ") not woken";
    }
    helper.join();
    EXPECT_TRUE(got) << "returned false after " << Ms(elapsed) << " ms";
    EXPECT_GE(elapsed, 200ms) << "returned before the helper's release";
    EXPECT_EQ(s.available(), got ? 1 : 2);
  }
}

// duration::max(), durations beyond the clock's range and time_point::max() wait forever too.
TYPED_TEST(SemaphoreTest, MaxDurationsAndDeadlinesWaitForever) {
  using std::chrono::hours;
  using std::chrono::nanoseconds;
  using std::chrono::seconds;
  TypeParam s;
  std::atomic<int> got{0};
  Workers w([&] { s.release(1); });
  w.Spawn([&] { got += s.try_acquire_for(1, nanoseconds::max()); });
  w.Spawn([&] { got += s.try_acquire_for(1, milliseconds::max()); });
  w.Spawn([&] { got += s.try_acquire_for(1, hours::max()); });
  w.Spawn([&] { got += s.try_acquire_for(1, hours(24 * 365 * 1000)); });  // ~1000 years
  w.Spawn([&] { got += s.try_acquire_for(1, std::chrono::duration<double>(1e300)); });
  w.Spawn([&] { got += s.try_acquire_until(1, Clock::time_point::max()); });
  w.Spawn([&] { got += s.try_acquire_until(1, std::chrono::time_point<Clock, seconds>::max()); });
  w.Spawn([&] { got += s.try_acquire_until(1, SysClock::time_point::max()); });
  w.Spawn([&] { got += s.try_acquire(1, -1); });
  w.Spawn([&] { got += s.try_acquire(1, nanoseconds::max()); });
  w.Spawn([&] { got += s.try_acquire(1, hours(24 * 365 * 1000)); });
  w.Spawn([&] { got += s.try_acquire(1, Clock::time_point::max()); });
  const int waiters = w.spawned();
  w.WaitUntilAsleep();
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 0) << "a forever wait returned without tokens";
  s.release(waiters);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of " << waiters << " returned after release";
  w.Finish();
  EXPECT_EQ(got.load(), waiters) << "a forever wait returned false";
  EXPECT_EQ(s.available(), 0);
}

// A deadline in the past, on any clock and at any distance, means "try once": false at once
// without tokens, true with them. Negative durations likewise.
TYPED_TEST(SemaphoreTest, PastDeadlinesAndNegativeDurationsTryOnce) {
  using std::chrono::hours;
  using std::chrono::nanoseconds;
  TypeParam s;
  const Clock::time_point start = Clock::now();
  EXPECT_FALSE(s.try_acquire_until(1, Clock::time_point::min()));
  EXPECT_FALSE(s.try_acquire_until(1, Clock::time_point()));
  EXPECT_FALSE(s.try_acquire_until(1, Clock::now() - 1h));
  EXPECT_FALSE(s.try_acquire_until(1, SysClock::now() - 1h));
  EXPECT_FALSE(s.try_acquire_for(1, -1ms));
  EXPECT_FALSE(s.try_acquire_for(1, nanoseconds::min()));
  EXPECT_FALSE(s.try_acquire_for(1, hours::min()));
  EXPECT_FALSE(s.try_acquire_for(1, std::chrono::duration<double>(-1e300)));
  EXPECT_FALSE(s.try_acquire(1, -1ms));
  EXPECT_FALSE(s.try_acquire(1, hours::min()));
  EXPECT_FALSE(s.try_acquire(1, Clock::time_point::min()));
  EXPECT_FALSE(s.try_acquire(1, Clock::now() - 1h));
  EXPECT_LT(Clock::now() - start, kLate) << "a past deadline made a call wait";
  EXPECT_EQ(s.available(), 0);
  s.release(4);
  EXPECT_TRUE(s.try_acquire_until(1, Clock::time_point::min()));
  EXPECT_TRUE(s.try_acquire_until(1, SysClock::now() - 1h));
  EXPECT_TRUE(s.try_acquire_for(1, -1ms));
  EXPECT_TRUE(s.try_acquire_for(1, nanoseconds::min()));
  EXPECT_EQ(s.available(), 0);
  s.release(2);
  EXPECT_TRUE(s.try_acquire(1, -1ms));
  EXPECT_TRUE(s.try_acquire(1, Clock::time_point::min()));
  EXPECT_EQ(s.available(), 0);
}

// As above for far-past deadlines whose conversion to a steady timeout overflows a 64-bit count
// (system_clock::time_point::min(); a steady time_point in hours ~1141 years before the epoch).
// Run in a child process: an implementation with signed overflow there dies under UBSan, and one
// that wraps around waits "forever" (here until a helper releases a token after 1 s).
TYPED_TEST(SemaphoreTest, FarPastDeadlinesOfAnyClockTryOnce) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto probe = [](auto deadline) {
    TypeParam s;
    std::thread helper([&s] {
      std::this_thread::sleep_for(1s);
      s.release(1);
    });
    const Clock::time_point start = Clock::now();
    const bool got = s.try_acquire_until(1, deadline);
    const Clock::duration elapsed = Clock::now() - start;
    std::fprintf(stderr, "try_acquire_until returned %d after %.1f ms\n", got, Ms(elapsed));
    std::_Exit(got ? 1 : elapsed >= 500ms ? 2 : 0);  // without waiting for the helper
  };
  const auto sys_min = SysClock::time_point::min();
  EXPECT_EXIT(probe(sys_min), ::testing::ExitedWithCode(0), "")
      << "try_acquire_until(1, system_clock::time_point::min()) did not fail at once";
  const std::chrono::time_point<Clock, std::chrono::hours> steady_hours(
      std::chrono::hours(-10'000'000));
  EXPECT_EXIT(probe(steady_hours), ::testing::ExitedWithCode(0), "")
      << "try_acquire_until(1, time_point<steady_clock, hours>(-10^7 h)) did not fail at once";
}

// ---- Qt 6: try_acquire(n, duration), try_acquire(n, deadline), int-only milliseconds --------

// Which timeouts try_acquire(n, timeout) takes: an int number of milliseconds and nothing else
// arithmetic (a deleted overload: a long long or a double would narrow silently), any
// std::chrono::duration, a time_point on the semaphore's clock. Whether the deleted overload's
// error message names the duration overloads is checked by the semaphore_compile_fail test.
template <class Sem, class Timeout>
concept AcceptsTimeout = requires(Sem& s, Timeout t) {
  s.try_acquire(std::ptrdiff_t{1}, t);
};

template <class Sem>
constexpr bool CheckTimeoutOverloads() {
  static_assert(AcceptsTimeout<Sem, int>);
  static_assert(AcceptsTimeout<Sem, const int&>);
  static_assert(!AcceptsTimeout<Sem, long long>);
  static_assert(!AcceptsTimeout<Sem, long>);
  static_assert(!AcceptsTimeout<Sem, std::int64_t>);
  static_assert(!AcceptsTimeout<Sem, std::ptrdiff_t>);
  static_assert(!AcceptsTimeout<Sem, unsigned>);
  static_assert(!AcceptsTimeout<Sem, std::size_t>);
  static_assert(!AcceptsTimeout<Sem, short>);
  static_assert(!AcceptsTimeout<Sem, char>);
  static_assert(!AcceptsTimeout<Sem, bool>);
  static_assert(!AcceptsTimeout<Sem, double>);
  static_assert(!AcceptsTimeout<Sem, float>);
  static_assert(AcceptsTimeout<Sem, milliseconds>);
  static_assert(AcceptsTimeout<Sem, std::chrono::nanoseconds>);
  static_assert(AcceptsTimeout<Sem, std::chrono::duration<double>>);
  static_assert(AcceptsTimeout<Sem, Clock::time_point>);
  static_assert(AcceptsTimeout<Sem, std::chrono::time_point<Clock, std::chrono::seconds>>);
  static_assert(!AcceptsTimeout<Sem, SysClock::time_point>);  // try_acquire_until takes it
  // The count keeps taking any integer type, alone or with int milliseconds.
  static_assert(requires(Sem & s, long long n, unsigned u) {
    s.try_acquire(n);
    s.try_acquire(u);
    s.try_acquire(n, 5);
    s.try_acquire(u, -1);
  });
  return true;
}
static_assert(CheckTimeoutOverloads<condvar_semaphore>());
#if defined(__linux__)
static_assert(CheckTimeoutOverloads<split64_semaphore>());
static_assert(CheckTimeoutOverloads<word32_semaphore>());
#endif

// try_acquire(n, timeout) and try_acquire(n, deadline) are try_acquire_for and try_acquire_until
// by other names (the tests above run them through the same oracles); here: their errors name
// try_acquire, and a sleeping waiter of each is woken by a release before its deadline.
TYPED_TEST(SemaphoreTest, QtDurationAndDeadlineOverloads) {
  TypeParam s;
  EXPECT_NE(ThrownMessage([&] { return s.try_acquire(-1, 5ms); }).find("::try_acquire: n = -1"),
            std::string::npos)
      << ThrownMessage([&] { return s.try_acquire(-1, 5ms); });
  EXPECT_NE(
      ThrownMessage([&] { return s.try_acquire(-1, Clock::now()); }).find("::try_acquire: n = -1"),
      std::string::npos)
      << ThrownMessage([&] { return s.try_acquire(-1, Clock::now()); });

  std::atomic<int> got{0};
  Workers w([&] { s.release(3); });
  w.Spawn([&] { got += s.try_acquire(2, 60s) ? 1 : 0; });
  w.Spawn([&] { got += s.try_acquire(3, Clock::now() + 60s) ? 1 : 0; });
  w.WaitUntilAsleep();
  const Clock::time_point start = Clock::now();
  s.release(5);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of 2 timed waiters returned";
  EXPECT_LT(Clock::now() - start, kLiveness);
  w.Finish();
  EXPECT_EQ(got.load(), 2);
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: stdCompat --------------------------------------------------------------------------

TYPED_TEST(SemaphoreTest, StdCompat) {
  TypeParam s(1);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.available(), 0);
  ExpectTimesOut(s, 10ms, [&](Clock::time_point) { return s.try_acquire_for(10ms); });
  ExpectTimesOut(s, 10ms,
                 [&](Clock::time_point start) { return s.try_acquire_until(start + 10ms); });
  ExpectTimesOut(
      s, 10ms, [&](Clock::time_point) { return s.try_acquire_until(SysClock::now() + 10ms); }, 1ms);
  EXPECT_EQ(s.available(), 0);

  s.release(2);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_TRUE(s.try_acquire_for(5ms));
  EXPECT_EQ(s.available(), 0);
  ExpectTimesOut(s, 5ms, [&](Clock::time_point start) { return s.try_acquire_until(start + 5ms); });
  EXPECT_EQ(s.available(), 0);

  s.release(3);
  EXPECT_TRUE(s.try_acquire());
  ExpectQuickSuccess([&] { return s.try_acquire_for(5s); });
  ExpectQuickSuccess([&] { return s.try_acquire_until(Clock::now() + 5s); });
  EXPECT_EQ(s.available(), 0);

  s.release(2);
  ExpectQuickSuccess([&] { return s.try_acquire_until(SysClock::now() + 5s); });
  ExpectQuickSuccess([&] { return s.try_acquire_until(1, SysClock::now() + 5s); });
  EXPECT_EQ(s.available(), 0);
}

// Waiters that timed out leave nothing behind: the whole range up to max() is usable, later
// waiters are still woken, and in the futex layouts uncontended calls are syscall-free again (a
// waiter registration left behind would make every release() wake).
TYPED_TEST(SemaphoreTest, TimedOutWaitersLeaveNoTrace) {
  const std::ptrdiff_t max = TypeParam::max();
  TypeParam s;
  std::atomic<int> got{0};
  {
    Workers w;
    for (int round = 0; round < 3; ++round) {
      w.Spawn([&] { got += s.try_acquire_for(1, 30ms); });
      w.Spawn([&] { got += s.try_acquire_for(3, 30ms); });
      w.Spawn([&] { got += s.try_acquire(2, 30); });
      w.Spawn([&] { got += s.try_acquire_until(5, Clock::now() + 30ms); });
    }
    EXPECT_TRUE(w.WaitAllDone());
    w.Finish();
  }
  EXPECT_EQ(got.load(), 0);
  EXPECT_EQ(s.available(), 0);
  s.release(max);
  EXPECT_EQ(s.available(), max);
  EXPECT_TRUE(s.try_acquire(max));
  Workers w([&] { s.release(2); });
  w.Spawn([&] { s.acquire(2); });
  w.Spawn([&] { s.acquire(1); });
  w.WaitUntilAsleep();
  s.release(3);
  EXPECT_TRUE(w.WaitAllDone()) << "a waiter after timed-out ones was not woken";
  w.Finish();
  EXPECT_EQ(s.available(), 0);
  if constexpr (kUsesFutex<TypeParam>) {
    s.release(1);  // a wake-up flag may legitimately be left set: this release clears it
    s.acquire(1);
    const std::uint64_t before = futex_syscall_count();
    for (int i = 0; i < 1000; ++i) {
      s.release(1);
      s.acquire(1);
    }
    EXPECT_EQ(futex_syscall_count(), before) << "uncontended release() still wakes";
  }
}

}  // namespace
}  // namespace semfuzz::test
