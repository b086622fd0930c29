// Destruction, for every algorithm: the owner destroys the semaphore right after its last
// acquire, while the release() that made the tokens available may not have returned (ASan
// reports a use-after-free; the reuse variant reports a stray write).
#include <cstring>
#include <new>

#include "test_helpers.h"

namespace semfuzz::test {
namespace {

// ---- Lifetime -------------------------------------------------------------------------------

int LifetimeIterations() {
  if (kTsan) return 5'000;
  if (kSanitized) return 10'000;
  return 20'000;
}

// A thread that calls release(1) on every semaphore handed to it, and counts the calls that have
// returned. The owner can thus destroy a semaphore while its release() is still running.
template <class Sem>
class ReleasingThread {
 public:
  ReleasingThread() : thread_([this] { Run(); }) {}
  ReleasingThread(const ReleasingThread&) = delete;
  ReleasingThread& operator=(const ReleasingThread&) = delete;
  ~ReleasingThread() {
    stop_.store(true);
    thread_.join();
  }

  void Release(Sem* s) {
    while (slot_.load(std::memory_order_acquire) != nullptr) std::this_thread::yield();
    slot_.store(s, std::memory_order_release);
  }
  long completed() const { return completed_.load(std::memory_order_acquire); }
  void WaitCompleted(long n) const {
    while (completed() < n) std::this_thread::yield();
  }

 private:
  void Run() {
    for (;;) {
      if (Sem* s = slot_.exchange(nullptr, std::memory_order_acq_rel)) {
        s->release(1);
        completed_.fetch_add(1, std::memory_order_release);
      } else if (stop_.load()) {
        return;
      } else {
        std::this_thread::yield();
      }
    }
  }

  std::atomic<Sem*> slot_{nullptr};
  std::atomic<long> completed_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts after the members it uses
};

// The owner acquires the token another thread releases and deletes the semaphore at once, while
// that release() may not have returned. ASan reports a release that touches the object afterwards.
TYPED_TEST(SemaphoreTest, DestroyRightAfterAcquire) {
  ReleasingThread<TypeParam> releaser;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new TypeParam(0);
    releaser.Release(s);
    s->acquire(1);
    delete s;
  }
}

// The same with two releasers and a multi-token owner.
TYPED_TEST(SemaphoreTest, DestroyRightAfterMultiTokenAcquire) {
  ReleasingThread<TypeParam> a;
  ReleasingThread<TypeParam> b;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new TypeParam(0);
    a.Release(s);
    b.Release(s);
    s->acquire(2);
    delete s;
  }
}

// The memory is reused at once, by a new semaphore or by other data: a late write from the
// previous release() would show up as a changed count or a changed byte.
TYPED_TEST(SemaphoreTest, DestroyAndReuseMemoryAtOnce) {
  alignas(TypeParam) unsigned char storage[sizeof(TypeParam)];
  alignas(TypeParam) unsigned char pattern[sizeof(TypeParam)];
  std::memset(pattern, 0x5a, sizeof pattern);
  int stray_semaphore_writes = 0;
  int stray_byte_writes = 0;
  ReleasingThread<TypeParam> releaser;
  for (int i = 0; i < LifetimeIterations(); ++i) {
    auto* s = new (storage) TypeParam(0);
    releaser.Release(s);
    s->acquire(1);
    s->~TypeParam();
    if (i % 2 == 0) {
      auto* next = new (storage) TypeParam(5);
      releaser.WaitCompleted(i + 1);
      if (next->available() != 5) ++stray_semaphore_writes;
      next->~TypeParam();
    } else {
      std::memcpy(storage, pattern, sizeof storage);
      releaser.WaitCompleted(i + 1);
      if (std::memcmp(storage, pattern, sizeof storage) != 0) ++stray_byte_writes;
    }
  }
  EXPECT_EQ(stray_semaphore_writes, 0) << "a release() changed the semaphore built after it";
  EXPECT_EQ(stray_byte_writes, 0) << "a release() wrote to memory after the owner freed it";
}

}  // namespace
}  // namespace semfuzz::test
