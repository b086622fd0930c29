// The 64-bit split-word futex semaphore, after Qt's QSemaphore on 64-bit Linux ("Layout A"), with
// an ABA-free high word and sleep flags, so that a release makes a system call only while a
// sleeper may still lack a wake.
//
// State: one 64-bit word, two 32-bit futex words.
//
//   LOW word (single-token waiters sleep here, expecting its exact value)
//     bits  0..30  tokens (available())
//     bit   31     L: a single-token waiter may sleep on the low word
//   HIGH word (multi-token waiters sleep here, expecting its exact value)
//     bits 32..47  release sequence, +1 (mod 2^16) per release
//     bits 48..62  registered waiters R (at most 32767)
//     bit   63     H: a multi-token waiter may sleep on the high word
//
// Waiting. A thread that must wait registers (R + 1) and raises its flag (L for n == 1, H for
// n > 1) in the compare-exchange that found too few tokens. Before each sleep it raises its flag
// again if a release cleared it, and sleeps with the flag in the expected value. It leaves R when
// it takes its tokens (same compare-exchange) or times out. It never lowers a flag.
//
// Release. One compare-exchange adds the tokens, bumps the sequence, clears H, and clears L if
// R <= n. Then, from the value it replaced, and only if R != 0:
//   L was set, H not   FUTEX_WAKE(low, min(n, R))
//   H was set, L not   FUTEX_WAKE(high, all)
//   both               one FUTEX_WAKE_OP: min(n, R) on the low word and all on the high word
//   neither            no system call: every sleeper already has a wake coming.
// After that compare-exchange it touches the object only through the wake's addresses, computed
// beforehand. So: no system call when nobody waits; at most n single-token sleepers woken for n
// tokens; and once a release has woken every waiter that may sleep, later releases make no call
// until a waiter that found too few tokens raises a flag again (Qt and glibc's sem_t call on
// every release while anyone is registered, woken or not).
//
// Why no lost wakeup.
//   Low word. A single-token waiter sleeps only while the low word equals its snapshot, which
//   had 0 tokens and L set: so it sleeps only while it would find 0 tokens, and only while L is
//   set. Invariant: L is set, or the low-word wakes in flight (decided, not yet made) number at
//   least the low word's sleepers. Raising L keeps it; a sleeper can join only while L is set; a
//   release keeps L when R > n, and clears it only when R <= n, deciding to wake R, which is at
//   least the number of sleepers (every sleeper is registered); a wake of k takes k sleepers, or
//   all of them. Liveness: while L is set, a release of n wakes n low sleepers, or all of them
//   if fewer sleep; if it lowers L, it wakes every registered waiter. Each woken one takes a
//   token, or finds none (another thread took it) and sleeps again only after raising L and
//   only while the count is 0. So every token a release adds while single-token waiters sleep
//   comes with a woken sleeper to take it, unless another thread takes it first.
//   High word. A multi-token waiter sleeps only while the high word equals its snapshot, which
//   had too few tokens and H set; the sequence changes with every release, so an unchanged high
//   word means no release happened (barring exactly k * 65536 releases while one waiter is
//   between its check and its sleep), hence no new tokens. Every release that finds H set wakes
//   every high sleeper and clears H; a later sleeper raises H again. A multi-token waiter never
//   absorbs a wake meant for a single-token one: they sleep on different words.
//
// Why not a count of sleepers not yet woken (a release wakes min(n, count) and subtracts what it
// wakes): a wake may find its sleeper not yet asleep, and the low word can come back to that
// sleeper's snapshot (a release adds a token, another thread takes it), so the sleeper then sleeps
// uncounted and a later release passes it by. The flag is in the futex word, and clearing it is
// tied to waking every registered waiter, which is what makes the low word safe without a
// sequence. (fuzz/mutants/S64-L-PARTIAL.patch clears L after a partial wake: semfuzz finds the
// lost wakeup.)
//
// Why not Qt's high word (tokens + waiters + a wake-all flag): it is not monotonic. A release
// (+1 token), a waiter's acquire (-1 token, -1 waiter) and another release bring it back to an old
// value with one more token; once another multi-token waiter sets the flag again, a waiter holding
// the old value sleeps while its tokens are there. semfuzz found it:
// reproducers/schedule/lost-wakeup-split64-high-word-aba. Sleeping multi-token waiters on the low
// word instead loses wakes the other way (reproducers/schedule/lost-wakeup-split64-low-word-wake-
// stolen).
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
    const std::uint64_t flag = n == 1 ? kLowSleeper : kHighSleeper;
    std::uint64_t cur = state_.load(std::memory_order_relaxed);
    for (;;) {  // register and raise the flag, or take tokens that appeared meanwhile
      if (tokens(cur) >= n) {
        if (state_.compare_exchange_weak(cur, cur - n, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          return true;
        }
        continue;
      }
      if (waiters(cur) == kMaxWaiters) throw_waiter_overflow();
      const std::uint64_t registered = (cur + kOneWaiter) | flag;
      if (state_.compare_exchange_weak(cur, registered, std::memory_order_relaxed,
                                       std::memory_order_relaxed)) {
        cur = registered;
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
      if ((cur & flag) == 0) {  // a release cleared it: raise it again before sleeping
        if (!state_.compare_exchange_weak(cur, cur | flag, std::memory_order_relaxed,
                                          std::memory_order_relaxed)) {
          continue;
        }
        cur |= flag;
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
      if ((prev & (kLowSleeper | kHighSleeper)) != 0) {  // (a branch: cheaper when uncontended)
        next &= waiters(prev) <= n ? ~(kLowSleeper | kHighSleeper) : ~kHighSleeper;
      }
    } while (!state_.compare_exchange_weak(prev, next, std::memory_order_release,
                                           std::memory_order_relaxed));
    const std::uint32_t registered = waiters(prev);
    if (registered == 0) return;
    const int low_count = static_cast<int>(registered < n ? registered : n);
    switch (prev & (kLowSleeper | kHighSleeper)) {
      case kLowSleeper:
        P::futex_wake(low, low_count);
        break;
      case kHighSleeper:
        P::futex_wake(high, INT_MAX);
        break;
      case kLowSleeper | kHighSleeper:
        P::futex_wake_two(low, low_count, high, INT_MAX);
        break;
      default:  // every waiter that may sleep has a wake coming
        break;
    }
  }

  std::uint32_t available() const noexcept {
    return tokens(state_.load(std::memory_order_relaxed));
  }

 private:
  static constexpr std::uint64_t kLowSleeper = std::uint64_t{1} << 31;  // L
  static constexpr std::uint64_t kOneRelease = std::uint64_t{1} << 32;
  static constexpr std::uint64_t kSequenceMask = std::uint64_t{0xffff} << 32;
  static constexpr std::uint64_t kOneWaiter = std::uint64_t{1} << 48;
  static constexpr std::uint64_t kHighSleeper = std::uint64_t{1} << 63;  // H

  static constexpr std::uint32_t low32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s);
  }
  static constexpr std::uint32_t high32(std::uint64_t s) noexcept {
    return static_cast<std::uint32_t>(s >> 32);
  }
  static constexpr std::uint32_t tokens(std::uint64_t s) noexcept { return low32(s) & kMaxTokens; }
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
