// Cooperative fibers for the simulated platform: stackful coroutines that all run on one OS
// thread, switched explicitly (on x86-64 the switch is six register pushes, MXCSR and the x87
// control word, a stack swap and an indirect jump; ucontext elsewhere). Switches are annotated
// for AddressSanitizer and ThreadSanitizer, so both see each fiber as its own stack / logical
// thread.
//
// Why a hand-written switch and not Boost.Context's fcontext (issue 10, item 7). Measured with
// fuzz/sim/fiber_bench.cc (g++ 12 -O3, Boost 1.74, this project's 2-CPU VM under load from other
// builds, best of 5 x 10^7 round trips; ns per switch in three runs, the `ret` column with the
// switch as it was before this comparison, the `jmp` column as it is now):
//                                       ret                  jmp
//   semfuzz_switch_stack alone          14.5 / 16.8 / 16.2   5.2 / 8.2 / 7.8
//   Boost jump_fcontext, same runs      5.5 / 8.6 / 8.2      5.5 / 8.6 / 7.2
//   fiber_host::resume + yield_to_host  15.8 / 16.7 / 17.6   7.6 / 11.8 / 11.4
//   ucontext swapcontext                264 to 451 (glibc saves the signal mask: a system call)
// The comparison first showed Boost twice as fast; the cause was our `ret` into another stack's
// return address, which always misses the return-stack predictor. Leaving through `pop; jmp *`
// as jump_fcontext does made the two equal. With equal speed, Boost is not worth its costs here:
// - its fcontext backend (1.74) has no ASan / TSan fiber annotations (only the ucontext backend,
//   30 to 50 times slower, has them), so this file's annotation code stays either way;
// - OSS-Fuzz builds with its own clang and libc++, while Debian's libboost_context is built with
//   g++ against libstdc++: its stack_traits.o (used by boost::context::fiber's stack allocators)
//   needs libstdc++ symbols (std::__once_call, std::__throw_system_error), so only the raw
//   make_fcontext / jump_fcontext objects of the static library would link, and those are an
//   undocumented detail API; it would also be one more package in every preset and image.
// Boost's advantage is its architectures (ARM, POWER, RISC-V, ...); here those get ucontext,
// slow but correct. Use Boost's fcontext there if the fuzzer ever runs on them.
//
// Synchronisation: none. A fiber_host and its fibers belong to the OS thread that created them.
#ifndef SEMFUZZ_FUZZ_SIM_FIBER_H_
#define SEMFUZZ_FUZZ_SIM_FIBER_H_

#include <cstddef>
#include <memory>

namespace semfuzz::sim {

class fiber_host;

// One fiber: a stack (reused across runs) and a saved context. The body runs from start() until
// it returns or is abandoned; abandoning (calling start() again without finishing) is allowed.
class fiber {
 public:
  using body_fn = void (*)(void* arg);

  explicit fiber(std::size_t stack_bytes = 256 * 1024);
  ~fiber();
  fiber(const fiber&) = delete;
  fiber& operator=(const fiber&) = delete;

  // Prepares the fiber to run body(arg) from the top of its stack at its next resume.
  void start(body_fn body, void* arg);
  bool finished() const { return finished_; }

 private:
  friend class fiber_host;
  struct impl;
  std::unique_ptr<impl> impl_;
  bool finished_ = true;
  bool dirty_ = false;  // ran but did not finish: its stack needs unpoisoning before reuse
};

// The host context (the scheduler's). resume() runs a fiber until it calls yield_to_host() or
// its body returns.
class fiber_host {
 public:
  fiber_host();
  ~fiber_host();
  fiber_host(const fiber_host&) = delete;
  fiber_host& operator=(const fiber_host&) = delete;

  void resume(fiber& f);
  // Called from inside the running fiber: back to resume()'s caller.
  void yield_to_host();
  fiber* running() const { return running_; }

 private:
  friend class fiber;
  struct impl;
  static void entry(void* arg);
  std::unique_ptr<impl> impl_;
  fiber* running_ = nullptr;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_FIBER_H_
