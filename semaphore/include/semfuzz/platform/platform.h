// The platform seam: everything the semaphore algorithms may touch outside their own arithmetic.
//
// The algorithms in semfuzz/internal/ are class templates over a Platform type P. They never name
// std::atomic, syscall() or a clock; they use only what P supplies:
//
//   template <class T> using P::atomic      std::atomic-compatible: load, store,
//                                           compare_exchange_weak/strong, fetch_add, fetch_sub,
//                                           fetch_or, fetch_and, each taking a std::memory_order.
//                                           P::atomic<std::uint64_t> stores its value in its first
//                                           8 bytes, so the two 32-bit halves have addresses.
//   P::clock                                a steady clock: time_point, duration, static now().
//   P::futex_wait(const uint32_t* word, uint32_t expected, const clock::time_point* deadline)
//                                           atomically: if *word != expected return
//                                           futex_status::value_changed; else sleep until woken,
//                                           interrupted, spuriously woken, or the absolute
//                                           deadline passes (nullptr: no deadline).
//   P::futex_wake(const uint32_t* word, int count)
//                                           wake up to count sleepers of word. Never reads or
//                                           writes *word: it may be called on the address of a
//                                           destroyed object.
//   P::futex_wake_two(const uint32_t* a, int count_a, const uint32_t* b, int count_b)
//                                           the same for two words in one call (FUTEX_WAKE_OP).
//                                           Precondition: while anyone sleeps on b, *b != 0 (the
//                                           kernel wakes b's sleepers only then).
//   P::mutex, P::condition_variable         for the fallback algorithm: the subset of std::mutex
//                                           and std::condition_variable (wait, wait_until with
//                                           P::clock, notify_all) used with std::unique_lock.
//
// The concepts below state this: `platform` for everything but the futex (what the fallback
// algorithm needs), `futex_platform` for the futex algorithms. Every platform static_asserts the
// one it models where it is defined, so a broken seam fails to compile with the name of the
// unmet requirement, not deep inside an algorithm.
//
// The production platforms are semfuzz::linux_futex_platform (semfuzz/platform/linux_futex.h) and
// semfuzz::std_platform (semfuzz/platform/std_platform.h, no futex). The fuzzing harness supplies a
// simulated platform that turns each of these calls into a scheduling point.
#ifndef SEMFUZZ_PLATFORM_PLATFORM_H_
#define SEMFUZZ_PLATFORM_PLATFORM_H_

#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace semfuzz {

// What a futex wait returned. Every value except timed_out means "look at the word again": a
// caller must treat woken as possibly spurious.
enum class futex_status {
  woken,          // a wake, or a spurious return (the kernel's 0)
  value_changed,  // *word != expected when the call began (EAGAIN)
  interrupted,    // a signal arrived (EINTR)
  timed_out,      // the absolute deadline passed (ETIMEDOUT)
};

// P::atomic<T>: the std::atomic subset listed above, for the word T.
template <class A, class T>
concept atomic_word = std::constructible_from<A, T> &&
    requires(A& a, const A& ca, T v, T& expected, std::memory_order o) {
  { ca.load(o) } -> std::same_as<T>;
  a.store(v, o);
  { a.compare_exchange_weak(expected, v, o, o) } -> std::same_as<bool>;
  { a.compare_exchange_strong(expected, v, o, o) } -> std::same_as<bool>;
  { a.fetch_add(v, o) } -> std::same_as<T>;
  { a.fetch_sub(v, o) } -> std::same_as<T>;
  { a.fetch_or(v, o) } -> std::same_as<T>;
  { a.fetch_and(v, o) } -> std::same_as<T>;
};

// P::clock: a steady clock (spelled out: libc++ 14 has no std::chrono::is_clock_v).
template <class C>
concept steady_clock_type = requires {
  typename C::rep;
  typename C::period;
  typename C::duration;
  typename C::time_point;
  { C::now() } -> std::same_as<typename C::time_point>;
  requires C::is_steady;
};

// Everything but the futex: atomics of both word widths, the clock, a mutex and a condition
// variable that waits with a deadline on that clock.
template <class P>
concept platform = atomic_word<typename P::template atomic<std::uint32_t>, std::uint32_t> &&
    atomic_word<typename P::template atomic<std::uint64_t>, std::uint64_t> &&
    steady_clock_type<typename P::clock> &&
    requires(typename P::mutex& m, typename P::condition_variable& cv,
             std::unique_lock<typename P::mutex>& lock, typename P::clock::time_point t) {
  m.lock();
  m.unlock();
  cv.wait(lock);
  { cv.wait_until(lock, t) } -> std::same_as<std::cv_status>;
  cv.notify_all();
};

// A platform with the futex calls, on 32-bit words.
template <class P>
concept futex_platform = platform<P> &&
    requires(const std::uint32_t* word, std::uint32_t expected, int count,
             const typename P::clock::time_point* deadline) {
  { P::futex_wait(word, expected, deadline) } -> std::same_as<futex_status>;
  P::futex_wake(word, count);
  P::futex_wake_two(word, count, word, count);
};

}  // namespace semfuzz

#endif  // SEMFUZZ_PLATFORM_PLATFORM_H_
