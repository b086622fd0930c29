// A small counting semaphore on a Linux futex: the kind of code a project writes for itself, and
// the example of fuzzing one's own semaphore with semfuzz (the README's "Bring your own
// semaphore"). It is plain C++: nothing in it knows about semfuzz.
//
// One 32-bit word holds the tokens (the low 31 bits) and a flag, kSleepers, that a thread sets
// before it sleeps on the word. A release that finds the flag clears it and wakes the sleepers.
// The owner may destroy the semaphore as soon as its last acquire returns: a release touches the
// word for the last time when it publishes its tokens (a futex wake only hashes the address).
#ifndef EXAMPLES_FUTEX_SEMAPHORE_H_
#define EXAMPLES_FUTEX_SEMAPHORE_H_

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace example {

class futex_semaphore {
 public:
  using clock = std::chrono::steady_clock;

  // Requires initial < 2^31.
  explicit futex_semaphore(std::uint32_t initial) : word_(initial) {}

  // Takes one token, sleeping until there is one.
  void acquire();
  // Takes one token if there is one now.
  bool try_acquire();
  // Takes one token, sleeping until `deadline` at the latest; time_point::max() never gives up.
  bool try_acquire_until(clock::time_point deadline);
  // As try_acquire_until(now + timeout); a timeout too long for the clock never gives up.
  bool try_acquire_for(std::chrono::nanoseconds timeout);
  // Adds n tokens. Requires available() + n < 2^31.
  void release(std::uint32_t n = 1);
  std::uint32_t available() const { return word_.load(std::memory_order_relaxed) & kTokens; }

 private:
  static constexpr std::uint32_t kSleepers = 0x80000000u;
  static constexpr std::uint32_t kTokens = ~kSleepers;

  // Takes a token, sleeping until there is one or `deadline` (CLOCK_MONOTONIC; nullptr: none).
  bool take(const timespec* deadline);

  std::atomic<std::uint32_t> word_;
};

}  // namespace example

#endif  // EXAMPLES_FUTEX_SEMAPHORE_H_
