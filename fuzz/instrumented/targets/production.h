// semfuzz's production semaphore (linux_futex_platform: std::atomic, the futex system call,
// steady_clock; semaphore/src/linux_futex.cc), as the schedule_production target runs it: through
// the same bridge as a user's own semaphore (fuzz/instrumented/adapter.h), whose members are
// defined in production.cc, compiled with -fsanitize=thread (the hooks of
// fuzz/instrumented/runtime/runtime.h), so the harness, which includes only this header, calls into
// instrumented code and never instantiates the algorithm itself. basic_semaphore is its own
// adapter: it has the whole API and every capability.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_

#include "fuzz/instrumented/runtime/adapter_bridge.h"
#include "semfuzz/internal/split64.h"
#include "semfuzz/internal/word32.h"
#include "semfuzz/platform/linux_futex.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::instr {

// Instantiated for split64_core and word32_core (production.cc).
template <template <class> class Algorithm>
using production_semaphore = adapter_bridge<basic_semaphore<Algorithm, linux_futex_platform>>;

extern template class adapter_bridge<basic_semaphore<internal::split64_core, linux_futex_platform>>;
extern template class adapter_bridge<basic_semaphore<internal::word32_core, linux_futex_platform>>;

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PRODUCTION_H_
