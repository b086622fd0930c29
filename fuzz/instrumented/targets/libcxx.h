// libc++ 14's std::counting_semaphore<INT_MAX>, as the schedule_libcxx target runs it: every member
// of libcxx_semaphore is defined in libcxx.cc, which is compiled with -stdlib=libc++ and the
// -fsanitize=thread hooks (fuzz/instrumented/runtime/runtime.h), together with libcxx_sync.cc, the
// model of what libc++.so defines (atomic wait / notify, sleep_for, steady_clock::now). So all of
// libc++'s semaphore runs under the scheduler and libc++.so is never linked.
//
// The harness is built with libstdc++, the code under test with libc++: no standard-library type
// crosses this header (counts are std::int64_t, durations and time points nanoseconds as
// std::int64_t, on the virtual steady clock), so the two libraries never meet in one signature.
//
// libcxx_semaphore's only member is the semaphore's storage, so its bytes are the semaphore's: the
// constructor registers them with the scheduler, the destructor reports them destroyed (use after
// destroy). Create, use and destroy it inside a scheduler scope, with a libcxx_process alive.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_H_

#include <cstdint>

#include "fuzz/instrumented/runtime/libcxx_model.h"

namespace semfuzz::instr {

// std::counting_semaphore<INT_MAX> of libc++ 14, with its own calls (single-token takes).
class libcxx_semaphore {
 public:
  explicit libcxx_semaphore(std::int64_t initial);
  ~libcxx_semaphore();
  libcxx_semaphore(const libcxx_semaphore&) = delete;
  libcxx_semaphore& operator=(const libcxx_semaphore&) = delete;

  void acquire();
  bool try_acquire();
  bool try_acquire_for(std::int64_t ns);           // std::chrono::nanoseconds(ns)
  bool try_acquire_until(std::int64_t steady_ns);  // a steady_clock time point, ns since its epoch
  void release(std::int64_t n);

 private:
  alignas(8) unsigned char storage_[8];  // the semaphore (libcxx.cc checks the size)
};

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_H_
