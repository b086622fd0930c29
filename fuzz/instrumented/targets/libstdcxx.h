// libstdc++'s std::counting_semaphore<INT_MAX> (bits/semaphore_base.h: __atomic_semaphore over
// bits/atomic_wait.h and bits/atomic_timed_wait.h, all header code), as the schedule_libstdcxx
// target runs it: every member is defined in libstdcxx.cc, which is compiled with
// -fsanitize=thread (the hooks of fuzz/instrumented/runtime/runtime.h), so the harness, which
// includes only this header, calls into instrumented code and never instantiates the library's
// semaphore itself. The harness adapts it with semfuzz::std_adapter (fuzz/schedule/std_adapter.h),
// as the real-thread target threads_std adapts the uninstrumented one.
//
// Its only member is the semaphore, so its bytes are the semaphore's: the constructor registers
// them with the scheduler (memory a futex may wait on), the destructor reports them destroyed
// (use after destroy). Create, use and destroy it inside a scheduler scope.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_LIBSTDCXX_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_LIBSTDCXX_H_

#include <chrono>
#include <climits>
#include <cstddef>
#include <semaphore>

namespace semfuzz::instr {

// std::counting_semaphore<INT_MAX>'s interface, with its durations and time points fixed to
// nanoseconds and steady_clock (what std_adapter passes).
class libstdcxx_semaphore {
 public:
  explicit libstdcxx_semaphore(std::ptrdiff_t initial);
  ~libstdcxx_semaphore();
  libstdcxx_semaphore(const libstdcxx_semaphore&) = delete;
  libstdcxx_semaphore& operator=(const libstdcxx_semaphore&) = delete;

  void acquire();
  bool try_acquire();
  bool try_acquire_for(std::chrono::nanoseconds d);
  bool try_acquire_until(std::chrono::steady_clock::time_point t);
  void release(std::ptrdiff_t n);

 private:
  std::counting_semaphore<INT_MAX> sem_;
};

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_LIBSTDCXX_H_
