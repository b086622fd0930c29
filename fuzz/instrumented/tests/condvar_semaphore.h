// The most common hand-written semaphore: a count under a std::mutex and a
// std::condition_variable (ctest byo_condvar_replay), fuzzed through "bring your own semaphore"
// on the pthread mutex and condition variable models (fuzz/instrumented/runtime/pthread_mutex.h,
// pthread_cond.h). Multi-token, counting, bad counts undefined.
//
// Two classic bugs, each a build option (ctests byo_condvar_if_* and byo_condvar_unlocked_*):
//   -DSEMFUZZ_CONDVAR_IF_NOT_WHILE   acquire checks the count with `if` instead of `while`, so a
//                                    spurious wakeup, or a taker that came first, lets it take
//                                    tokens that are not there;
//   -DSEMFUZZ_CONDVAR_UNLOCKED_SIGNAL  release adds its tokens and notifies without the mutex, so
//                                    a taker that found too few and is about to wait misses it.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_CONDVAR_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_CONDVAR_SEMAPHORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "fuzz/instrumented/adapter_defaults.h"

namespace semfuzz::byo_test {

class condvar_semaphore : public instr::adapter_defaults<condvar_semaphore> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool rejects_bad_counts = false;

  explicit condvar_semaphore(std::int64_t initial) : count_(initial) {}

  void acquire(std::int64_t n) {
    std::unique_lock<std::mutex> hold(mutex_);
#ifdef SEMFUZZ_CONDVAR_IF_NOT_WHILE
    if (count_.load(std::memory_order_relaxed) < n) changed_.wait(hold);
#else
    while (count_.load(std::memory_order_relaxed) < n) changed_.wait(hold);
#endif
    count_.fetch_sub(n, std::memory_order_relaxed);
  }
  bool try_acquire(std::int64_t n) {
    const std::lock_guard<std::mutex> hold(mutex_);
    if (count_.load(std::memory_order_relaxed) < n) return false;
    count_.fetch_sub(n, std::memory_order_relaxed);
    return true;
  }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    std::unique_lock<std::mutex> hold(mutex_);
    while (count_.load(std::memory_order_relaxed) < n) {
      if (deadline == clock::time_point::max()) {
        changed_.wait(hold);
      } else if (changed_.wait_until(hold, deadline) == std::cv_status::timeout) {
        if (count_.load(std::memory_order_relaxed) < n) return false;
        break;
      }
    }
    count_.fetch_sub(n, std::memory_order_relaxed);
    return true;
  }
  void release(std::int64_t n) {
    if (n == 0) return;  // touches nothing: the owner may be deleting the semaphore
#ifdef SEMFUZZ_CONDVAR_UNLOCKED_SIGNAL
    count_.fetch_add(n, std::memory_order_relaxed);
    changed_.notify_all();
#else
    const std::lock_guard<std::mutex> hold(mutex_);
    count_.fetch_add(n, std::memory_order_relaxed);
    changed_.notify_all();
#endif
  }
  // Read without the mutex (the harness's oracle reads it between steps): an atomic count.
  std::int64_t available() { return count_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::atomic<std::int64_t> count_;  // changed under mutex_ (but in the unlocked-signal bug)
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_CONDVAR_SEMAPHORE_H_
