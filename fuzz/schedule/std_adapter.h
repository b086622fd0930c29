// The fuzzable-semaphore API (fuzz/oracles/contract.h) over anything with std::counting_semaphore's
// interface: the real-thread target's std::counting_semaphore<INT_MAX>
// (fuzz/threads/adapters.h: std_semaphore) and the schedule_libstdcxx target's instrumented copy
// of libstdc++'s (fuzz/instrumented/targets/libstdcxx.h). One mapping from the program's operations
// to the standard's calls, and one rule for the library's known bugs.
#ifndef SEMFUZZ_FUZZ_STD_ADAPTER_H_
#define SEMFUZZ_FUZZ_STD_ADAPTER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz/oracles/contract.h"

namespace semfuzz {

// Whether third-party bugs we cannot fix are reported (SEMFUZZ_KNOWN_BUGS=1 in the environment,
// to replay their findings) or stepped around so that fuzzing goes on past them (the default).
inline bool report_known_bugs() {
  static const bool report = [] {
    const char* value = std::getenv("SEMFUZZ_KNOWN_BUGS");
    return value != nullptr && std::string_view(value) == "1";
  }();
  return report;
}

// libstdc++ 12 computes try_acquire_for's deadline as now + d, which overflows for
// nanoseconds::max(): the call gives up at once instead of waiting forever
// (reproducers/threads_std/unfixed/infinite-timeout-libstdcxx12-try-acquire-for-duration-max).
// So that fuzzing goes on past a finding we cannot fix, std_adapter makes that one call
// acquire() there, unless report_known_bugs(). Other standard libraries, and other durations,
// are fuzzed as they are.
inline bool skip_known_std_bugs() {
#if defined(_GLIBCXX_RELEASE) && _GLIBCXX_RELEASE <= 12
  return !report_known_bugs();
#else
  return false;
#endif
}

// Qt's try_acquire(n, ms) for an adapter over a semaphore without it: a negative ms waits forever
// (acquire), any other is try_acquire_for(n, ms).
template <class Adapter>
bool qt_timeout_form(Adapter& a, std::int64_t n, int ms) {
  if (ms < 0) {
    a.acquire(n);
    return true;
  }
  return a.try_acquire_for(n, std::chrono::milliseconds(ms));
}

// Std: acquire(), try_acquire(), try_acquire_for(std::chrono::nanoseconds),
// try_acquire_until(std::chrono::steady_clock::time_point), release(std::ptrdiff_t), constructed
// from the initial count (at most INT_MAX). The standard's semaphore has single-token takes
// (a count n > 1 is n calls here; the runners split them first, fuzz/oracles/capabilities.h), no
// available() (kUnknownCount), undefined invalid counts and overflowing releases (never made),
// and a try_acquire that may fail spuriously under contention. Qt-style negative timeouts map to
// acquire().
template <class Std>
class std_adapter {
 public:
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool counts = false;
  static constexpr bool strong_try = false;
  static constexpr bool payload_check = true;  // header code: TSan sees its atomics
  using clock = std::chrono::steady_clock;

  // Whether Std is the harness's own standard library's semaphore (which the known-bug rule above
  // is about); an Std from another library says `static constexpr bool harness_library = false;`
  // (schedule_libcxx's libc++, fuzz/instrumented/targets/libcxx_target.cc).
  static constexpr bool kHarnessLibrary = [] {
    if constexpr (requires { Std::harness_library; }) return Std::harness_library;
    return true;
  }();

  explicit std_adapter(std::int64_t initial) : s_(static_cast<std::ptrdiff_t>(initial)) {}
  void acquire(std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) s_.acquire();
  }
  bool try_acquire(std::int64_t n) { return n == 0 || s_.try_acquire(); }
  bool try_acquire(std::int64_t n, int ms) { return qt_timeout_form(*this, n, ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    if (n == 0) return true;
    if (d == std::chrono::nanoseconds::max() && kHarnessLibrary && skip_known_std_bugs()) {
      s_.acquire();
      return true;
    }
    return s_.try_acquire_for(d);
  }
  bool try_acquire_until(std::int64_t n, clock::time_point t) {
    return n == 0 || s_.try_acquire_until(t);
  }
  void release(std::int64_t n) {
    if (n > 0) s_.release(static_cast<std::ptrdiff_t>(n));
  }
  std::int64_t available() { return contract::kUnknownCount; }

 private:
  Std s_;
};

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_STD_ADAPTER_H_
