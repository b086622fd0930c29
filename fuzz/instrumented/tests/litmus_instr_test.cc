// The litmus tests (fuzz/sim/litmus.h) on instrumented std::atomic code (litmus_instr.h) with
// the weak-memory model on: as on the simulated platform (fuzz/sim/litmus_test.cc), every allowed
// outcome is reached and no forbidden one appears in SEMFUZZ_LITMUS_RUNS schedules per case
// (default 100,000).
#include "fuzz/instrumented/tests/litmus_instr.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "fuzz/sim/litmus_run.h"

namespace semfuzz::litmus {
namespace {

using instr_litmus::word;

class instrumented_litmus : public ::testing::TestWithParam<int> {};

TEST_P(instrumented_litmus, OutcomeAsTheModelSays) {
  ASSERT_LT(static_cast<std::size_t>(GetParam()), instr_litmus::count());
  const litmus_case<word>& lc = instr_litmus::cases()[GetParam()];
  expect_as_the_model_says(lc, litmus_runs());
}

// One instantiation per case of litmus.h (the instrumented object has as many: asserted above).
INSTANTIATE_TEST_SUITE_P(cases, instrumented_litmus, ::testing::Range(0, kCaseCount));

TEST(instrumented_litmus_off, EveryLoadReadsTheNewestStore) {
  for (std::size_t i = 0; i < instr_litmus::count(); ++i) {
    EXPECT_EQ(run_case(instr_litmus::cases()[i], 2'000, false).asked, 0u)
        << instr_litmus::cases()[i].name;
  }
}

}  // namespace
}  // namespace semfuzz::litmus
