// schedule_qt's adapter (fuzz/instrumented/adapter.h): Qt's own QSemaphore, its qsemaphore.cpp
// fetched from the distribution's source package of the installed Qt and compiled with the
// instrumentation (fuzz/instrumented/targets/qt/qt.cmake), so every atomic of Qt's futex algorithm
// is a scheduling point and its futex calls and clock reads land on the scheduler's models.
//
// Qt's API and preconditions (Qt 6.4):
//   - counts are int; a negative count, and a release past INT_MAX tokens, are undefined for Qt
//     (asserted in debug builds only), so rejects_bad_counts = false: the harness never makes
//     those calls. Counts the harness passes are in [0, 2^31 - 1] and fit an int.
//   - tryAcquire(n, int ms): any negative ms waits forever, 0 tries once.
//   - the std::chrono forms: tryAcquire(n, duration) (Qt rounds the duration up to whole ms,
//     clamps it to INT_MAX ms, and a duration <= 0 tries once), and for one token
//     try_acquire_for(duration) / try_acquire_until(time_point) (the latter is
//     try_acquire_for(tp - Clock::now())). Qt 6.4 has no "forever" duration (duration::max()
//     becomes INT_MAX ms, about 24.8 days), so the harness's forever, nanoseconds::max() and
//     time_point::max(), is passed as Qt's -1 ms; Qt 6.4 has no tryAcquire(n, QDeadlineTimer)
//     either (Qt 6.6 added it).
//   - available() is a relaxed snapshot of the token count.
// Qt's QSemaphore is a member: its 64-bit futex word lies in the adapter's own bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_QT_QT_ADAPTER_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_QT_QT_ADAPTER_H_

#include <QSemaphore>
#include <chrono>
#include <climits>
#include <cstdint>

#include "fuzz/schedule/std_adapter.h"

namespace semfuzz::instr_qt {

class qt_semaphore {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr bool multi_token = true;
  static constexpr bool rejects_bad_counts = false;  // Qt's preconditions: never violated
  static constexpr bool counts = true;
  static constexpr bool strong_try = true;  // tryAcquire(n) retries its CAS while n are there
  static constexpr std::int64_t timeout_resolution_ns = 1'000'000;  // Qt waits whole ms
  // Qt 6.4's timed futex waits are relative: each asks for the time its QDeadlineTimer had left
  // at its last reading (the first one: the whole timeout), so it sleeps past the deadline by the
  // time since (reproducers/schedule_qt/unfixed/late-timeout-qt64-relative-futex-wait-overshoots).
  // Unless report_known_bugs(), the late-timeout rule allows for that
  // (fuzz/oracles/capabilities.h).
  static bool relative_timed_waits() { return !report_known_bugs(); }
  // Qt's multi-token waiters sleep on the high word (tokens + waiters + the wake-all bit), whose
  // value can come back with more tokens: such a waiter can sleep with its tokens there
  // (reproducers/schedule_qt/unfixed/lost-wakeup-qt64-multi-token-waiter-high-word-aba). Unless
  // report_known_bugs(), the lost-wakeup oracle passes over multi-token sleepers
  // (fuzz/oracles/capabilities.h), so that fuzzing goes on past that finding.
  static bool multi_token_wakeups_lost() { return !report_known_bugs(); }
  // Qt 6.4 clamps a chrono duration to INT_MAX ms (about 24.8 days) and gives up then, before the
  // deadline asked for (reproducers/schedule_qt/unfixed/early-timeout-qt64-chrono-duration-
  // clamped-to-int-max-ms). Unless report_known_bugs(), the harness asks for no longer timeout.
  static std::int64_t max_timeout_ns() {
    return report_known_bugs() ? contract::kUncapped : std::int64_t{INT_MAX} * 1'000'000;
  }

  explicit qt_semaphore(std::int64_t initial) : s_(static_cast<int>(initial)) {}
  // User-provided, so that the instrumented bridge emits it (clang left the implicit one, which
  // only calls ~QSemaphore, undefined there).
  ~qt_semaphore() {}  // NOLINT(modernize-use-equals-default)
  qt_semaphore(const qt_semaphore&) = delete;
  qt_semaphore& operator=(const qt_semaphore&) = delete;

  void acquire(std::int64_t n) { s_.acquire(static_cast<int>(n)); }
  bool try_acquire(std::int64_t n) {
    return n == 1 ? s_.try_acquire() : s_.tryAcquire(static_cast<int>(n));
  }
  bool try_acquire(std::int64_t n, int ms) { return s_.tryAcquire(static_cast<int>(n), ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    if (d == std::chrono::nanoseconds::max()) return s_.tryAcquire(static_cast<int>(n), -1);
    return timed(static_cast<int>(n), d);
  }
  bool try_acquire_until(std::int64_t n, clock::time_point t) {
    if (t == clock::time_point::max()) return s_.tryAcquire(static_cast<int>(n), -1);
    // Qt's own arithmetic (try_acquire_until is try_acquire_for(tp - Clock::now())), kept from
    // overflowing for time points before the clock's epoch.
    const clock::time_point now = clock::now();
    return timed(static_cast<int>(n), t <= now ? clock::duration::zero() : t - now);
  }
  void release(std::int64_t n) { s_.release(static_cast<int>(n)); }
  std::int64_t available() { return s_.available(); }

 private:
  // Qt's chrono forms (try_acquire_for for one token).
  bool timed(int n, std::chrono::nanoseconds d) {
    return n == 1 ? s_.try_acquire_for(d) : s_.tryAcquire(n, d);
  }

  QSemaphore s_;
};

}  // namespace semfuzz::instr_qt

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_QT_QT_ADAPTER_H_
