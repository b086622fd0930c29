#include <gtest/gtest.h>

#include "fuzz/program.h"
#include "fuzz/schedule_target.h"

namespace semfuzz {
namespace {

TEST(Schedule, Smoke) {
  program p;
  p.algo = algorithm::split64;
  p.initial = 1;
  p.threads.resize(2);
  p.threads[0].ops = {{op_kind::acquire, 1}, {op_kind::release, 1}};
  p.threads[1].ops = {{op_kind::acquire, 1}, {op_kind::release, 1}};
  const auto bytes = encode(p, {0, 1, 1, 0, 1, 0, 1});
  const run_result r = run_schedule_input(bytes.data(), bytes.size(), true);
  EXPECT_FALSE(r.outcome.failed()) << r.outcome.message;
}

}  // namespace
}  // namespace semfuzz
