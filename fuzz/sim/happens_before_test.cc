// Tests of the happens-before checker's rules (fuzz/sim/happens_before.h), driven directly: the
// threads' accesses are replayed in the order a scheduled run would make them. The same rules
// fed by the simulated platform (failure orders of compare-exchange, mutex and condition-variable
// edges, no edge through a futex wake) are tested in scheduler_test.cc.
#include "fuzz/sim/happens_before.h"

#include <gtest/gtest.h>

namespace semfuzz::sim {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;
constexpr auto acquire = std::memory_order_acquire;
constexpr auto release = std::memory_order_release;
constexpr auto acq_rel = std::memory_order_acq_rel;
constexpr auto seq_cst = std::memory_order_seq_cst;

struct checker : ::testing::Test {
  happens_before hb;
  int m = 0, other = 0;  // two locations: any addresses will do
  void SetUp() override { hb.reset(4); }
  // Whether what `from` did before its epoch `e` happens-before `to`'s current point.
  bool ordered(int from, epoch e, int to) const { return hb.clock(to).knows(from, e); }
};

TEST_F(checker, ThreadsStartKnowingOnlyThemselves) {
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(hb.now(t), 1u);
    for (int u = 0; u < 4; ++u) EXPECT_EQ(ordered(u, 1, t), u == t);
  }
}

TEST_F(checker, ReleaseStoreAcquireLoadIsAnEdge) {
  const epoch before = hb.now(0);
  hb.store(0, &m, release);
  const epoch after = hb.now(0);
  EXPECT_GT(after, before);
  hb.load(1, &m, acquire);
  EXPECT_TRUE(ordered(0, before, 1));
  EXPECT_FALSE(ordered(0, after, 1)) << "what T0 does after its release is not ordered";
  EXPECT_FALSE(ordered(1, hb.now(1), 0)) << "the edge has one direction";
}

TEST_F(checker, SeqCstActsAsReleaseAndAcquire) {
  const epoch before = hb.now(0);
  hb.store(0, &m, seq_cst);
  hb.load(1, &m, seq_cst);
  EXPECT_TRUE(ordered(0, before, 1));
}

TEST_F(checker, RelaxedOrdersNothing) {
  const epoch before = hb.now(0);
  hb.store(0, &m, relaxed);  // relaxed store, acquire load
  hb.load(1, &m, acquire);
  EXPECT_FALSE(ordered(0, before, 1));
  hb.store(0, &m, release);  // release store, relaxed load
  hb.load(2, &m, relaxed);
  EXPECT_FALSE(ordered(0, before, 2));
  hb.load(3, &other, acquire);  // another location carries nothing
  EXPECT_FALSE(ordered(0, before, 3));
}

TEST_F(checker, ReleaseFenceThenRelaxedStore) {
  const epoch before_fence = hb.now(0);
  hb.fence(0, release);
  const epoch after_fence = hb.now(0);
  hb.store(0, &m, relaxed);
  hb.load(1, &m, acquire);
  EXPECT_TRUE(ordered(0, before_fence, 1));
  EXPECT_FALSE(ordered(0, after_fence, 1)) << "between the fence and the store: not published";
}

TEST_F(checker, RelaxedLoadThenAcquireFence) {
  const epoch before = hb.now(0);
  hb.store(0, &m, release);
  hb.fence(1, acquire);  // a fence before the load does not help
  hb.load(1, &m, relaxed);
  EXPECT_FALSE(ordered(0, before, 1));
  hb.fence(1, acquire);
  EXPECT_TRUE(ordered(0, before, 1));
}

TEST_F(checker, FenceToFence) {
  const epoch before = hb.now(0);
  hb.fence(0, release);
  hb.store(0, &m, relaxed);
  hb.load(1, &m, relaxed);
  EXPECT_FALSE(ordered(0, before, 1));
  hb.fence(1, acq_rel);
  EXPECT_TRUE(ordered(0, before, 1));
}

TEST_F(checker, ReleaseSequenceContinuesThroughRelaxedRmws) {
  const epoch t0 = hb.now(0);
  hb.store(0, &m, release);
  const epoch t1 = hb.now(1);
  hb.rmw(1, &m, relaxed);  // T1's relaxed RMW: part of T0's release sequence, releases nothing
  hb.rmw(2, &m, relaxed);
  hb.load(3, &m, acquire);
  EXPECT_TRUE(ordered(0, t0, 3));
  EXPECT_FALSE(ordered(1, t1, 3));
}

TEST_F(checker, AStoreEndsTheReleaseSequenceEvenOnTheSameThread) {  // C++20 [intro.races]
  const epoch before = hb.now(0);
  hb.store(0, &m, release);
  hb.store(0, &m, relaxed);
  hb.load(1, &m, acquire);
  EXPECT_FALSE(ordered(0, before, 1));
  hb.store(2, &m, release);
  hb.store(3, &m, relaxed);  // another thread's relaxed store: same
  hb.load(1, &m, acquire);
  EXPECT_FALSE(ordered(2, 1, 1));
}

TEST_F(checker, ReleaseRmwsAccumulate) {
  const epoch t0 = hb.now(0), t1 = hb.now(1);
  hb.rmw(0, &m, release);
  hb.rmw(1, &m, release);  // does not acquire T0's, but both heads stay in the sequence
  EXPECT_FALSE(ordered(0, t0, 1));
  hb.load(2, &m, acquire);
  EXPECT_TRUE(ordered(0, t0, 2));
  EXPECT_TRUE(ordered(1, t1, 2));
}

TEST_F(checker, AcqRelRmwChainsTransitively) {
  const epoch t0 = hb.now(0);
  hb.rmw(0, &m, release);
  const epoch t1 = hb.now(1);
  hb.rmw(1, &m, acq_rel);
  EXPECT_TRUE(ordered(0, t0, 1));
  hb.store(1, &other, release);  // T1 passes on what it acquired, through another location
  hb.load(2, &other, acquire);
  EXPECT_TRUE(ordered(0, t0, 2));
  EXPECT_TRUE(ordered(1, t1, 2));
}

TEST_F(checker, AcquireRmwWithoutReleaseTakesButGivesNothing) {
  const epoch t0 = hb.now(0);
  hb.rmw(0, &m, release);
  const epoch t1 = hb.now(1);
  hb.rmw(1, &m, acquire);
  EXPECT_TRUE(ordered(0, t0, 1));
  hb.load(2, &m, acquire);
  EXPECT_TRUE(ordered(0, t0, 2));   // T0's sequence goes on through T1's RMW
  EXPECT_FALSE(ordered(1, t1, 2));  // but T1 released nothing of its own
}

TEST_F(checker, MutexUnlockThenLock) {
  const epoch before = hb.now(0);
  hb.lock(0, &m);
  hb.unlock(0, &m);
  hb.lock(1, &m);
  EXPECT_TRUE(ordered(0, before, 1));
  EXPECT_FALSE(ordered(0, hb.now(0), 1));
}

TEST_F(checker, ForgottenLocationCarriesNothing) {
  const epoch before = hb.now(0);
  hb.store(0, &m, release);
  hb.forget(&m);  // a new object at the same address
  hb.load(1, &m, acquire);
  EXPECT_FALSE(ordered(0, before, 1));
}

TEST_F(checker, ResetForgetsEverything) {
  hb.store(0, &m, release);
  hb.reset(2);
  hb.load(1, &m, acquire);
  EXPECT_FALSE(ordered(0, 1, 1));
  EXPECT_EQ(hb.now(0), 1u);
}

// The weak-memory model (fuzz/sim/memory_model.h), driven directly.
struct weak_checker : checker {
  void SetUp() override {
    hb.reset(4);
    hb.set_weak_memory(true, true);
  }
};

TEST_F(checker, ModelOffEveryLoadReadsTheNewest) {
  hb.store(0, &m, relaxed, 0, 1);
  hb.store(0, &m, relaxed, 1, 2);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 2), 1);
}

TEST_F(weak_checker, AnUnorderedThreadMayReadEveryKeptStore) {
  hb.store(0, &m, relaxed, 0, 1);  // the initial 0, then 1 and 2
  hb.store(0, &m, relaxed, 1, 2);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 2), 3);
  EXPECT_EQ(hb.readable(0, &m, relaxed, 2), 1) << "the writer knows its own newest store";
  EXPECT_EQ(hb.load_from(1, &m, relaxed, 2).value, 0u);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 2), 3) << "the initial value may be read again";
  EXPECT_EQ(hb.load_from(1, &m, relaxed, 1).value, 1u);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 2), 2) << "read-read coherence: never older than 1";
}

TEST_F(weak_checker, AcquireSynchronisesWithTheStoreItRead) {
  hb.store(0, &m, release, 0, 1);  // the initial 0, then 1 (release), then 2 (release)
  const epoch between = hb.now(0);
  hb.store(0, &m, release, 1, 2);
  ASSERT_EQ(hb.readable(1, &m, acquire, 2), 3);
  hb.load_from(1, &m, acquire, 1);  // reads 1: ordered after the first release only
  EXPECT_TRUE(ordered(0, between - 1, 1));
  EXPECT_FALSE(ordered(0, between, 1));
  EXPECT_EQ(hb.readable(2, &m, acquire, 2), 3) << "T1's read does not happen-before T2";
}

TEST_F(weak_checker, SeqCstLoadReadsAtLeastTheLastSeqCstStore) {
  hb.store(0, &m, relaxed, 0, 1);
  hb.store(0, &m, seq_cst, 1, 2);
  hb.store(0, &m, relaxed, 2, 3);
  EXPECT_EQ(hb.readable(1, &m, seq_cst, 3), 2);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 3), 4);
}

TEST_F(weak_checker, SeqCstFencesOrderStoresBeforeThemForLoadsAfterThem) {
  hb.store(0, &m, relaxed, 0, 1);
  hb.fence(0, seq_cst);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 1), 2) << "no fence in T1 yet";
  hb.fence(1, seq_cst);
  EXPECT_EQ(hb.readable(1, &m, relaxed, 1), 1);
  hb.futex_call(2);  // a futex call is such a fence while the futex is a full barrier
  EXPECT_EQ(hb.readable(2, &m, relaxed, 1), 1);
  hb.set_weak_memory(true, false);
  hb.futex_call(3);  // and no fence otherwise
  EXPECT_EQ(hb.readable(3, &m, relaxed, 1), 2);
}

TEST_F(weak_checker, ReadModifyWritesContinueTheReleaseSequence) {
  const epoch before = hb.now(0);
  hb.store(0, &m, release, 0, 1);
  hb.rmw(2, &m, relaxed, 1, 2);  // another thread's RMW: the sequence goes on
  ASSERT_EQ(hb.readable(1, &m, acquire, 2), 3);
  EXPECT_EQ(hb.load_from(1, &m, acquire, 0).value, 2u);
  EXPECT_TRUE(ordered(0, before, 1));
}

}  // namespace
}  // namespace semfuzz::sim
