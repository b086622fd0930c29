// Compiled with -fsanitize=thread, without the TSan runtime: the code under test of the
// schedule_libstdcxx target (fuzz/instrumented/targets/libstdcxx.h), the build's libstdc++
// semaphore, unchanged.
#include "fuzz/instrumented/targets/libstdcxx.h"

#include "fuzz/instrumented/runtime/runtime.h"

namespace semfuzz::instr {

libstdcxx_semaphore::libstdcxx_semaphore(std::ptrdiff_t initial) : sem_(initial) {
  object_created(this, sizeof *this);
}

libstdcxx_semaphore::~libstdcxx_semaphore() { object_destroyed(this, sizeof *this); }

void libstdcxx_semaphore::acquire() { sem_.acquire(); }

bool libstdcxx_semaphore::try_acquire() { return sem_.try_acquire(); }

bool libstdcxx_semaphore::try_acquire_for(std::chrono::nanoseconds d) {
  return sem_.try_acquire_for(d);
}

bool libstdcxx_semaphore::try_acquire_until(std::chrono::steady_clock::time_point t) {
  return sem_.try_acquire_until(t);
}

void libstdcxx_semaphore::release(std::ptrdiff_t n) { sem_.release(n); }

}  // namespace semfuzz::instr
