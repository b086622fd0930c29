// Compiled with -fsanitize=thread, without the TSan runtime: the code under test of the
// schedule_production target (fuzz/instrumented/production.h). Together with
// semaphore/src/linux_futex.cc, compiled the same way, this is the production code path, unchanged.
#include "fuzz/instrumented/production.h"

#include "fuzz/instrumented/runtime.h"

namespace semfuzz::instr {

template <template <class> class A>
production_semaphore<A>::production_semaphore(std::int64_t initial)
    : sem_(static_cast<std::ptrdiff_t>(initial)) {
  object_created(this, sizeof *this);
}

template <template <class> class A>
production_semaphore<A>::~production_semaphore() {
  object_destroyed(this, sizeof *this);
}

template <template <class> class A>
void production_semaphore<A>::acquire(std::int64_t n) {
  sem_.acquire(n);
}

template <template <class> class A>
bool production_semaphore<A>::try_acquire(std::int64_t n) {
  return sem_.try_acquire(n);
}

template <template <class> class A>
bool production_semaphore<A>::try_acquire(std::int64_t n, int ms) {
  return sem_.try_acquire(n, ms);
}

template <template <class> class A>
bool production_semaphore<A>::try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
  return sem_.try_acquire_for(n, d);
}

template <template <class> class A>
bool production_semaphore<A>::try_acquire_until(std::int64_t n, clock::time_point t) {
  return sem_.try_acquire_until(n, t);
}

template <template <class> class A>
void production_semaphore<A>::release(std::int64_t n) {
  sem_.release(n);
}

template <template <class> class A>
std::int64_t production_semaphore<A>::available() const {
  return sem_.available();
}

template class production_semaphore<internal::split64_core>;
template class production_semaphore<internal::word32_core>;

}  // namespace semfuzz::instr
