// semfuzz's production semaphore (linux_futex_platform: std::atomic, the futex system call,
// steady_clock; semaphore/src/linux_futex.cc), as the schedule_production target runs it: every
// member is defined in production.cc, which is compiled with -fsanitize=thread (the hooks of
// fuzz/instrumented/runtime.h), so the harness, which includes only this header, calls into
// instrumented code and never instantiates the algorithm itself.
//
// The adapter's only member is the semaphore, so its bytes are the semaphore's: the constructor
// registers them with the scheduler (memory a futex may wait on), the destructor reports them
// destroyed (use after destroy). Create, use and destroy it inside a scheduler scope.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_

#include <chrono>
#include <cstdint>
#include <type_traits>

#include "semfuzz/internal/split64.h"
#include "semfuzz/internal/word32.h"
#include "semfuzz/platform/linux_futex.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::instr {

// A contract::fuzzable_semaphore over basic_semaphore<Algorithm, linux_futex_platform>.
// Instantiated for split64_core and word32_core (production.cc).
template <template <class> class Algorithm>
class production_semaphore {
 public:
  using clock = linux_futex_platform::clock;
  // split64 counts its waiters and wakes only registered ones: the wasted-wake oracle applies.
  static constexpr bool exact_wakes =
      std::is_same_v<Algorithm<linux_futex_platform>, internal::split64_core<linux_futex_platform>>;

  explicit production_semaphore(std::int64_t initial);
  ~production_semaphore();
  production_semaphore(const production_semaphore&) = delete;
  production_semaphore& operator=(const production_semaphore&) = delete;

  void acquire(std::int64_t n);
  bool try_acquire(std::int64_t n);
  bool try_acquire(std::int64_t n, int ms);
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d);
  bool try_acquire_until(std::int64_t n, clock::time_point t);
  void release(std::int64_t n);
  std::int64_t available() const;

 private:
  basic_semaphore<Algorithm, linux_futex_platform> sem_;
};

extern template class production_semaphore<internal::split64_core>;
extern template class production_semaphore<internal::word32_core>;

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_
