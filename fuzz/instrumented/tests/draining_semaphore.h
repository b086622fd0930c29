// A semaphore whose destructor is code under test (ctest byo_draining_replay and
// byo_draining_stuck_destructor): it is made destruction-safe the common way, by a destructor that
// waits for the releases still inside release() (a count of releasers in flight, with a futex
// wait). semfuzz runs that destructor on a
// simulated thread (fuzz/instrumented/adapter.h, ~A()): where the owner deletes the semaphore
// while a peer is still inside its final release, the destructor's futex wait is scheduled like
// any other; a destructor that nothing wakes is a verdict.
//
// Single-token (multi_token = false), counting, bad counts undefined. One 32-bit word of tokens
// (futex word of the sleeping takers), one of sleepers, one of releasers in flight whose top bit
// says that the destructor waits (its futex word).
//
// -DSEMFUZZ_DRAINING_FORGETS_WAKE builds the broken variant: the last releaser out never wakes a
// waiting destructor, which then sleeps for good.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DRAINING_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DRAINING_SEMAPHORE_H_

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

namespace semfuzz::byo_test {

class draining_semaphore : public instr::adapter_defaults<draining_semaphore> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;

  explicit draining_semaphore(std::int64_t initial)
      : tokens_(static_cast<std::uint32_t>(initial)) {}

  ~draining_semaphore() {
    std::uint32_t r = releasers_.fetch_or(kDraining, std::memory_order_acq_rel) | kDraining;
    while (r != kDraining) {
      futex(&releasers_, FUTEX_WAIT_PRIVATE, r, nullptr);
      r = releasers_.load(std::memory_order_acquire);
    }
  }
  draining_semaphore(const draining_semaphore&) = delete;
  draining_semaphore& operator=(const draining_semaphore&) = delete;

  void acquire(std::int64_t n) {
    if (n != 0) (void)take_until(nullptr);
  }
  bool try_acquire(std::int64_t n) { return n == 0 || take_one(); }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    if (n == 0) return true;
    if (deadline == clock::time_point::max()) return take_until(nullptr);
    const std::optional<timespec> at = instr::monotonic_deadline(deadline);
    if (!at) return take_one();
    return take_until(&*at);
  }
  void release(std::int64_t n) {
    if (n == 0) return;
    releasers_.fetch_add(1, std::memory_order_acq_rel);
    tokens_.fetch_add(static_cast<std::uint32_t>(n), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) != 0) {
      futex(&tokens_, FUTEX_WAKE_PRIVATE, INT_MAX, nullptr);
    }
    // The last touch of the object: after it the owner may delete it; the wake only names the
    // address.
    const std::uint32_t before = releasers_.fetch_sub(1, std::memory_order_acq_rel);
#ifndef SEMFUZZ_DRAINING_FORGETS_WAKE
    if (before == (kDraining | 1)) futex(&releasers_, FUTEX_WAKE_PRIVATE, 1, nullptr);
#else
    (void)before;
#endif
  }
  std::int64_t available() { return tokens_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::uint32_t kDraining = 1u << 31;

  static long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t val,
                    const timespec* at) {
    return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, val, at, nullptr,
                   FUTEX_BITSET_MATCH_ANY);
  }

  bool take_one() {
    std::uint32_t t = tokens_.load(std::memory_order_relaxed);
    while (t != 0) {
      if (tokens_.compare_exchange_weak(t, t - 1, std::memory_order_acquire)) return true;
    }
    return false;
  }

  // Takes a token, sleeping until one is there or the absolute steady-clock deadline `at`
  // (nullptr: none) has passed.
  bool take_until(const timespec* at) {
    while (!take_one()) {
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      long r = 0;
      if (tokens_.load(std::memory_order_seq_cst) == 0) {
        r = at == nullptr ? futex(&tokens_, FUTEX_WAIT_PRIVATE, 0, nullptr)
                          : futex(&tokens_, FUTEX_WAIT_BITSET_PRIVATE, 0, at);
      }
      const int err = r != 0 ? errno : 0;
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
      if (err == ETIMEDOUT) return take_one();
    }
    return true;
  }

  std::atomic<std::uint32_t> tokens_;
  std::atomic<std::uint32_t> sleepers_{0};
  std::atomic<std::uint32_t> releasers_{0};
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DRAINING_SEMAPHORE_H_
