// Cost, for the futex algorithms: no futex system call on uncontended paths.
#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// ---- Cost -----------------------------------------------------------------------------------

// With nothing blocking, the futex algorithms make no system call at all.
TYPED_TEST(SemaphoreTest, UncontendedPathsMakeNoFutexSyscalls) {
  if constexpr (!kUsesFutex<TypeParam>) {
    GTEST_SKIP() << "condvar_semaphore makes no futex calls of its own";
  } else {
    constexpr int kPairs = 100'000;
    TypeParam s(1);
    const std::uint64_t before = futex_syscall_count();
    for (int i = 0; i < kPairs; ++i) {
      s.acquire();
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "acquire/release at 1 <-> 0";
    for (int i = 0; i < kPairs; ++i) {
      if (!s.try_acquire()) ADD_FAILURE() << "try_acquire failed with a token there";
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "try_acquire/release";
    for (int i = 0; i < kPairs; ++i) {
      if (!s.try_acquire_for(1, 1s)) ADD_FAILURE() << "try_acquire_for failed";
      s.release();
    }
    EXPECT_EQ(futex_syscall_count(), before) << "try_acquire_for/release";
    for (int i = 0; i < kPairs / 10; ++i) {
      if (!s.try_acquire(1, 1000)) ADD_FAILURE() << "try_acquire(1, 1000) failed";
      s.release();
      if (!s.try_acquire(1, -1)) ADD_FAILURE() << "try_acquire(1, -1) failed";
      s.release();
      if (!s.try_acquire_until(1, Clock::now() + 1s)) ADD_FAILURE() << "try_acquire_until failed";
      s.release();
      if (!s.try_acquire(1, 1s)) ADD_FAILURE() << "try_acquire(1, 1s) failed";
      s.release();
      if (!s.try_acquire(1, Clock::now() + 1s)) ADD_FAILURE() << "try_acquire(1, deadline) failed";
      s.release();
      s.release(2);
      s.acquire(3);
      s.release(3);
      s.acquire(2);
    }
    EXPECT_EQ(futex_syscall_count(), before) << "timed, multi-token and forever forms";
    s.acquire();
    for (int i = 0; i < kPairs / 10; ++i) {
      if (s.try_acquire()) ADD_FAILURE() << "try_acquire succeeded at 0";
      if (s.try_acquire(1, 0)) ADD_FAILURE() << "try_acquire(1, 0) succeeded at 0";
      if (s.try_acquire_for(1, 0ms)) ADD_FAILURE() << "try_acquire_for(0ms) succeeded at 0";
      if (s.try_acquire_until(1, Clock::now() - 1s)) ADD_FAILURE() << "past deadline succeeded";
      if (s.try_acquire(1, 0ms)) ADD_FAILURE() << "try_acquire(1, 0ms) succeeded at 0";
      if (s.try_acquire(1, Clock::now() - 1s)) ADD_FAILURE() << "try_acquire(1, past) succeeded";
      s.acquire(0);
      s.release(0);
    }
    EXPECT_EQ(futex_syscall_count(), before) << "failing non-blocking forms and n == 0";
    EXPECT_EQ(s.available(), 0);
  }
}

}  // namespace
}  // namespace semfuzz::test
