// Adapters: the semaphores the real-thread target runs, behind one interface, thread_adapter.
// Counts are std::int64_t; semantics that an adapted semaphore lacks are documented on its adapter.
#ifndef SEMFUZZ_FUZZ_THREADS_ADAPTERS_H_
#define SEMFUZZ_FUZZ_THREADS_ADAPTERS_H_

#include <semaphore.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <concepts>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <semaphore>
#include <stdexcept>
#include <type_traits>

#include "fuzz/oracles/contract.h"
#include "fuzz/schedule/std_adapter.h"
#include "fuzz/threads/perturb.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::threads {

// What the real-thread runner (fuzz/threads/runner.h) needs of an adapter: the fuzzable
// semaphore API (fuzz/oracles/contract.h) on std::chrono::steady_clock, available() answering
// contract::kUnknownCount when the semaphore cannot count, and three constants:
//   multi_token, rejects_bad_counts  what it offers (fuzz/oracles/capabilities.h; the runner gives
//   it
//                       the program's operations as contract::expand_operations() makes them);
//   payload_check       false when ThreadSanitizer cannot see the semaphore's synchronisation
//                       (an uninstrumented library).
template <class A>
concept thread_adapter = contract::fuzzable_semaphore<A> &&
    std::same_as<typename A::clock, std::chrono::steady_clock> && requires {
  typename std::bool_constant<A::multi_token>;
  typename std::bool_constant<A::rejects_bad_counts>;
  typename std::bool_constant<A::payload_check>;
};

// semfuzz's own algorithms, on the production futex platform with perturbation hooks.
template <template <class> class Algorithm>
class own_semaphore {
 public:
  static constexpr bool multi_token = true;
  static constexpr bool rejects_bad_counts = true;
  static constexpr bool payload_check = true;
  using clock = std::chrono::steady_clock;
  explicit own_semaphore(std::int64_t initial) : s_(initial) {}
  void acquire(std::int64_t n) { s_.acquire(n); }
  bool try_acquire(std::int64_t n) { return s_.try_acquire(n); }
  bool try_acquire(std::int64_t n, int ms) { return s_.try_acquire(n, ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    return s_.try_acquire_for(n, d);
  }
  bool try_acquire_until(std::int64_t n, std::chrono::steady_clock::time_point t) {
    return s_.try_acquire_until(n, t);
  }
  void release(std::int64_t n) { s_.release(n); }
  std::int64_t available() { return s_.available(); }

 private:
  basic_semaphore<Algorithm, hooked_platform> s_;
};

// std::counting_semaphore<INT_MAX> of the standard library in use (fuzz/schedule/std_adapter.h:
// what it lacks, and the known bug of libstdc++ 12 it steps around).
using std_semaphore = std_adapter<std::counting_semaphore<INT_MAX>>;

// POSIX sem_t (glibc). Single-token operations (counts > 1 become that many calls); EINTR is
// retried; EOVERFLOW from sem_post becomes std::overflow_error; timed waits convert the steady
// deadline to CLOCK_REALTIME for sem_timedwait once; negative counts are skipped.
class posix_semaphore {
 public:
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool payload_check = true;  // TSan intercepts sem_post / sem_wait
  using clock = std::chrono::steady_clock;
  explicit posix_semaphore(std::int64_t initial) {
    if (sem_init(&s_, 0, static_cast<unsigned>(initial)) != 0) std::abort();
  }
  ~posix_semaphore() { sem_destroy(&s_); }
  void acquire(std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      while (sem_wait(&s_) != 0) check(errno, "sem_wait");
    }
  }
  bool try_acquire(std::int64_t n) {
    if (n == 0) return true;
    while (sem_trywait(&s_) != 0) {
      if (errno == EAGAIN) return false;
      check(errno, "sem_trywait");
    }
    return true;
  }
  bool try_acquire(std::int64_t n, int ms) { return qt_timeout_form(*this, n, ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    if (d == std::chrono::nanoseconds::max()) {
      acquire(n);
      return true;
    }
    return try_acquire_until(n, std::chrono::steady_clock::now() + d);
  }
  bool try_acquire_until(std::int64_t n, std::chrono::steady_clock::time_point t) {
    if (n == 0) return true;
    if (t == std::chrono::steady_clock::time_point::max()) {
      acquire(n);
      return true;
    }
    // sem_timedwait (CLOCK_REALTIME), not sem_clockwait: ThreadSanitizer intercepts the former
    // only, and would report the payload handed over by a clockwait as a race.
    const auto left = t - std::chrono::steady_clock::now();
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch() + std::max(left, left.zero()))
            .count();
    timespec abs{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    while (sem_timedwait(&s_, &abs) != 0) {
      if (errno == ETIMEDOUT) return false;
      check(errno, "sem_timedwait");
    }
    return true;
  }
  void release(std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) {
      if (sem_post(&s_) != 0) {
        if (errno == EOVERFLOW) throw std::overflow_error("sem_post: EOVERFLOW");
        check(errno, "sem_post");
      }
    }
  }
  std::int64_t available() {
    int v = 0;
    sem_getvalue(&s_, &v);
    return v;
  }

 private:
  static void check(int err, const char* call) {
    if (err == EINTR) return;
    std::fprintf(stderr, "semfuzz: %s failed with errno %d\n", call, err);
    std::abort();
  }
  sem_t s_;
};

static_assert(thread_adapter<own_semaphore<internal::split64_core>>);
static_assert(thread_adapter<own_semaphore<internal::word32_core>>);
static_assert(thread_adapter<own_semaphore<internal::condvar_core>>);
static_assert(thread_adapter<std_semaphore>);
static_assert(thread_adapter<posix_semaphore>);

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_ADAPTERS_H_
