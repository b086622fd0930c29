// The portable production platform: std::atomic, std::chrono::steady_clock, std::mutex and
// std::condition_variable. It has no futex, so only the mutex + condition-variable algorithm
// (semfuzz::condvar_semaphore) can run on it. See semfuzz/platform/platform.h for the seam.
#ifndef SEMFUZZ_PLATFORM_STD_PLATFORM_H_
#define SEMFUZZ_PLATFORM_STD_PLATFORM_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "semfuzz/platform/platform.h"

namespace semfuzz {

struct std_platform {
  template <class T>
  using atomic = std::atomic<T>;
  using clock = std::chrono::steady_clock;
  using mutex = std::mutex;
  using condition_variable = std::condition_variable;
};
static_assert(platform<std_platform>);

}  // namespace semfuzz

#endif  // SEMFUZZ_PLATFORM_STD_PLATFORM_H_
