// Compiled with -fsanitize=thread, without the TSan runtime: the code under test of the
// schedule_production target (fuzz/instrumented/targets/production.h). Together with
// semaphore/src/linux_futex.cc, compiled the same way, this is the production code path, unchanged.
#include "fuzz/instrumented/targets/production.h"

#include "fuzz/instrumented/runtime/adapter_bridge_impl.h"

namespace semfuzz::instr {

template class adapter_bridge<basic_semaphore<internal::split64_core, linux_futex_platform>>;
template class adapter_bridge<basic_semaphore<internal::word32_core, linux_futex_platform>>;

}  // namespace semfuzz::instr
