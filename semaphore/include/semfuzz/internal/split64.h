// The 64-bit split-word futex semaphore, after Qt's QSemaphore on 64-bit Linux ("Layout A"), with
// an ABA-free high word.
//
// State: one 64-bit word, two 32-bit futex words.
//   bits  0..30  tokens (available())                 -- the LOW word: single-token waiters sleep
//   here bit  31      always 0 bits 32..47  release sequence, +1 (mod 2^16) per release  \_ the
//   HIGH word: multi-token bits 48..62  registered waiters (at most 32767)           /  waiters
//   sleep here bit  63      always 0
//
// A thread that must wait registers (waiters + 1) in the same compare-exchange that found too few
// tokens, and leaves the count when it takes its tokens (same compare-exchange) or times out.
// Single-token waiters sleep on the low word, expecting its exact value; multi-token waiters sleep
// on the high word. release() adds its tokens and bumps the sequence in ONE compare-exchange;
// then, only if someone is registered, ONE FUTEX_WAKE_OP wakes up to n low sleepers and every
// high sleeper. After that compare-exchange it touches the object only through the wake's
// addresses, computed beforehand. So: no system call when nobody waits, n single-token waiters
// woken for n tokens, and a multi-token waiter can never absorb a wake meant for them.
//
// Why not Qt's high word (tokens + waiters + a wake-all flag): it is not monotonic. A release
// (+1 token), a waiter's acquire (-1 token, -1 waiter) and another release bring it back to an old
// value with one more token; once another multi-token waiter sets the flag again, a waiter holding
// the old value sleeps while its tokens are there. semfuzz found it:
// reproducers/schedule/lost-wakeup-split64-high-word-aba. Sleeping multi-token waiters on the low
// word instead loses wakes the other way (reproducers/schedule/lost-wakeup-split64-low-word-wake-
// stolen). The sequence changes with every release, so an unchanged high word means no release
// happened (barring exactly k * 65536 releases while one waiter is between its check and its
// sleep), hence no new tokens.
//
// Synchronisation: all shared state is the one atomic word. A successful release CAS uses
// memory_order_release and every successful token-taking CAS memory_order_acquire.
#ifndef SEMFUZZ_INTERNAL_SPLIT64_H_
#define SEMFUZZ_INTERNAL_SPLIT64_H_

#include <climits>
#include <cstdint>

#include "semfuzz/internal/limits.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::internal {

template <class P>
class split64_core {
 public:
  using clock = typename P::clock;
  using time_point = typename clock::time_point;

  // The most threads that can block in one semaphore at once.
  static constexpr std::uint32_t kMaxWaiters = 0x7fff;

  // Requires initial <= kMaxTokens.
  explicit split64_core(std::uint32_t initial) noexcept : state_(initial) {}

  split64_core(const split64_core&) = delete;
  split64_core& operator=(const split64_core&) = delete;

  // Takes n (> 0) tokens if available now. Never fails while n tokens are present.
  bool try_acquire(std::uint32_t n) noexcept {
    std::uint64_t cur = state_.load(std::memory_order_relaxed);
    while (tokens(cur) >= n) {
      if (state_.compare_exchange_weak(cur, cur - n, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  // Blocks until n (> 0) tokens are taken (true) or *deadline passes (false, nothing taken);
  // deadline == nullptr waits forever. Throws std::overflow_error, state unchanged, when
  // kMaxWaiters threads already wait.
  bool acquire_slow(std::uint32_t n, const time_point* deadline) {
    std::uint64_t cur = state_.load(std::memory_order_relaxed);
    for (;;) {  // register, or take tokens that appeared meanwhile
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - n, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      if (waiters(cur) == kMaxWaiters) throw_waiter_overflow();
      if (state_.compare_exchange_weak(cur, cur + kOneWaiter, std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
        cur += kOneWaiter;
        break;
      }
    }
    for (;;) {  // cur is a snapshot that counts this thread as a waiter
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - n - kOneWaiter, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      const futex_status status = n == 1 ? P::futex_wait(low_word(), low32(cur), deadline)
                                         : P::futex_wait(high_word(), high32(cur), deadline);
      cur = state_.load(std::memory_order_relaxed);
      if (status == futex_status::timed_out && tokens(cur) < n) {
        state_.fetch_sub(kOneWaiter, std::memory_order_relaxed);
        return false;
      }
    }
  }

  // Adds n (> 0) tokens. Throws std::overflow_error, state unchanged, when tokens + n would
  // exceed kMaxTokens.
  void release(std::uint32_t n) {
    const std::uint32_t* const low = low_word();  // computed before the object may die
    const std::uint32_t* const high = high_word();
    std::uint64_t prev = state_.load(std::memory_order_relaxed);
    std::uint64_t next;
    do {
      if (n > kMaxTokens - tokens(prev)) throw_release_overflow(tokens(prev), n);
      next = ((prev + n) & ~kSequenceMask) | ((prev + kOneRelease) & kSequenceMask);
    } while (!state_.compare_exchange_weak(prev, next, std::memory_order_release,
                                           std::memory_order_relaxed));
    if (waiters(prev) != 0) P::futex_wake_two(low, static_cast<int>(n), high, INT_MAX);
  }

  std::uint32_t available() const noexcept {
    return tokens(state_.load(std::memory_order_relaxed));
  }

 private:
  static constexpr std::uint64_t kOneRelease = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kSequenceMask = std::uint64_t{0xffff} << 32;
  static constexpr std::uint64_t kOneWaiter = std::uint64_t{1} << 48;

  static constexpr std::uint32_t low32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s);
  }
  static constexpr std::uint32_t high32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 32);
  }
  static constexpr std::uint32_t tokens(std::uint64_t s) noexcept { return low32(s); }
  static constexpr std::uint32_t waiters(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 48) & kMaxWaiters;
  }

  // Addresses of the two 32-bit halves of state_, for the futex calls only (never dereferenced
  // here). P::atomic<std::uint64_t> keeps its value in its first 8 bytes.
  const std::uint32_t* half(bool high) const noexcept {
    constexpr bool kLittle = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    const char* base = reinterpret_cast<const char*>(&state_);
    return reinterpret_cast<const std::uint32_t*>(base + ((high == kLittle) ? 4 : 0));
  }
  const std::uint32_t* low_word() const noexcept { return half(false); }
  const std::uint32_t* high_word() const noexcept { return half(true); }

  typename P::template atomic<std::uint64_t> state_;
  static_assert(sizeof(state_) == 8, "the futex halves must be the atomic's own bytes");
};

}  // namespace semfuzz::internal

#endif  // SEMFUZZ_INTERNAL_SPLIT64_H_
