// The adapter through which semfuzz fuzzes example::futex_semaphore: its API in the form every
// fuzzed semaphore offers, and what it cannot do (semfuzz's fuzz/instrumented/adapter.h says
// what each member must do). Its calls take one token: single_token_adapter
// (fuzz/instrumented/adapter_defaults.h) supplies the API's counted forms (n == 0 succeeds at
// once), Qt's try_acquire(n, ms) and multi_token = false from the one-token calls below.
#ifndef EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_
#define EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_

#include <chrono>
#include <cstdint>

#include "futex_semaphore.h"
#include "fuzz/instrumented/adapter_defaults.h"

namespace example {

class futex_semaphore_adapter
    : public semfuzz::instr::single_token_adapter<futex_semaphore_adapter> {
 public:
  static constexpr bool rejects_bad_counts = false;  // bad counts are undefined for it

  explicit futex_semaphore_adapter(std::int64_t initial)
      : sem_(static_cast<std::uint32_t>(initial)) {}

  void acquire_one() { sem_.acquire(); }
  bool try_acquire_one() { return sem_.try_acquire(); }
  bool try_acquire_one_for(std::chrono::nanoseconds d) { return sem_.try_acquire_for(d); }
  bool try_acquire_one_until(clock::time_point t) { return sem_.try_acquire_until(t); }
  void release(std::int64_t n) { sem_.release(static_cast<std::uint32_t>(n)); }
  std::int64_t available() { return sem_.available(); }

 private:
  futex_semaphore sem_;
};

}  // namespace example

#endif  // EXAMPLES_FUTEX_SEMAPHORE_ADAPTER_H_
