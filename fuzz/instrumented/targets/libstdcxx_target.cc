// The schedule_libstdcxx target: the build's libstdc++ std::counting_semaphore<INT_MAX>, compiled
// instrumented (fuzz/instrumented/targets/libstdcxx.h), on the same scheduler, input format and
// oracles as the schedule target (fuzz/schedule/runner.h), in black-box mode: it has single-token
// takes, no available(), undefined bad counts and a try that may fail under contention
// (std_adapter, fuzz/schedule/std_adapter.h), so the runner splits counts, skips undefined calls
// and checks by its ledger. The program's algorithm byte is ignored (every input runs the one
// semaphore).
#include "fuzz/instrumented/targets/libstdcxx.h"
#include "fuzz/instrumented/targets/run.h"
#include "fuzz/schedule/schedule_entry.h"
#include "fuzz/schedule/std_adapter.h"

namespace semfuzz {

using libstdcxx_adapter = std_adapter<instr::libstdcxx_semaphore>;
static_assert(contract::fuzzable_semaphore<libstdcxx_adapter>);
static_assert(contract::capabilities_of<libstdcxx_adapter>.black_box());

}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::fuzz_one_input(data, size,
                                 semfuzz::instr::run_instrumented<semfuzz::libstdcxx_adapter>);
}
