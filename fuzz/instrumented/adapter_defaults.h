// Ready-made members for a bring-your-own adapter (fuzz/instrumented/adapter.h), so that an
// adapter writes only what its semaphore has. Two CRTP bases; each is header code, compiled
// instrumented with the adapter.
//
// adapter_defaults<A>: `class A : public semfuzz::instr::adapter_defaults<A>`, with
// `using adapter_defaults<A>::try_acquire;` beside A's own try_acquire(n). From A's
// try_acquire(n), try_acquire_until(n, t) and acquire(n) it supplies
//   try_acquire_for(n, d)   d <= 0 tries once (try_acquire(n)); otherwise try_acquire_until(n,
//                           now + d), where a deadline past the clock's range waits for ever;
//   try_acquire(n, int ms)  Qt's form: ms < 0 waits for ever (acquire(n)), otherwise
//                           try_acquire_for(n, ms milliseconds);
// and `using clock = std::chrono::steady_clock`. A member A writes itself hides the default
// (examples/futex_semaphore_adapter.h keeps its own try_acquire_for).
//
// single_token_adapter<A>: for a semaphore whose calls take one token (multi_token = false: the
// harness passes n <= 1 to acquire and the try forms), `class A : public
// semfuzz::instr::single_token_adapter<A>`. A writes acquire_one(), try_acquire_one(),
// try_acquire_one_until(t) and, where its semaphore has one, try_acquire_one_for(d), with
// release(n) and available(); the base supplies the API of adapter.h with n == 0 succeeding at
// once (no call into the semaphore), as adapter.h requires, the timed forms as above, and
// multi_token = false.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_DEFAULTS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_DEFAULTS_H_

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>

namespace semfuzz::instr {

// A deadline of the adapters' clock as the absolute CLOCK_MONOTONIC timespec that a futex wait
// (FUTEX_WAIT_BITSET) or sem_clockwait takes; nullopt for one before the clock's epoch (long
// past: try once). time_point::max() (wait for ever) is the caller's to test first.
inline std::optional<timespec> monotonic_deadline(std::chrono::steady_clock::time_point t) {
  const std::int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  if (ns < 0) return std::nullopt;
  return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

template <class A>
class adapter_defaults {
 public:
  using clock = std::chrono::steady_clock;

  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    A& self = static_cast<A&>(*this);
    if (d <= std::chrono::nanoseconds::zero()) return self.try_acquire(n);
    const clock::time_point now = clock::now();
    return self.try_acquire_until(
        n, d > clock::time_point::max() - now ? clock::time_point::max() : now + d);
  }
  bool try_acquire(std::int64_t n, int ms) {
    A& self = static_cast<A&>(*this);
    if (ms >= 0) return self.try_acquire_for(n, std::chrono::milliseconds(ms));
    self.acquire(n);
    return true;
  }
};

template <class A>
class single_token_adapter {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr bool multi_token = false;

  void acquire(std::int64_t n) {
    if (n > 0) self().acquire_one();
  }
  bool try_acquire(std::int64_t n) { return n == 0 || self().try_acquire_one(); }
  bool try_acquire_until(std::int64_t n, clock::time_point t) {
    return n == 0 || self().try_acquire_one_until(t);
  }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    if (n == 0) return true;
    if constexpr (requires { self().try_acquire_one_for(d); }) {
      return self().try_acquire_one_for(d);
    } else {
      if (d <= std::chrono::nanoseconds::zero()) return self().try_acquire_one();
      const clock::time_point now = clock::now();
      return self().try_acquire_one_until(
          d > clock::time_point::max() - now ? clock::time_point::max() : now + d);
    }
  }
  bool try_acquire(std::int64_t n, int ms) {
    if (ms >= 0) return try_acquire_for(n, std::chrono::milliseconds(ms));
    acquire(n);
    return true;
  }

 private:
  A& self() { return static_cast<A&>(*this); }
};

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_DEFAULTS_H_
