#include "futex_semaphore.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace example {
namespace {

std::uint32_t* address(std::atomic<std::uint32_t>& word) {
  return reinterpret_cast<std::uint32_t*>(&word);
}

// Sleeps while *word == expected, until woken or `deadline` (nullptr: none). False: timed out.
bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                const timespec* deadline) {
  const long r = syscall(SYS_futex, address(word), FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected,
                         deadline, nullptr, FUTEX_BITSET_MATCH_ANY);
  return r == 0 || errno != ETIMEDOUT;  // woken, changed (EAGAIN) or interrupted (EINTR)
}

void futex_wake(std::atomic<std::uint32_t>& word, int how_many) {
  syscall(SYS_futex, address(word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, how_many);
}

}  // namespace

bool futex_semaphore::try_acquire() {
  std::uint32_t v = word_.load(std::memory_order_relaxed);
  while ((v & kTokens) != 0) {
    if (word_.compare_exchange_weak(v, v - 1, std::memory_order_acquire,
                                    std::memory_order_relaxed)) {
      return true;
    }
  }
  return false;
}

bool futex_semaphore::take(const timespec* deadline) {
  std::uint32_t v = word_.load(std::memory_order_relaxed);
  for (;;) {
    if ((v & kTokens) != 0) {
      if (word_.compare_exchange_weak(v, v - 1, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
        return true;
      }
      continue;
    }
    if ((v & kSleepers) == 0 &&
        !word_.compare_exchange_weak(v, v | kSleepers, std::memory_order_relaxed)) {
      continue;
    }
    if (!futex_wait(word_, v | kSleepers, deadline)) return try_acquire();
    v = word_.load(std::memory_order_relaxed);
  }
}

void futex_semaphore::acquire() { take(nullptr); }

bool futex_semaphore::try_acquire_until(clock::time_point deadline) {
  if (deadline == clock::time_point::max()) return take(nullptr);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch());
  timespec at{};
  at.tv_sec = static_cast<time_t>(ns.count() / 1'000'000'000);
  at.tv_nsec = static_cast<long>(ns.count() % 1'000'000'000);
  if (at.tv_sec < 0 || at.tv_nsec < 0) return try_acquire();  // long past
  return take(&at);
}

bool futex_semaphore::try_acquire_for(std::chrono::nanoseconds timeout) {
  if (timeout <= std::chrono::nanoseconds::zero()) return try_acquire();
  const clock::time_point now = clock::now();
  if (timeout > clock::time_point::max() - now) return take(nullptr);
  return try_acquire_until(now + timeout);
}

void futex_semaphore::release(std::uint32_t n) {
  if (n == 0) return;
  std::uint32_t v = word_.load(std::memory_order_relaxed);
  while (!word_.compare_exchange_weak(v, (v & kTokens) + n, std::memory_order_release,
                                      std::memory_order_relaxed)) {
  }
  // The word is not touched again: the owner may be deleting the semaphore now.
  if ((v & kSleepers) == 0) return;
#ifdef EXAMPLE_FIXED
  futex_wake(word_, INT_MAX);  // the flag stood for every sleeper, and it is gone
#else
  // One sleeper per token: waking more would only make them fight over the tokens.
  futex_wake(word_, n > INT_MAX ? INT_MAX : static_cast<int>(n));
#endif
}

}  // namespace example
