// The proxy-wait semaphore (fuzz/sim/proxy_wait_semaphore.h) on the production futex platform
// (semfuzz/platform/linux_futex.h), brought as "your own semaphore": the byo_proxy_wait target.
// Its correctness rests on four seq_cst operations (the header's proof), so only inputs with the
// weak-memory option on (fuzz/input/FORMAT.md, format v2) can show a mistake there; its mutants
// fuzz/mutants/PROXY-*.patch weaken each one.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROXY_WAIT_ADAPTER_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROXY_WAIT_ADAPTER_H_

#include <chrono>
#include <cstdint>

#include "fuzz/instrumented/adapter_defaults.h"
#include "fuzz/sim/proxy_wait_semaphore.h"
#include "semfuzz/platform/linux_futex.h"

namespace semfuzz::byo_test {

class proxy_wait_adapter : public instr::adapter_defaults<proxy_wait_adapter> {
 public:
  using adapter_defaults::try_acquire;
  static constexpr bool rejects_bad_counts = false;  // counts past 2^31 - 1 are undefined for it

  explicit proxy_wait_adapter(std::int64_t initial) : sem_(static_cast<std::uint32_t>(initial)) {}

  void acquire(std::int64_t n) { sem_.acquire(static_cast<std::uint32_t>(n)); }
  bool try_acquire(std::int64_t n) { return sem_.try_acquire(static_cast<std::uint32_t>(n)); }
  bool try_acquire_until(std::int64_t n, clock::time_point deadline) {
    const auto count = static_cast<std::uint32_t>(n);
    if (deadline == clock::time_point::max()) return sem_.try_acquire_until(count, nullptr);
    return sem_.try_acquire_until(count, &deadline);
  }
  void release(std::int64_t n) { sem_.release(static_cast<std::uint32_t>(n)); }
  std::int64_t available() { return sem_.available(); }

 private:
  proxy::proxy_wait_semaphore<linux_futex_platform> sem_;
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROXY_WAIT_ADAPTER_H_
