// The plain-access race detector of the scheduled run: FastTrack (Flanagan & Freund, PLDI'09)
// over the happens-before checker's vector clocks (fuzz/sim/happens_before.h). Instrumented mode
// (fuzz/instrumented/runtime/hooks.cc) feeds it every plain read and write of the code under test.
//
// Two accesses to a byte race when they come from different simulated threads, at least one
// writes, and neither happens-before the other. Shadow memory, per byte: the last write, and
// either the last read (when every read so far is ordered after the one before it) or one read
// per thread (FastTrack's read-shared state). An access is compared with that history by the
// accessing thread's clock at the access: what thread u did at epoch e happens-before it iff the
// clock knows (u, e). A write that raced with nothing discards the reads (each happens-before it).
// Same-thread, same-epoch repeats are skipped (FastTrack's fast paths), and a repeat of one of the
// recent accesses (same thread, epoch, address, size, kind) while the shadow has not changed since
// is answered without looking at the shadow at all. Shadow is kept per
// 8-byte granule in a hash table keyed by address / 8, with one cell per byte, so disjoint bytes
// of one word (two threads' neighbouring fields) never conflict.
//
// Memory reuse: reset() forgets every access (a new run: the fibers' stacks and the heap are
// reused between runs); forget() forgets a range (memory allocated anew: it has no history).
// Within a run each simulated thread keeps its own fiber stack, so stack memory is never reused
// by another thread; heap memory is, and the instrumentation runtime forgets each block the
// allocator hands out (fuzz/instrumented/runtime/runtime.cc).
//
// Synchronisation: none; one detector belongs to one scheduler, on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_RACE_DETECTOR_H_
#define SEMFUZZ_FUZZ_SIM_RACE_DETECTOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/sim/happens_before.h"

namespace semfuzz::sim {

class race_detector {
 public:
  // One plain access: who made it, when (the thread's epoch and the trace's step), from where
  // (the hook's return address), how many bytes, and what it was ("read", "volatile write", ...).
  struct access {
    int thread = -1;
    epoch e = 0;
    std::uint64_t step = 0;
    const void* pc = nullptr;
    std::size_t bytes = 0;
    bool write = false;
    const char* what = "";
  };

  // A new run: no byte has a history.
  void reset();
  // Checks access `a` (`a.e` is a.thread's epoch in `now`) to [address, address + a.bytes) against
  // each byte's history, then records it. Returns the earlier access it races with, or nullptr;
  // the pointer is valid until the next call.
  const access* check(const void* address, const access& a, const vclock& now);
  // [address, address + bytes) holds a new object: no history. Allocates nothing (it may run
  // inside an allocator's hook); does nothing while check() runs.
  void forget(const void* address, std::size_t bytes);

 private:
  static constexpr std::uint32_t kShared = 0x80000000u;  // cell::read names a read set
  struct cell {
    std::uint32_t write = 0;  // 1 + index in log_ of the last write, or 0
    std::uint32_t read = 0;   // 1 + index in log_ of the last read, or kShared | index in reads_
  };
  struct granule {
    std::uintptr_t key = 0;  // address / 8
    std::uint32_t run = 0;   // the run it belongs to: older entries are empty slots
    std::array<cell, 8> cells{};
  };
  using read_set = std::array<std::uint32_t, kClockThreads>;  // per thread: 1 + log_ index, or 0

  granule& entry(std::uintptr_t key);  // found or inserted
  granule* find(std::uintptr_t key);
  void grow();
  bool ordered(std::uint32_t id, const vclock& now) const {
    const access& x = log_[id - 1];
    return now.knows(x.thread, x.e);
  }

  // A recent access that found no race, when the shadow was at `version`: the same access again
  // (same thread and epoch) finds the same, and changes nothing, while the version stays.
  struct recent {
    std::uintptr_t address = 0;
    std::uint32_t version = 0;
    epoch e = 0;
    std::uint32_t bytes = 0;
    std::int8_t thread = -1;
    bool write = false;
    // The record of `a` at `at`, the shadow at version v.
    static recent of(std::uintptr_t at, std::uint32_t v, const access& a) {
      recent r;
      r.address = at;
      r.version = v;
      r.e = a.e;
      r.bytes = static_cast<std::uint32_t>(a.bytes);
      r.thread = static_cast<std::int8_t>(a.thread);
      r.write = a.write;
      return r;
    }
    // Whether `a` at `at` repeats it, the shadow still at version v (a read repeats a write).
    bool covers(std::uintptr_t at, std::uint32_t v, const access& a) const {
      return address == at && version == v && thread == a.thread && e == a.e && bytes == a.bytes &&
             (write || !a.write);
    }
  };
  static constexpr std::size_t kRecent = 64;
  static std::size_t recent_slot(std::uintptr_t address) { return (address >> 2) % kRecent; }

  std::array<recent, kRecent> recent_{};
  std::uint32_t version_ = 1;   // goes up with every change of the shadow
  std::vector<granule> table_;  // open addressing, a power of two in size
  std::size_t used_ = 0;
  std::uint32_t run_ = 1;
  std::vector<access> log_;  // the accesses the shadow names
  std::vector<read_set> reads_;
  bool busy_ = false;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_RACE_DETECTOR_H_
