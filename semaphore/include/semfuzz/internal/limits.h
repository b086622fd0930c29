// Limits and the error paths shared by every semaphore algorithm.
#ifndef SEMFUZZ_INTERNAL_LIMITS_H_
#define SEMFUZZ_INTERNAL_LIMITS_H_

#include <cstdint>

namespace semfuzz::internal {

// The most tokens a semaphore holds (31 bits, as in QSemaphore).
inline constexpr std::uint32_t kMaxTokens = 0x7fffffff;

// Out of line and cold, so that the fast paths stay small. Each throws; none returns.
[[noreturn]] void throw_bad_count(const char* function, long long n);
[[noreturn]] void throw_release_overflow(std::uint32_t available, std::uint32_t n);
[[noreturn]] void throw_waiter_overflow();

}  // namespace semfuzz::internal

#endif  // SEMFUZZ_INTERNAL_LIMITS_H_
