// Deliberately broken semaphores, each made to trip exactly one oracle of the schedule target.
// They live in test code only: the production semaphore has no switches for them.
#ifndef SEMFUZZ_FUZZ_TESTS_BROKEN_SEMAPHORES_H_
#define SEMFUZZ_FUZZ_TESTS_BROKEN_SEMAPHORES_H_

#include <chrono>
#include <climits>
#include <cstdint>
#include <stdexcept>

#include "fuzz/oracles/contract.h"
#include "fuzz/sim/sim_platform.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::broken {

using sim::sim_platform;
using good = basic_semaphore<internal::word32_core, sim_platform>;

// A token word with a configurable defect in each path; the defaults make a correct (if
// wasteful) semaphore: waiters sleep on the word, release wakes everyone.
struct defects {
  bool release_never_wakes = false;        // lost wakeup
  bool release_adds_extra = false;         // conservation
  bool gives_up_at_once = false;           // early timeout
  bool ignores_deadline = false;           // late timeout
  bool wakes_as_64_bit = false;            // futex misuse (Qt B17)
  bool spins_instead_of_sleeping = false;  // runaway
  bool touches_after_release = false;      // use after destroy (Qt B14)
  bool release_is_relaxed = false;         // data race (glibc BZ 14532)
  bool take_is_relaxed = false;            // data race: tokens taken without acquire
};

template <const defects& D>
struct core {
  template <class P>
  class type {
   public:
    using time_point = typename P::clock::time_point;
    explicit type(std::uint32_t initial) : word_(initial) {}
    bool try_acquire(std::uint32_t n) {
      std::uint64_t cur = word_.load(std::memory_order_relaxed);
      while (low(cur) >= n) {
        if (word_.compare_exchange_strong(
                cur, cur - n,
                D.take_is_relaxed ? std::memory_order_relaxed : std::memory_order_acquire,
                std::memory_order_relaxed)) {
          return true;
        }
      }
      return false;
    }
    bool acquire_slow(std::uint32_t n, const time_point* deadline) {
      if (D.gives_up_at_once && deadline != nullptr) return false;
      for (;;) {
        if (try_acquire(n)) return true;
        if (D.spins_instead_of_sleeping) continue;
        const std::uint64_t cur = word_.load();
        if (low(cur) >= n) continue;
        const futex_status st =
            P::futex_wait(low_word(), low(cur), D.ignores_deadline ? nullptr : deadline);
        if (st == futex_status::timed_out && !try_acquire(n)) return false;
      }
    }
    void release(std::uint32_t n) {
      const std::uint32_t* w = low_word();
      word_.fetch_add(D.release_adds_extra ? n + 1 : n,
                      D.release_is_relaxed ? std::memory_order_relaxed : std::memory_order_release);
      if (D.touches_after_release) (void)word_.load();
      if (D.release_never_wakes) return;
      if constexpr (D.wakes_as_64_bit) {
        P::futex_wake(reinterpret_cast<const std::uint64_t*>(w), INT_MAX);
      } else {
        P::futex_wake(w, INT_MAX);
      }
    }
    std::uint32_t available() const { return low(word_.load()); }

   private:
    static std::uint32_t low(std::uint64_t v) { return static_cast<std::uint32_t>(v); }
    const std::uint32_t* low_word() const { return reinterpret_cast<const std::uint32_t*>(&word_); }
    typename P::template atomic<std::uint64_t> word_;
  };
};

template <const defects& D>
using semaphore_with = basic_semaphore<core<D>::template type, sim_platform>;

// Front-end defects: a correct semaphore behind a wrong API layer.
class forever_is_try_once : public good {  // Qt B4: a negative timeout means "try once"
 public:
  using good::good;
  bool try_acquire(std::ptrdiff_t n = 1) { return good::try_acquire(n); }
  bool try_acquire(std::ptrdiff_t n, int ms) {
    return ms <= 0 ? good::try_acquire(n) : good::try_acquire(n, ms);
  }
};

class try_acquire_always_fails : public good {
 public:
  using good::good;
  bool try_acquire(std::ptrdiff_t n = 1) {
    (void)good::available();
    return n == 0;
  }
  bool try_acquire(std::ptrdiff_t n, int ms) { return good::try_acquire(n, ms); }
};

class accepts_negative_counts : public good {
 public:
  using good::good;
  void release(std::ptrdiff_t n = 1) {
    if (n > 0) good::release(n);
  }
};

// Any of the above as a black box (fuzz/oracles/capabilities.h): it declares that it has only
// single-token takes, leaves bad counts undefined, cannot count (available() answers
// kUnknownCount) and may fail a try under contention, as std::counting_semaphore does, so the
// schedule runner checks it in black-box mode, by its ledger.
template <class Sem>
class black_box : public Sem {
 public:
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool counts = false;
  static constexpr bool strong_try = false;
  using Sem::Sem;
  std::int64_t available() const { return contract::kUnknownCount; }
};

static_assert(contract::fuzzable_semaphore<good>);
static_assert(contract::fuzzable_semaphore<forever_is_try_once>);
static_assert(contract::fuzzable_semaphore<try_acquire_always_fails>);
static_assert(contract::fuzzable_semaphore<accepts_negative_counts>);

}  // namespace semfuzz::broken

#endif  // SEMFUZZ_FUZZ_TESTS_BROKEN_SEMAPHORES_H_
