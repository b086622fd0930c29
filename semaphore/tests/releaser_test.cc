// semfuzz::semaphore_releaser, for every algorithm: Qt tst_qsemaphore's raii test restated,
// then each part of the contract on its own: release on scope exit (also when an exception
// leaves it, waking a blocked acquirer), cancel(), move construction and assignment, self-move,
// swap, a release of 0, a bad count, an overflow at destruction (std::terminate), and the order
// of destruction with the semaphore.
#include <cstring>
#include <memory>
#include <new>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// The type's promises, checked at compile time for every algorithm.
template <class Sem>
constexpr bool CheckReleaserTraits() {
  using R = semaphore_releaser<Sem>;
  static_assert(std::is_same_v<typename R::semaphore_type, Sem>);
  static_assert(std::is_nothrow_default_constructible_v<R>);
  static_assert(!std::is_copy_constructible_v<R>);
  static_assert(!std::is_copy_assignable_v<R>);
  static_assert(std::is_nothrow_move_constructible_v<R>);
  static_assert(std::is_nothrow_move_assignable_v<R>);
  static_assert(std::is_nothrow_destructible_v<R>);
  // explicit: a semaphore or a pointer does not silently become a pending release
  static_assert(!std::is_convertible_v<Sem&, R>);
  static_assert(!std::is_convertible_v<Sem*, R>);
  static_assert(std::is_constructible_v<R, Sem&, std::ptrdiff_t>);
  static_assert(std::is_constructible_v<R, Sem*, std::ptrdiff_t>);
  static_assert(std::is_same_v<decltype(std::declval<R&>().cancel()), Sem*>);
  static_assert(std::is_same_v<decltype(std::declval<const R&>().semaphore()), Sem*>);
  return true;
}
static_assert(CheckReleaserTraits<split64_semaphore>());
static_assert(CheckReleaserTraits<word32_semaphore>());
static_assert(CheckReleaserTraits<condvar_semaphore>());
// Class template argument deduction from either constructor.
static_assert(std::is_same_v<decltype(semaphore_releaser(std::declval<semaphore&>(), 2)),
                             semaphore_releaser<semaphore>>);
static_assert(std::is_same_v<decltype(semaphore_releaser(std::declval<semaphore*>())),
                             semaphore_releaser<semaphore>>);
// Only a type with release(n) and max() can be released to.
static_assert(!internal::releasable<int>);
static_assert(internal::releasable<condvar_semaphore>);

template <class Sem>
class ReleaserTest : public SemaphoreTest<Sem> {};
TYPED_TEST_SUITE(ReleaserTest, Algorithms, AlgorithmNames);

// Qt's raii test: scope exit releases, cancel() gives the release up, moving an empty releaser
// over a full one releases the latter at once, assigning a new one releases nothing then.
TYPED_TEST(ReleaserTest, QtRaii) {
  using R = semaphore_releaser<TypeParam>;
  TypeParam s;
  {
    R r1(s);
    const R r2(s, 2);
    EXPECT_EQ(s.available(), 0);
  }
  EXPECT_EQ(s.available(), 3);
  {
    R r1(&s);
    R r2(s);
    EXPECT_EQ(r2.cancel(), &s);
    EXPECT_EQ(r2.cancel(), nullptr);
    EXPECT_EQ(r2.semaphore(), nullptr);
  }
  EXPECT_EQ(s.available(), 4);
  {
    R r1(s);
    R r2(s, 2);
    r2 = R();
    EXPECT_EQ(s.available(), 6) << "the replaced releaser's 2 tokens are released at once";
    EXPECT_EQ(r2.semaphore(), nullptr);
    r2 = R(s, 42);
    EXPECT_EQ(s.available(), 6) << "taking over a releaser releases nothing";
    EXPECT_EQ(r2.semaphore(), &s);
  }
  EXPECT_EQ(s.available(), 49);
}

// Every way out of the scope releases: normal exit, an exception, and the release wakes an
// acquirer blocked for those tokens.
TYPED_TEST(ReleaserTest, ReleasesOnEveryScopeExitAndWakes) {
  TypeParam s;
  std::atomic<bool> done{false};
  Workers w([&] { s.release(3); });
  w.Spawn([&] {
    s.acquire(3);
    done = true;
  });
  w.WaitUntilAsleep();
  try {
    semaphore_releaser r(s, 3);
    EXPECT_EQ(r.semaphore(), &s);
    throw std::runtime_error("leaving the scope");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(w.WaitAllDone()) << "the releaser's release(3) did not wake acquire(3)";
  w.Finish();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(s.available(), 0);
}

// cancel() returns the semaphore once and gives the release up; a releaser that never held one
// returns nullptr.
TYPED_TEST(ReleaserTest, CancelGivesUpTheRelease) {
  TypeParam s(1);
  {
    semaphore_releaser r(s, 5);
    EXPECT_EQ(r.cancel(), &s);
    EXPECT_EQ(r.semaphore(), nullptr);
    EXPECT_EQ(r.cancel(), nullptr);
  }
  EXPECT_EQ(s.available(), 1);
  {
    semaphore_releaser<TypeParam> empty;
    EXPECT_EQ(empty.semaphore(), nullptr);
    EXPECT_EQ(empty.cancel(), nullptr);
    semaphore_releaser<TypeParam> null_pointer(nullptr, 3);
    EXPECT_EQ(null_pointer.semaphore(), nullptr);
  }
  EXPECT_EQ(s.available(), 1);
  {  // what Qt's cancel() is for: release by hand where the scope succeeded
    semaphore_releaser r(s, 2);
    r.cancel()->release(1);
  }
  EXPECT_EQ(s.available(), 2);
}

// A moved-from releaser holds nothing; the moved-to one releases exactly once.
TYPED_TEST(ReleaserTest, MoveConstructionTransfersTheRelease) {
  TypeParam s;
  {
    semaphore_releaser a(s, 2);
    {
      semaphore_releaser b(std::move(a));
      EXPECT_EQ(a.semaphore(), nullptr);  // a moved-from releaser holds nothing
      EXPECT_EQ(b.semaphore(), &s);
    }
    EXPECT_EQ(s.available(), 2) << "the moved-to releaser released on its scope exit";
  }
  EXPECT_EQ(s.available(), 2) << "the moved-from releaser released too";
  {  // into a container and out again
    std::unique_ptr<semaphore_releaser<TypeParam>> boxed;
    {
      semaphore_releaser r(s, 1);
      boxed = std::make_unique<semaphore_releaser<TypeParam>>(std::move(r));
    }
    EXPECT_EQ(s.available(), 2);
    boxed.reset();
    EXPECT_EQ(s.available(), 3);
  }
}

// Move assignment releases what the target held, at once, and takes over the source's release;
// between two semaphores, each gets exactly its own tokens.
TYPED_TEST(ReleaserTest, MoveAssignmentReleasesTheOldAndTakesTheNew) {
  TypeParam s;
  TypeParam t;
  {
    semaphore_releaser a(s, 2);
    semaphore_releaser b(t, 5);
    a = std::move(b);
    EXPECT_EQ(s.available(), 2);
    EXPECT_EQ(t.available(), 0);
    EXPECT_EQ(a.semaphore(), &t);
    EXPECT_EQ(b.semaphore(), nullptr);
    b = std::move(a);  // an empty releaser receives: releases nothing
    EXPECT_EQ(s.available(), 2);
    EXPECT_EQ(t.available(), 0);
    EXPECT_EQ(b.semaphore(), &t);
  }
  EXPECT_EQ(s.available(), 2);
  EXPECT_EQ(t.available(), 5);
}

// A self-move changes nothing: the release happens once, at scope exit.
TYPED_TEST(ReleaserTest, SelfMoveChangesNothing) {
  TypeParam s;
  {
    semaphore_releaser r(s, 4);
    auto& same = r;  // through a reference, so that the compiler does not warn
    r = std::move(same);
    EXPECT_EQ(r.semaphore(), &s);
    EXPECT_EQ(s.available(), 0) << "a self-move released";
  }
  EXPECT_EQ(s.available(), 4) << "a self-moved releaser did not release exactly once";
  {
    semaphore_releaser<TypeParam> empty;
    auto& same = empty;
    empty = std::move(same);
    EXPECT_EQ(empty.semaphore(), nullptr);
  }
  EXPECT_EQ(s.available(), 4);
}

TYPED_TEST(ReleaserTest, SwapExchangesReleases) {
  TypeParam s;
  TypeParam t;
  {
    semaphore_releaser a(s, 1);
    semaphore_releaser b(t, 2);
    a.swap(b);
    EXPECT_EQ(a.semaphore(), &t);
    EXPECT_EQ(b.semaphore(), &s);
    EXPECT_EQ(a.cancel(), &t);
  }
  EXPECT_EQ(s.available(), 1);
  EXPECT_EQ(t.available(), 0);
}

// A releaser of 0 tokens holds the semaphore and releases nothing, even at max().
TYPED_TEST(ReleaserTest, ReleaseOfZeroDoesNothing) {
  const std::ptrdiff_t max = TypeParam::max();
  for (const std::ptrdiff_t initial : {std::ptrdiff_t{0}, std::ptrdiff_t{3}, max}) {
    SCOPED_TRACE("initial = " + std::to_string(initial));
    TypeParam s(initial);
    {
      semaphore_releaser r(s, 0);
      EXPECT_EQ(r.semaphore(), &s);
    }
    EXPECT_EQ(s.available(), initial);
  }
}

// A bad count is refused when the releaser is made, not at its destruction; max() is fine.
TYPED_TEST(ReleaserTest, BadCountThrowsAtConstruction) {
  const std::ptrdiff_t max = TypeParam::max();
  TypeParam s(1);
  for (const std::ptrdiff_t n :
       {std::ptrdiff_t{-1}, -max - 1, PTRDIFF_MIN, max + 1, std::ptrdiff_t{1} << 32, PTRDIFF_MAX}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    EXPECT_THROW((void)semaphore_releaser(s, n), std::invalid_argument);
    EXPECT_THROW((void)semaphore_releaser<TypeParam>(&s, n), std::invalid_argument);
    EXPECT_THROW((void)semaphore_releaser<TypeParam>(nullptr, n), std::invalid_argument);
    EXPECT_EQ(s.available(), 1);
  }
  TypeParam empty;
  { semaphore_releaser r(empty, max); }
  EXPECT_EQ(empty.available(), max);
}

// A release past max() at destruction cannot throw out of the destructor: std::terminate.
// (libstdc++ prints "terminate called ...", libc++abi "... terminating ..."; whether the message
// names the exception depends on how the compiler lowered the noexcept boundary.)
TYPED_TEST(ReleaserTest, OverflowAtDestructionTerminates) {
  constexpr const char* kTerminated = "terminat";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        TypeParam s(TypeParam::max());
        semaphore_releaser r(s, 1);
      },
      kTerminated);
  EXPECT_DEATH(
      {
        TypeParam s(TypeParam::max());
        semaphore_releaser r(s, 1);
        r = semaphore_releaser<TypeParam>();  // the move assignment's release overflows
        std::abort();                         // not reached
      },
      kTerminated);
}

// Destruction order, 1: a releaser declared after its semaphore releases before the semaphore
// is destroyed (the semaphore's destructor sees the tokens).
TYPED_TEST(ReleaserTest, DeclaredAfterTheSemaphoreReleasesBeforeItDies) {
  struct Observed : TypeParam {
    explicit Observed(std::ptrdiff_t* seen) : TypeParam(1), seen_(seen) {}
    Observed(const Observed&) = delete;
    Observed& operator=(const Observed&) = delete;
    ~Observed() { *seen_ = this->available(); }
    std::ptrdiff_t* seen_;
  };
  std::ptrdiff_t seen = -1;
  {
    Observed s(&seen);
    semaphore_releaser r(s, 2);
    EXPECT_EQ(r.semaphore(), &s);
  }
  EXPECT_EQ(seen, 3);
}

// Destruction order, 2: a cancelled (or moved-from) releaser may outlive its semaphore: it does
// not touch the memory the semaphore occupied (reused here, then compared byte for byte).
TYPED_TEST(ReleaserTest, CancelledReleaserMayOutliveTheSemaphore) {
  alignas(TypeParam) unsigned char storage[sizeof(TypeParam)];
  alignas(TypeParam) unsigned char pattern[sizeof(TypeParam)];
  std::memset(pattern, 0xa5, sizeof pattern);
  {
    auto* s = new (storage) TypeParam(0);
    semaphore_releaser cancelled(*s, 1);
    semaphore_releaser moved_from(*s, 1);
    semaphore_releaser<TypeParam> taker(std::move(moved_from));
    EXPECT_EQ(cancelled.cancel(), s);
    EXPECT_EQ(taker.cancel(), s);
    s->~TypeParam();
    std::memcpy(storage, pattern, sizeof storage);
  }
  EXPECT_EQ(std::memcmp(storage, pattern, sizeof storage), 0)
      << "a releaser with nothing to release wrote to its former semaphore";
}

// Destruction order, 3: the owner-destroys protocol through a releaser. Another thread's
// releaser leaves its scope and releases a token; the owner acquires it and destroys the
// semaphore at once, while the releaser's destructor may not have returned (ASan reports a
// destructor that touches the semaphore afterwards).
TYPED_TEST(ReleaserTest, OwnerMayDestroyTheSemaphoreRightAfterTheRelease) {
  const int iterations = kTsan ? 2'000 : kSanitized ? 5'000 : 10'000;
  std::atomic<TypeParam*> slot{nullptr};
  std::atomic<bool> stop{false};
  std::thread releasing([&] {
    for (;;) {
      if (TypeParam* s = slot.exchange(nullptr, std::memory_order_acq_rel)) {
        semaphore_releaser r(s, 1);
      } else if (stop.load()) {
        return;
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (int i = 0; i < iterations; ++i) {
    auto* s = new TypeParam(0);
    slot.store(s, std::memory_order_release);
    s->acquire(1);
    delete s;
  }
  stop = true;
  releasing.join();
}

}  // namespace
}  // namespace semfuzz::test
