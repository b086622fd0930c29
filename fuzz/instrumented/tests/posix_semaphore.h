// A semaphore on a POSIX unnamed semaphore (sem_t), brought as "your own semaphore" (the ctest
// byo_posix_sem_replay): the code under test is this adapter's calls of sem_wait & co., which
// run on the runtime's POSIX semaphore model (fuzz/instrumented/runtime/posix_sem.h). Single-token
// (a sem_t takes one at a time), counting (sem_getvalue), bad counts undefined.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_POSIX_SEMAPHORE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_POSIX_SEMAPHORE_H_

#include <semaphore.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <optional>

#include "fuzz/instrumented/adapter_defaults.h"

namespace semfuzz::byo_test {

class posix_semaphore : public instr::adapter_defaults<posix_semaphore> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;

  explicit posix_semaphore(std::int64_t initial) {
    sem_init(&sem_, 0, static_cast<unsigned>(initial));
  }
  ~posix_semaphore() { sem_destroy(&sem_); }
  posix_semaphore(const posix_semaphore&) = delete;
  posix_semaphore& operator=(const posix_semaphore&) = delete;

  void acquire(std::int64_t n) {
    if (n != 0) {
      while (sem_wait(&sem_) != 0) {
      }
    }
  }
  bool try_acquire(std::int64_t n) { return n == 0 || sem_trywait(&sem_) == 0; }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    if (n == 0) return true;
    if (deadline == clock::time_point::max()) {
      acquire(n);
      return true;
    }
    const std::optional<timespec> at = instr::monotonic_deadline(deadline);
    if (!at) return try_acquire(n);
    return sem_clockwait(&sem_, CLOCK_MONOTONIC, &*at) == 0;
  }
  void release(std::int64_t n) {
    for (std::int64_t i = 0; i < n; ++i) sem_post(&sem_);
  }
  std::int64_t available() {
    int value = 0;
    sem_getvalue(&sem_, &value);
    return value;
  }

 private:
  sem_t sem_;
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_POSIX_SEMAPHORE_H_
