// Vector clocks of the happens-before checker (fuzz/sim/happens_before.h), in a header of their
// own so that the memory model's store history (fuzz/sim/memory_model.h) can carry them.
#ifndef SEMFUZZ_FUZZ_SIM_VCLOCK_H_
#define SEMFUZZ_FUZZ_SIM_VCLOCK_H_

#include <array>
#include <cstdint>

namespace semfuzz::sim {

// The most simulated threads a clock covers (scheduler::kMaxThreads, asserted there).
inline constexpr int kClockThreads = 8;

using epoch = std::uint32_t;

// A vector clock: per thread, the latest epoch of it known to happen-before.
struct vclock {
  std::array<epoch, kClockThreads> at{};

  void join(const vclock& other) {
    for (int i = 0; i < kClockThreads; ++i) at[i] = at[i] < other.at[i] ? other.at[i] : at[i];
  }
  // Whether what `thread` did up to `e` happens-before the point this clock stands for.
  bool knows(int thread, epoch e) const { return at[thread] >= e; }
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_VCLOCK_H_
