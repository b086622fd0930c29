// The happens-before checker of the scheduled run: TSan's / FastTrack's vector clocks over the
// simulated threads, so a missing release or acquire is a deterministic finding although every
// fiber runs on one OS thread (where all memory is trivially ordered).
//
// Each simulated thread has a vector clock: for every thread, the latest epoch of it that
// happens-before the thread's current point. A thread's own epoch starts at 1 and goes up after
// each release it makes (a release store / RMW / fence, a mutex unlock), so "what thread r did
// before epoch e of r" happens-before thread t's current point iff clock(t)[r] >= e.
//
// Fed by every atomic of the scheduled run: the simulated platform's (fuzz/sim/sim_platform.h)
// and, in instrumented mode, clang's __tsan_atomic* hooks (fuzz/instrumented/hooks.cc), both
// through the members below. Plain accesses of instrumented code are checked against these clocks
// by the race detector (fuzz/sim/race_detector.h).
//
// The rules (C++20 [intro.races], [atomics.order], [atomics.fences]), per location M (an atomic
// object, or a mutex), whose last store heads the release sequence a load reads from (the
// scheduled run is sequentially consistent: every load reads the latest store of M):
//   store X to M      release or stronger: M's clock = the thread's clock (a new release
//                     sequence). Weaker: M's clock = the thread's clock at its last release
//                     fence (empty if none): a store, relaxed or not, that follows a release
//                     fence carries the fence's synchronisation.
//   RMW on M          continues the release sequence it reads from (C++20: a release sequence
//                     is the release followed by RMWs only): M's clock is kept and joined with
//                     the thread's clock if the RMW releases, else with its release-fence clock.
//                     Acquire or stronger: the thread joins M's clock first.
//   load of M         acquire or stronger (consume counts as acquire): the thread joins M's
//                     clock. Relaxed: M's clock is remembered for the thread's next acquire
//                     fence.
//   failed CAS        a load with the CAS's failure order.
//   fence             acquire or stronger: the thread joins the clocks its relaxed loads
//                     remembered; release or stronger: the thread's clock is kept as its
//                     release-fence clock. seq_cst fences and operations act as acq_rel ones
//                     (the single total order of seq_cst adds no happens-before edge).
//   mutex             unlock: a release store to the mutex; lock (and try_lock that locks): an
//                     acquire load of it. A condition variable orders only through its mutex.
// A futex wake and the return from the wait it ends are NOT an edge (the kernel gives none the
// program may rely on); neither is a clock read. Thread start is: every simulated thread starts
// after the harness's setup (so what the setup wrote, e.g. the semaphore's initial tokens,
// happens-before every thread), and the harness joins every thread after the run.
//
// Synchronisation: none; one checker belongs to one scheduler, on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_
#define SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace semfuzz::sim {

// The most simulated threads a clock covers (scheduler::kMaxThreads, asserted there).
inline constexpr int kClockThreads = 8;

using epoch = std::uint32_t;

// A vector clock: per thread, the latest epoch of it known to happen-before.
struct vclock {
  std::array<epoch, kClockThreads> at{};

  void join(const vclock& other) {
    for (int i = 0; i < kClockThreads; ++i) at[i] = at[i] < other.at[i] ? other.at[i] : at[i];
  }
  // Whether what `thread` did up to `e` happens-before the point this clock stands for.
  bool knows(int thread, epoch e) const { return at[thread] >= e; }
};

class happens_before {
 public:
  // A new run of `threads` threads: each at epoch 1 of its own, knowing nothing of the others;
  // no location carries a clock.
  void reset(int threads);

  // `thread`'s atomic accesses to `location` (any address naming one object) and fences.
  void load(int thread, const void* location, std::memory_order order);
  void store(int thread, const void* location, std::memory_order order);
  void rmw(int thread, const void* location, std::memory_order order);
  // A compare-exchange: an RMW with `success` when it stored, else a load with `failure`.
  void cas(int thread, const void* location, bool stored, std::memory_order success,
           std::memory_order failure) {
    if (stored) {
      rmw(thread, location, success);
    } else {
      load(thread, location, failure);
    }
  }
  void fence(int thread, std::memory_order order);
  // Mutex edges: unlock -> the next lock.
  void unlock(int thread, const void* mutex) { store(thread, mutex, std::memory_order_release); }
  void lock(int thread, const void* mutex) { load(thread, mutex, std::memory_order_acquire); }

  // A new object lives at `location`: it carries no clock (none of a dead one's).
  void forget(const void* location);

  // The thread's current clock, and its own current epoch.
  const vclock& clock(int thread) const { return threads_[thread].now; }
  epoch now(int thread) const { return threads_[thread].now.at[thread]; }

 private:
  struct thread_clocks {
    vclock now;
    vclock fence_release;  // now at the last release fence
    vclock pending;        // joined by the next acquire fence: what relaxed loads read
  };
  struct location {
    const void* address;
    vclock released;  // the release sequence's clock of M's latest store
  };

  location& at(const void* address);
  void tick(int thread) { ++threads_[thread].now.at[thread]; }

  std::vector<thread_clocks> threads_;
  std::vector<location> locations_;
  std::size_t last_ = 0;  // index of the last location looked up
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_
