// A proxy-wait counting semaphore whose correctness rests on a store-buffering argument: the
// weak-memory model's test subject, run on the simulated platform (fuzz/sim/proxy_wait_test.cc)
// and, on the production futex platform, brought as "your own semaphore" (the byo_proxy_wait
// target, fuzz/instrumented/tests/proxy_wait_adapter.h; its weakened-order mutants are
// fuzz/mutants/PROXY-*.patch).
//
// A taker that finds too few tokens reads the futex word `epoch`, announces itself in `waiters`
// (A), re-checks the count (B) and sleeps on `epoch` if still short; a release publishes its
// tokens (C), then checks `waiters` (D) and, when someone announced, bumps `epoch` and wakes every
// sleeper.
//
// Proof that no taker sleeps forever while its tokens are there, when A, B, C and D are seq_cst:
// take a taker W asleep on epoch value e and the release R whose tokens it needs. In the total
// order S of seq_cst operations either A <S D: then D reads waiters >= 1 (a seq_cst load reads at
// least the last seq_cst store to it in S, and W's own decrement comes only after it wakes), so R
// bumps epoch after W read e, and W's futex compare fails or R's wake finds W asleep; or D <S A:
// then C <S B (C is sequenced before D, A before B), so B reads the count with R's tokens and W
// does not sleep. With any of A..D weaker than seq_cst, both reads may be stale (store
// buffering): D reads no waiter, B reads no tokens, and W sleeps with its tokens there. The futex
// word being a full barrier (Linux's promise, the model's default) rescues a weakened A when W's
// futex wait comes before D; nothing rescues the others. The weakened variants are the template
// arguments; the correct semaphore is the default.
//
// Destruction: release touches the object after publishing its tokens (D, the wake), so a taker
// that got them may not free it yet. Every release counts itself in `releasers` for its whole
// call; the destructor marks `releasers` draining and sleeps on it until the count is zero, and
// the last release out wakes it (the wake only names the address). Callers of acquire must be
// gone before the destructor runs, as for any object.
//
// Contract (the adapter API's, fuzz/instrumented/adapter.h, with unsigned counts): n <= 2^31 - 1
// and the count never above 2^31 - 1 (nothing checks it); acquire(n) waits for n tokens, all or
// none; try_acquire_until(n, deadline) with nullptr waits for ever; release(n) wakes every sleeper
// (each takes what it can, the others sleep again). Not for production: every release that sees
// a waiter wakes them all, and the waiters count is one word for every n.
#ifndef SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_

#include <atomic>
#include <climits>
#include <cstdint>

#include "semfuzz/platform/platform.h"

namespace semfuzz::proxy {

template <class P, std::memory_order Announce = std::memory_order_seq_cst,
          std::memory_order Recheck = std::memory_order_seq_cst,
          std::memory_order Publish = std::memory_order_seq_cst,
          std::memory_order CheckWaiters = std::memory_order_seq_cst>
class proxy_wait_semaphore {
 public:
  using clock = typename P::clock;

  explicit proxy_wait_semaphore(std::uint32_t initial) : count_(initial) {}
  ~proxy_wait_semaphore() {
    std::uint32_t r = releasers_.fetch_or(kDraining, std::memory_order_acq_rel) | kDraining;
    while (r != kDraining) {
      P::futex_wait(word(releasers_), r, nullptr);
      r = releasers_.load(std::memory_order_acquire);
    }
  }
  proxy_wait_semaphore(const proxy_wait_semaphore&) = delete;
  proxy_wait_semaphore& operator=(const proxy_wait_semaphore&) = delete;

  void acquire(std::uint32_t n) { (void)try_acquire_until(n, nullptr); }
  // Takes n tokens if they are there now.
  bool try_acquire(std::uint32_t n) {
    std::uint32_t c = count_.load(std::memory_order_relaxed);
    while (c >= n) {
      if (count_.compare_exchange_strong(c, c - n, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }
  // Takes n tokens, sleeping until they are there or `deadline` (nullptr: none) has passed.
  bool try_acquire_until(std::uint32_t n, const typename clock::time_point* deadline) {
    while (!try_acquire(n)) {
      const std::uint32_t e = epoch_.load(std::memory_order_acquire);
      waiters_.fetch_add(1, Announce);  // A
      futex_status slept = futex_status::value_changed;
      if (count_.load(Recheck) < n) slept = P::futex_wait(word(epoch_), e, deadline);  // B
      waiters_.fetch_sub(1, std::memory_order_relaxed);
      if (slept == futex_status::timed_out) return try_acquire(n);
    }
    return true;
  }
  void release(std::uint32_t n) {
    releasers_.fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(n, Publish);            // C
    if (waiters_.load(CheckWaiters) != 0) {  // D
      epoch_.fetch_add(1, std::memory_order_release);
      P::futex_wake(word(epoch_), INT_MAX);
    }
    if (releasers_.fetch_sub(1, std::memory_order_release) == (kDraining | 1)) {
      P::futex_wake(word(releasers_), 1);  // the object may be gone: the wake only names it
    }
  }
  // The newest count this thread can see (relaxed).
  std::uint32_t available() const { return count_.load(std::memory_order_relaxed); }

 private:
  using atomic = typename P::template atomic<std::uint32_t>;
  static constexpr std::uint32_t kDraining = 1u << 31;

  // The futex word: the atomic's value is its first (only) member on both platforms.
  static const std::uint32_t* word(const atomic& a) {
    return reinterpret_cast<const std::uint32_t*>(&a);
  }

  atomic count_;
  atomic waiters_{0};
  atomic epoch_{0};
  atomic releasers_{0};
};

}  // namespace semfuzz::proxy

#endif  // SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_
