// Compiled with -stdlib=libc++ and -fsanitize=thread, without the TSan runtime: libc++ 14's
// std::counting_semaphore<INT_MAX>, header code, behind fuzz/instrumented/targets/libcxx.h. Its
// calls into libc++.so reach libcxx_sync.cc, compiled the same way.
#include "fuzz/instrumented/targets/libcxx.h"

#include <chrono>
#include <climits>
#include <cstddef>
#include <new>
#include <semaphore>

#include "fuzz/instrumented/runtime/runtime.h"

namespace semfuzz::instr {
namespace {

using semaphore = std::counting_semaphore<INT_MAX>;
static_assert(sizeof(semaphore) <= sizeof(libcxx_semaphore) &&
              alignof(semaphore) <= alignof(libcxx_semaphore));

semaphore& sem(unsigned char* storage) {
  return *std::launder(reinterpret_cast<semaphore*>(storage));
}

}  // namespace

libcxx_semaphore::libcxx_semaphore(std::int64_t initial) {
  new (storage_) semaphore(static_cast<std::ptrdiff_t>(initial));
  object_created(this, sizeof *this);
}

libcxx_semaphore::~libcxx_semaphore() {
  sem(storage_).~semaphore();
  object_destroyed(this, sizeof *this);
}

void libcxx_semaphore::acquire() { sem(storage_).acquire(); }

bool libcxx_semaphore::try_acquire() { return sem(storage_).try_acquire(); }

bool libcxx_semaphore::try_acquire_for(std::int64_t ns) {
  return sem(storage_).try_acquire_for(std::chrono::nanoseconds(ns));
}

bool libcxx_semaphore::try_acquire_until(std::int64_t steady_ns) {
  return sem(storage_).try_acquire_until(
      std::chrono::steady_clock::time_point(std::chrono::nanoseconds(steady_ns)));
}

void libcxx_semaphore::release(std::int64_t n) {
  sem(storage_).release(static_cast<std::ptrdiff_t>(n));
}

}  // namespace semfuzz::instr
