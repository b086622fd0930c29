// Tests of the fibers under the scheduler: switching, per-fiber stacks and floating-point
// control state, exceptions inside a fiber, and reuse of finished and abandoned fibers.
#include "fuzz/sim/fiber.h"

#include <gtest/gtest.h>

#include <cfenv>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace semfuzz::sim {
namespace {

struct context {
  fiber_host* host = nullptr;
  std::vector<std::string>* log = nullptr;
  int id = 0;
  int yields = 0;
};

void yielding_body(void* arg) {
  auto& c = *static_cast<context*>(arg);
  for (int i = 0; i < c.yields; ++i) {
    c.log->push_back("f" + std::to_string(c.id) + "." + std::to_string(i));
    c.host->yield_to_host();
  }
  c.log->push_back("f" + std::to_string(c.id) + " ends");
}

TEST(Fiber, ResumeRunsUntilTheNextYieldOrTheEnd) {
  fiber_host host;
  fiber f(64 * 1024);
  std::vector<std::string> log;
  context c{&host, &log, 0, 2};
  EXPECT_TRUE(f.finished());  // not started
  f.start(&yielding_body, &c);
  EXPECT_FALSE(f.finished());
  host.resume(f);
  EXPECT_EQ(log, (std::vector<std::string>{"f0.0"}));
  EXPECT_EQ(host.running(), nullptr);
  host.resume(f);
  host.resume(f);
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(log, (std::vector<std::string>{"f0.0", "f0.1", "f0 ends"}));
}

TEST(Fiber, FibersInterleaveInTheOrderTheHostResumesThem) {
  fiber_host host;
  std::vector<std::string> log;
  fiber a, b;
  context ca{&host, &log, 0, 2}, cb{&host, &log, 1, 1};
  a.start(&yielding_body, &ca);
  b.start(&yielding_body, &cb);
  host.resume(b);
  host.resume(a);
  host.resume(a);
  host.resume(b);
  host.resume(a);
  EXPECT_TRUE(a.finished() && b.finished());
  EXPECT_EQ(log, (std::vector<std::string>{"f1.0", "f0.0", "f0.1", "f1 ends", "f0 ends"}));
}

struct stack_check {
  fiber_host* host;
  int seed;
  bool intact = false;
};

// Fills a sizeable local array, yields twice, and checks that nothing else wrote it.
void stack_body(void* arg) {
  auto& c = *static_cast<stack_check*>(arg);
  volatile int local[4096];
  for (int i = 0; i < 4096; ++i) local[i] = c.seed * 7919 + i;
  c.host->yield_to_host();
  c.host->yield_to_host();
  bool ok = true;
  for (int i = 0; i < 4096; ++i) ok &= local[i] == c.seed * 7919 + i;
  c.intact = ok;
}

TEST(Fiber, EachFiberHasItsOwnStack) {
  fiber_host host;
  std::vector<fiber> fibers(3);
  std::vector<stack_check> checks = {{&host, 1}, {&host, 2}, {&host, 3}};
  for (int i = 0; i < 3; ++i) fibers[i].start(&stack_body, &checks[i]);
  for (int round = 0; round < 3; ++round) {
    for (int i = 2; i >= 0; --i) host.resume(fibers[i]);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(fibers[i].finished());
    EXPECT_TRUE(checks[i].intact) << i;
  }
}

struct rounding {
  fiber_host* host;
  int seen_after_yield = -1;
};

void rounding_body(void* arg) {
  auto& r = *static_cast<rounding*>(arg);
  std::fesetround(FE_UPWARD);
  r.host->yield_to_host();
  r.seen_after_yield = std::fegetround();
  std::fesetround(FE_TONEAREST);
}

TEST(Fiber, FloatingPointControlStateIsPerFiber) {
  fiber_host host;
  fiber f;
  rounding r{&host};
  ASSERT_EQ(std::fegetround(), FE_TONEAREST);
  f.start(&rounding_body, &r);
  host.resume(f);
  EXPECT_EQ(std::fegetround(), FE_TONEAREST);  // the fiber's FE_UPWARD stayed with it
  host.resume(f);
  EXPECT_EQ(r.seen_after_yield, FE_UPWARD);
  EXPECT_EQ(std::fegetround(), FE_TONEAREST);
}

void throwing_body(void* arg) {
  auto& c = *static_cast<context*>(arg);
  try {
    c.host->yield_to_host();
    throw std::runtime_error("inside");
  } catch (const std::exception& e) {
    c.log->push_back(e.what());
  }
}

TEST(Fiber, ExceptionsUnwindInsideTheFiber) {
  fiber_host host;
  fiber f;
  std::vector<std::string> log;
  context c{&host, &log, 0, 0};
  f.start(&throwing_body, &c);
  host.resume(f);
  host.resume(f);
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(log, (std::vector<std::string>{"inside"}));
}

TEST(Fiber, FinishedAndAbandonedFibersCanBeRestarted) {
  fiber_host host;
  fiber f;
  std::vector<std::string> log;
  context c{&host, &log, 0, 3};
  for (int run = 0; run < 100; ++run) {  // abandoned after one yield, then restarted
    f.start(&yielding_body, &c);
    host.resume(f);
    EXPECT_FALSE(f.finished());
  }
  context once{&host, &log, 1, 0};
  f.start(&yielding_body, &once);
  host.resume(f);
  EXPECT_TRUE(f.finished());
  EXPECT_EQ(log.back(), "f1 ends");
  EXPECT_EQ(log.size(), 101u);
}

}  // namespace
}  // namespace semfuzz::sim
