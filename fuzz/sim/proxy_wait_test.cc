// The proxy-wait semaphore (fuzz/sim/proxy_wait_semaphore.h) under the weak-memory model: the
// correct one (A..D seq_cst) never loses a wakeup; each variant with one of A..D weakened does,
// in random schedules of a taker and a releaser (T0 acquire(1), T1 release(1), no tokens at the
// start). A lost wakeup: nothing can run, T0 sleeps in its futex wait, and the count is >= 1.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>

#include "fuzz/sim/chooser.h"
#include "fuzz/sim/litmus_run.h"
#include "fuzz/sim/proxy_wait_semaphore.h"
#include "fuzz/sim/scheduler.h"
#include "fuzz/sim/sim_platform.h"

namespace semfuzz::proxy {
namespace {

using sim::sim_platform;
constexpr auto sc = std::memory_order_seq_cst;
constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;

template <class Sem>
struct lost_wakeup_watch final : sim::observer {
  sim::scheduler* s = nullptr;
  Sem* sem = nullptr;
  bool lost = false;
  void on_clock_read(int, sim::vtime) override {}
  void on_wait(int, sim::vtime) override {}
  void on_futex_call(const sim::futex_call&) override {}
  void after_step(std::uint64_t) override {}
  void at_quiescence() override {
    lost |= s->waiting_in(0) == sim::wait_kind::futex && sem->available() >= 1;
  }
};

// How many of `runs` random schedules lose the wakeup (the weak-memory model on unless `weak` is
// false).
template <class Sem>
std::uint64_t lost_wakeups(std::uint64_t runs, bool futex_fence, bool weak = true) {
  sim::scheduler s;
  s.set_weak_memory(weak, futex_fence);
  std::uint64_t lost = 0;
  for (std::uint64_t seed = 0; seed < runs; ++seed) {
    sim::scheduler::scope scope(s);
    Sem sem(0);
    lost_wakeup_watch<Sem> watch;
    watch.s = &s;
    watch.sem = &sem;
    sim::random_chooser chooser(seed);
    s.run(
        2,
        [](void* p, int thread) {
          auto* sem = static_cast<Sem*>(p);
          if (thread == 0) {
            sem->acquire(1);
          } else {
            sem->release(1);
          }
        },
        &sem, chooser, &watch, false);
    lost += watch.lost;
  }
  return lost;
}

template <class Sem>
void report(const char* name, std::uint64_t runs, std::uint64_t fence, std::uint64_t no_fence) {
  std::printf(
      "proxy-wait | %s | futex full barrier: %llu of %llu lost | futex no fence: %llu of "
      "%llu lost\n",
      name, static_cast<unsigned long long>(fence), static_cast<unsigned long long>(runs),
      static_cast<unsigned long long>(no_fence), static_cast<unsigned long long>(runs));
}

TEST(proxy_wait, CorrectWithSeqCstNeverLosesAWakeup) {
  using sem = proxy_wait_semaphore<sim_platform>;
  const std::uint64_t runs = litmus::litmus_runs();
  const std::uint64_t fence = lost_wakeups<sem>(runs, true);
  const std::uint64_t no_fence = lost_wakeups<sem>(runs, false);
  report<sem>("A..D seq_cst", runs, fence, no_fence);
  EXPECT_EQ(fence, 0u);
  EXPECT_EQ(no_fence, 0u);
}

TEST(proxy_wait, EachWeakenedOrderLosesAWakeup) {
  const std::uint64_t runs = 20'000;
  {
    using sem = proxy_wait_semaphore<sim_platform, rlx, sc, sc, sc>;
    const std::uint64_t fence = lost_wakeups<sem>(runs, true);
    const std::uint64_t no_fence = lost_wakeups<sem>(runs, false);
    report<sem>("A relaxed", runs, fence, no_fence);
    EXPECT_GT(no_fence, 0u) << "A relaxed: the futex no fence";
  }
  {
    using sem = proxy_wait_semaphore<sim_platform, sc, acq, sc, sc>;
    const std::uint64_t fence = lost_wakeups<sem>(runs, true);
    const std::uint64_t no_fence = lost_wakeups<sem>(runs, false);
    report<sem>("B acquire", runs, fence, no_fence);
    EXPECT_GT(fence, 0u);
    EXPECT_GT(no_fence, 0u);
  }
  {
    using sem = proxy_wait_semaphore<sim_platform, sc, sc, rel, sc>;
    const std::uint64_t fence = lost_wakeups<sem>(runs, true);
    const std::uint64_t no_fence = lost_wakeups<sem>(runs, false);
    report<sem>("C release", runs, fence, no_fence);
    EXPECT_GT(fence, 0u);
    EXPECT_GT(no_fence, 0u);
  }
  {
    using sem = proxy_wait_semaphore<sim_platform, sc, sc, sc, acq>;
    const std::uint64_t fence = lost_wakeups<sem>(runs, true);
    const std::uint64_t no_fence = lost_wakeups<sem>(runs, false);
    report<sem>("D acquire", runs, fence, no_fence);
    EXPECT_GT(fence, 0u);
    EXPECT_GT(no_fence, 0u);
  }
}

// The model off: no variant loses a wakeup (every interleaving is sequentially consistent).
TEST(proxy_wait, ModelOffNoVariantLosesAWakeup) {
  using weakest = proxy_wait_semaphore<sim_platform, rlx, acq, rel, acq>;
  EXPECT_EQ(lost_wakeups<weakest>(5'000, true, false), 0u);
}

}  // namespace
}  // namespace semfuzz::proxy
