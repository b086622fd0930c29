// Cooperative fibers for the simulated platform: stackful coroutines that all run on one OS
// thread, switched explicitly (tens of nanoseconds on x86-64, where the switch is six register
// pushes and a stack swap; ucontext elsewhere). Switches are annotated for AddressSanitizer and
// ThreadSanitizer, so both see each fiber as its own stack / logical thread.
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
