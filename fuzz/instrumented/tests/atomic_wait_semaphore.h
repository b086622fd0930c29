// A header-only counting semaphore written the other ways semfuzz_add_instrumented_target()
// promises to take (fuzz/instrumented/adapter.h), as its test (ctest byo_atomic_wait_replay): the
// count is a plain int changed only through the GCC __atomic builtins; a taker that finds too few
// tokens sleeps in C++20's std::atomic_ref<int>::wait (libstdc++'s header code: a spin with
// sched_yield, then the futex), or, for a bounded wait, which atomic_ref cannot do, in a futex
// wait with its deadline. A release wakes both kinds. Multi-token, all or nothing; no
// available(); bad counts undefined.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ATOMIC_WAIT_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ATOMIC_WAIT_SEMAPHORE_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>

#include "fuzz/instrumented/adapter_defaults.h"
#include "fuzz/oracles/contract.h"

namespace semfuzz::byo_test {

class atomic_wait_semaphore : public instr::adapter_defaults<atomic_wait_semaphore> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool counts = false;

  explicit atomic_wait_semaphore(std::int64_t initial) : count_(static_cast<int>(initial)) {}

  void acquire(std::int64_t n) {
    int c = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    while (!take(n, c)) {
      std::atomic_ref<int>(count_).wait(c, std::memory_order_relaxed);
      c = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    }
  }
  bool try_acquire(std::int64_t n) {
    int c = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    return take(n, c);
  }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    if (deadline == clock::time_point::max()) {
      acquire(n);
      return true;
    }
    const std::optional<timespec> at = instr::monotonic_deadline(deadline);
    if (!at) return try_acquire(n);
    int c = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    while (!take(n, c)) {
      if (syscall(SYS_futex, &count_, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, c, &*at, nullptr,
                  FUTEX_BITSET_MATCH_ANY) != 0 &&
          errno == ETIMEDOUT) {
        return try_acquire(n);
      }
      c = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    }
    return true;
  }
  void release(std::int64_t n) {
    if (n == 0) return;
    __atomic_fetch_add(&count_, static_cast<int>(n), __ATOMIC_RELEASE);
    // Neither wake reads the count again (the owner may be deleting the semaphore).
    std::atomic_ref<int>(count_).notify_all();
    syscall(SYS_futex, &count_, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX);
  }
  std::int64_t available() { return contract::kUnknownCount; }

 private:
  // Takes n tokens if c, the count last seen, has them; c receives the count seen.
  bool take(std::int64_t n, int& c) {
    while (c >= n) {
      if (__atomic_compare_exchange_n(&count_, &c, c - static_cast<int>(n), true, __ATOMIC_ACQUIRE,
                                      __ATOMIC_RELAXED)) {
        return true;
      }
    }
    return false;
  }

  alignas(std::atomic_ref<int>::required_alignment) int count_;
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ATOMIC_WAIT_SEMAPHORE_H_
