// Bad input and limits, for every algorithm: negative n, n > max(), a bad initial count and a
// release past max() throw and change nothing; n == 0 is a no-op for every call; counts of
// exactly max() work, also for waiters blocked for max() tokens.
#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// ---- Bad input ------------------------------------------------------------------------------

// Every entry point rejects n < 0 and n > max() with std::invalid_argument and changes nothing;
// no n is truncated to 32 bits.
TYPED_TEST(SemaphoreTest, BadCountThrowsInvalidArgument) {
  const std::ptrdiff_t max = TypeParam::max();
  const std::ptrdiff_t bad[] = {-1,
                                -2,
                                -max,
                                -max - 1,
                                PTRDIFF_MIN,
                                max + 1,
                                max + 2,
                                std::ptrdiff_t{1} << 32,
                                (std::ptrdiff_t{1} << 32) + 1,
                                (std::ptrdiff_t{1} << 32) + 5,
                                PTRDIFF_MAX};
  for (const std::ptrdiff_t n : bad) {
    SCOPED_TRACE("n = " + std::to_string(n));
    TypeParam s(5);
    const auto far = Clock::now() + 1h;
    EXPECT_THROW((void)s.try_acquire(n), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire(n, 0), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire_for(n, 0ms), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire_for(n, -1ms), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire_until(n, Clock::now() - 1h), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire(n, 0ms), std::invalid_argument);
    EXPECT_THROW((void)s.try_acquire(n, Clock::now() - 1h), std::invalid_argument);
    EXPECT_THROW(s.release(n), std::invalid_argument);
    EXPECT_EQ(s.available(), 5);
    // The forms that may block, under a watchdog in case the check is missing.
    RunWithWatchdog("a blocking call with a bad count", [&] {
      EXPECT_THROW(s.acquire(n), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, 100), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, -1), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, INT_MIN), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire_for(n, 100ms), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire_for(n, milliseconds::max()), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire_until(n, far), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire_until(n, Clock::time_point::max()), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire_until(n, SysClock::now() + 1h), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, 100ms), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, milliseconds::max()), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, far), std::invalid_argument);
      EXPECT_THROW((void)s.try_acquire(n, Clock::time_point::max()), std::invalid_argument);
    });
    EXPECT_EQ(s.available(), 5);
  }
}

TYPED_TEST(SemaphoreTest, ConstructorRejectsBadInitialCount) {
  const std::ptrdiff_t max = TypeParam::max();
  for (const std::ptrdiff_t n :
       {std::ptrdiff_t{-1}, -max - 1, PTRDIFF_MIN, max + 1, std::ptrdiff_t{1} << 32,
        (std::ptrdiff_t{1} << 32) + 3, PTRDIFF_MAX}) {
    SCOPED_TRACE("initial = " + std::to_string(n));
    EXPECT_THROW(TypeParam{n}, std::invalid_argument);
  }
  EXPECT_EQ(TypeParam{0}.available(), 0);
  EXPECT_EQ(TypeParam{}.available(), 0);
  EXPECT_EQ(TypeParam{max}.available(), max);
}

// A release that would push the count past max() throws std::overflow_error and adds nothing.
TYPED_TEST(SemaphoreTest, ReleaseOverflowThrowsAndChangesNothing) {
  const std::ptrdiff_t max = TypeParam::max();
  {
    TypeParam s(max);
    EXPECT_THROW(s.release(1), std::overflow_error);
    EXPECT_EQ(s.available(), max);
    EXPECT_THROW(s.release(max), std::overflow_error);
    EXPECT_EQ(s.available(), max);
    s.release(0);
    EXPECT_EQ(s.available(), max);
  }
  {
    TypeParam s(max - 5);
    EXPECT_THROW(s.release(6), std::overflow_error);
    EXPECT_EQ(s.available(), max - 5);
    EXPECT_THROW(s.release(max), std::overflow_error);
    EXPECT_EQ(s.available(), max - 5);
    s.release(5);
    EXPECT_EQ(s.available(), max);
    EXPECT_THROW(s.release(1), std::overflow_error);
    EXPECT_EQ(s.available(), max);
  }
  {
    TypeParam s(1);
    EXPECT_THROW(s.release(max), std::overflow_error);
    EXPECT_EQ(s.available(), 1);
    s.release(max - 1);
    EXPECT_EQ(s.available(), max);
  }
  {
    TypeParam s;
    s.release(max);
    EXPECT_THROW(s.release(1), std::overflow_error);
    EXPECT_EQ(s.available(), max);
    EXPECT_TRUE(s.try_acquire(max));
    EXPECT_EQ(s.available(), 0);
  }
}

// The errors' texts name the call, the count and the limit it broke, in full.
TYPED_TEST(SemaphoreTest, ErrorMessagesNameTheCallAndTheCount) {
  TypeParam s(7);
  EXPECT_EQ(ThrownMessage([&] { s.release(-3); }),
            "semfuzz::semaphore::release: n = -3 is negative");
  EXPECT_EQ(ThrownMessage([&] { (void)s.try_acquire(PTRDIFF_MIN); }),
            "semfuzz::semaphore::try_acquire: n = -9223372036854775808 is negative");
  // A call that cannot block: with the check missing, acquire() would hang the test.
  EXPECT_EQ(ThrownMessage([&] { (void)s.try_acquire(PTRDIFF_MAX); }),
            "semfuzz::semaphore::try_acquire: n = 9223372036854775807 exceeds max() = 2147483647");
  EXPECT_EQ(ThrownMessage([&] { s.release(TypeParam::max()); }),
            "semfuzz::semaphore::release: 2147483647 more tokens would overflow the counter "
            "(available 7, max() 2147483647)");
  EXPECT_EQ(s.available(), 7);
}

// n == 0 succeeds at once for every call, whatever the count, and changes nothing.
TYPED_TEST(SemaphoreTest, ZeroCountIsANoOp) {
  for (const std::ptrdiff_t initial : {std::ptrdiff_t{0}, std::ptrdiff_t{3}, TypeParam::max()}) {
    SCOPED_TRACE("initial = " + std::to_string(initial));
    TypeParam s(initial);
    RunWithWatchdog("a call with n == 0", [&] {
      const Clock::time_point start = Clock::now();
      s.acquire(0);
      EXPECT_TRUE(s.try_acquire(0));
      EXPECT_TRUE(s.try_acquire(0, 0));
      EXPECT_TRUE(s.try_acquire(0, 60000));
      EXPECT_TRUE(s.try_acquire(0, -1));
      EXPECT_TRUE(s.try_acquire(0, INT_MIN));
      EXPECT_TRUE(s.try_acquire_for(0, 0ms));
      EXPECT_TRUE(s.try_acquire_for(0, -1ms));
      EXPECT_TRUE(s.try_acquire_for(0, 1h));
      EXPECT_TRUE(s.try_acquire_for(0, std::chrono::nanoseconds::max()));
      EXPECT_TRUE(s.try_acquire_until(0, Clock::now() - 1h));
      EXPECT_TRUE(s.try_acquire_until(0, Clock::now() + 1h));
      EXPECT_TRUE(s.try_acquire_until(0, Clock::time_point::max()));
      EXPECT_TRUE(s.try_acquire_until(0, SysClock::now() + 1h));
      EXPECT_TRUE(s.try_acquire_until(0, SysClock::now() - 1h));
      EXPECT_TRUE(s.try_acquire(0, -1ms));
      EXPECT_TRUE(s.try_acquire(0, 1h));
      EXPECT_TRUE(s.try_acquire(0, std::chrono::nanoseconds::max()));
      EXPECT_TRUE(s.try_acquire(0, Clock::now() - 1h));
      EXPECT_TRUE(s.try_acquire(0, Clock::time_point::max()));
      s.release(0);
      EXPECT_LT(Clock::now() - start, kLate) << "a call with n == 0 waited";
    });
    EXPECT_EQ(s.available(), initial);
  }
}

// Counts of exactly max() work for every call.
TYPED_TEST(SemaphoreTest, CountsAtExactlyMax) {
  const std::ptrdiff_t max = TypeParam::max();
  TypeParam s;
  s.release(max);
  EXPECT_EQ(s.available(), max);
  RunWithWatchdog("acquire(max()) at max()", [&] { s.acquire(max); });
  EXPECT_EQ(s.available(), 0);
  s.release(max - 1);
  s.release(1);
  EXPECT_EQ(s.available(), max);
  EXPECT_TRUE(s.try_acquire(max));
  EXPECT_EQ(s.available(), 0);
  s.release(max);
  EXPECT_TRUE(s.try_acquire(max, 0));
  s.release(max);
  EXPECT_TRUE(s.try_acquire(max, 1000));
  s.release(max);
  EXPECT_TRUE(s.try_acquire(max, -1));
  s.release(max);
  EXPECT_TRUE(s.try_acquire_for(max, 1s));
  s.release(max);
  EXPECT_TRUE(s.try_acquire_until(max, Clock::now() + 1s));
  s.release(max);
  EXPECT_TRUE(s.try_acquire_until(max, SysClock::now() + 1s));
  s.release(max);
  EXPECT_TRUE(s.try_acquire(max, 1s));
  s.release(max);
  EXPECT_TRUE(s.try_acquire(max, Clock::now() + 1s));
  EXPECT_EQ(s.available(), 0);

  TypeParam almost(max - 1);
  EXPECT_FALSE(almost.try_acquire(max));
  EXPECT_FALSE(almost.try_acquire(max, 0));
  ExpectTimesOut(almost, 20ms,
                 [&](Clock::time_point) { return almost.try_acquire_for(max, 20ms); });
  EXPECT_EQ(almost.available(), max - 1);
  almost.release(1);
  EXPECT_TRUE(almost.try_acquire(max));
  EXPECT_EQ(almost.available(), 0);

  TypeParam full(max);
  RunWithWatchdog("acquire(max()) at max()", [&] { full.acquire(max); });
  EXPECT_EQ(full.available(), 0);
}

// A waiter for a count near max() is served by the release that brings the count there: blocked
// waiters do not count against max(), in any layout.
TYPED_TEST(SemaphoreTest, WaitersNearMax) {
  const std::ptrdiff_t max = TypeParam::max();
  {
    SCOPED_TRACE("acquire(max() - 10) from max() - 11, then release(11)");
    TypeParam s(max - 11);
    Workers w([&] { s.release(1); });
    w.Spawn([&] { s.acquire(max - 10); });
    w.WaitUntilAsleep();
    EXPECT_EQ(w.done(), 0);
    s.release(11);  // brings the count to exactly max()
    EXPECT_TRUE(w.WaitAllDone()) << "the waiter for max() - 10 was not woken";
    w.Finish();
    EXPECT_EQ(s.available(), 10);
  }
  {
    SCOPED_TRACE("acquire(max()) and try_acquire_for(max(), 1 min) from max() - 1");
    TypeParam s(max - 1);
    std::atomic<bool> timed_got{false};
    Workers w([&] { s.release(1); });
    w.Spawn([&] { s.acquire(max); });
    w.Spawn([&] { timed_got = s.try_acquire_for(max, std::chrono::minutes(1)); });
    w.WaitUntilAsleep();
    EXPECT_EQ(w.done(), 0);
    EXPECT_THROW(s.release(2), std::overflow_error);
    EXPECT_EQ(s.available(), max - 1);
    s.release(1);
    EXPECT_TRUE(w.WaitDone(1)) << "neither waiter for max() was woken";
    std::this_thread::sleep_for(kNotYet);
    EXPECT_EQ(w.done(), 1) << "two waiters for max() both got their tokens";
    EXPECT_EQ(s.available(), 0);
    s.release(max);
    EXPECT_TRUE(w.WaitAllDone()) << "the second waiter for max() was not woken";
    w.Finish();
    EXPECT_TRUE(timed_got.load());
    EXPECT_EQ(s.available(), 0);
  }
}

}  // namespace
}  // namespace semfuzz::test
