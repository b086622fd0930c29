// Unit tests for semfuzz::semaphore: one typed suite, run for every algorithm.
//
// What is covered:
//   * the behaviours checked by Qt's tst_qsemaphore.cpp (acquire, multiRelease,
//     multiAcquireRelease, tryAcquire, tryAcquireWithTimeout, tryAcquireWithTimeoutStarvation,
//     tryAcquireWithTimeoutForever, producerConsumer, stdCompat);
//   * glibc-style mutual exclusion on a plain counter (memory ordering, checked by TSan);
//   * every bad input (negative n, n > max(), bad initial count, release overflow) and n == 0;
//   * counts at exactly max(), with waiters blocked for max() tokens;
//   * a release of n wakes min(n, sleepers), and no more finish than that;
//   * no futex system call on uncontended paths (futex algorithms);
//   * destroying the semaphore right after the last acquire, while release() may not have
//     returned (ASan reports a use-after-free, the reuse variant reports a stray write);
//   * deadlines: never early, not hugely late, negative/max()/far-future means forever,
//     far-past means try once, on steady_clock and on other clocks.
//
// Timing rules: a wait that must time out is checked against an exact lower bound (the semaphore
// never returns early) and a generous upper bound (timeout + kLate). Something that must happen
// gets kLiveness. Something that must NOT happen is watched for kNotYet. Most blocking scenarios
// run on worker threads, so that a broken semaphore makes a test fail (the workers are then
// rescued with extra tokens, or the binary aborts with a message) instead of hanging.
#include "semfuzz/semaphore.h"

#include <gtest/gtest.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <atomic>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#if defined(__linux__)
#include "semfuzz/platform/linux_futex.h"
#endif

#if defined(__SANITIZE_THREAD__)
#define SEMFUZZ_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SEMFUZZ_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SEMFUZZ_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEMFUZZ_TEST_ASAN 1
#endif
#endif
#ifndef SEMFUZZ_TEST_TSAN
#define SEMFUZZ_TEST_TSAN 0
#endif
#ifndef SEMFUZZ_TEST_ASAN
#define SEMFUZZ_TEST_ASAN 0
#endif

namespace semfuzz {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;
using std::chrono::milliseconds;

constexpr bool kSanitized = SEMFUZZ_TEST_TSAN || SEMFUZZ_TEST_ASAN;
constexpr bool kTsan = SEMFUZZ_TEST_TSAN;

// Time allowed for anything that must happen (a wake-up, a thread finishing).
constexpr Clock::duration kLiveness = 30s;
// How late a timed-out wait may return (its lower bound is exact).
constexpr Clock::duration kLate = 2s;
// How long we watch that something does not happen.
constexpr Clock::duration kNotYet = 300ms;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---------------------------------------------------------------------------------------------
// Threads

#if defined(__linux__)
constexpr bool kCanSeeThreadState = true;
long CurrentTid() { return ::syscall(SYS_gettid); }
#else
constexpr bool kCanSeeThreadState = false;
long CurrentTid() { return 1; }
#endif

// The scheduler state of one of our threads ('S' = sleeping), or '?' when it is gone.
char ThreadState(long tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '?';
  const std::size_t paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return '?';
  return line[paren + 2];
}

// Runs callables on threads, counts the ones that returned, and joins them. A callable that
// throws is recorded as a test failure.
class Workers {
 public:
  // rescue, if given, is what Finish() calls to unblock workers (usually a release).
  explicit Workers(std::function<void()> rescue = nullptr) : rescue_(std::move(rescue)) {}
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  ~Workers() { Finish(); }

  template <class F>
  void Spawn(F f) {
    auto tid = std::make_shared<std::atomic<long>>(0);
    tids_.push_back(tid);
    threads_.emplace_back([this, tid, f = std::move(f)]() mutable {
      tid->store(CurrentTid(), std::memory_order_release);
      try {
        f();
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        errors_.push_back(e.what());
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        errors_.push_back("unknown exception");
      }
      tid->store(kFinished, std::memory_order_release);
      done_.fetch_add(1, std::memory_order_acq_rel);
    });
  }

  int spawned() const { return static_cast<int>(threads_.size()); }
  int done() const { return done_.load(std::memory_order_acquire); }

  // Waits until at least n callables have returned; false if that takes longer than limit.
  bool WaitDone(int n, Clock::duration limit = kLiveness) const {
    const auto give_up = Clock::now() + limit;
    while (done() < n) {
      if (Clock::now() > give_up) return false;
      std::this_thread::sleep_for(200us);
    }
    return true;
  }
  bool WaitAllDone(Clock::duration limit = kLiveness) const { return WaitDone(spawned(), limit); }

  // Waits (best effort, up to kLiveness) until every unfinished worker sleeps in the kernel, so
  // that what follows exercises the wake-up path rather than the fast path.
  void WaitUntilAsleep() const {
    if (!kCanSeeThreadState) {
      std::this_thread::sleep_for(200ms);
      return;
    }
    const auto give_up = Clock::now() + kLiveness;
    for (int stable = 0; stable < 3 && Clock::now() < give_up;) {
      bool all = true;
      for (const auto& tid : tids_) {
        const long t = tid->load(std::memory_order_acquire);
        if (t == kFinished) continue;
        if (t == 0) {
          all = false;
          break;
        }
        const char state = ThreadState(t);
        if (state != 'S' && state != '?') {
          all = false;
          break;
        }
      }
      stable = all ? stable + 1 : 0;
      std::this_thread::sleep_for(all ? 5ms : 1ms);
    }
  }

  // Joins every worker. While some are still blocked (the test has failed), calls the rescue
  // every few milliseconds; gives up with abort() after a minute, since a thread blocked forever
  // cannot be joined. Also run by the destructor, so an ASSERT_* may leave the test early.
  void Finish() {
    const auto give_up = Clock::now() + 60s;
    while (done() < spawned()) {
      if (rescue_) {
        try {
          rescue_();
        } catch (...) {
        }
      }
      if (Clock::now() > give_up) {
        std::fprintf(stderr, "semaphore_test: %d worker(s) still blocked after rescue; abort\n",
                     spawned() - done());
        std::abort();
      }
      std::this_thread::sleep_for(2ms);
    }
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& e : errors_) ADD_FAILURE() << "worker threw: " << e;
    errors_.clear();
  }

 private:
  static constexpr long kFinished = -1;  // tid slot of a worker whose callable returned

  std::function<void()> rescue_;
  std::vector<std::thread> threads_;
  std::vector<std::shared_ptr<std::atomic<long>>> tids_;
  std::atomic<int> done_{0};
  std::mutex mutex_;
  std::vector<std::string> errors_;
};

// Runs fn on a thread. If it has not returned after kLiveness, reports that and aborts: fn is
// blocked in the semaphore and nothing can unblock it.
template <class F>
void RunWithWatchdog(const char* what, F fn) {
  Workers w;
  w.Spawn(std::move(fn));
  if (!w.WaitAllDone()) {
    std::fprintf(stderr, "semaphore_test: %s blocked for %.0f ms; abort\n", what, Ms(kLiveness));
    std::abort();
  }
  w.Finish();
}

// ---------------------------------------------------------------------------------------------
// Timed calls

// Calls call(start), start being read just before, and expects it to fail no earlier than
// start + timeout and no later than start + timeout + kLate, leaving available() unchanged.
// `early_slack` is 0 except where the deadline is on another clock. The call runs on a worker,
// so that one that never returns fails the test (and is then released) instead of hanging it.
template <class Sem, class Call>
void ExpectTimesOut(Sem& s, Clock::duration timeout, const Call& call,
                    Clock::duration early_slack = Clock::duration::zero()) {
  const std::ptrdiff_t before = s.available();
  bool got = true;
  Clock::duration elapsed{};
  {
    Workers w([&s] { s.release(1); });
    w.Spawn([&] {
      const Clock::time_point start = Clock::now();
      got = call(start);
      elapsed = Clock::now() - start;
    });
    if (!w.WaitAllDone(timeout + 2 * kLate)) {
      ADD_FAILURE() << "a call with a " << Ms(timeout) << " ms timeout did not return";
      return;  // ~Workers releases tokens until it does
    }
  }
  EXPECT_FALSE(got) << "succeeded though only " << before << " tokens were there";
  EXPECT_GE(elapsed, timeout - early_slack)
      << "returned early: after " << Ms(elapsed) << " ms of " << Ms(timeout) << " ms";
  EXPECT_LE(elapsed, timeout + kLate)
      << "returned late: after " << Ms(elapsed) << " ms of " << Ms(timeout) << " ms";
  EXPECT_EQ(s.available(), before) << "a failed acquire changed the count";
}

// Calls call() and expects true at once: well within kLate, far shorter than the (long) timeout
// that call() passes, so waiting for that timeout would show.
template <class Call>
void ExpectQuickSuccess(const Call& call) {
  const Clock::time_point start = Clock::now();
  const bool got = call();
  const Clock::duration elapsed = Clock::now() - start;
  EXPECT_TRUE(got);
  EXPECT_LT(elapsed, kLate) << "waited " << Ms(elapsed) << " ms though the tokens were there";
}

// ---------------------------------------------------------------------------------------------
// The suite

template <class Sem>
class SemaphoreTest : public ::testing::Test {};

#if defined(__linux__)
using Algorithms = ::testing::Types<split64_semaphore, word32_semaphore, condvar_semaphore>;
template <class Sem>
constexpr bool kUsesFutex = std::is_same_v<typename Sem::platform_type, linux_futex_platform>;
#else
using Algorithms = ::testing::Types<condvar_semaphore>;
template <class Sem>
constexpr bool kUsesFutex = false;
#endif

class AlgorithmNames {
 public:
  template <class Sem>
  static std::string GetName(int) {
#if defined(__linux__)
    if (std::is_same_v<Sem, split64_semaphore>) return "split64";
    if (std::is_same_v<Sem, word32_semaphore>) return "word32";
#endif
    return "condvar";
  }
};

TYPED_TEST_SUITE(SemaphoreTest, Algorithms, AlgorithmNames);

// ---- Qt tst_qsemaphore: acquire ------------------------------------------------------------

// Qt acquire (a): 1 token, two threads x 100 acquire/release. Mutual exclusion, no lost wake.
TYPED_TEST(SemaphoreTest, AcquireOneTokenTwoThreads) {
  TypeParam s(1);
  std::atomic<int> holders{0};
  std::atomic<int> overlaps{0};
  int counter = 0;  // plain: guarded by the semaphore
  Workers w([&] { s.release(); });
  for (int t = 0; t < 2; ++t) {
    w.Spawn([&] {
      for (int i = 0; i < 100; ++i) {
        s.acquire();
        if (holders.fetch_add(1) != 0) overlaps.fetch_add(1);
        ++counter;
        std::this_thread::yield();
        holders.fetch_sub(1);
        s.release();
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone()) << "a thread stayed blocked: lost wake-up";
  w.Finish();
  EXPECT_EQ(overlaps.load(), 0) << "two threads held the only token";
  EXPECT_EQ(counter, 200);
  EXPECT_EQ(s.available(), 1);
}

// Qt acquire (b): 4 tokens, ThreadN(2) and ThreadN(3): multi-token waiters hand tokens back and
// forth and never hold at the same time (2 + 3 > 4).
TYPED_TEST(SemaphoreTest, AcquireMultiTokenThreadsTwoAndThree) {
  TypeParam s(4);
  std::atomic<int> held{0};
  std::atomic<int> overcommits{0};
  int counter = 0;  // plain: the two threads exclude each other
  Workers w([&] { s.release(3); });
  for (int n : {2, 3}) {
    w.Spawn([&, n] {
      for (int i = 0; i < 100; ++i) {
        s.acquire(n);
        if (held.fetch_add(n) + n > 4) overcommits.fetch_add(1);
        ++counter;
        std::this_thread::yield();
        held.fetch_sub(n);
        s.release(n);
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone()) << "a multi-token waiter stayed blocked: lost wake-up";
  w.Finish();
  EXPECT_EQ(overcommits.load(), 0) << "more than 4 tokens were held at once";
  EXPECT_EQ(counter, 200);
  EXPECT_EQ(s.available(), 4);
}

// Qt acquire (c): single-threaded accounting.
TYPED_TEST(SemaphoreTest, AcquireAccountingSequence) {
  TypeParam s;
  EXPECT_EQ(s.available(), 0);
  s.release();
  EXPECT_EQ(s.available(), 1);
  s.release();
  EXPECT_EQ(s.available(), 2);
  s.release(10);
  EXPECT_EQ(s.available(), 12);
  s.release(10);
  EXPECT_EQ(s.available(), 22);
  s.acquire();
  EXPECT_EQ(s.available(), 21);
  s.acquire();
  EXPECT_EQ(s.available(), 20);
  s.acquire(10);
  EXPECT_EQ(s.available(), 10);
  s.acquire(10);
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: multiRelease, multiAcquireRelease --------------------------------------------------

// Qt multiRelease: 4 threads sleep in acquire(1); one release(4) wakes all of them.
TYPED_TEST(SemaphoreTest, MultiReleaseWakesEverySingleTokenWaiter) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) w.Spawn([&] { s.acquire(1); });
  w.WaitUntilAsleep();
  s.release(4);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of 4 waiters returned after release(4)";
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// Qt multiAcquireRelease: 4 threads acquire(1) then release(1); one token passes like a baton,
// so each woken thread's release must wake the next sleeper.
TYPED_TEST(SemaphoreTest, MultiAcquireReleaseBaton) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) {
    w.Spawn([&] {
      s.acquire(1);
      s.release(1);
    });
  }
  w.WaitUntilAsleep();
  s.release(1);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of 4 threads got the baton";
  w.Finish();
  EXPECT_EQ(s.available(), 1);
}

// ---- Qt: tryAcquire -------------------------------------------------------------------------

// Qt tryAcquire: n > available() fails and takes nothing; a timeout of 0 (and a deadline already
// passed) behaves exactly like the non-blocking form.
TYPED_TEST(SemaphoreTest, TryAcquireTable) {
  TypeParam s;
  const auto expect_refused = [&s](std::ptrdiff_t n) {
    SCOPED_TRACE("n = " + std::to_string(n) + ", available " + std::to_string(s.available()));
    const std::ptrdiff_t before = s.available();
    EXPECT_FALSE(s.try_acquire(n));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire(n, 0));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire_for(n, 0ms));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire_until(n, Clock::now() - 1ms));
    EXPECT_EQ(s.available(), before);
  };
  s.release();
  expect_refused(2);
  EXPECT_EQ(s.available(), 1);
  s.release();
  expect_refused(3);
  EXPECT_EQ(s.available(), 2);
  s.release(10);
  expect_refused(100);
  EXPECT_EQ(s.available(), 12);
  s.release(10);
  expect_refused(100);
  EXPECT_EQ(s.available(), 22);

  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.available(), 21);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.available(), 20);
  s.release(2);
  EXPECT_TRUE(s.try_acquire(1, 0));
  EXPECT_EQ(s.available(), 21);
  EXPECT_TRUE(s.try_acquire(1, 0));
  EXPECT_EQ(s.available(), 20);
  EXPECT_TRUE(s.try_acquire(10));
  EXPECT_EQ(s.available(), 10);
  s.release(10);
  EXPECT_TRUE(s.try_acquire(10, 0));
  EXPECT_EQ(s.available(), 10);
  EXPECT_TRUE(s.try_acquire(10));
  EXPECT_EQ(s.available(), 0);

  expect_refused(1);
  expect_refused(10);
  EXPECT_EQ(s.available(), 0);

  // A present token beats a zero timeout or a passed deadline.
  s.release(3);
  EXPECT_TRUE(s.try_acquire_for(1, 0ms));
  EXPECT_TRUE(s.try_acquire_until(1, Clock::now() - 1h));
  EXPECT_TRUE(s.try_acquire_until(1, SysClock::now() - 1h));
  EXPECT_EQ(s.available(), 0);
}

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
  EXPECT_LT(Clock::now() - start, kLate) << "a past deadline made a call wait";
  EXPECT_EQ(s.available(), 0);
  s.release(4);
  EXPECT_TRUE(s.try_acquire_until(1, Clock::time_point::min()));
  EXPECT_TRUE(s.try_acquire_until(1, SysClock::now() - 1h));
  EXPECT_TRUE(s.try_acquire_for(1, -1ms));
  EXPECT_TRUE(s.try_acquire_for(1, nanoseconds::min()));
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

// ---- Qt: producerConsumer -------------------------------------------------------------------

// A 4096-slot ring, 3*7*4096*10 bytes: phase 1 one token at a time, phase 2 producer chunks of 3
// (timed) and consumer chunks of 7. Every byte is checked: release -> acquire orders the data.
TYPED_TEST(SemaphoreTest, ProducerConsumerRing) {
  constexpr int kBufferSize = 4096;
  constexpr int kDataSize = 3 * 7 * kBufferSize * 10;  // 860160
  constexpr int kMinute = 60 * 1000;
  std::vector<char> buffer(kBufferSize, 0);  // plain memory, ordered by the semaphores only
  const auto pattern1 = [](int i) { return static_cast<char>('a' + i % 23); };
  const auto pattern2 = [](int i) { return static_cast<char>('A' + i % 19); };

  for (int phase = 1; phase <= 2; ++phase) {
    SCOPED_TRACE("phase " + std::to_string(phase));
    TypeParam free_space(kBufferSize);
    TypeParam used_space(0);
    std::atomic<bool> producer_timed_out{false};
    std::atomic<long> mismatches{0};
    Workers w([&] { used_space.release(7); });
    w.Spawn([&] {  // producer
      if (phase == 1) {
        for (int i = 0; i < kDataSize; ++i) {
          if (!free_space.try_acquire(1, kMinute)) {
            producer_timed_out = true;
            return;
          }
          buffer[i % kBufferSize] = pattern1(i);
          used_space.release();
        }
      } else {
        for (int i = 0; i < kDataSize; i += 3) {
          if (!free_space.try_acquire(3, kMinute)) {
            producer_timed_out = true;
            return;
          }
          for (int j = i; j < i + 3; ++j) buffer[j % kBufferSize] = pattern2(j);
          used_space.release(3);
        }
      }
    });
    w.Spawn([&] {  // consumer
      long bad = 0;
      if (phase == 1) {
        for (int i = 0; i < kDataSize; ++i) {
          used_space.acquire();
          if (buffer[i % kBufferSize] != pattern1(i)) ++bad;
          free_space.release();
        }
      } else {
        for (int i = 0; i < kDataSize; i += 7) {
          used_space.acquire(7);
          for (int j = i; j < i + 7; ++j) {
            if (buffer[j % kBufferSize] != pattern2(j)) ++bad;
          }
          free_space.release(7);
        }
      }
      mismatches = bad;
    });
    EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "producer/consumer deadlock";
    w.Finish();
    EXPECT_FALSE(producer_timed_out.load()) << "producer's try_acquire(n, 1 minute) timed out";
    EXPECT_EQ(mismatches.load(), 0) << "the consumer read bytes the producer had not written";
    EXPECT_EQ(used_space.available(), 0);
    EXPECT_EQ(free_space.available(), kBufferSize);
  }
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

// ---- glibc-style mutual exclusion -----------------------------------------------------------

// 10 threads x 100k (20k under sanitizers) acquire / ++c / release on a 1-token semaphore; c is
// a plain int, so a missing acquire/release ordering is a data race (TSan) or a lost update.
TYPED_TEST(SemaphoreTest, MutualExclusionPlainCounter) {
  constexpr int kThreads = 10;
  constexpr int kIterations = kSanitized ? 20'000 : 100'000;
  TypeParam s(1);
  int c = 0;
  Workers w([&] { s.release(); });
  for (int t = 0; t < kThreads; ++t) {
    w.Spawn([&] {
      for (int i = 0; i < kIterations; ++i) {
        s.acquire();
        ++c;
        s.release();
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "lost wake-up: " << w.done() << " threads finished";
  w.Finish();
  EXPECT_EQ(c, kThreads * kIterations);
  EXPECT_EQ(s.available(), 1);
}

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

// ---- Wake-ups -------------------------------------------------------------------------------

// release(n) with k sleepers in acquire(1) lets exactly min(n, k) of them return.
TYPED_TEST(SemaphoreTest, ReleaseWakesMinOfNAndSleepers) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) w.Spawn([&] { s.acquire(1); });
  w.WaitUntilAsleep();
  s.release(2);
  ASSERT_TRUE(w.WaitDone(2)) << "release(2) woke only " << w.done() << " of 4 sleepers";
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2) << "release(2) let more than 2 waiters return";
  EXPECT_EQ(s.available(), 0);
  s.release(2);
  EXPECT_TRUE(w.WaitAllDone()) << "the second release(2) freed " << w.done() << " of 4";
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// The same for multi-token sleepers: release(4) with three acquire(2) sleepers frees exactly two.
TYPED_TEST(SemaphoreTest, ReleaseWakesAsManyMultiTokenWaitersAsItSatisfies) {
  TypeParam s;
  Workers w([&] { s.release(2); });
  for (int t = 0; t < 3; ++t) w.Spawn([&] { s.acquire(2); });
  w.WaitUntilAsleep();
  s.release(4);
  ASSERT_TRUE(w.WaitDone(2)) << "release(4) freed only " << w.done() << " of 3 acquire(2)";
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2);
  EXPECT_EQ(s.available(), 0);
  s.release(1);
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2) << "acquire(2) returned with 1 token";
  EXPECT_EQ(s.available(), 1);
  s.release(1);
  EXPECT_TRUE(w.WaitAllDone());
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// Sleepers wanting 1, 2, 3, 5 and 7 tokens (18 in all) are all served when 18 tokens arrive,
// at once or one at a time: no wake-up is lost whatever the mix.
TYPED_TEST(SemaphoreTest, MixedMultiTokenWaitersAllServed) {
  for (const bool one_at_a_time : {false, true}) {
    SCOPED_TRACE(one_at_a_time ? "18 x release(1)" : "release(18)");
    TypeParam s;
    Workers w([&] { s.release(7); });
    for (int n : {1, 2, 3, 5, 7}) w.Spawn([&s, n] { s.acquire(n); });
    w.WaitUntilAsleep();
    if (one_at_a_time) {
      for (int i = 0; i < 18; ++i) s.release(1);
    } else {
      s.release(18);
    }
    ASSERT_TRUE(w.WaitAllDone()) << w.done() << " of 5 waiters served";
    w.Finish();
    EXPECT_EQ(s.available(), 0);
  }
}

// A sleeping multi-token waiter must not absorb the wake-up of a release that only a
// single-token waiter can use: acquire(2) sleeps first, then acquire(1); release(1) serves the
// latter (a futex wakes sleepers of one word in FIFO order, so a design where both sleep on the
// same word and a release wakes only n of them loses this wake-up).
TYPED_TEST(SemaphoreTest, MultiTokenSleeperDoesNotStealSingleTokenWake) {
  TypeParam s;
  std::atomic<bool> single_done{false};
  std::atomic<bool> multi_done{false};
  Workers multi([&] { s.release(2); });
  multi.Spawn([&] {
    s.acquire(2);
    multi_done = true;
  });
  multi.WaitUntilAsleep();
  Workers single([&] { s.release(1); });
  single.Spawn([&] {
    s.acquire(1);
    single_done = true;
  });
  single.WaitUntilAsleep();
  s.release(1);
  EXPECT_TRUE(single.WaitAllDone()) << "release(1) did not serve the single-token sleeper";
  single.Finish();
  EXPECT_FALSE(multi_done.load()) << "acquire(2) returned with 1 token released";
  s.release(2);
  EXPECT_TRUE(multi.WaitAllDone()) << "release(2) did not serve the acquire(2) sleeper";
  multi.Finish();
  EXPECT_TRUE(single_done.load());
  EXPECT_EQ(s.available(), 0);
}

// Two threads pass 2 tokens back and forth through two semaphores, many times: every hand-off
// races a release against a multi-token waiter between its check and its sleep, where a wake-up
// can be lost (the ABA that split64's release sequence prevents).
TYPED_TEST(SemaphoreTest, MultiTokenPingPong) {
  constexpr int kRounds = kSanitized ? 5'000 : 50'000;
  TypeParam ping;
  TypeParam pong;
  Workers w([&] {
    ping.release(2);
    pong.release(2);
  });
  w.Spawn([&] {
    for (int i = 0; i < kRounds; ++i) {
      ping.acquire(2);
      pong.release(2);
    }
  });
  w.Spawn([&] {
    for (int i = 0; i < kRounds; ++i) {
      pong.acquire(2);
      ping.release(2);
    }
  });
  ping.release(2);
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "a hand-off was lost";
  w.Finish();
  EXPECT_EQ(ping.available(), 2);
  EXPECT_EQ(pong.available(), 0);
}

// Threads mixing every call with random counts conserve the tokens and never hang.
TYPED_TEST(SemaphoreTest, MixedLoadConservesTokens) {
  constexpr int kThreads = 4;
  constexpr int kIterations = kSanitized ? 2'000 : 10'000;
  TypeParam s(8);
  std::atomic<long> taken{0};
  Workers w([&] { s.release(4); });
  for (int t = 0; t < kThreads; ++t) {
    w.Spawn([&, t] {
      std::uint32_t rng = 0x9e3779b9u * static_cast<std::uint32_t>(t + 1);
      for (int i = 0; i < kIterations; ++i) {
        rng = rng * 1664525u + 1013904223u;
        const std::ptrdiff_t k = 1 + (rng >> 28) % 4;
        bool got = false;
        switch ((rng >> 20) % 5) {
          case 0:
            s.acquire(k);
            got = true;
            break;
          case 1:
            got = s.try_acquire(k);
            break;
          case 2:
            got = s.try_acquire_for(k, 200us);
            break;
          case 3:
            got = s.try_acquire(k, 1);
            break;
          default:
            got = s.try_acquire_until(k, Clock::now() + 100us);
            break;
        }
        if (got) {
          taken.fetch_add(k, std::memory_order_relaxed);
          if (i % 7 == 0) std::this_thread::yield();
          s.release(k);
        }
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "lost wake-up under mixed load";
  w.Finish();
  EXPECT_EQ(s.available(), 8);
  EXPECT_GT(taken.load(), 0);
}

// ---- Cost -----------------------------------------------------------------------------------

// With nothing blocking, the futex algorithms make no system call at all.
TYPED_TEST(SemaphoreTest, UncontendedPathsMakeNoFutexSyscalls) {
  if constexpr (!kUsesFutex<TypeParam>) {
    GTEST_SKIP() << "condvar_semaphore makes no futex calls of its own";
  } else {
    constexpr int kPairs = 100'000;
    TypeParam s(1);
    const std::uint64_t before = futex_syscall_count();
    for (int i = 0; i < kPairs; ++i) {
      s.acquire();
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "acquire/release at 1 <-> 0";
    for (int i = 0; i < kPairs; ++i) {
      if (!s.try_acquire()) ADD_FAILURE() << "try_acquire failed with a token there";
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "try_acquire/release";
    for (int i = 0; i < kPairs; ++i) {
      if (!s.try_acquire_for(1, 1s)) ADD_FAILURE() << "try_acquire_for failed";
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "try_acquire_for/release";
    for (int i = 0; i < kPairs / 10; ++i) {
      if (!s.try_acquire(1, 1000)) ADD_FAILURE() << "try_acquire(1, 1000) failed";
      s.release();
      if (!s.try_acquire(1, -1)) ADD_FAILURE() << "try_acquire(1, -1) failed";
      s.release();
      if (!s.try_acquire_until(1, Clock::now() + 1s)) ADD_FAILURE() << "try_acquire_until failed";
      s.release();
      s.release(2);
      s.acquire(3);
      s.release(3);
      s.acquire(2);
    }
    EXPECT_EQ(futex_syscall_count(), before) << "timed, multi-token and forever forms";
    s.acquire();
    for (int i = 0; i < kPairs / 10; ++i) {
      if (s.try_acquire()) ADD_FAILURE() << "try_acquire succeeded at 0";
      if (s.try_acquire(1, 0)) ADD_FAILURE() << "try_acquire(1, 0) succeeded at 0";
      if (s.try_acquire_for(1, 0ms)) ADD_FAILURE() << "try_acquire_for(0ms) succeeded at 0";
      if (s.try_acquire_until(1, Clock::now() - 1s)) ADD_FAILURE() << "past deadline succeeded";
      s.acquire(0);
      s.release(0);
    }
    EXPECT_EQ(futex_syscall_count(), before) << "failing non-blocking forms and n == 0";
    EXPECT_EQ(s.available(), 0);
  }
}

// ---- Lifetime -------------------------------------------------------------------------------

int LifetimeIterations() {
  if (kTsan) return 5'000;
  if (kSanitized) return 10'000;
  return 20'000;
}

// A thread that calls release(1) on every semaphore handed to it, and counts the calls that have
// returned. The owner can thus destroy a semaphore while its release() is still running.
template <class Sem>
class Releaser {
 public:
  Releaser() : thread_([this] { Run(); }) {}
  Releaser(const Releaser&) = delete;
  Releaser& operator=(const Releaser&) = delete;
  ~Releaser() {
    stop_.store(true);
    thread_.join();
  }

  void Release(Sem* s) {
    while (slot_.load(std::memory_order_acquire) != nullptr) std::this_thread::yield();
    slot_.store(s, std::memory_order_release);
  }
  long completed() const { return completed_.load(std::memory_order_acquire); }
  void WaitCompleted(long n) const {
    while (completed() < n) std::this_thread::yield();
  }

 private:
  void Run() {
    for (;;) {
      if (Sem* s = slot_.exchange(nullptr, std::memory_order_acq_rel)) {
        s->release(1);
        completed_.fetch_add(1, std::memory_order_release);
      } else if (stop_.load()) {
        return;
      } else {
        std::this_thread::yield();
      }
    }
  }

  std::atomic<Sem*> slot_{nullptr};
  std::atomic<long> completed_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after the members it uses
};

// The owner acquires the token another thread releases and deletes the semaphore at once, while
// that release() may not have returned. ASan reports a release that touches the object afterwards.
TYPED_TEST(SemaphoreTest, DestroyRightAfterAcquire) {
  Releaser<TypeParam> releaser;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new TypeParam(0);
    releaser.Release(s);
    s->acquire(1);
    delete s;
  }
}

// The same with two releasers and a multi-token owner.
TYPED_TEST(SemaphoreTest, DestroyRightAfterMultiTokenAcquire) {
  Releaser<TypeParam> a;
  Releaser<TypeParam> b;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new TypeParam(0);
    a.Release(s);
    b.Release(s);
    s->acquire(2);
    delete s;
  }
}

// The memory is reused at once, by a new semaphore or by other data: a late write from the
// previous release() would show up as a changed count or a changed byte.
TYPED_TEST(SemaphoreTest, DestroyAndReuseMemoryAtOnce) {
  alignas(TypeParam) unsigned char storage[sizeof(TypeParam)];
  alignas(TypeParam) unsigned char pattern[sizeof(TypeParam)];
  std::memset(pattern, 0x5a, sizeof pattern);
  int stray_semaphore_writes = 0;
  int stray_byte_writes = 0;
  Releaser<TypeParam> releaser;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new (storage) TypeParam(0);
    releaser.Release(s);
    s->acquire(1);
    s->~TypeParam();
    if (i % 2 == 0) {
      auto* next = new (storage) TypeParam(5);
      releaser.WaitCompleted(i + 1);
      if (next->available() != 5) ++stray_semaphore_writes;
      next->~TypeParam();
    } else {
      std::memcpy(storage, pattern, sizeof storage);
      releaser.WaitCompleted(i + 1);
      if (std::memcmp(storage, pattern, sizeof storage) != 0) ++stray_byte_writes;
    }
  }
  EXPECT_EQ(stray_semaphore_writes, 0) << "a release() changed the semaphore built after it";
  EXPECT_EQ(stray_byte_writes, 0) << "a release() wrote to memory after the owner freed it";
}

}  // namespace
}  // namespace semfuzz
