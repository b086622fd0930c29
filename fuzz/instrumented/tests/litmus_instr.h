// The litmus tests (fuzz/sim/litmus.h) as instrumented code: std::atomic and
// std::atomic_thread_fence compiled with clang's thread hooks (litmus_instr.cc), so that the
// weak-memory model is reached through fuzz/instrumented/runtime/hooks.cc as unmodified code
// reaches it.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LITMUS_INSTR_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LITMUS_INSTR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "fuzz/sim/litmus.h"

namespace semfuzz::instr_litmus {

using word = std::atomic<std::uint32_t>;

// The cases of litmus.h, their bodies compiled instrumented.
const litmus::litmus_case<word>* cases();
std::size_t count();

}  // namespace semfuzz::instr_litmus

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LITMUS_INSTR_H_
