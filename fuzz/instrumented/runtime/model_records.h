// What the models of synchronisation objects share (pthread_mutex.cc, pthread_rwlock.cc,
// pthread_once.cc, pthread_spin.cc, pthread_barrier.cc): a table of per-object records keyed by the
// object's address, whose bytes are registered with the scheduler (so traces name the object
// "word<i>+<offset>" and the trace hash covers it by order of first use, never by address); the
// scheduling point of a call with its use-after-destroy check; the verdict sync-misuse.
//
// Synchronisation: none; everything runs on the scheduler's OS thread.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_MODEL_RECORDS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_MODEL_RECORDS_H_

#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr::model {

// An owner or holder that is no simulated thread.
inline constexpr int kFree = -1;
inline constexpr int kHarness = -2;  // a call outside a simulated thread (a constructor)

// "T<n>", "the harness" or "nobody".
inline std::string thread_name(int t) {
  return t == kHarness ? "the harness" : t == kFree ? "nobody" : "T" + std::to_string(t);
}

// The running simulated thread's scheduler, or nullptr outside one (a constructor or the harness
// calls: no scheduling, nobody else runs).
inline sim::scheduler* simulation() {
  sim::scheduler* s = sim::scheduler::current();
  return s != nullptr && s->simulating() ? s : nullptr;
}

// A lock a simulated thread holds, as the deadlock message of a whole program names it
// (program.cc): its address, and how it is held ("" for a mutex or a spin lock, "for reading" or
// "for writing" for a read-write lock).
struct held_lock {
  const void* address = nullptr;
  const char* how = "";
};

// The fields every record has; a model's record type derives from it.
struct record_base {
  const void* address = nullptr;
  sim::scheduler* registered = nullptr;  // where its bytes are registered (nullptr: nowhere)
};

// The records of one model, one per object address. A reference from get() is valid until the
// next get() of a new address or drop() (the table may move): re-get it after a scheduling point.
template <class Record>
class record_table {
 public:
  // The record of the object of `bytes` bytes at `address`; a new one (value-initialised, its
  // bytes registered with the current scheduler, if any) when there is none, and then *added is
  // set.
  Record& get(const void* address, std::size_t bytes, bool* added = nullptr) {
    if (added != nullptr) *added = false;
    for (Record& r : records_) {
      if (r.address == address) return r;
    }
    Record r{};
    r.address = address;
    if (sim::scheduler* s = sim::scheduler::current()) {
      s->register_word(address, bytes);
      r.registered = s;
    }
    records_.push_back(r);
    if (added != nullptr) *added = true;
    return records_.back();
  }
  // The record of `address`, or nullptr.
  Record* find(const void* address) {
    for (Record& r : records_) {
      if (r.address == address) return &r;
    }
    return nullptr;
  }
  // Forgets the record of `address` (if any) and unregisters its bytes.
  void drop(const void* address) {
    for (auto it = records_.begin(); it != records_.end(); ++it) {
      if (it->address != address) continue;
      if (it->registered != nullptr) it->registered->unregister_word(address);
      records_.erase(it);
      return;
    }
  }
  // The records, in the order they were added.
  const std::vector<Record>& all() const { return records_; }
  // Between runs: forgets every record and unregisters their bytes.
  void clear() {
    for (const Record& r : records_) {
      if (r.registered != nullptr) r.registered->unregister_word(r.address);
    }
    records_.clear();
  }

 private:
  std::vector<Record> records_;
};

// The scheduling point of `call` by s's running simulated thread (the caller's code location
// traced and noted for deadlock messages: `pc` is its return address).
inline void call_point(sim::scheduler& s, const char* call, const void* pc) {
  if (s.tracing()) s.trace_location(detail::code_location(pc));
  note_call(s.running_thread(), call, pc);
  s.point();
}
// call_point() on the running simulated thread's scheduler, which it returns; outside a simulated
// thread (a constructor, the harness), unsupported-call naming the call.
inline sim::scheduler& simulated_call(const char* call, const void* pc) {
  sim::scheduler* s = simulation();
  if (s == nullptr) unsupported("%s (outside a simulated thread)", call);
  call_point(*s, call, pc);
  return *s;
}
// call_point() of `call` on the object [p, p + bytes); false when the object lies in a destroyed
// one (use-after-destroy: the run is over, the caller returns stop(s)).
inline bool enter(sim::scheduler& s, const void* p, std::size_t bytes, const char* call,
                  const void* pc) {
  call_point(s, call, pc);
  return detail::g_destroyed_count == 0 || !detail::touches_destroyed(p, bytes, call);
}

// Fails the run with the verdict sync-misuse: the running thread did what POSIX leaves
// undefined, `what` (after "T<n> "). The caller then stops the thread with stop(), once the
// message's temporaries are gone (an abandoned fiber runs no destructor).
inline void misuse(sim::scheduler& s, const std::string& what) {
  fail_run(s, verdict_kind::sync_misuse, "T" + std::to_string(s.running_thread()) + " " + what);
}
// The thread stops here, the run being over; EINVAL for the form's sake (nobody sees it).
inline int stop(sim::scheduler& s) {
  s.point();
  return EINVAL;
}

}  // namespace semfuzz::instr::model

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_MODEL_RECORDS_H_
