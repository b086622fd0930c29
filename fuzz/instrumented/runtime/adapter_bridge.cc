// The bridge to a user's adapter (fuzz/instrumented/adapter.h), compiled with -fsanitize=thread
// together with the user's own sources by semfuzz_add_instrumented_target(), which names the
// adapter: SEMFUZZ_ADAPTER_HEADER (a quoted path) and SEMFUZZ_ADAPTER_CLASS (a type).
#include SEMFUZZ_ADAPTER_HEADER

#include <memory>

#include "fuzz/instrumented/runtime/adapter_bridge_impl.h"

namespace {
// clang 14, at -O2, may leave the adapter's implicitly defined destructor (one with work to do:
// a std::unique_ptr member) undefined in this object when the explicit instantiation below is
// its only user, so that the bridge's destructor calls a symbol that interpose.py then turns into
// an unsupported-call stub ("calls A::~A()"). A use outside any template defines it here.
[[maybe_unused]] void define_destructor(SEMFUZZ_ADAPTER_CLASS* a) { std::destroy_at(a); }
}  // namespace

template class semfuzz::instr::adapter_bridge<SEMFUZZ_ADAPTER_CLASS>;
