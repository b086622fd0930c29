#include "fuzz/oracles/sim_oracles.h"

#include <string>

namespace semfuzz {

void check_futex_call(sim::scheduler& sched, const sim::futex_call& call) {
  if (!call.wake && !call.supported) {
    fail_run(sched, verdict_kind::futex_misuse,
             "T" + std::to_string(call.thread) + " futex wait on " + sched.name_of(call.word) +
                 " (width " + std::to_string(call.width) +
                 "), which is not an aligned 32-bit word of a live atomic");
  } else if (call.wake && call.other_width_sleeper >= 0) {
    fail_run(sched, verdict_kind::futex_misuse,
             "T" + std::to_string(call.thread) + " wakes " + sched.name_of(call.word) + " as a " +
                 std::to_string(call.width * 8) + "-bit futex, but T" +
                 std::to_string(call.other_width_sleeper) + " sleeps on it as a " +
                 std::to_string(call.other_width * 8) + "-bit one");
  }
}

void fail_runaway(sim::scheduler& sched) {
  fail_run(sched, verdict_kind::runaway,
           "more than " + std::to_string(kMaxSteps) + " steps: a livelock or unbounded retry");
}

}  // namespace semfuzz
