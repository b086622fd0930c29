// A semaphore that parks on memory it does not own (ctests byo_parking_replay and
// byo_parking_lot_replay): its state lives in a heap block of its own (a d-pointer, as QSemaphore
// keeps its QSemaphorePrivate), and its sleepers futex-wait either on that heap word (byo_parking)
// or, with -DSEMFUZZ_PARKING_LOT, on a word of a global table shared by every semaphore and hashed
// by address (a parking lot, as libc++'s contention table). semfuzz's futex model takes both
// (fuzz/instrumented/runtime/futex_memory.h); before, only the adapter's own bytes.
//
// The state word: the low 31 bits are the tokens, the top bit says that someone sleeps. A release
// adds its tokens and clears the bit in one compare-and-swap, and after it touches nothing of the
// semaphore (the owner may delete it): it wakes every sleeper by address. Single-token
// (multi_token = false), bad counts undefined.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PARKING_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PARKING_SEMAPHORE_H_

#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <memory>
#include <optional>

#include "fuzz/instrumented/adapter_defaults.h"

namespace semfuzz::byo_test {

namespace parking_detail {
// The parking lot: each word counts the wakes of the semaphores hashed to it.
inline std::atomic<std::uint32_t> g_lot[8];
}  // namespace parking_detail

class parking_semaphore : public instr::adapter_defaults<parking_semaphore> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;

  explicit parking_semaphore(std::int64_t initial)
      : impl_(std::make_unique<impl>(static_cast<std::uint32_t>(initial))) {}
  parking_semaphore(const parking_semaphore&) = delete;
  parking_semaphore& operator=(const parking_semaphore&) = delete;

  void acquire(std::int64_t n) {
    if (n != 0) (void)take(nullptr);
  }
  bool try_acquire(std::int64_t n) {
    if (n == 0) return true;
    std::uint32_t s = impl_->state.load(std::memory_order_relaxed);
    return take_now(s);
  }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    if (n == 0) return true;
    if (deadline == clock::time_point::max()) return take(nullptr);
    const std::optional<timespec> at = instr::monotonic_deadline(deadline);
    if (!at) return try_acquire(n);
    return take(&*at);
  }
  void release(std::int64_t n) {
    if (n == 0) return;
    std::atomic<std::uint32_t>& state = impl_->state;
    std::atomic<std::uint32_t>& word = wait_word();
    std::uint32_t s = state.load(std::memory_order_relaxed);
    while (!state.compare_exchange_weak(s, (s & kTokens) + static_cast<std::uint32_t>(n),
                                        std::memory_order_seq_cst)) {
    }
    if ((s & kSleepers) == 0) return;
      // The semaphore may be gone: only the parking lot (global) and wakes by address from here.
#ifdef SEMFUZZ_PARKING_LOT
    word.fetch_add(1, std::memory_order_seq_cst);
#endif
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX);
  }
  std::int64_t available() { return impl_->state.load(std::memory_order_relaxed) & kTokens; }

 private:
  static constexpr std::uint32_t kSleepers = 1u << 31;
  static constexpr std::uint32_t kTokens = ~kSleepers;

  struct impl {
    explicit impl(std::uint32_t tokens) : state(tokens) {}
    std::atomic<std::uint32_t> state;
  };

  // Where sleepers wait: the heap word itself, or the parking lot's word for this semaphore.
  std::atomic<std::uint32_t>& wait_word() {
#ifdef SEMFUZZ_PARKING_LOT
    return parking_detail::g_lot[(reinterpret_cast<std::uintptr_t>(this) >> 4) % 8];
#else
    return impl_->state;
#endif
  }

  // Takes a token if s, the state last seen, has one; s receives the state seen.
  bool take_now(std::uint32_t& s) {
    while ((s & kTokens) != 0) {
      if (impl_->state.compare_exchange_weak(s, s - 1, std::memory_order_acquire)) return true;
    }
    return false;
  }

  // Takes a token, sleeping until there is one or the absolute steady-clock deadline `at`
  // (nullptr: none) has passed.
  bool take(const timespec* at) {
    std::atomic<std::uint32_t>& state = impl_->state;
    std::atomic<std::uint32_t>& word = wait_word();
    for (;;) {
#ifdef SEMFUZZ_PARKING_LOT
      // Before the state: a release that clears the bit after this read bumps the word after it.
      const std::uint32_t epoch = word.load(std::memory_order_seq_cst);
#endif
      std::uint32_t s = state.load(std::memory_order_seq_cst);
      if (take_now(s)) return true;
      if ((s & kSleepers) == 0 &&
          !state.compare_exchange_strong(s, s | kSleepers, std::memory_order_seq_cst)) {
        continue;  // the state changed: look again
      }
#ifdef SEMFUZZ_PARKING_LOT
      const std::uint32_t expected = epoch;
#else
      const std::uint32_t expected = s | kSleepers;
#endif
      const long r = syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word),
                             at ? FUTEX_WAIT_BITSET_PRIVATE : FUTEX_WAIT_PRIVATE, expected, at,
                             nullptr, FUTEX_BITSET_MATCH_ANY);
      if (r != 0 && errno == ETIMEDOUT) {
        s = state.load(std::memory_order_relaxed);
        return take_now(s);
      }
    }
  }

  std::unique_ptr<impl> impl_;
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PARKING_SEMAPHORE_H_
