// The adapter through which semfuzz fuzzes example::futex_semaphore: its API in the form every
// fuzzed semaphore offers, and what it cannot do (semfuzz's fuzz/instrumented/adapter.h says
// what each member must do).
#ifndef EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_
#define EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_

#include <chrono>
#include <cstdint>

#include "futex_semaphore.h"

namespace example {

class futex_semaphore_adapter {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr bool multi_token = false;         // one token per acquire
  static constexpr bool rejects_bad_counts = false;  // bad counts are undefined for it

  explicit futex_semaphore_adapter(std::int64_t initial)
      : sem_(static_cast<std::uint32_t>(initial)) {}

  void acquire(std::int64_t n) {
    if (n > 0) sem_.acquire();
  }
  bool try_acquire(std::int64_t n) { return n == 0 || sem_.try_acquire(); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    return n == 0 || sem_.try_acquire_for(d);
  }
  bool try_acquire_until(std::int64_t n, clock::time_point t) {
    return n == 0 || sem_.try_acquire_until(t);
  }
  bool try_acquire(std::int64_t n, int ms) {  // Qt's form: a negative timeout waits forever
    if (ms >= 0) return try_acquire_for(n, std::chrono::milliseconds(ms));
    acquire(n);
    return true;
  }
  void release(std::int64_t n) { sem_.release(static_cast<std::uint32_t>(n)); }
  std::int64_t available() { return sem_.available(); }

 private:
  futex_semaphore sem_;
};

}  // namespace example

#endif  // EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_
