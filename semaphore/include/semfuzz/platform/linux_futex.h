// The Linux production platform: std::atomic, steady_clock (CLOCK_MONOTONIC), and the futex
// system call with FUTEX_PRIVATE_FLAG. See semfuzz/platform/platform.h for the seam.
//
// Error policy (every futex call):
//   0, EAGAIN, EINTR, ETIMEDOUT  mapped to futex_status; the algorithms retry or give up.
//   EINVAL, EFAULT, ENOSYS       a bug in the caller (bad alignment, bad deadline, no futex):
//                                the process aborts with a message naming the call.
//   futex_wake_two: EFAULT from FUTEX_WAKE_OP (its kernel-side no-op write faulted because the
//                   object was destroyed and its page unmapped) is answered with two plain
//                   FUTEX_WAKEs, which never touch the words.
// A deadline at or before the clock's epoch is "already passed"; one beyond what the kernel can
// represent is "none".
#ifndef SEMFUZZ_PLATFORM_LINUX_FUTEX_H_
#define SEMFUZZ_PLATFORM_LINUX_FUTEX_H_

#if !defined(__linux__)
#error "semfuzz/platform/linux_futex.h is Linux only; use semfuzz/platform/std_platform.h"
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "semfuzz/platform/platform.h"

namespace semfuzz {

struct linux_futex_platform {
  template <class T>
  using atomic = std::atomic<T>;
  using clock = std::chrono::steady_clock;
  using mutex = std::mutex;
  using condition_variable = std::condition_variable;

  static futex_status futex_wait(const std::uint32_t* word, std::uint32_t expected,
                                 const clock::time_point* deadline) noexcept;
  static void futex_wake(const std::uint32_t* word, int count) noexcept;
  static void futex_wake_two(const std::uint32_t* a, int count_a, const std::uint32_t* b,
                             int count_b) noexcept;
};
static_assert(futex_platform<linux_futex_platform>);

// Counts futex system calls made through linux_futex_platform by this process (all threads).
// Tests and benchmarks read it to prove that uncontended paths make none.
std::uint64_t futex_syscall_count() noexcept;

}  // namespace semfuzz

#endif  // SEMFUZZ_PLATFORM_LINUX_FUTEX_H_
