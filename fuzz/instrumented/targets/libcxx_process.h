// The harness's side of libc++'s modelled shared library
// (fuzz/instrumented/runtime/libcxx_sync.cc): one run's libc++.so state, as a fresh process has it.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_PROCESS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_PROCESS_H_

#include <cstddef>
#include <cstring>

#include "fuzz/instrumented/targets/libcxx.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {

// For its lifetime, the model's contention table starts cleared (no waiter left by an earlier
// run, every futex word 0) and is registered with the scheduler (memory a futex may wait on).
// Create it inside a scheduler scope, before anything of libc++ runs, and end it before the scope.
class libcxx_process {
 public:
  explicit libcxx_process(sim::scheduler& s)
      : sched_(s), state_(semfuzz_instr_libcxx_state(&bytes_)) {
    std::memset(state_, 0, bytes_);
    sched_.register_word(state_, bytes_);
  }
  ~libcxx_process() { sched_.unregister_word(state_); }
  libcxx_process(const libcxx_process&) = delete;
  libcxx_process& operator=(const libcxx_process&) = delete;

 private:
  sim::scheduler& sched_;
  std::size_t bytes_ = 0;
  void* state_;
};

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_LIBCXX_PROCESS_H_
