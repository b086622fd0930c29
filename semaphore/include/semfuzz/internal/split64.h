// Qt's 64-bit split-word futex semaphore (the "Layout A" of QSemaphore on 64-bit Linux), with the
// multi-token waiters moved to the low word.
//
// State: one 64-bit word.
//   bits  0..30  tokens (available())                    -- the futex word every waiter sleeps on
//   bit  31      wake-all: a multi-token waiter may sleep on the low word
//   bits 32..62  tokens + registered waiters (Qt's replicated count)
//   bit  63      always 0
// Invariant after every atomic step: field(32..62) == tokens + waiters.
//
// Waiters register in the high field, so a release knows whether anyone may sleep (high > low)
// and makes no system call otherwise. Single-token waiters sleep on the low word expecting its
// exact value. A multi-token waiter first sets wake-all, then sleeps on the low word expecting a
// value that contains it. release() adds its tokens and clears wake-all in ONE compare-exchange;
// then, only if someone is registered, one FUTEX_WAKE wakes every low sleeper when wake-all was
// set and up to n of them otherwise. After that compare-exchange release() touches the object
// only through the wake's address, computed beforehand.
//
// Why not Qt's high word: in Qt, multi-token waiters sleep on the high 32 bits (tokens + waiters
// + flag). That value is not monotonic: a release (+1 token) followed by a waiter's acquire
// (-1 token, -1 waiter) and another release brings it back with one more token, and once another
// multi-token waiter sets the flag again, a waiter holding the old snapshot goes to sleep while
// its tokens are there (semfuzz found it: reproducers/schedule/lost-wakeup-split64-high-word-aba).
// The low word holds the exact token count, so an equal value means equal tokens.
//
// Synchronisation: all shared state is the one atomic word. A successful release CAS uses
// memory_order_release and every successful token-taking CAS memory_order_acquire.
#ifndef SEMFUZZ_INTERNAL_SPLIT64_H_
#define SEMFUZZ_INTERNAL_SPLIT64_H_

#include <climits>
#include <cstdint>
#include <cstring>

#include "semfuzz/internal/limits.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::internal {

template <class P>
class split64_core {
 public:
  using clock = typename P::clock;
  using time_point = typename clock::time_point;

  // Requires initial <= kMaxTokens.
  explicit split64_core(std::uint32_t initial) noexcept : state_(parcel(initial)) {}

  split64_core(const split64_core&) = delete;
  split64_core& operator=(const split64_core&) = delete;

  // Takes n (> 0) tokens if available now. Never fails while n tokens are present.
  bool try_acquire(std::uint32_t n) noexcept {
    std::uint64_t cur = state_.load(std::memory_order_relaxed);
    while (tokens(cur) >= n) {
      if (state_.compare_exchange_weak(cur, cur - parcel(n), std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // Blocks until n (> 0) tokens are taken (true) or *deadline passes (false, nothing taken);
  // deadline == nullptr waits forever. Throws std::overflow_error, state unchanged, when the
  // tokens + waiters field is full and this thread cannot register.
  bool acquire_slow(std::uint32_t n, const time_point* deadline) {
    std::uint64_t cur = state_.load(std::memory_order_relaxed);
    for (;;) {  // register, or take tokens that appeared meanwhile
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - parcel(n), std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      if (waiter_field(cur) == kMaxTokens) throw_waiter_overflow();
      if (state_.compare_exchange_weak(cur, cur + kOneWaiter, std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
        cur += kOneWaiter;
        break;
      }
    }
    for (;;) {  // cur is a snapshot that counts this thread as a waiter
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - parcel(n) - kOneWaiter,
                                         std::memory_order_acquire, std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      if (n > 1 && (cur & kWakeAllBit) == 0) {
        cur = state_.fetch_or(kWakeAllBit, std::memory_order_relaxed) | kWakeAllBit;
        if (tokens(cur) >= n) continue;
      }
      const futex_status status = P::futex_wait(low_word(), low32(cur), deadline);
      cur = state_.load(std::memory_order_relaxed);
      if (status == futex_status::timed_out && tokens(cur) < n) {
        state_.fetch_sub(kOneWaiter, std::memory_order_relaxed);
        return false;
      }
    }
  }

  // Adds n (> 0) tokens. Throws std::overflow_error, state unchanged, when tokens + n or
  // tokens + waiters + n would exceed kMaxTokens.
  void release(std::uint32_t n) {
    const std::uint32_t* const low = low_word();  // computed before the object may die
    std::uint64_t prev = state_.load(std::memory_order_relaxed);
    std::uint64_t next;
    do {
      if (n > kMaxTokens - waiter_field(prev)) throw_release_overflow(tokens(prev), n);
      next = (prev + parcel(n)) & ~kWakeAllBit;
    } while (!state_.compare_exchange_weak(prev, next, std::memory_order_release,
                                           std::memory_order_relaxed));
    if (waiter_field(prev) == tokens(prev)) return;  // nobody registered: no system call
    P::futex_wake(low, (prev & kWakeAllBit) != 0 ? INT_MAX : static_cast<int>(n));
  }

  std::uint32_t available() const noexcept {
    return tokens(state_.load(std::memory_order_relaxed));
  }

 private:
  static constexpr std::uint64_t kOneWaiter = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kWakeAllBit = std::uint64_t{1} << 31;

  static constexpr std::uint64_t parcel(std::uint32_t n) noexcept {
    return std::uint64_t{n} | (std::uint64_t{n} << 32);
  }
  static constexpr std::uint32_t low32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s);
  }
  static constexpr std::uint32_t high32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 32);
  }
  static constexpr std::uint32_t tokens(std::uint64_t s) noexcept { return low32(s) & kMaxTokens; }
  static constexpr std::uint32_t waiter_field(std::uint64_t s) noexcept {
    return high32(s) & kMaxTokens;
  }

  // The address of the low 32-bit half of state_, for the futex calls only (never dereferenced
  // here). P::atomic<std::uint64_t> keeps its value in its first 8 bytes.
  const std::uint32_t* low_word() const noexcept {
    constexpr bool kLittle = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    return reinterpret_cast<const std::uint32_t*>(reinterpret_cast<const char*>(&state_) +
                                                  (kLittle ? 0 : 4));
  }

  typename P::template atomic<std::uint64_t> state_;
  static_assert(sizeof(state_) == 8, "the futex halves must be the atomic's own bytes");
};

}  // namespace semfuzz::internal

#endif  // SEMFUZZ_INTERNAL_SPLIT64_H_
