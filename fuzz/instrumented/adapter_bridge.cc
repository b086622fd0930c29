// The bridge to a user's adapter (fuzz/instrumented/adapter.h), compiled with -fsanitize=thread
// together with the user's own sources by semfuzz_add_instrumented_target(), which names the
// adapter: SEMFUZZ_ADAPTER_HEADER (a quoted path) and SEMFUZZ_ADAPTER_CLASS (a type).
#include SEMFUZZ_ADAPTER_HEADER

#include "fuzz/instrumented/adapter_bridge_impl.h"

template class semfuzz::instr::adapter_bridge<SEMFUZZ_ADAPTER_CLASS>;
