// Compiled with -fsanitize=thread and linked against semfuzz's hooks (litmus_instr.h).
#include "fuzz/instrumented/tests/litmus_instr.h"

#include <iterator>

namespace semfuzz::instr_litmus {
namespace {
struct std_fence {
  static void fence(std::memory_order o) { std::atomic_thread_fence(o); }
};
}  // namespace

static_assert(std::size(litmus::kCases<word, std_fence>) == litmus::kCaseCount);

const litmus::litmus_case<word>* cases() { return litmus::kCases<word, std_fence>; }
std::size_t count() { return std::size(litmus::kCases<word, std_fence>); }

}  // namespace semfuzz::instr_litmus
