// Tests of the real-thread target: its watchdog reports a semaphore that never wakes and a timed
// wait that never times out, ThreadSanitizer reports a release without release ordering through
// the payload check, and the correct algorithms pass programs that deadlock by themselves (the
// watchdog rescues them).
#include <gtest/gtest.h>

#include "fuzz/input/program_builder.h"
#include "fuzz/tests/broken_semaphores.h"
#include "fuzz/threads/adapters.h"
#include "fuzz/threads/runner.h"

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SEMFUZZ_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define SEMFUZZ_TEST_TSAN 1
#endif

namespace semfuzz::threads {
namespace {

using namespace builder;

// Adapter over a broken algorithm from broken_semaphores.h, on the hooked production platform.
template <const broken::defects& D>
using broken_adapter = own_semaphore<broken::core<D>::template type>;

worker_pool& pool() {
  static worker_pool p(kMaxProgramThreads);
  return p;
}

template <class Adapter>
verdict run(const program& p, thread_options o = {}) {
  return thread_runner<Adapter>(p, nullptr, 0, pool(), o).run();
}

TEST(Threads, CorrectAlgorithmsSurviveSelfDeadlockingPrograms) {
  // T0 waits for 3 tokens that nobody releases: the watchdog supplies them and the run ends.
  const program p =
      make(1, {{op(op_kind::acquire, 3), op(op_kind::release, 1)}, {op(op_kind::acquire, 1)}});
  EXPECT_FALSE(run<own_semaphore<internal::split64_core>>(p).failed());
  EXPECT_FALSE(run<own_semaphore<internal::word32_core>>(p).failed());
  EXPECT_FALSE(run<own_semaphore<internal::condvar_core>>(p).failed());
  EXPECT_FALSE(run<posix_semaphore>(p).failed());
  EXPECT_FALSE(run<std_semaphore>(p).failed());
}

constexpr broken::defects kNoWake{.release_never_wakes = true};
TEST(ThreadsDeathTest, WatchdogReportsALostWakeup) {
  // Four sleepers and a late releaser: some acquirer sleeps before the release and is never woken.
  // The releaser's two tries wait 2 ms each, so that on a loaded machine, where the acquirers'
  // threads may start late, they still sleep before the release in some of the runs (with tries
  // of 0 ms, a loaded machine once ran all 50 runs without a lost wakeup).
  const program p = make(0, {{op(op_kind::acquire, 1)},
                             {op(op_kind::acquire, 1)},
                             {op(op_kind::acquire, 1)},
                             {op(op_kind::try_acquire_ms, 1, 2), op(op_kind::try_acquire_ms, 1, 2),
                              op(op_kind::release, 3)}});
  thread_options quick;
  quick.confirm = std::chrono::milliseconds(300);
  EXPECT_DEATH(
      {
        for (int i = 0; i < 50; ++i) run<broken_adapter<kNoWake>>(p, quick);
      },
      "VERDICT lost-wakeup");
}

// A 1 ms timed acquire with no token ever released.
program lonely_timed_acquire() {
  operation timed = op(op_kind::try_acquire_for, 1);
  timed.timeout = 1'000'000;
  return make(0, {{timed}});
}

constexpr broken::defects kNoDeadline{.ignores_deadline = true};
TEST(ThreadsDeathTest, WatchdogReportsALateTimeout) {
  // The broken semaphore sleeps without a deadline; the watchdog reports the call still blocked
  // long after its timeout. (Death tests run first, before this process has a pool: the forked
  // child makes its own. So the correct algorithms' side is in TimedAcquireTimesOut below.)
  thread_options quick;
  quick.confirm = std::chrono::milliseconds(300);
  EXPECT_DEATH(run<broken_adapter<kNoDeadline>>(lonely_timed_acquire(), quick),
               "VERDICT late-timeout");
}

TEST(Threads, TimedAcquireTimesOut) {
  thread_options quick;
  quick.confirm = std::chrono::milliseconds(300);
  const program p = lonely_timed_acquire();
  EXPECT_FALSE(run<own_semaphore<internal::split64_core>>(p, quick).failed());
  EXPECT_FALSE(run<own_semaphore<internal::word32_core>>(p, quick).failed());
  EXPECT_FALSE(run<own_semaphore<internal::condvar_core>>(p, quick).failed());
  EXPECT_FALSE(run<posix_semaphore>(p, quick).failed());
  EXPECT_FALSE(run<std_semaphore>(p, quick).failed());
}

[[maybe_unused]] constexpr broken::defects kRelaxed{.release_is_relaxed = true};
TEST(ThreadsDeathTest, RelaxedReleaseIsADataRace) {
#if SEMFUZZ_TEST_TSAN
  // One producer, no initial tokens: the consumer reads the payload written before the release.
  const program p = make(0, {{op(op_kind::acquire, 1)}, {op(op_kind::release, 1)}});
  EXPECT_DEATH(
      {
        for (int i = 0; i < 200; ++i) run<broken_adapter<kRelaxed>>(p);
      },
      "data race");
  // The same program on the correct algorithms is race-free.
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(run<own_semaphore<internal::split64_core>>(p).failed());
#else
  GTEST_SKIP() << "needs ThreadSanitizer";
#endif
}

}  // namespace
}  // namespace semfuzz::threads
