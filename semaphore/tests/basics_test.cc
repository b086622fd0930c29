// Semaphore basics, for every algorithm: Qt tst_qsemaphore's acquire (mutual exclusion with
// hand-off, multi-token threads, single-threaded accounting), tryAcquire (n > available() fails
// and takes nothing) and producerConsumer (release -> acquire orders the data); glibc-style
// mutual exclusion on a plain counter (memory ordering, checked by TSan); a mixed load that
// conserves tokens.
#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// ---- Qt tst_qsemaphore: acquire ------------------------------------------------------------

// Qt acquire (a): 1 token, two threads x 100 acquire/release. Mutual exclusion, no lost wake.
TYPED_TEST(SemaphoreTest, AcquireOneTokenTwoThreads) {
  TypeParam s(1);
  std::atomic<int> holders{0};
  std::atomic<int> overlaps{0};
  int counter = 0;  // plain: guarded by the semaphore
  Workers w([&] { s.release(); });
  for (int t = 0; t < 2; ++t) {
    w.Spawn([&] {
      for (int i = 0; i < 100; ++i) {
        s.acquire();
        if (holders.fetch_add(1) != 0) overlaps.fetch_add(1);
        ++counter;
        std::this_thread::yield();
        holders.fetch_sub(1);
        s.release();
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone()) << "a thread stayed blocked: lost wake-up";
  w.Finish();
  EXPECT_EQ(overlaps.load(), 0) << "two threads held the only token";
  EXPECT_EQ(counter, 200);
  EXPECT_EQ(s.available(), 1);
}

// Qt acquire (b): 4 tokens, ThreadN(2) and ThreadN(3): multi-token waiters hand tokens back and
// forth and never hold at the same time (2 + 3 > 4).
TYPED_TEST(SemaphoreTest, AcquireMultiTokenThreadsTwoAndThree) {
  TypeParam s(4);
  std::atomic<int> held{0};
  std::atomic<int> overcommits{0};
  int counter = 0;  // plain: the two threads exclude each other
  Workers w([&] { s.release(3); });
  for (int n : {2, 3}) {
    w.Spawn([&, n] {
      for (int i = 0; i < 100; ++i) {
        s.acquire(n);
        if (held.fetch_add(n) + n > 4) overcommits.fetch_add(1);
        ++counter;
        std::this_thread::yield();
        held.fetch_sub(n);
        s.release(n);
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone()) << "a multi-token waiter stayed blocked: lost wake-up";
  w.Finish();
  EXPECT_EQ(overcommits.load(), 0) << "more than 4 tokens were held at once";
  EXPECT_EQ(counter, 200);
  EXPECT_EQ(s.available(), 4);
}

// Qt acquire (c): single-threaded accounting.
TYPED_TEST(SemaphoreTest, AcquireAccountingSequence) {
  TypeParam s;
  EXPECT_EQ(s.available(), 0);
  s.release();
  EXPECT_EQ(s.available(), 1);
  s.release();
  EXPECT_EQ(s.available(), 2);
  s.release(10);
  EXPECT_EQ(s.available(), 12);
  s.release(10);
  EXPECT_EQ(s.available(), 22);
  s.acquire();
  EXPECT_EQ(s.available(), 21);
  s.acquire();
  EXPECT_EQ(s.available(), 20);
  s.acquire(10);
  EXPECT_EQ(s.available(), 10);
  s.acquire(10);
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: tryAcquire -------------------------------------------------------------------------

// Qt tryAcquire: n > available() fails and takes nothing; a timeout of 0 (and a deadline already
// passed) behaves exactly like the non-blocking form.
TYPED_TEST(SemaphoreTest, TryAcquireTable) {
  TypeParam s;
  const auto expect_refused = [&s](std::ptrdiff_t n) {
    SCOPED_TRACE("n = " + std::to_string(n) + ", available " + std::to_string(s.available()));
    const std::ptrdiff_t before = s.available();
    EXPECT_FALSE(s.try_acquire(n));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire(n, 0));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire_for(n, 0ms));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire_until(n, Clock::now() - 1ms));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire(n, 0ms));
    EXPECT_EQ(s.available(), before);
    EXPECT_FALSE(s.try_acquire(n, Clock::now() - 1ms));
    EXPECT_EQ(s.available(), before);
  };
  s.release();
  expect_refused(2);
  EXPECT_EQ(s.available(), 1);
  s.release();
  expect_refused(3);
  EXPECT_EQ(s.available(), 2);
  s.release(10);
  expect_refused(100);
  EXPECT_EQ(s.available(), 12);
  s.release(10);
  expect_refused(100);
  EXPECT_EQ(s.available(), 22);

  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.available(), 21);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_EQ(s.available(), 20);
  s.release(2);
  EXPECT_TRUE(s.try_acquire(1, 0));
  EXPECT_EQ(s.available(), 21);
  EXPECT_TRUE(s.try_acquire(1, 0));
  EXPECT_EQ(s.available(), 20);
  EXPECT_TRUE(s.try_acquire(10));
  EXPECT_EQ(s.available(), 10);
  s.release(10);
  EXPECT_TRUE(s.try_acquire(10, 0));
  EXPECT_EQ(s.available(), 10);
  EXPECT_TRUE(s.try_acquire(10));
  EXPECT_EQ(s.available(), 0);

  expect_refused(1);
  expect_refused(10);
  EXPECT_EQ(s.available(), 0);

  // A present token beats a zero timeout or a passed deadline.
  s.release(3);
  EXPECT_TRUE(s.try_acquire_for(1, 0ms));
  EXPECT_TRUE(s.try_acquire_until(1, Clock::now() - 1h));
  EXPECT_TRUE(s.try_acquire_until(1, SysClock::now() - 1h));
  EXPECT_EQ(s.available(), 0);
  s.release(2);
  EXPECT_TRUE(s.try_acquire(1, 0ms));
  EXPECT_TRUE(s.try_acquire(1, Clock::now() - 1h));
  EXPECT_EQ(s.available(), 0);
}

// ---- Qt: producerConsumer -------------------------------------------------------------------

// A 4096-slot ring, 3*7*4096*10 bytes: phase 1 one token at a time, phase 2 producer chunks of 3
// (timed) and consumer chunks of 7. Every byte is checked: release -> acquire orders the data.
TYPED_TEST(SemaphoreTest, ProducerConsumerRing) {
  constexpr int kBufferSize = 4096;
  constexpr int kDataSize = 3 * 7 * kBufferSize * 10;  // 860160
  constexpr int kMinute = 60 * 1000;
  std::vector<char> buffer(kBufferSize, 0);  // plain memory, ordered by the semaphores only
  const auto pattern1 = [](int i) { return static_cast<char>('a' + i % 23); };
  const auto pattern2 = [](int i) { return static_cast<char>('A' + i % 19); };

  for (int phase = 1; phase <= 2; ++phase) {
    SCOPED_TRACE("phase " + std::to_string(phase));
    TypeParam free_space(kBufferSize);
    TypeParam used_space(0);
    std::atomic<bool> producer_timed_out{false};
    std::atomic<long> mismatches{0};
    Workers w([&] { used_space.release(7); });
    w.Spawn([&] {  // producer
      if (phase == 1) {
        for (int i = 0; i < kDataSize; ++i) {
          if (!free_space.try_acquire(1, kMinute)) {
            producer_timed_out = true;
            return;
          }
          buffer[i % kBufferSize] = pattern1(i);
          used_space.release();
        }
      } else {
        for (int i = 0; i < kDataSize; i += 3) {
          if (!free_space.try_acquire(3, kMinute)) {
            producer_timed_out = true;
            return;
          }
          for (int j = i; j < i + 3; ++j) buffer[j % kBufferSize] = pattern2(j);
          used_space.release(3);
        }
      }
    });
    w.Spawn([&] {  // consumer
      long bad = 0;
      if (phase == 1) {
        for (int i = 0; i < kDataSize; ++i) {
          used_space.acquire();
          if (buffer[i % kBufferSize] != pattern1(i)) ++bad;
          free_space.release();
        }
      } else {
        for (int i = 0; i < kDataSize; i += 7) {
          used_space.acquire(7);
          for (int j = i; j < i + 7; ++j) {
            if (buffer[j % kBufferSize] != pattern2(j)) ++bad;
          }
          free_space.release(7);
        }
      }
      mismatches = bad;
    });
    EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "producer/consumer deadlock";
    w.Finish();
    EXPECT_FALSE(producer_timed_out.load()) << "producer's try_acquire(n, 1 minute) timed out";
    EXPECT_EQ(mismatches.load(), 0) << "the consumer read bytes the producer had not written";
    EXPECT_EQ(used_space.available(), 0);
    EXPECT_EQ(free_space.available(), kBufferSize);
  }
}

// ---- glibc-style mutual exclusion -----------------------------------------------------------

// 10 threads x 100k (20k under sanitizers) acquire / ++c / release on a 1-token semaphore; c is
// a plain int, so a missing acquire/release ordering is a data race (TSan) or a lost update.
TYPED_TEST(SemaphoreTest, MutualExclusionPlainCounter) {
  constexpr int kThreads = 10;
  constexpr int kIterations = kSanitized ? 20'000 : 100'000;
  TypeParam s(1);
  int c = 0;
  Workers w([&] { s.release(); });
  for (int t = 0; t < kThreads; ++t) {
    w.Spawn([&] {
      for (int i = 0; i < kIterations; ++i) {
        s.acquire();
        ++c;
        s.release();
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "lost wake-up: " << w.done() << " threads finished";
  w.Finish();
  EXPECT_EQ(c, kThreads * kIterations);
  EXPECT_EQ(s.available(), 1);
}

// Threads mixing every call with random counts conserve the tokens and never hang.
TYPED_TEST(SemaphoreTest, MixedLoadConservesTokens) {
  constexpr int kThreads = 4;
  constexpr int kIterations = kSanitized ? 2'000 : 10'000;
  TypeParam s(8);
  std::atomic<long> taken{0};
  Workers w([&] { s.release(4); });
  for (int t = 0; t < kThreads; ++t) {
    w.Spawn([&, t] {
      std::uint32_t rng = 0x9e3779b9u * static_cast<std::uint32_t>(t + 1);
      for (int i = 0; i < kIterations; ++i) {
        rng = rng * 1664525u + 1013904223u;
        const std::ptrdiff_t k = 1 + (rng >> 28) % 4;
        bool got = false;
        switch ((rng >> 20) % 5) {
          case 0:
            s.acquire(k);
            got = true;
            break;
          case 1:
            got = s.try_acquire(k);
            break;
          case 2:
            got = s.try_acquire_for(k, 200us);
            break;
          case 3:
            got = s.try_acquire(k, 1);
            break;
          default:
            got = s.try_acquire_until(k, Clock::now() + 100us);
            break;
        }
        if (got) {
          taken.fetch_add(k, std::memory_order_relaxed);
          if (i % 7 == 0) std::this_thread::yield();
          s.release(k);
        }
      }
    });
  }
  EXPECT_TRUE(w.WaitAllDone(2 * 60s)) << "lost wake-up under mixed load";
  w.Finish();
  EXPECT_EQ(s.available(), 8);
  EXPECT_GT(taken.load(), 0);
}

}  // namespace
}  // namespace semfuzz::test
