// Shared helpers of the semaphore unit tests (semaphore/tests/*_test.cc, one binary): the typed
// suite SemaphoreTest over every algorithm, worker threads that a broken semaphore cannot hang,
// and the timing oracles for timed calls.
//
// Timing rules: a wait that must time out is checked against an exact lower bound (the semaphore
// never returns early) and a generous upper bound (timeout + kLate). Something that must happen
// gets kLiveness. Something that must NOT happen is watched for kNotYet. Most blocking scenarios
// run on worker threads, so that a broken semaphore makes a test fail (the workers are then
// rescued with extra tokens, or the binary aborts with a message) instead of hanging.
//
// Every test file puts its tests in an unnamed namespace inside semfuzz::test; the fixture and
// its type list live here, in a named namespace, so that all files add to one suite.
#ifndef SEMFUZZ_SEMAPHORE_TESTS_TEST_HELPERS_H_
#define SEMFUZZ_SEMAPHORE_TESTS_TEST_HELPERS_H_

#include <gtest/gtest.h>

#include "semfuzz/semaphore.h"
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
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
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

namespace semfuzz::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using SysClock = std::chrono::system_clock;
using std::chrono::milliseconds;

inline constexpr bool kSanitized = SEMFUZZ_TEST_TSAN || SEMFUZZ_TEST_ASAN;
inline constexpr bool kTsan = SEMFUZZ_TEST_TSAN;

// Time allowed for anything that must happen (a wake-up, a thread finishing).
inline constexpr Clock::duration kLiveness = 30s;
// How late a timed-out wait may return (its lower bound is exact).
inline constexpr Clock::duration kLate = 2s;
// How long we watch that something does not happen.
inline constexpr Clock::duration kNotYet = 300ms;

inline double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// ---------------------------------------------------------------------------------------------
// Threads

#if defined(__linux__)
inline constexpr bool kCanSeeThreadState = true;
inline long CurrentTid() { return ::syscall(SYS_gettid); }
#else
inline constexpr bool kCanSeeThreadState = false;
inline long CurrentTid() { return 1; }
#endif

// The scheduler state of one of our threads ('S' = sleeping), or '?' when it is gone.
inline char ThreadState(long tid) {
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return '?';
  const std::size_t paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return '?';
  return line[paren + 2];
}

// The text of the exception that call() throws, or "no exception" when it returns.
template <class F>
std::string ThrownMessage(const F& call) {
  try {
    (void)call();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
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
inline constexpr bool kUsesFutex =
    std::is_same_v<typename Sem::platform_type, linux_futex_platform>;
#else
using Algorithms = ::testing::Types<condvar_semaphore>;
template <class Sem>
inline constexpr bool kUsesFutex = false;
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

}  // namespace semfuzz::test

#endif  // SEMFUZZ_SEMAPHORE_TESTS_TEST_HELPERS_H_
