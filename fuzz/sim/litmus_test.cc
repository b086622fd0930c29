// The litmus tests (fuzz/sim/litmus.h) on the simulated platform's atomics with the weak-memory
// model on: every outcome the C++ model allows is reached within the schedules run, every
// forbidden one never appears in them (SEMFUZZ_LITMUS_RUNS schedules per case, default 100,000).
#include <gtest/gtest.h>

#include <cstdio>

#include "fuzz/sim/litmus_run.h"
#include "fuzz/sim/sim_platform.h"

namespace semfuzz::litmus {
namespace {

struct sim_fence {
  static void fence(std::memory_order o) { sim::sim_platform::thread_fence(o); }
};
using word = sim::sim_atomic<std::uint32_t>;

class sim_litmus : public ::testing::TestWithParam<int> {};

TEST_P(sim_litmus, OutcomeAsTheModelSays) {
  const litmus_case<word>& lc = kCases<word, sim_fence>[GetParam()];
  expect_as_the_model_says(lc, litmus_runs());
}

INSTANTIATE_TEST_SUITE_P(cases, sim_litmus,
                         ::testing::Range(0, static_cast<int>(std::size(kCases<word, sim_fence>))));

// The model off: no case's outcome appears (each is one no sequentially consistent run gives).
TEST(sim_litmus_off, EveryLoadReadsTheNewestStore) {
  for (const litmus_case<word>& lc : kCases<word, sim_fence>) {
    EXPECT_EQ(run_case(lc, 2'000, false).asked, 0u) << lc.name;
  }
}

}  // namespace
}  // namespace semfuzz::litmus
