#include <cstdio>
#include <stdexcept>

#include "semfuzz/internal/limits.h"

// Each message is formatted into one buffer on the stack and the exception is built from it: one
// allocation (the exception's own copy of the text) instead of one per piece of the message. A
// program that feeds bad counts in a loop (a fuzzer does, about once per run) pays for the throw,
// not for assembling its text.
namespace semfuzz::internal {
namespace {

// Longer than any message below: the longest, the release overflow, is under 140 characters.
constexpr std::size_t kMessageBytes = 192;

}  // namespace

void throw_bad_count(const char* function, long long n) {
  char text[kMessageBytes];
  if (n < 0) {
    std::snprintf(text, sizeof text, "semfuzz::semaphore::%s: n = %lld is negative", function, n);
  } else {
    std::snprintf(text, sizeof text, "semfuzz::semaphore::%s: n = %lld exceeds max() = %u",
                  function, n, static_cast<unsigned>(kMaxTokens));
  }
  throw std::invalid_argument(text);
}

void throw_release_overflow(std::uint32_t available, std::uint32_t n) {
  char text[kMessageBytes];
  std::snprintf(text, sizeof text,
                "semfuzz::semaphore::release: %u more tokens would overflow the counter "
                "(available %u, max() %u)",
                static_cast<unsigned>(n), static_cast<unsigned>(available),
                static_cast<unsigned>(kMaxTokens));
  throw std::overflow_error(text);
}

void throw_waiter_overflow() {
  throw std::overflow_error(
      "semfuzz::semaphore::acquire: cannot register another waiter: 32767 threads already block "
      "in this semaphore");
}

}  // namespace semfuzz::internal
