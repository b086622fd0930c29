// Qt's 32-bit single-word futex semaphore ("Layout B").
//
// State: one 32-bit word, which is also the futex word.
//   bits 0..30  tokens
//   bit  31     needs-wake: some waiter may sleep on the word
// Every waiter sets needs-wake before it sleeps, and passes a value containing it as the futex
// "expected", so a release that clears the bit also makes the wait fail. release() adds its
// tokens and clears the bit in ONE compare-exchange; if the bit was set it wakes ALL sleepers
// (the bit says "someone", not how many), and each waiter sets the bit again before sleeping
// again. After the compare-exchange release() touches the object only through the wake.
//
// Why a release wakes every sleeper, not n. The word holds the tokens and one bit: a release
// cannot tell how many threads sleep. Waking n while clearing the bit strands the sleepers beyond
// n (QTBUG-66875; mutant fuzz/mutants/B6.patch, which semfuzz kills). Waking n while keeping the
// bit up costs a wake call on every later release, since nothing can tell when lowering it is
// safe. And a wake of n may reach a multi-token waiter that cannot proceed while a single-token
// one sleeps on (reproducers/schedule/lost-wakeup-split64-low-word-wake-stolen). Exact wakes need
// a count of registered waiters beside the tokens and a separate word for multi-token sleepers:
// split64's layout. Measured against it in the same runs (docs/performance.md, "Why the default
// wakes every sleeper"): under steady contention split64's count keeps its flag up (more waiters
// registered than tokens per release), so every release pays a FUTEX_WAKE, about 2 calls per item
// as for sem_t, while word32 clears the bit once and the woken threads drain the queue with no
// call until one sleeps again (0.1-0.3 calls per item). Its cost is threads woken for nothing
// (release(1) with 4 sleepers wakes 4), each of which re-checks the word and sleeps again.
//
// Synchronisation: all shared state is the one atomic word; release CAS memory_order_release,
// token-taking CAS memory_order_acquire.
#ifndef SEMFUZZ_INTERNAL_WORD32_H_
#define SEMFUZZ_INTERNAL_WORD32_H_

#include <climits>
#include <cstdint>

#include "semfuzz/internal/limits.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::internal {

template <class P>
class word32_core {
 public:
  using clock = typename P::clock;
  using time_point = typename clock::time_point;

  // Requires initial <= kMaxTokens.
  explicit word32_core(std::uint32_t initial) noexcept : state_(initial) {}

  word32_core(const word32_core&) = delete;
  word32_core& operator=(const word32_core&) = delete;

  // See split64_core for the contracts of these members; they are the same.
  bool try_acquire(std::uint32_t n) noexcept {
    std::uint32_t cur = state_.load(std::memory_order_relaxed);
    while (tokens(cur) >= n) {
      if (state_.compare_exchange_weak(cur, cur - n, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  bool acquire_slow(std::uint32_t n, const time_point* deadline) {
    std::uint32_t cur = state_.load(std::memory_order_relaxed);
    for (;;) {
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - n, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      if ((cur & kNeedsWake) == 0) {
        if (!state_.compare_exchange_weak(cur, cur | kNeedsWake, std::memory_order_relaxed,
                                          std::memory_order_relaxed)) {
          continue;
        }
        cur |= kNeedsWake;
      }
      const futex_status status = P::futex_wait(word(), cur, deadline);
      cur = state_.load(std::memory_order_relaxed);
      if (status == futex_status::timed_out && tokens(cur) < n) return false;
    }
  }

  void release(std::uint32_t n) {
    const std::uint32_t* const futex_word = word();  // computed before the object may die
    std::uint32_t prev = state_.load(std::memory_order_relaxed);
    std::uint32_t next;
    do {
      if (n > kMaxTokens - tokens(prev)) throw_release_overflow(tokens(prev), n);
      next = tokens(prev) + n;  // clears needs-wake
    } while (!state_.compare_exchange_weak(prev, next, std::memory_order_release,
                                           std::memory_order_relaxed));
    if ((prev & kNeedsWake) != 0) P::futex_wake(futex_word, INT_MAX);
  }

  std::uint32_t available() const noexcept {
    return tokens(state_.load(std::memory_order_relaxed));
  }

 private:
  static constexpr std::uint32_t kNeedsWake = 0x80000000u;
  static constexpr std::uint32_t tokens(std::uint32_t s) noexcept { return s & kMaxTokens; }

  const std::uint32_t* word() const noexcept {
    return reinterpret_cast<const std::uint32_t*>(&state_);
  }

  typename P::template atomic<std::uint32_t> state_;
  static_assert(sizeof(state_) == 4, "the futex word must be the atomic's own bytes");
};

}  // namespace semfuzz::internal

#endif  // SEMFUZZ_INTERNAL_WORD32_H_
