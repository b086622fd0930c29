// The trace alone: its hash identifies the events and decisions of a run, in order, and starts
// over with each run. (The hashes of every committed input are pinned by the golden test,
// fuzz/tests/golden/trace_hashes.txt.)
#include "fuzz/sim/trace.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace semfuzz::sim {
namespace {

std::uint64_t hash_of(void (*feed)(run_trace&)) {
  run_trace t;
  t.begin(false);
  feed(t);
  return t.hash();
}

TEST(Trace, SameEventsSameHash) {
  auto feed = [](run_trace& t) {
    t.event(0, ev::load, 0, 1, 2, 3);
    t.woken(1);
    t.event(1, ev::futex_wake, 0, 1, 1, 0);
  };
  EXPECT_EQ(hash_of(feed), hash_of(feed));
}

TEST(Trace, EveryPartOfAnEventCounts) {
  const std::uint64_t base = hash_of([](run_trace& t) { t.event(0, ev::load, 0, 1, 2, 3); });
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(1, ev::load, 0, 1, 2, 3); }));
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(0, ev::store, 0, 1, 2, 3); }));
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(0, ev::load, 1, 1, 2, 3); }));
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(0, ev::load, 0, 0, 2, 3); }));
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(0, ev::load, 0, 1, 0, 3); }));
  EXPECT_NE(base, hash_of([](run_trace& t) { t.event(0, ev::load, 0, 1, 2, 0); }));
}

TEST(Trace, OrderAndDecisionsCount) {
  const std::uint64_t ab = hash_of([](run_trace& t) {
    t.event(0, ev::store, 0, 1, 0, 0);
    t.event(1, ev::load, 0, 1, 0, 0);
  });
  const std::uint64_t ba = hash_of([](run_trace& t) {
    t.event(1, ev::load, 0, 1, 0, 0);
    t.event(0, ev::store, 0, 1, 0, 0);
  });
  EXPECT_NE(ab, ba);
  // The same thread in each decision, told apart by the decision's tag.
  const std::uint64_t decisions[] = {
      hash_of([](run_trace& t) { t.timed_out(0); }),
      hash_of([](run_trace& t) { t.woken(0); }),
      hash_of([](run_trace& t) { t.returned_early(0, false); }),
      hash_of([](run_trace& t) { t.returned_early(0, true); }),
      hash_of([](run_trace& t) { t.time_moved(5); }),
      hash_of([](run_trace& t) { t.time_moved(6); }),
  };
  for (std::size_t i = 0; i < std::size(decisions); ++i) {
    for (std::size_t j = i + 1; j < std::size(decisions); ++j)
      EXPECT_NE(decisions[i], decisions[j]);
  }
}

TEST(Trace, BeginStartsOver) {
  run_trace t;
  t.begin(false);
  const std::uint64_t empty = t.hash();
  t.event(0, ev::load, 0, 1, 2, 3);
  EXPECT_NE(t.hash(), empty);
  t.begin(false);
  EXPECT_EQ(t.hash(), empty);
  EXPECT_FALSE(t.printing());
}

TEST(Trace, PrintsEventLinesOnlyWhenPrinting) {
  run_trace t;
  t.begin(false);
  testing::internal::CaptureStderr();
  t.print_event(3, 0.5, 1, ev::fetch_add, "word0+0", 1, 2, 3, "");
  t.print("T%d woken", 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  t.begin(true);
  testing::internal::CaptureStderr();
  t.print_event(3, 0.5, 1, ev::fetch_add, "word0+0", 1, 2, 3, "f.cc:4");
  t.print("T%d woken", 1);
  t.print_line("a note");
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "     3   0.500000 ms  T1  fetch_add   word0+0   0x1 0x2 0x3  at f.cc:4\n"
            "       T1 woken\n"
            "a note\n");
}

}  // namespace
}  // namespace semfuzz::sim
