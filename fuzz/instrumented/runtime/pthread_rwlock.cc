#include "fuzz/instrumented/runtime/pthread_rwlock.h"

#include <pthread.h>
#include <time.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/lock_graph.h"
#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;
using sim::vtime;

// The lock models' shared records and rules (model_records.h): kFree, kHarness (a call outside a
// simulated thread), misuse, simulation, stop, thread_name, record_table.
using namespace model;
constexpr std::size_t kHarnessSlot = scheduler::kMaxThreads;

struct rwlock_record : model::record_base {
  bool prefer_writer = false;
  int writer = kFree;
  std::array<int, scheduler::kMaxThreads + 1> reads{};  // per thread; the last: the harness
  int readers = 0;                                      // read locks held, all threads
  int waiters = 0;
  int writers_waiting = 0;
};

model::record_table<rwlock_record>& records() {
  static auto* r = new model::record_table<rwlock_record>;
  return *r;
}

std::size_t slot(int thread) {
  return thread == kHarness ? kHarnessSlot : static_cast<std::size_t>(thread);
}

// The record of rw; one the model has not seen is statically initialised (its kind from glibc's
// __flags, which PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP sets).
rwlock_record& record(pthread_rwlock_t* rw) {
  bool added = false;
  rwlock_record& r = records().get(rw, sizeof *rw, &added);
  if (added) r.prefer_writer = rw->__data.__flags == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
  return r;
}

// Where read unlocks release and write locks acquire (a location of the happens-before checker
// only, inside the lock's bytes): readers order the next writer, not each other.
const void* readers_location(const pthread_rwlock_t* rw) {
  return reinterpret_cast<const char*>(rw) + 1;
}

std::string holders(const rwlock_record& r) {
  if (r.writer != kFree) return "that " + thread_name(r.writer) + " holds for writing";
  if (r.readers != 0) return "read-locked " + std::to_string(r.readers) + " time(s)";
  return "that nobody holds";
}

// The holders a writer waits for (the writer and every reader), and those a reader waits for
// (the writer), for the lock-order cycle check (lock_graph.h).
void write_holders(const void* lock, std::vector<int>* out) {
  const rwlock_record& r = record(static_cast<pthread_rwlock_t*>(const_cast<void*>(lock)));
  if (r.writer >= 0) out->push_back(r.writer);
  for (int t = 0; t < scheduler::kMaxThreads; ++t) {
    if (r.reads[slot(t)] > 0) out->push_back(t);
  }
}
void read_holders(const void* lock, std::vector<int>* out) {
  const int writer = record(static_cast<pthread_rwlock_t*>(const_cast<void*>(lock))).writer;
  if (writer >= 0) out->push_back(writer);
}

bool can_enter(const rwlock_record& r, bool write) {
  if (r.writer != kFree) return false;
  if (write) return r.readers == 0;
  return !(r.prefer_writer && r.writers_waiting > 0);
}

void grant(rwlock_record& r, bool write, int thread) {
  if (write) {
    r.writer = thread;
  } else {
    ++r.reads[slot(thread)];
    ++r.readers;
  }
}

// Wakes every thread waiting for rw: they compete again, the chooser ordering them.
void wake_all(scheduler& s, const rwlock_record& r) {
  if (r.waiters != 0) s.wake_key(sim::wait_kind::futex, r.address, 0, INT_MAX);
}

// Locks rw for the running thread, for writing or reading: try_only gives EBUSY instead of
// waiting; deadline (virtual monotonic ns, kNoDeadline: none) bounds the wait.
int lock(pthread_rwlock_t* rw, bool write, bool try_only, vtime deadline, const char* call,
         const void* pc) {
  scheduler* s = simulation();
  if (s == nullptr) {  // a constructor or the harness: no scheduling, nobody else runs
    rwlock_record& r = record(rw);
    if (r.writer == kHarness) return try_only ? EBUSY : EDEADLK;
    if (can_enter(r, write)) {
      grant(r, write, kHarness);
      return 0;
    }
    if (try_only) return EBUSY;
    unsupported("%s of a held read-write lock (outside a simulated thread)", call);
  }
  if (!model::enter(*s, rw, sizeof *rw, call, pc)) return stop(*s);
  const int me = s->running_thread();
  rwlock_record* r = &record(rw);
  if (r->writer == me) return try_only ? EBUSY : EDEADLK;
  if (write && r->reads[slot(me)] > 0 && !try_only && deadline == sim::kNoDeadline) {
    misuse(*s, std::string(call) + " of a read-write lock it holds for reading: it waits for " +
                   "itself for ever");
    return stop(*s);
  }
  bool counted = false;  // among the writers waiting
  while (!can_enter(*r, write)) {
    s->event(sim::ev::lock_busy, rw,
             static_cast<std::uint64_t>(r->writer != kFree ? r->writer + 8 : r->readers));
    if (try_only) return EBUSY;
    if (deadline > s->now()) {
      const model::holders_fn holders = write ? &write_holders : &read_holders;
      if (deadline == sim::kNoDeadline) {
        if (model::closes_lock_cycle(*s, rw, holders, call)) return stop(*s);
        model::set_untimed_wait(me, rw, holders);
      }
      if (write && !counted) ++r->writers_waiting;
      counted = counted || write;
      ++r->waiters;
      const futex_status st = s->block(sim::wait_kind::futex, rw, 0, deadline);
      model::set_untimed_wait(me, nullptr, nullptr);
      r = &record(rw);  // the records may have moved meanwhile
      --r->waiters;
      if (st != futex_status::timed_out || can_enter(*r, write)) continue;
    }
    if (counted && --r->writers_waiting == 0 && r->prefer_writer) {
      wake_all(*s, *r);  // readers held back by this writer may enter
    }
    return ETIMEDOUT;
  }
  if (counted) --r->writers_waiting;
  grant(*r, write, me);
  if (sim::happens_before* hb = s->ordering()) {
    hb->lock(me, rw);
    if (write) hb->load(me, readers_location(rw), std::memory_order_acquire);
  }
  s->event(sim::ev::lock, rw, static_cast<std::uint64_t>(write ? 0 : r->readers));
  return 0;
}

}  // namespace

void forget_rwlocks() { records().clear(); }

void rwlocks_held_by(int thread, std::vector<model::held_lock>* held) {
  for (const rwlock_record& r : records().all()) {
    if (r.writer == thread) {
      held->push_back({r.address, "for writing"});
    } else if (r.reads[slot(thread)] > 0) {
      held->push_back({r.address, "for reading"});
    }
  }
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr) {
  int kind = PTHREAD_RWLOCK_DEFAULT_NP;
  if (attr != nullptr) pthread_rwlockattr_getkind_np(attr, &kind);
  pthread_rwlock_init(rw, attr);  // glibc's own bytes, as a program reading them would see
  records().drop(rw);
  records().get(rw, sizeof *rw).prefer_writer =
      kind == PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP;
  return 0;
}

int semfuzz_instr_pthread_rwlock_destroy(pthread_rwlock_t* rw) {
  const rwlock_record* r = records().find(rw);
  if (r != nullptr && (r->writer != kFree || r->readers != 0 || r->waiters != 0)) {
    sim::scheduler* s = simulation();
    if (s == nullptr) return EBUSY;
    {  // gone before stop()
      const std::string what = r->writer == kFree && r->readers == 0
                                   ? "that " + std::to_string(r->waiters) + " thread(s) wait for"
                                   : holders(*r);
      misuse(*s, "destroys a read-write lock " + what);
    }
    return stop(*s);
  }
  records().drop(rw);
  return 0;
}

int semfuzz_instr_pthread_rwlock_rdlock(pthread_rwlock_t* rw) {
  return lock(rw, false, false, sim::kNoDeadline, "pthread_rwlock_rdlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_tryrdlock(pthread_rwlock_t* rw) {
  return lock(rw, false, true, sim::kNoDeadline, "pthread_rwlock_tryrdlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* at) {
  sim::vtime deadline = 0;
  if (!absolute_deadline(CLOCK_REALTIME, at, &deadline)) return EINVAL;
  return lock(rw, false, false, deadline, "pthread_rwlock_timedrdlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock,
                                             const timespec* at) {
  sim::vtime deadline = 0;
  if (!absolute_deadline(clock, at, &deadline)) return EINVAL;
  return lock(rw, false, false, deadline, "pthread_rwlock_clockrdlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_wrlock(pthread_rwlock_t* rw) {
  return lock(rw, true, false, sim::kNoDeadline, "pthread_rwlock_wrlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_trywrlock(pthread_rwlock_t* rw) {
  return lock(rw, true, true, sim::kNoDeadline, "pthread_rwlock_trywrlock",
              __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* at) {
  sim::vtime deadline = 0;
  if (!absolute_deadline(CLOCK_REALTIME, at, &deadline)) return EINVAL;
  return lock(rw, true, false, deadline, "pthread_rwlock_timedwrlock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock,
                                             const timespec* at) {
  sim::vtime deadline = 0;
  if (!absolute_deadline(clock, at, &deadline)) return EINVAL;
  return lock(rw, true, false, deadline, "pthread_rwlock_clockwrlock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_rwlock_unlock(pthread_rwlock_t* rw) {
  sim::scheduler* s = simulation();
  const int me = s != nullptr ? s->running_thread() : kHarness;
  if (s != nullptr &&
      !model::enter(*s, rw, sizeof *rw, "pthread_rwlock_unlock", __builtin_return_address(0))) {
    return stop(*s);
  }
  rwlock_record& r = record(rw);
  if (r.writer == me) {
    r.writer = kFree;
    if (s == nullptr) return 0;
    if (sim::happens_before* hb = s->ordering()) hb->unlock(me, rw);
    s->event(sim::ev::unlock, rw, 0);
    wake_all(*s, r);
    return 0;
  }
  if (r.reads[slot(me)] > 0) {
    --r.reads[slot(me)];
    --r.readers;
    if (s == nullptr) return 0;
    if (sim::happens_before* hb = s->ordering()) {
      hb->rmw(me, readers_location(rw), std::memory_order_release);
    }
    s->event(sim::ev::unlock, rw, static_cast<std::uint64_t>(r.readers));
    if (r.readers == 0) wake_all(*s, r);
    return 0;
  }
  if (s == nullptr) return EPERM;
  misuse(*s, "unlocks a read-write lock " + holders(r));
  return stop(*s);
}

}  // extern "C"
