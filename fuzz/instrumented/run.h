// What every instrumented target's run function does (fuzz/schedule_entry.h: program_run_fn):
// runs the program on Sem, whose code is compiled instrumented (fuzz/instrumented/runtime.h), on
// the shared scheduler, then ends the use-after-destroy watch of the run.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_

#include "fuzz/contract.h"
#include "fuzz/instrumented/runtime.h"
#include "fuzz/program.h"
#include "fuzz/runner.h"
#include "fuzz/schedule_entry.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz::instr {

template <contract::fuzzable_semaphore Sem>
run_result run_instrumented(const program& prog, sim::chooser& choose, bool trace) {
  // The happens-before checker is fed by the simulated platform's atomics; the TSan hooks do not
  // feed it yet (issue 12, item 2(b)), so here it would see no edges at all: off.
  shared_scheduler().set_order_checking(false);
  const run_result r = program_runner<Sem>(prog, shared_scheduler(), trace).run(choose);
  forget_destroyed();
  return r;
}

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_
