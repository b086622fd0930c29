// semfuzz::semaphore: a QSemaphore-style counting semaphore.
//
// A semaphore holds a count of tokens, 0..max(). acquire(n) takes n tokens at once, blocking
// until they are there; release(n) adds n; the try_ forms never block, or block only until a
// deadline. It is built on Linux futexes after Qt's QSemaphore, with a portable fallback:
//
//   semfuzz::split64_semaphore  Qt's 64-bit split-word layout (Linux), with an ABA-free high
//                               word and sleep flags: a release makes one syscall, waking up to
//                               n single-token sleepers and every multi-token one, only while a
//                               sleeper may still lack a wake.
//   semfuzz::word32_semaphore   Qt's 32-bit single-word layout (Linux): a needs-wake bit; a
//                               release after contention wakes every sleeper.
//   semfuzz::condvar_semaphore  a mutex + condition variable, for any platform.
//   semfuzz::semaphore          word32 on Linux, else condvar. word32 beat split64 overall under
//                               contention (the oversubscribed and many-thread cases,
//                               even elsewhere; docs/performance.md); split64's exact wakes
//                               remain for code that wants them.
//
// semfuzz::semaphore_releaser (below) releases n tokens when it goes out of scope, like Qt's
// QSemaphoreReleaser.
//
// All of them are semfuzz::basic_semaphore<Algorithm, Platform>; the platform supplies atomics,
// futex and clock (semfuzz/platform/platform.h), which is how the fuzzing harness runs the very
// same algorithm code under a deterministic scheduler.
//
// Thread safety: every member function may be called concurrently, except the destructor.
//
// Memory ordering: everything a thread did before release(n) happens-before everything a thread
// does after an acquire or successful try_acquire that takes any of those n tokens. available()
// is a snapshot and orders nothing.
//
// Destruction: the semaphore may be destroyed as soon as no call on it can still begin, even while
// a release() that made the destroying thread's tokens available has not returned yet: after its
// tokens become visible, release() touches the object only through a futex wake on its address.
// Destroying it while a thread is blocked in it is undefined.
//
// Errors: a count n < 0 or n > max() throws std::invalid_argument; a release that would push the
// count past max() throws std::overflow_error. In both cases nothing has changed. Futex errors
// that can only mean a bug (EINVAL, EFAULT, ENOSYS) abort with a message; EINTR, EAGAIN and
// spurious wakeups are retried and never reach the caller.
//
// Cost: no system call unless a thread must sleep or a sleeper must be woken; no clock read
// unless a timed call must sleep.
#ifndef SEMFUZZ_SEMAPHORE_H_
#define SEMFUZZ_SEMAPHORE_H_

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "semfuzz/internal/condvar.h"
#include "semfuzz/internal/limits.h"
#include "semfuzz/internal/split64.h"
#include "semfuzz/internal/word32.h"
#include "semfuzz/platform/std_platform.h"
#if defined(__linux__)
#include "semfuzz/platform/linux_futex.h"
#endif

namespace semfuzz {

namespace internal {
// The timeout types that basic_semaphore::try_acquire(n, timeout_ms) refuses.
template <class T>
concept arithmetic_but_not_int = std::is_arithmetic_v<T> && !std::is_same_v<T, int>;
}  // namespace internal

// Platform: see semfuzz/platform/platform.h (a futex algorithm needs a futex_platform).
template <template <class> class Algorithm, platform Platform>
class basic_semaphore {
 public:
  using platform_type = Platform;
  using clock = typename Platform::clock;  // the clock of every deadline (steady_clock here)

  // basic_semaphore::max(): the most tokens the semaphore can hold, 2^31 - 1.
  static constexpr std::ptrdiff_t max() noexcept { return internal::kMaxTokens; }

  // basic_semaphore::basic_semaphore(initial): starts with `initial` tokens.
  // Requires 0 <= initial <= max(), else throws std::invalid_argument.
  explicit basic_semaphore(std::ptrdiff_t initial = 0) : core_(count(initial, "basic_semaphore")) {}

  basic_semaphore(const basic_semaphore&) = delete;
  basic_semaphore& operator=(const basic_semaphore&) = delete;

  // basic_semaphore::acquire(n): blocks until n tokens can be taken at once, then takes them.
  // n == 0 returns at once. There is no fairness: a waiter for many tokens may wait while
  // smaller requests are served. Throws std::invalid_argument for a bad n and, in the split64
  // layout only, std::overflow_error when 32767 threads already block in this semaphore.
  void acquire(std::ptrdiff_t n = 1) {
    const std::uint32_t k = count(n, "acquire");
    if (k == 0 || core_.try_acquire(k)) return;
    core_.acquire_slow(k, nullptr);
  }

  // basic_semaphore::try_acquire(n): takes n tokens if available() >= n, and returns true;
  // otherwise takes nothing and returns false. Never blocks, never fails spuriously.
  [[nodiscard]] bool try_acquire(std::ptrdiff_t n = 1) {
    const std::uint32_t k = count(n, "try_acquire");
    return k == 0 || core_.try_acquire(k);
  }

  // basic_semaphore::try_acquire(n, timeout_ms): Qt's QSemaphore::tryAcquire(int, int).
  //   timeout_ms < 0 (any negative value, INT_MIN too): same as acquire(n), returns true.
  //   timeout_ms == 0: same as try_acquire(n).
  //   timeout_ms > 0: same as try_acquire_for(n, milliseconds(timeout_ms)).
  [[nodiscard]] bool try_acquire(std::ptrdiff_t n, int timeout_ms) {
    if (timeout_ms < 0) {
      acquire(n);
      return true;
    }
    return try_acquire_for(n, std::chrono::milliseconds(timeout_ms));
  }

  // basic_semaphore::try_acquire(n, timeout_ms) with a timeout of any arithmetic type but int
  // does not compile, so that no timeout narrows silently (a long long 3,000,000,000 would become
  // a negative int, "forever"; a double would be truncated). Pass an int, or a
  // std::chrono::duration to try_acquire(n, duration) or try_acquire_for(n, duration).
  template <internal::arithmetic_but_not_int TimeoutMsMustBeIntOrAChronoDuration>
  bool try_acquire(std::ptrdiff_t n, TimeoutMsMustBeIntOrAChronoDuration) = delete;

  // basic_semaphore::try_acquire(n, timeout): Qt 6's QSemaphore::tryAcquire(n, duration), the
  // same call as try_acquire_for(n, timeout), with its contract.
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire(std::ptrdiff_t n,
                                 const std::chrono::duration<Rep, Period>& timeout) {
    return timed_acquire(count(n, "try_acquire"), timeout);
  }

  // basic_semaphore::try_acquire(n, deadline): Qt 6's QSemaphore::tryAcquire(n, QDeadlineTimer),
  // the same call as try_acquire_until(n, deadline), with its contract, for a deadline on clock
  // only (steady_clock here, as QDeadlineTimer); try_acquire_until also takes other clocks.
  template <class Duration>
  [[nodiscard]] bool try_acquire(std::ptrdiff_t n,
                                 const std::chrono::time_point<clock, Duration>& deadline) {
    return timed_acquire(count(n, "try_acquire"), deadline);
  }

  // basic_semaphore::try_acquire_for(n, timeout): takes n tokens as soon as they can be taken at
  // once and returns true; returns false, having taken nothing, once `timeout` has elapsed on
  // clock, measured from the first clock read (made only if the call must wait), never earlier.
  //   timeout <= 0: try once (same as try_acquire(n)); a present token beats the deadline.
  //   timeout == duration::max(), or a deadline beyond what clock can represent: acquire(n).
  // Tokens taken by others in the meantime do not restart the timeout.
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(std::ptrdiff_t n,
                                     const std::chrono::duration<Rep, Period>& timeout) {
    return timed_acquire(count(n, "try_acquire_for"), timeout);
  }

  // basic_semaphore::try_acquire_for(timeout): std::counting_semaphore's form, one token.
  template <class Rep, class Period>
  [[nodiscard]] bool try_acquire_for(const std::chrono::duration<Rep, Period>& timeout) {
    return try_acquire_for(1, timeout);
  }

  // basic_semaphore::try_acquire_until(n, deadline): as try_acquire_for, with an absolute
  // deadline. On `clock` the deadline is used as is (time_point::max() means forever); on any
  // other clock it is turned into a timeout once, from one reading of that clock.
  template <class Clock, class Duration>
  [[nodiscard]] bool try_acquire_until(std::ptrdiff_t n,
                                       const std::chrono::time_point<Clock, Duration>& deadline) {
    return timed_acquire(count(n, "try_acquire_until"), deadline);
  }

  // basic_semaphore::try_acquire_until(deadline): std::counting_semaphore's form, one token.
  template <class Clock, class Duration>
  [[nodiscard]] bool try_acquire_until(const std::chrono::time_point<Clock, Duration>& deadline) {
    return try_acquire_until(1, deadline);
  }

  // basic_semaphore::release(n): adds n tokens, waking the blocked acquirers they may satisfy.
  // n == 0 does nothing. Throws std::invalid_argument for a bad n, and std::overflow_error when
  // available() + n would exceed max(); the count is then unchanged.
  void release(std::ptrdiff_t n = 1) {
    const std::uint32_t k = count(n, "release");
    if (k != 0) core_.release(k);
  }

  // basic_semaphore::available(): the number of tokens at some moment during the call.
  std::ptrdiff_t available() const { return core_.available(); }

 private:
  static std::uint32_t count(std::ptrdiff_t n, const char* function) {
    if (n < 0 || n > max()) internal::throw_bad_count(function, n);
    return static_cast<std::uint32_t>(n);
  }

  // The timed calls once n is checked (k == n): try_acquire_for's contract for a timeout,
  // try_acquire_until's for a deadline.
  template <class Rep, class Period>
  bool timed_acquire(std::uint32_t k, const std::chrono::duration<Rep, Period>& timeout) {
    if (k == 0 || core_.try_acquire(k)) return true;
    if (timeout <= timeout.zero()) return false;
    const auto rel = saturate(timeout);
    if (timeout == timeout.max() || rel == clock::duration::max()) return block(k, nullptr);
    const auto now = clock::now();
    if (rel >= clock::time_point::max() - now) return block(k, nullptr);
    const typename clock::time_point deadline = now + rel;
    return block(k, &deadline);
  }

  template <class Clock, class Duration>
  bool timed_acquire(std::uint32_t k, const std::chrono::time_point<Clock, Duration>& deadline) {
    if constexpr (std::is_same_v<Clock, clock>) {
      if (k == 0 || core_.try_acquire(k)) return true;
      const auto since_epoch = saturate(deadline.time_since_epoch());
      if (deadline == deadline.max() || since_epoch == clock::duration::max()) {
        return block(k, nullptr);
      }
      const typename clock::time_point until(since_epoch);
      if (clock::now() >= until) return false;
      return block(k, &until);
    } else {  // deadline - now, in a type that cannot overflow for any two time points
      using wide = std::chrono::duration<long double, typename Duration::period>;
      const wide left = wide(deadline.time_since_epoch()) - wide(Clock::now().time_since_epoch());
      return timed_acquire(k, left);
    }
  }

  // d in clock's duration, clamped to its range instead of overflowing.
  template <class Rep, class Period>
  static typename clock::duration saturate(const std::chrono::duration<Rep, Period>& d) {
    using target = typename clock::duration;
    using wide = std::chrono::duration<long double, typename target::period>;
    const wide w = std::chrono::duration_cast<wide>(d);
    if (w >= wide(target::max())) return target::max();
    if (w <= wide(target::min())) return target::min();
    return std::chrono::duration_cast<target>(d);
  }

  bool block(std::uint32_t n, const typename clock::time_point* deadline) {
    return core_.acquire_slow(n, deadline);
  }

  Algorithm<Platform> core_;
};

using condvar_semaphore = basic_semaphore<internal::condvar_core, std_platform>;

#if defined(__linux__)
using split64_semaphore = basic_semaphore<internal::split64_core, linux_futex_platform>;
using word32_semaphore = basic_semaphore<internal::word32_core, linux_futex_platform>;
using semaphore = word32_semaphore;
#else
using semaphore = condvar_semaphore;
#endif

namespace internal {
// What semaphore_releaser needs of its semaphore: every basic_semaphore has it.
template <class Semaphore>
concept releasable = requires(Semaphore& s, std::ptrdiff_t n) {
  s.release(n);
  { Semaphore::max() } -> std::convertible_to<std::ptrdiff_t>;
};
}  // namespace internal

// semfuzz::semaphore_releaser<Semaphore>: Qt's QSemaphoreReleaser. Releases n tokens to a
// semaphore when it is destroyed, unless cancel() was called: an exception-safe release(n).
//
//   s.acquire(2);
//   semfuzz::semaphore_releaser give_back(s, 2);  // s.release(2) however the scope is left
//
// Semaphore is any basic_semaphore. A releaser holds a semaphore and a count, or nothing; one
// that holds nothing (default-constructed, moved from, cancelled) releases nothing when it is
// destroyed. It is movable, not copyable. One releaser is used by one thread at a time; the
// semaphore may of course be shared.
//
// Lifetime: the semaphore must still exist when the releaser releases, that is when it is
// destroyed or move-assigned to: declare it after the semaphore, or cancel() it first. As with
// release(), another thread may destroy the semaphore as soon as the tokens are there: the
// releaser touches it only through release(n).
//
// Errors: n is checked when the releaser is made (std::invalid_argument for n < 0 or
// n > max(); nothing is then held). The release itself happens in a noexcept destructor or move
// assignment: if it throws std::overflow_error (available() + n would exceed max()),
// std::terminate is called. Where that can happen, cancel() and call release(n) yourself.
template <internal::releasable Semaphore>
class semaphore_releaser {
 public:
  using semaphore_type = Semaphore;

  // semaphore_releaser::semaphore_releaser(): holds nothing.
  semaphore_releaser() noexcept = default;

  // semaphore_releaser::semaphore_releaser(sem, n): will release n tokens to sem (n == 0: a
  // release that does nothing). The pointer form with nullptr holds nothing; n is checked anyway.
  [[nodiscard]] explicit semaphore_releaser(Semaphore& sem, std::ptrdiff_t n = 1)
      : semaphore_releaser(&sem, n) {}
  [[nodiscard]] explicit semaphore_releaser(Semaphore* sem, std::ptrdiff_t n = 1)
      : sem_(sem), n_(checked(n)) {}

  semaphore_releaser(const semaphore_releaser&) = delete;
  semaphore_releaser& operator=(const semaphore_releaser&) = delete;

  // Takes over other's release; other then holds nothing.
  semaphore_releaser(semaphore_releaser&& other) noexcept
      : sem_(std::exchange(other.sem_, nullptr)), n_(std::exchange(other.n_, 0)) {}

  // Releases what this releaser held, then takes over other's release (other then holds
  // nothing). A self-move changes nothing.
  semaphore_releaser& operator=(semaphore_releaser&& other) noexcept {
    semaphore_releaser taken(std::move(other));
    swap(taken);
    return *this;  // `taken` now holds the old release and performs it
  }

  // semaphore_releaser::~semaphore_releaser(): sem->release(n) if it holds a semaphore.
  ~semaphore_releaser() {
    if (sem_ != nullptr) sem_->release(n_);
  }

  // semaphore_releaser::swap(other): exchanges the two releasers' releases.
  void swap(semaphore_releaser& other) noexcept {
    std::swap(sem_, other.sem_);
    std::swap(n_, other.n_);
  }

  // semaphore_releaser::semaphore(): the semaphore it will release to, or nullptr.
  Semaphore* semaphore() const noexcept { return sem_; }

  // semaphore_releaser::cancel(): gives up the release; returns the semaphore it would have
  // released to (nullptr if none) and from then on holds nothing.
  Semaphore* cancel() noexcept {
    n_ = 0;
    return std::exchange(sem_, nullptr);
  }

 private:
  static std::ptrdiff_t checked(std::ptrdiff_t n) {
    if (n < 0 || n > Semaphore::max()) internal::throw_bad_count("semaphore_releaser", n);
    return n;
  }

  Semaphore* sem_ = nullptr;
  std::ptrdiff_t n_ = 0;
};

}  // namespace semfuzz

#endif  // SEMFUZZ_SEMAPHORE_H_
