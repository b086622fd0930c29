// Oracles on how a program under test uses the simulated platform, judged from what the
// scheduler reports (fuzz/sim/scheduler.h; the scheduler itself judges nothing):
//   futex-misuse  a futex wait the model does not support (not an aligned 32-bit word inside a
//                 live simulated atomic), or a wake of an address whose sleepers wait on it with
//                 another width;
//   runaway       more than kMaxSteps steps: a livelock or an unbounded retry loop.
// Each stops the run through fail_run with its verdict kind.
#ifndef SEMFUZZ_FUZZ_SIM_ORACLES_H_
#define SEMFUZZ_FUZZ_SIM_ORACLES_H_

#include <cstdint>
#include <string>
#include <utility>

#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz {

// Stops the scheduler's run with a verdict (scheduler::fail carries the kind as its code, and
// traces its name); verdict_of reads it back from how the run ended.
inline void fail_run(sim::scheduler& sched, verdict_kind kind, std::string message) {
  sched.fail(static_cast<int>(kind), verdict_name(kind), std::move(message));
}
inline verdict verdict_of(const sim::run_end& end) {
  return {static_cast<verdict_kind>(end.code), end.message};
}

// The step bound of a run.
inline constexpr std::uint64_t kMaxSteps = 200'000;

void check_futex_call(sim::scheduler& sched, const sim::futex_call& call);

// Returns false when it failed the run.
void fail_runaway(sim::scheduler& sched);
inline bool check_step_bound(sim::scheduler& sched, std::uint64_t steps) {
  if (steps <= kMaxSteps) [[likely]]
    return true;
  fail_runaway(sched);
  return false;
}

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SIM_ORACLES_H_
