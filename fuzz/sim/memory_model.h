// The weak-memory model: per atomic location, its recent stores in modification order, and which
// of them a load may read under the C++ memory model (C++20 [intro.races], [atomics.order]).
//
// One store history per location, kept by the happens-before checker (fuzz/sim/happens_before.h)
// beside its vector clocks: the writer's epoch and each store's release-sequence clock are those
// clocks. The simulated platform's atomics (fuzz/sim/sim_platform.h) and the instrumented hooks
// (fuzz/instrumented/runtime/hooks.cc) both reach it through scheduler::load_value() and the
// checker's store / rmw, so one model serves both. docs/memory-model.md says what it explores and
// what not.
//
// Modification order (mo) is execution order (sound: every outcome is allowed; it misses those
// whose mo disagrees with execution, e.g. 2+2W). A load by thread T may read any store of the
// history from the newest back to the first one that T "knows" (the floor), where T knows a
// store W when
//   - W's writer happens-before T's load (write-read / read-write coherence: T's own stores
//     included), or W is the location's first known value (thread -1: the initial value or a
//     write the model did not see, e.g. a plain write or a constructor);
//   - some thread read W at an epoch that happens-before T's load (read-read coherence: T's own
//     earlier reads included);
//   - W is at or before T's seq_cst floor for the location: set by T's seq_cst fences (and futex
//     calls, when the futex is a full barrier) to the last seq_cst store and the last store
//     sequenced before any earlier seq_cst fence (S = execution order of seq_cst operations);
//   - T's load is seq_cst and W is at or before the last seq_cst store, or the last store
//     sequenced before an executed seq_cst fence.
// Read-modify-writes and compare-exchanges (failed ones too: a simplification that only removes
// outcomes) read the newest store. Loads never read a store later in execution order (load
// buffering and out-of-thin-air values cannot arise: fibers run in program order).
//
// The history keeps the newest kDepth stores; older ones are out of reach (a bound, as loom's).
// Off (the default, and every input of format v1), it keeps only the newest store and every load
// reads it: the checker's clocks behave exactly as before the model existed.
//
// Synchronisation: none; owned by one happens_before, on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_MEMORY_MODEL_H_
#define SEMFUZZ_FUZZ_SIM_MEMORY_MODEL_H_

#include <array>
#include <cstdint>

#include "fuzz/sim/vclock.h"

namespace semfuzz::sim {

struct store_record {
  std::uint64_t value = 0;
  std::uint64_t seq = 0;  // position in modification order, from 1
  int thread = -1;        // the writer; -1: known to every thread (see above)
  epoch at = 0;           // the writer's own epoch when it stored
  bool seq_cst = false;
  vclock released;  // what an acquire that reads this store joins (its release sequence's clock)
  vclock read_at;   // per thread, the epoch of its first read of this store (0: none)

  // Whether a thread whose clock is `c` knows this store (write or read happens-before it).
  bool known(const vclock& c) const {
    if (thread < 0 || c.at[thread] >= at) return true;
    for (int r = 0; r < kClockThreads; ++r) {
      if (read_at.at[r] != 0 && c.at[r] >= read_at.at[r]) return true;
    }
    return false;
  }
};

class store_history {
 public:
  static constexpr int kDepth = 8;

  bool empty() const { return size_ == 0; }
  int size() const { return size_; }
  std::uint64_t stores() const { return seq_; }  // how many stores so far (the newest's seq)
  // k = 0: the newest store, k = 1 the one before, ... (k < size()).
  store_record& from_newest(int k) { return ring_[(head_ + kDepth - k) % kDepth]; }
  const store_record& from_newest(int k) const { return ring_[(head_ + kDepth - k) % kDepth]; }

  // Appends a store (its seq is set here); keeps kDepth stores when `weak`, else only this one.
  store_record& push(const store_record& r, bool weak) {
    head_ = weak ? (head_ + 1) % kDepth : 0;
    if (!weak) {
      size_ = 1;
    } else if (size_ < kDepth) {
      ++size_;
    }
    ring_[head_] = r;
    ring_[head_].seq = ++seq_;
    if (r.seq_cst) last_seq_cst_ = seq_;
    return ring_[head_];
  }

  // How many stores, newest first, `thread` (whose clock is `c`) may read: at least 1.
  int readable(int thread, const vclock& c, bool seq_cst) const {
    std::uint64_t floor = floor_[thread];
    if (seq_cst) floor = max(floor, max(last_seq_cst_, fenced_));
    for (int k = 0; k < size_; ++k) {
      const store_record& r = from_newest(k);
      if (r.seq <= floor || r.known(c)) return k + 1;
    }
    return size_;
  }

  // A seq_cst fence by `thread` (or a futex call that is a full barrier), in two halves: first
  // its stores before the fence become visible to every later seq_cst fence and load (fence()),
  // then the thread's floor rises to what earlier fences and seq_cst stores published (floor()).
  void fence(int thread) {
    for (int k = 0; k < size_; ++k) {
      const store_record& r = from_newest(k);
      if (r.thread == thread) {
        fenced_ = max(fenced_, r.seq);
        break;
      }
    }
  }
  void floor(int thread) { floor_[thread] = max(floor_[thread], max(fenced_, last_seq_cst_)); }

 private:
  static std::uint64_t max(std::uint64_t a, std::uint64_t b) { return a < b ? b : a; }

  std::array<store_record, kDepth> ring_{};
  int head_ = 0;
  int size_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t last_seq_cst_ = 0;  // seq of the newest seq_cst store (RMWs included)
  std::uint64_t fenced_ = 0;        // seq of the newest store sequenced before an executed sc fence
  std::array<std::uint64_t, kClockThreads> floor_{};  // per thread, from its seq_cst fences
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_MEMORY_MODEL_H_
