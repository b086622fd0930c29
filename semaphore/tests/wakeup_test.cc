// Wake-ups, for every algorithm: Qt tst_qsemaphore's multiRelease and multiAcquireRelease
// (QTBUG-66875); a release of n wakes min(n, sleepers) and no more finish than that; mixed
// multi-token sleepers are all served; a multi-token sleeper does not absorb a single-token
// wake-up; multi-token hand-offs lose nothing.
#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// ---- Qt: multiRelease, multiAcquireRelease --------------------------------------------------

// Qt multiRelease: 4 threads sleep in acquire(1); one release(4) wakes all of them.
TYPED_TEST(SemaphoreTest, MultiReleaseWakesEverySingleTokenWaiter) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) w.Spawn([&] { s.acquire(1); });
  w.WaitUntilAsleep();
  s.release(4);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of 4 waiters returned after release(4)";
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// Qt multiAcquireRelease: 4 threads acquire(1) then release(1); one token passes like a baton,
// so each woken thread's release must wake the next sleeper.
TYPED_TEST(SemaphoreTest, MultiAcquireReleaseBaton) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) {
    w.Spawn([&] {
      s.acquire(1);
      s.release(1);
    });
  }
  w.WaitUntilAsleep();
  s.release(1);
  EXPECT_TRUE(w.WaitAllDone()) << w.done() << " of 4 threads got the baton";
  w.Finish();
  EXPECT_EQ(s.available(), 1);
}

// ---- Wake-ups -------------------------------------------------------------------------------

// release(n) with k sleepers in acquire(1) lets exactly min(n, k) of them return.
TYPED_TEST(SemaphoreTest, ReleaseWakesMinOfNAndSleepers) {
  TypeParam s;
  Workers w([&] { s.release(1); });
  for (int t = 0; t < 4; ++t) w.Spawn([&] { s.acquire(1); });
  w.WaitUntilAsleep();
  s.release(2);
  ASSERT_TRUE(w.WaitDone(2)) << "release(2) woke only " << w.done() << " of 4 sleepers";
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2) << "release(2) let more than 2 waiters return";
  EXPECT_EQ(s.available(), 0);
  s.release(2);
  EXPECT_TRUE(w.WaitAllDone()) << "the second release(2) freed " << w.done() << " of 4";
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// The same for multi-token sleepers: release(4) with three acquire(2) sleepers frees exactly two.
TYPED_TEST(SemaphoreTest, ReleaseWakesAsManyMultiTokenWaitersAsItSatisfies) {
  TypeParam s;
  Workers w([&] { s.release(2); });
  for (int t = 0; t < 3; ++t) w.Spawn([&] { s.acquire(2); });
  w.WaitUntilAsleep();
  s.release(4);
  ASSERT_TRUE(w.WaitDone(2)) << "release(4) freed only " << w.done() << " of 3 acquire(2)";
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2);
  EXPECT_EQ(s.available(), 0);
  s.release(1);
  std::this_thread::sleep_for(kNotYet);
  EXPECT_EQ(w.done(), 2) << "acquire(2) returned with 1 token";
  EXPECT_EQ(s.available(), 1);
  s.release(1);
  EXPECT_TRUE(w.WaitAllDone());
  w.Finish();
  EXPECT_EQ(s.available(), 0);
}

// Sleepers wanting 1, 2, 3, 5 and 7 tokens (18 in all) are all served when 18 tokens arrive,
// at once or one at a time: no wake-up is lost whatever the mix.
TYPED_TEST(SemaphoreTest, MixedMultiTokenWaitersAllServed) {
  for (const bool one_at_a_time : {false, true}) {
    SCOPED_TRACE(one_at_a_time ? "18 x release(1)" : "release(18)");
    TypeParam s;
    Workers w([&] { s.release(7); });
    for (int n : {1, 2, 3, 5, 7}) w.Spawn([&s, n] { s.acquire(n); });
    w.WaitUntilAsleep();
    if (one_at_a_time) {
      for (int i = 0; i < 18; ++i) s.release(1);
    } else {
      s.release(18);
    }
    ASSERT_TRUE(w.WaitAllDone()) << w.done() << " of 5 waiters served";
    w.Finish();
    EXPECT_EQ(s.available(), 0);
  }
}

// A sleeping multi-token waiter must not absorb the wake-up of a release that only a
// single-token waiter can use: acquire(2) sleeps first, then acquire(1); release(1) serves the
// latter (a futex wakes sleepers of one word in FIFO order, so a design where both sleep on the
// same word and a release wakes only n of them loses this wake-up).
TYPED_TEST(SemaphoreTest, MultiTokenSleeperDoesNotStealSingleTokenWake) {
  TypeParam s;
  std::atomic<bool> single_done{false};
  std::atomic<bool> multi_done{false};
  Workers multi([&] { s.release(2); });
  multi.Spawn([&] {
    s.acquire(2);
    multi_done = true;
  });
  multi.WaitUntilAsleep();
  Workers single([&] { s.release(1); });
  single.Spawn([&] {
    s.acquire(1);
    single_done = true;
  });
  single.WaitUntilAsleep();
  s.release(1);
  EXPECT_TRUE(single.WaitAllDone()) << "release(1) did not serve the single-token sleeper";
  single.Finish();
  EXPECT_FALSE(multi_done.load()) << "acquire(2) returned with 1 token released";
  s.release(2);
  EXPECT_TRUE(multi.WaitAllDone()) << "release(2) did not serve the acquire(2) sleeper";
  multi.Finish();
  EXPECT_TRUE(single_done.load());
  EXPECT_EQ(s.available(), 0);
}

// Two threads pass 2 tokens back and forth through two semaphores, many times: every hand-off
// races a release against a multi-token waiter between its check and its sleep, where a wake-up
// can be lost (the ABA that split64's release sequence prevents).
TYPED_TEST(SemaphoreTest, MultiTokenPingPong) {
  constexpr int kRounds = kSanitized ? 5'000 : 50'000;
  TypeParam ping;
  TypeParam pong;
  Workers w([&] {
    ping.release(2);
    pong.release(2);
  });
  w.Spawn([&] {
    for (int i = 0; i < kRounds; ++i) {
      ping.acquire(2);
      pong.release(2);
    }
  });
  w.Spawn([&] {
    for (int i = 0; i < kRounds; ++i) {
      pong.acquire(2);
      ping.release(2);
    }
  });
  ping.release(2);
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "a hand-off was lost";
  w.Finish();
  EXPECT_EQ(ping.available(), 2);
  EXPECT_EQ(pong.available(), 0);
}

}  // namespace
}  // namespace semfuzz::test
