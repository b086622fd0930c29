// The futex model alone: its registry of words, the names the trace gives them, which waits it
// supports, and the kernel's rule before a wait sleeps.
#include "fuzz/sim/futex_model.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace semfuzz::sim {
namespace {

TEST(FutexModel, FindsTheLiveWordHoldingAnAddress) {
  futex_model m;
  struct {
    std::uint64_t a = 0;
    std::uint32_t b = 0;
    std::uint32_t after_b = 0;  // registered by nobody
  } memory;
  m.register_word(&memory.a, sizeof memory.a);
  m.register_word(&memory.b, sizeof memory.b);
  const char* inside = reinterpret_cast<const char*>(&memory.a) + 7;
  ASSERT_NE(m.find(inside), nullptr);
  EXPECT_EQ(m.find(inside)->id, 0);
  EXPECT_EQ(m.find(&memory.b)->id, 1);
  EXPECT_EQ(m.find(&memory.after_b), nullptr);  // past b's bytes
  m.unregister_word(&memory.a);
  EXPECT_EQ(m.find(&memory.a), nullptr);
  EXPECT_EQ(m.find(&memory.b)->id, 1);  // ids stay while a word lives
}

TEST(FutexModel, NamesWordsByRegistrationOrderAndOffset) {
  futex_model m;
  std::uint64_t a = 0;
  m.register_word(&a, sizeof a);
  EXPECT_EQ(m.name_of(&a), "word0+0");
  EXPECT_EQ(m.name_of(reinterpret_cast<const char*>(&a) + 4), "word0+4");
  EXPECT_EQ(m.name_of(nullptr), "-");
  EXPECT_EQ(m.hash_id(&a), 0u);
  EXPECT_EQ(m.hash_id(nullptr), ~0ull);
  m.unregister_word(&a);
  EXPECT_EQ(m.name_of(&a), "(dead word)");
  EXPECT_EQ(m.hash_id(&a), ~0ull);
}

TEST(FutexModel, IdsStartOverOnlyWhenNoWordLives) {
  futex_model m;
  std::uint32_t a = 0, b = 0;
  m.register_word(&a, sizeof a);
  m.renumber_if_empty();  // a lives: no effect
  m.register_word(&b, sizeof b);
  EXPECT_EQ(m.name_of(&b), "word1+0");
  m.unregister_word(&a);
  m.unregister_word(&b);
  m.renumber_if_empty();
  m.register_word(&b, sizeof b);
  EXPECT_EQ(m.name_of(&b), "word0+0");
}

TEST(FutexModel, SupportsOnlyAligned32BitWaitsInsideALiveWord) {
  futex_model m;
  alignas(8) std::uint64_t split = 0;
  m.register_word(&split, sizeof split);
  const char* base = reinterpret_cast<const char*>(&split);
  EXPECT_TRUE(m.wait_call(1, base, 4).supported);
  EXPECT_TRUE(m.wait_call(1, base + 4, 4).supported);   // the high half
  EXPECT_FALSE(m.wait_call(1, base + 2, 4).supported);  // misaligned
  EXPECT_FALSE(m.wait_call(1, base, 8).supported);      // the wrong width
  std::uint32_t foreign = 0;
  EXPECT_FALSE(m.wait_call(1, &foreign, 4).supported);  // not a simulated atomic
  const futex_call call = m.wait_call(3, base, 4);
  EXPECT_EQ(call.thread, 3);
  EXPECT_FALSE(call.wake);
  EXPECT_EQ(call.word, base);
  EXPECT_EQ(call.width, 4u);
}

TEST(FutexModel, AWaitComparesTheWordThenItsDeadline) {
  EXPECT_EQ(futex_model::before_sleep(1, 2, kNoDeadline, 10), futex_status::value_changed);
  // A mismatch wins over a passed deadline, as in the kernel (EAGAIN before ETIMEDOUT).
  EXPECT_EQ(futex_model::before_sleep(1, 2, 5, 10), futex_status::value_changed);
  EXPECT_EQ(futex_model::before_sleep(2, 2, 10, 10), futex_status::timed_out);
  EXPECT_EQ(futex_model::before_sleep(2, 2, 11, 10), std::nullopt);
  EXPECT_EQ(futex_model::before_sleep(2, 2, kNoDeadline, 10), std::nullopt);
}

}  // namespace
}  // namespace semfuzz::sim
