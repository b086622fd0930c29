// Tests of the plain-access race detector (fuzz/sim/race_detector.h), driven directly with the
// happens-before checker's clocks; the same detector fed by instrumented code's hooks is tested in
// fuzz/instrumented/tests/runtime_test.cc.
#include "fuzz/sim/race_detector.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace semfuzz::sim {
namespace {

constexpr auto acquire = std::memory_order_acquire;
constexpr auto release = std::memory_order_release;

struct detector : ::testing::Test {
  happens_before hb;
  race_detector races;
  alignas(16) unsigned char memory[64] = {};
  int flag = 0;  // an atomic location for the clocks: any address will do
  std::uint64_t step = 0;

  void SetUp() override {
    hb.reset(4);
    races.reset();
  }
  // Thread t accesses [memory + offset, + bytes); returns the earlier access it races with.
  const race_detector::access* access(int t, std::size_t offset, std::size_t bytes, bool write) {
    race_detector::access a;
    a.thread = t;
    a.e = hb.now(t);
    a.step = ++step;
    a.bytes = bytes;
    a.write = write;
    a.what = write ? "write" : "read";
    return races.check(memory + offset, a, hb.clock(t));
  }
  const race_detector::access* write(int t, std::size_t offset, std::size_t bytes = 4) {
    return access(t, offset, bytes, true);
  }
  const race_detector::access* read(int t, std::size_t offset, std::size_t bytes = 4) {
    return access(t, offset, bytes, false);
  }
  // `from` releases on flag, `to` acquires it: what `from` did so far happens-before `to`.
  void hand_over(int from, int to) {
    hb.store(from, &flag, release);
    hb.load(to, &flag, acquire);
  }
};

TEST_F(detector, AnUnorderedWriteAndReadRace) {
  EXPECT_EQ(write(0, 0), nullptr);
  const race_detector::access* earlier = read(1, 0);
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->thread, 0);
  EXPECT_TRUE(earlier->write);
  EXPECT_EQ(earlier->step, 1u);
  EXPECT_EQ(earlier->e, 1u);
}

TEST_F(detector, AReleaseAcquireHandOverOrdersThem) {
  EXPECT_EQ(write(0, 0), nullptr);
  hand_over(0, 1);
  EXPECT_EQ(read(1, 0), nullptr);
  EXPECT_EQ(write(1, 0), nullptr);
  EXPECT_NE(read(0, 0), nullptr) << "T1's write is not ordered before T0's read";
}

TEST_F(detector, ReadsDoNotRaceWithReads) {
  for (int t = 0; t < 4; ++t) EXPECT_EQ(read(t, 0), nullptr);
}

TEST_F(detector, AWriteRacesWithEveryUnorderedReader) {
  // T1 and T2 read concurrently (FastTrack's read-shared state); T0 knows only T1's read.
  EXPECT_EQ(read(1, 8), nullptr);
  EXPECT_EQ(read(2, 8), nullptr);
  hand_over(1, 0);
  const race_detector::access* earlier = write(0, 8);
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->thread, 2);
  EXPECT_FALSE(earlier->write);
  // Once T0 knows both readers, its write is ordered after them.
  hand_over(2, 0);
  EXPECT_EQ(write(0, 8), nullptr);
}

TEST_F(detector, BytesOfOneWordAreApart) {
  EXPECT_EQ(write(0, 0, 1), nullptr);
  EXPECT_EQ(write(1, 1, 1), nullptr);
  EXPECT_EQ(write(2, 2, 2), nullptr);
  EXPECT_EQ(write(3, 4, 4), nullptr);
  const race_detector::access* earlier = read(3, 0, 8);  // overlaps all three other writes
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->thread, 0);
}

TEST_F(detector, AnAccessAcrossGranulesIsCheckedOnEveryByte) {
  EXPECT_EQ(write(0, 20, 1), nullptr);
  const race_detector::access* earlier = read(1, 13, 16);  // bytes 13..28, three granules
  ASSERT_NE(earlier, nullptr);
  EXPECT_EQ(earlier->thread, 0);
}

TEST_F(detector, RepeatsInOneEpochStillLeaveTheirHistory) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(write(0, 32, 8), nullptr);
  EXPECT_EQ(read(0, 32, 8), nullptr);
  EXPECT_NE(read(1, 32, 8), nullptr);
  EXPECT_NE(write(2, 32, 8), nullptr);
}

TEST_F(detector, ForgottenMemoryAndANewRunHaveNoHistory) {
  EXPECT_EQ(write(0, 0, 16), nullptr);
  races.forget(memory + 4, 8);  // a new object in bytes 4..11
  EXPECT_EQ(write(1, 4, 8), nullptr);
  EXPECT_NE(read(1, 0, 1), nullptr) << "byte 0 keeps T0's write";
  races.reset();
  EXPECT_EQ(write(2, 0, 16), nullptr);
  // A block larger than everything recorded is forgotten by visiting the table instead.
  EXPECT_EQ(write(0, 32, 32), nullptr);
  const auto around = reinterpret_cast<std::uintptr_t>(memory) - 4096;
  races.forget(reinterpret_cast<const void*>(around), 8192);
  EXPECT_EQ(write(1, 0, 64), nullptr);
  EXPECT_NE(write(3, 0, 64), nullptr) << "what T1 wrote after the forget stays";
}

}  // namespace
}  // namespace semfuzz::sim
