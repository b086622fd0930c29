#include "fuzz/sim/feedback.h"

#include <cstddef>

namespace semfuzz::sim {
namespace {

constexpr std::size_t kCounters = 1 << 13;

#if defined(__linux__) && (defined(__clang__) || defined(__GNUC__))
__attribute__((section("__libfuzzer_extra_counters")))
#endif
std::uint8_t g_counters[kCounters];

std::uint32_t g_previous = 0;

}  // namespace

void reset_states() { g_previous = 0; }

void note_state(std::uint32_t state) {
  std::uint32_t h = (g_previous * 0x9E3779B1u) ^ (state + 0x7F4A7C15u);
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  std::uint8_t& c = g_counters[h & (kCounters - 1)];
  if (c != 0xFF) ++c;
  g_previous = state + 1;
}

}  // namespace semfuzz::sim
