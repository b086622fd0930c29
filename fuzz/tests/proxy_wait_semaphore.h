// A proxy-wait counting semaphore whose correctness rests on a store-buffering argument, for the
// weak-memory model's tests (fuzz/sim/proxy_wait_test.cc). A taker that finds too few tokens
// reads the futex word `epoch`, announces itself in `waiters` (A), re-checks the count (B) and
// sleeps on `epoch` if still short; a release publishes its tokens (C), then checks `waiters`
// (D) and, when someone announced, bumps `epoch` and wakes every sleeper.
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
// Not for production: no timeouts, no overflow checks, and release touches the object after
// publishing its tokens (an owner may not delete it while a release runs).
#ifndef SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_

#include <atomic>
#include <climits>
#include <cstdint>

namespace semfuzz::proxy {

template <class P, std::memory_order Announce = std::memory_order_seq_cst,
          std::memory_order Recheck = std::memory_order_seq_cst,
          std::memory_order Publish = std::memory_order_seq_cst,
          std::memory_order CheckWaiters = std::memory_order_seq_cst>
class proxy_wait_semaphore {
 public:
  explicit proxy_wait_semaphore(std::uint32_t initial) : count_(initial) {}

  void acquire(std::uint32_t n) {
    for (;;) {
      std::uint32_t c = count_.load(std::memory_order_relaxed);
      while (c >= n) {
        if (count_.compare_exchange_strong(c, c - n, std::memory_order_acquire,
                                           std::memory_order_relaxed)) {
          return;
        }
      }
      const std::uint32_t e = epoch_.load(std::memory_order_acquire);
      waiters_.fetch_add(1, Announce);                                        // A
      if (count_.load(Recheck) < n) P::futex_wait(word(epoch_), e, nullptr);  // B
      waiters_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  void release(std::uint32_t n) {
    count_.fetch_add(n, Publish);            // C
    if (waiters_.load(CheckWaiters) != 0) {  // D
      epoch_.fetch_add(1, std::memory_order_release);
      P::futex_wake(word(epoch_), INT_MAX);
    }
  }
  // The newest count (for the test's oracle, between steps).
  std::uint32_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  using atomic = typename P::template atomic<std::uint32_t>;
  // The futex word: the atomic's value is its first (only) member on both platforms.
  static const std::uint32_t* word(const atomic& a) {
    return reinterpret_cast<const std::uint32_t*>(&a);
  }

  atomic count_;
  atomic waiters_{0};
  atomic epoch_{0};
};

}  // namespace semfuzz::proxy

#endif  // SEMFUZZ_FUZZ_TESTS_PROXY_WAIT_SEMAPHORE_H_
