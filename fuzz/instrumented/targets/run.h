// How an instrumented schedule target runs one program
// (fuzz/instrumented/targets/production_target.cc, libstdcxx_target.cc, libcxx_target.cc):
// semfuzz's runner (fuzz/schedule/runner.h) on the process's scheduler, with its happens-before
// checker as the scheduler has it (on unless SEMFUZZ_ORDER_CHECKING=0: the hooks feed it every
// atomic's memory order and every plain access, fuzz/instrumented/runtime/hooks.cc), and the
// destroyed objects forgotten afterwards (their memory may be reused by the next run).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_

#include <concepts>

#include "fuzz/input/program.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/schedule/runner.h"
#include "fuzz/schedule/schedule_entry.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz::instr {

// C: the chooser's type (sim::byte_stream_chooser as a program_run_fn,
// fuzz/schedule/schedule_entry.h).
template <contract::fuzzable_semaphore Sem, std::derived_from<sim::chooser> C>
run_result run_instrumented(const program& prog, C& choose, bool trace) {
  const run_result r = program_runner<Sem>(prog, shared_scheduler(), trace).run(choose);
  forget_destroyed();
  return r;
}

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUN_H_
