// The members of adapter_bridge (fuzz/instrumented/runtime/adapter_bridge.h), for the translation
// units that instantiate it: those compiled instrumented with the code under test
// (adapter_bridge.cc for a user's adapter, production.cc for semfuzz's production semaphore), never
// the harness's.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_BRIDGE_IMPL_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_BRIDGE_IMPL_H_

#include <memory>

#include "fuzz/instrumented/runtime/adapter_bridge.h"
#include "fuzz/instrumented/runtime/runtime.h"

namespace semfuzz::instr {

template <class A>
adapter_bridge<A>::adapter_bridge(std::int64_t initial) : adapter_(initial) {
  object_created(this, sizeof *this);
}

template <class A>
adapter_bridge<A>::~adapter_bridge() {
  // The semaphore's destructor may still touch its own bytes (and wait for calls still inside).
  std::destroy_at(&adapter_);
  object_destroyed(this, sizeof *this);
}

template <class A>
bool adapter_bridge<A>::relative_timed_waits() {
  return contract::relative_timed_waits<A>();
}

template <class A>
bool adapter_bridge<A>::multi_token_wakeups_lost() {
  return contract::multi_token_wakeups_lost<A>();
}

template <class A>
std::int64_t adapter_bridge<A>::max_timeout_ns() {
  return contract::max_timeout_ns<A>();
}

template <class A>
void adapter_bridge<A>::abandon() {
  object_abandoned(this, sizeof *this);
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

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_BRIDGE_IMPL_H_
