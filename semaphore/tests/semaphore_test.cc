#include "semfuzz/semaphore.h"

#include <gtest/gtest.h>

#include <thread>

namespace semfuzz {
namespace {

template <class Sem>
class SemaphoreTest : public ::testing::Test {};
using Algorithms = ::testing::Types<split64_semaphore, word32_semaphore, condvar_semaphore>;
TYPED_TEST_SUITE(SemaphoreTest, Algorithms);

TYPED_TEST(SemaphoreTest, Accounting) {
  TypeParam s;
  s.release();
  s.release(10);
  EXPECT_EQ(s.available(), 11);
  s.acquire(10);
  EXPECT_TRUE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire());
  EXPECT_FALSE(s.try_acquire_for(1, std::chrono::milliseconds(5)));
  std::thread t([&] { s.release(3); });
  s.acquire(3);
  t.join();
  EXPECT_EQ(s.available(), 0);
}

}  // namespace
}  // namespace semfuzz
