#include <stdexcept>
#include <string>

#include "semfuzz/internal/limits.h"

namespace semfuzz::internal {

void throw_bad_count(const char* function, long long n) {
  const std::string head =
      std::string("semfuzz::semaphore::") + function + ": n = " + std::to_string(n);
  if (n < 0) throw std::invalid_argument(head + " is negative");
  throw std::invalid_argument(head + " exceeds max() = " + std::to_string(kMaxTokens));
}

void throw_release_overflow(std::uint32_t available, std::uint32_t n) {
  throw std::overflow_error("semfuzz::semaphore::release: " + std::to_string(n) +
                            " more tokens would overflow the counter (available " +
                            std::to_string(available) + ", max() " + std::to_string(kMaxTokens) +
                            ")");
}

void throw_waiter_overflow() {
  throw std::overflow_error(
      "semfuzz::semaphore::acquire: cannot register another waiter: 32767 threads already block "
      "in this semaphore");
}

}  // namespace semfuzz::internal
