// The bridge through which the harness calls a bring-your-own adapter (fuzz/instrumented/adapter.h
// says what the adapter offers): adapter_bridge<A> has A's API and capabilities, with every
// member defined where the adapter is compiled instrumented (adapter_bridge_impl.h,
// adapter_bridge.cc), and checks A member by member (check_fuzzable) so that a missing one is
// named.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_ADAPTER_BRIDGE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_ADAPTER_BRIDGE_H_

#include <chrono>
#include <concepts>
#include <cstdint>

#include "fuzz/instrumented/adapter.h"
#include "fuzz/oracles/capabilities.h"
#include "fuzz/oracles/contract.h"

namespace semfuzz::instr {

// Whether A's clock, if it has one, is the steady clock (the bridge's check of semaphore_adapter's
// second half, where check_fuzzable() has named a missing clock already).
template <class A>
consteval bool steady_clock_or_none() {
  if constexpr (requires { typename A::clock; }) {
    return std::same_as<typename A::clock, std::chrono::steady_clock>;
  } else {
    return true;
  }
}

// The harness's view of adapter A: the same API and capabilities, with every member defined in
// adapter_bridge.cc, which is compiled instrumented with your code, so the harness (compiled with
// ASan + UBSan, adapter_target.cc) never instantiates your semaphore itself. The constructor
// registers A's bytes with the scheduler; the destructor destroys A, then reports its bytes
// destroyed. Create, use and destroy it inside a scheduler scope.
template <class A>
class adapter_bridge {
  // Member by member, so that a missing one is named (check_fuzzable), then the clock.
  static_assert(check_fuzzable<A>());
  static_assert(contract::check_traits<A>());  // the optional traits, member by member
  static_assert(steady_clock_or_none<A>(),
                "semfuzz: the adapter's clock must be std::chrono::steady_clock (`using clock = "
                "std::chrono::steady_clock;`), the only clock the harness gives deadlines on");

 public:
  using clock = std::chrono::steady_clock;
  static constexpr bool multi_token = contract::capabilities_of<A>.multi_token;
  static constexpr bool rejects_bad_counts = contract::capabilities_of<A>.rejects_bad_counts;
  static constexpr bool counts = contract::capabilities_of<A>.counts;
  static constexpr bool strong_try = contract::capabilities_of<A>.strong_try;
  static constexpr bool exact_wakes = contract::exact_wakes<A>;
  static constexpr std::int64_t timeout_resolution_ns = contract::timeout_resolution_ns<A>;
  static bool relative_timed_waits();      // contract::relative_timed_waits<A>()
  static bool multi_token_wakeups_lost();  // contract::multi_token_wakeups_lost<A>()
  static std::int64_t max_timeout_ns();    // contract::max_timeout_ns<A>()
  // A's destructor is code under test: the runner (fuzz/schedule/runner.h) deletes the bridge on a
  // simulated thread (at the latest as the run's final step), or abandons it (abandon()).
  static constexpr bool destroy_in_run = true;

  explicit adapter_bridge(std::int64_t initial);
  ~adapter_bridge();
  adapter_bridge(const adapter_bridge&) = delete;
  adapter_bridge& operator=(const adapter_bridge&) = delete;

  void acquire(std::int64_t n);
  bool try_acquire(std::int64_t n);
  bool try_acquire(std::int64_t n, int ms);
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d);
  bool try_acquire_until(std::int64_t n, clock::time_point t);
  void release(std::int64_t n);
  std::int64_t available();
  // Instead of delete, when the run ended with a verdict before its final step: a thread may
  // have been abandoned inside a call, so destroying A would be undefined. The bridge's bytes are
  // reported destroyed and it is left as it is, never destroyed nor freed (instr::object_abandoned:
  // no leak for LeakSanitizer).
  void abandon();

 private:
  union {
    A adapter_;  // its lifetime is the bridge's constructor and destructor bodies'
  };
};

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_ADAPTER_BRIDGE_H_
