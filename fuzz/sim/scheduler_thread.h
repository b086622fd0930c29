// The scheduler's record of one simulated thread: private to the scheduler's own sources
// (scheduler.cc, scheduler_steps.cc), which share it.
#ifndef SEMFUZZ_FUZZ_SIM_SCHEDULER_THREAD_H_
#define SEMFUZZ_FUZZ_SIM_SCHEDULER_THREAD_H_

#include <cstdint>
#include <string>

#include "fuzz/sim/scheduler.h"

namespace semfuzz::sim {

enum class run_state : std::uint8_t { runnable, blocked, done };

struct scheduler::thread_state {
  scheduler* owner = nullptr;
  int id = 0;
  run_state state = run_state::runnable;
  wait_kind kind = wait_kind::none;
  const void* key = nullptr;
  std::size_t width = 0;
  vtime deadline = kNoDeadline;
  std::uint64_t seq = 0;
  futex_status result = futex_status::woken;
  std::string location;  // trace only (trace_location)

  bool sleeping() const {
    return state == run_state::blocked &&
           (kind == wait_kind::futex || kind == wait_kind::condvar || kind == wait_kind::timer);
  }
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_SCHEDULER_THREAD_H_
