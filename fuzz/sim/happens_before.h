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
// and, in instrumented mode, clang's __tsan_atomic* hooks (fuzz/instrumented/runtime/hooks.cc),
// both through the members below. Plain accesses of instrumented code are checked against these
// clocks by the race detector (fuzz/sim/race_detector.h).
//
// The rules (C++20 [intro.races], [atomics.order], [atomics.fences]), per location M (an atomic
// object, or a mutex), whose stores each carry the clock of the release sequence they belong to
// (M's clock below: the clock of the store the access reads). Every load reads the latest store
// of M unless the weak-memory model is on (fuzz/sim/memory_model.h: then a load may read an
// older store, and synchronises with the one it read):
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
// The weak-memory model's seq_cst rules (fuzz/sim/memory_model.h) add no edge either: a seq_cst
// fence and a futex call that is a full barrier only limit which stores later loads may read.
//
// Synchronisation: none; one checker belongs to one scheduler, on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_
#define SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "fuzz/sim/memory_model.h"
#include "fuzz/sim/vclock.h"

namespace semfuzz::sim {

class happens_before {
 public:
  // A new run of `threads` threads: each at epoch 1 of its own, knowing nothing of the others;
  // no location carries a clock or a store history. Keeps the weak-memory setting.
  void reset(int threads);

  // The weak-memory model (fuzz/sim/memory_model.h): off, every load reads the newest store.
  // `futex_fence`: a futex call is a full barrier (a seq_cst fence's part of the model; no
  // happens-before edge), as Linux promises; false: it orders nothing (the C++ view).
  void set_weak_memory(bool on, bool futex_fence) {
    weak_ = on;
    futex_fence_ = futex_fence;
  }
  bool weak_memory() const { return weak_; }

  // `thread`'s atomic accesses to `location` (any address naming one object) and fences.
  // The values are the weak-memory model's (a load that reads a store returns its value): `old`
  // the value in memory before the access, `value` the one a store or RMW writes.
  void load(int thread, const void* location, std::memory_order order) {
    load_from(thread, location, order, 0);
  }
  void store(int thread, const void* location, std::memory_order order, std::uint64_t old = 0,
             std::uint64_t value = 0);
  void rmw(int thread, const void* location, std::memory_order order, std::uint64_t old = 0,
           std::uint64_t value = 0);
  // A compare-exchange: an RMW with `success` when it stored, else a load of the newest store
  // with `failure`.
  void cas(int thread, const void* location, bool stored, std::memory_order success,
           std::memory_order failure, std::uint64_t old = 0, std::uint64_t value = 0) {
    if (stored) {
      rmw(thread, location, success, old, value);
    } else {
      readable(thread, location, failure, old);
      load(thread, location, failure);
    }
  }
  void fence(int thread, std::memory_order order);
  // A futex wait's compare or a futex wake: a seq_cst fence of the weak-memory model when it is
  // on and the futex is a full barrier; nothing otherwise.
  void futex_call(int thread);
  // Mutex edges: unlock -> the next lock.
  void unlock(int thread, const void* mutex) { store(thread, mutex, std::memory_order_release); }
  void lock(int thread, const void* mutex) { load(thread, mutex, std::memory_order_acquire); }

  // A weak-memory load, in two calls: readable() says how many stores `thread` may read at
  // `location` (newest first; `newest` is the value in memory now: a history that does not end
  // with it first records it as a store every thread knows, written outside the model); then
  // load_from() reads the k-th newest (k < readable(); 0 when the model is off) and returns it.
  int readable(int thread, const void* location, std::memory_order order, std::uint64_t newest);
  const store_record& load_from(int thread, const void* location, std::memory_order order, int k);
  // The number of stores to `location` so far (the newest one's position in modification order).
  std::uint64_t stores(const void* location) { return at(location).history.stores(); }

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
    store_history history;  // its stores, each with its release sequence's clock
  };

  location& at(const void* address);
  void tick(int thread) { ++threads_[thread].now.at[thread]; }
  // The history's newest store, created (known to all, clock empty) when it has none.
  store_record& newest(location& m);
  void sync_newest(location& m, std::uint64_t value);
  void seq_cst_fence(int thread);

  std::vector<thread_clocks> threads_;
  std::vector<location> locations_;
  std::size_t last_ = 0;  // index of the last location looked up
  bool weak_ = false;
  bool futex_fence_ = true;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_HAPPENS_BEFORE_H_
