// Compile-time test of the seam's concepts (semfuzz/platform/platform.h), run by ctest as two
// compilations of this file: as it is, it must compile; with SEMFUZZ_BREAK_SEAM the platform lacks
// futex_wake_two, and the compiler must refuse it at the static_assert, naming that member.
#include <chrono>
#include <cstdint>

#include "semfuzz/platform/linux_futex.h"
#include "semfuzz/platform/std_platform.h"

namespace {

// std_platform (a platform without futex) plus the three futex calls.
struct test_platform : semfuzz::std_platform {
  static semfuzz::futex_status futex_wait(const std::uint32_t* word, std::uint32_t expected,
                                          const clock::time_point* deadline) noexcept {
    return semfuzz::linux_futex_platform::futex_wait(word, expected, deadline);
  }
  static void futex_wake(const std::uint32_t* word, int count) noexcept {
    semfuzz::linux_futex_platform::futex_wake(word, count);
  }
#if !defined(SEMFUZZ_BREAK_SEAM)
  static void futex_wake_two(const std::uint32_t* a, int count_a, const std::uint32_t* b,
                             int count_b) noexcept {
    semfuzz::linux_futex_platform::futex_wake_two(a, count_a, b, count_b);
  }
#endif
};

static_assert(semfuzz::futex_platform<test_platform>);

// A platform whose clock is not steady is no platform at all: basic_semaphore refuses it.
struct wall_clock_platform : test_platform {
  using clock = std::chrono::system_clock;
};
static_assert(!semfuzz::platform<wall_clock_platform>);
static_assert(semfuzz::platform<semfuzz::std_platform> &&
              !semfuzz::futex_platform<semfuzz::std_platform>);

}  // namespace
