// Adapters that must not compile, for semaphore/tests/compile_fail/run.cmake (ctest
// adapter_compile_fail): the bridge (fuzz/instrumented/runtime/adapter_bridge.h) checks an adapter
// member by member (check_fuzzable, and check_traits for the optional traits), so an adapter that
// lacks one, or offers it with another signature, gets an error naming it.
//
// Built with SEMFUZZ_CASE=0 this file must compile: the adapter is complete. Built with
// SEMFUZZ_CASE=k it loses or changes one member, and the error must contain the text the case's
// line expects:
//   SEMFUZZ_CASE == 1 expects "S(std::int64_t initial)"
//   SEMFUZZ_CASE == 2 expects "using clock = std::chrono::steady_clock;"
//   SEMFUZZ_CASE == 3 expects "void acquire(std::int64_t n)"
//   SEMFUZZ_CASE == 4 expects "bool try_acquire(std::int64_t n)"
//   SEMFUZZ_CASE == 5 expects "bool try_acquire(std::int64_t n, int ms)"
//   SEMFUZZ_CASE == 6 expects "bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d)"
//   SEMFUZZ_CASE == 7 expects "bool try_acquire_until(std::int64_t n, clock::time_point t)"
//   SEMFUZZ_CASE == 8 expects "void release(std::int64_t n)"
//   SEMFUZZ_CASE == 9 expects "std::int64_t available()"
//   SEMFUZZ_CASE == 10 expects "the adapter's clock must be std::chrono::steady_clock"
// and an optional trait (fuzz/oracles/capabilities.h's table) declared with the wrong type:
//   SEMFUZZ_CASE == 11 expects "semfuzz: counts must be a static constexpr bool"
//   SEMFUZZ_CASE == 12 expects "semfuzz: max_timeout_ns must be static std::int64_t"
#include <chrono>
#include <cstdint>

#include "fuzz/instrumented/runtime/adapter_bridge.h"

#ifndef SEMFUZZ_CASE
#define SEMFUZZ_CASE 0
#endif

namespace {

struct token_semaphore {
#if SEMFUZZ_CASE == 10
  using clock = std::chrono::system_clock;
#elif SEMFUZZ_CASE != 2
  using clock = std::chrono::steady_clock;
#endif
#if SEMFUZZ_CASE == 1
  token_semaphore() = default;
#else
  explicit token_semaphore(std::int64_t initial) : tokens(initial) {}
#endif
#if SEMFUZZ_CASE != 3
  void acquire(std::int64_t n) { tokens -= n; }
#endif
#if SEMFUZZ_CASE != 4
  bool try_acquire(std::int64_t n) { return n <= tokens; }
#endif
#if SEMFUZZ_CASE != 5
  bool try_acquire(std::int64_t n, int) { return try_acquire(n); }
#endif
#if SEMFUZZ_CASE != 6
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds) { return n <= tokens; }
#endif
#if SEMFUZZ_CASE != 7 && SEMFUZZ_CASE != 2
  bool try_acquire_until(std::int64_t n, clock::time_point) { return n <= tokens; }
#endif
#if SEMFUZZ_CASE == 8
  void release(std::int64_t n, int) { tokens += n; }  // another signature
#else
  void release(std::int64_t n) { tokens += n; }
#endif
#if SEMFUZZ_CASE != 9
  std::int64_t available() { return tokens; }
#endif
#if SEMFUZZ_CASE == 11
  static bool counts;  // not a constant
#elif SEMFUZZ_CASE == 12
  static constexpr std::int64_t max_timeout_ns = 1000;  // a value, not the function
#endif
  std::int64_t tokens = 0;
};

}  // namespace

// Instantiates the bridge's class, where its checks are.
static_assert(sizeof(semfuzz::instr::adapter_bridge<token_semaphore>) > 0);
