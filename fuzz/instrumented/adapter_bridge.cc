// The bridge to a user's adapter (fuzz/instrumented/adapter.h), compiled with -fsanitize=thread
// together with the user's own sources by semfuzz_add_instrumented_target(), which names the
// adapter: SEMFUZZ_ADAPTER_HEADER (a quoted path) and SEMFUZZ_ADAPTER_CLASS (a type).
#include SEMFUZZ_ADAPTER_HEADER

#include <memory>

#include "fuzz/instrumented/adapter.h"
#include "fuzz/instrumented/runtime.h"

namespace semfuzz::instr {

template <class A>
adapter_bridge<A>::adapter_bridge(std::int64_t initial) : adapter_(initial) {
  object_created(this, sizeof *this);
}

template <class A>
adapter_bridge<A>::~adapter_bridge() {
  std::destroy_at(&adapter_);  // the semaphore's destructor may still touch its own bytes
  object_destroyed(this, sizeof *this);
}

template <class A>
void adapter_bridge<A>::acquire(std::int64_t n) {
  adapter_.acquire(n);
}

template <class A>
bool adapter_bridge<A>::try_acquire(std::int64_t n) {
  return adapter_.try_acquire(n);
}

template <class A>
bool adapter_bridge<A>::try_acquire(std::int64_t n, int ms) {
  return adapter_.try_acquire(n, ms);
}

template <class A>
bool adapter_bridge<A>::try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
  return adapter_.try_acquire_for(n, d);
}

template <class A>
bool adapter_bridge<A>::try_acquire_until(std::int64_t n, clock::time_point t) {
  return adapter_.try_acquire_until(n, t);
}

template <class A>
void adapter_bridge<A>::release(std::int64_t n) {
  adapter_.release(n);
}

template <class A>
std::int64_t adapter_bridge<A>::available() {
  return adapter_.available();
}

template class adapter_bridge<SEMFUZZ_ADAPTER_CLASS>;

}  // namespace semfuzz::instr
