// Input-driven perturbation for real threads, and a production platform with perturbation hooks.
//
// Each worker thread carries a short byte string (from the fuzz input) that it reads cyclically
// at every hook: most bytes do nothing, some yield the CPU, some spin for a few hundred cycles.
// The hooks widen race windows at the semaphore's atomic and futex points without changing its
// code: hooked_platform is linux_futex_platform whose atomics call perturb() first; underneath
// they are std::atomic, so ThreadSanitizer sees the algorithm's real memory orders.
//
// Synchronisation: the perturbation stream is thread_local; nothing is shared.
#ifndef SEMFUZZ_FUZZ_THREADS_PERTURB_H_
#define SEMFUZZ_FUZZ_THREADS_PERTURB_H_

#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "semfuzz/platform/linux_futex.h"

namespace semfuzz::threads {

// Installs this thread's perturbation bytes (not copied; must outlive their use). Empty: none.
void set_perturbation(const std::uint8_t* bytes, std::size_t size);
// One perturbation step: nothing, a yield, or a short spin, as the next byte says.
void perturb();

// std::atomic<T> with a perturbation point before every operation. Its value is its only
// member, so a futex may wait on its bytes.
template <class T>
class hooked_atomic {
 public:
  explicit hooked_atomic(T v = T()) noexcept : value_(v) {}
  hooked_atomic(const hooked_atomic&) = delete;
  hooked_atomic& operator=(const hooked_atomic&) = delete;

  T load(std::memory_order o = std::memory_order_seq_cst) const {
    perturb();
    return value_.load(o);
  }
  void store(T v, std::memory_order o = std::memory_order_seq_cst) {
    perturb();
    value_.store(v, o);
  }
  bool compare_exchange_weak(T& e, T d, std::memory_order s, std::memory_order f) {
    perturb();
    return value_.compare_exchange_weak(e, d, s, f);
  }
  bool compare_exchange_strong(T& e, T d, std::memory_order s, std::memory_order f) {
    perturb();
    return value_.compare_exchange_strong(e, d, s, f);
  }
  T fetch_add(T v, std::memory_order o = std::memory_order_seq_cst) {
    perturb();
    return value_.fetch_add(v, o);
  }
  T fetch_sub(T v, std::memory_order o = std::memory_order_seq_cst) {
    perturb();
    return value_.fetch_sub(v, o);
  }
  T fetch_or(T v, std::memory_order o = std::memory_order_seq_cst) {
    perturb();
    return value_.fetch_or(v, o);
  }
  T fetch_and(T v, std::memory_order o = std::memory_order_seq_cst) {
    perturb();
    return value_.fetch_and(v, o);
  }

 private:
  std::atomic<T> value_;
};

struct hooked_platform {
  template <class T>
  using atomic = hooked_atomic<T>;
  using clock = linux_futex_platform::clock;
  using mutex = linux_futex_platform::mutex;
  using condition_variable = linux_futex_platform::condition_variable;

  static futex_status futex_wait(const std::uint32_t* word, std::uint32_t expected,
                                 const clock::time_point* deadline) noexcept {
    perturb();
    return linux_futex_platform::futex_wait(word, expected, deadline);
  }
  static void futex_wake(const std::uint32_t* word, int count) noexcept {
    perturb();
    linux_futex_platform::futex_wake(word, count);
  }
  static void futex_wake_two(const std::uint32_t* a, int count_a, const std::uint32_t* b,
                             int count_b) noexcept {
    perturb();
    linux_futex_platform::futex_wake_two(a, count_a, b, count_b);
  }
};
static_assert(futex_platform<hooked_platform>);

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_PERTURB_H_
