#include "fuzz/instrumented/runtime/pthread_spin.h"

#include <pthread.h>

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

// The lock models' shared records and rules (model_records.h): kFree, kHarness (a call outside a
// simulated thread), misuse, simulation, stop, thread_name, record_table.
using namespace model;
using sim::scheduler;

// A spin lock's address as the scheduler and the checkers key it (pthread_spinlock_t is a
// volatile int).
const void* key(const pthread_spinlock_t* l) { return const_cast<const int*>(l); }

struct spin_record : model::record_base {
  int owner = kFree;
  int spinners = 0;
};

model::record_table<spin_record>& records() {
  static auto* r = new model::record_table<spin_record>;
  return *r;
}
spin_record& record(const pthread_spinlock_t* l) { return records().get(key(l), sizeof *l); }

// The spin lock's holder, for the lock-order cycle check (lock_graph.h).
void holders(const void* lock, std::vector<int>* out) {
  const int owner = records().get(lock, sizeof(pthread_spinlock_t)).owner;
  if (owner >= 0) out->push_back(owner);
}

int lock(pthread_spinlock_t* l, bool try_only, const char* call, const void* pc) {
  scheduler* s = simulation();
  if (s == nullptr) {  // a constructor or the harness: no scheduling, nobody else runs
    spin_record& r = record(l);
    if (r.owner == kFree) {
      r.owner = kHarness;
      return 0;
    }
    if (try_only) return EBUSY;
    unsupported("%s of a held spin lock (outside a simulated thread)", call);
  }
  if (!model::enter(*s, key(l), sizeof *l, call, pc)) return stop(*s);
  const int me = s->running_thread();
  spin_record* r = &record(l);
  if (r->owner == me && !try_only) {
    misuse(*s, std::string(call) + " of a spin lock it holds: it spins for ever");
    return stop(*s);
  }
  while (r->owner != kFree) {
    s->event(sim::ev::lock_busy, key(l), static_cast<std::uint64_t>(r->owner + 8));
    if (try_only) return EBUSY;
    if (model::closes_lock_cycle(*s, key(l), &holders, call)) return stop(*s);
    model::set_untimed_wait(me, key(l), &holders);
    ++r->spinners;
    s->block(sim::wait_kind::futex, key(l), 0, sim::kNoDeadline);
    model::set_untimed_wait(me, nullptr, nullptr);
    r = &record(l);  // the records may have moved meanwhile
    --r->spinners;
  }
  r->owner = me;
  if (sim::happens_before* hb = s->ordering()) hb->lock(me, key(l));
  s->event(sim::ev::lock, key(l), 1);
  return 0;
}

}  // namespace

void forget_spinlocks() { records().clear(); }

void spin_locks_held_by(int thread, std::vector<model::held_lock>* held) {
  for (const spin_record& r : records().all()) {
    if (r.owner == thread) held->push_back({r.address, ""});
  }
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_spin_init(pthread_spinlock_t* l, int pshared) {
  pthread_spin_init(l, pshared);  // glibc's own bytes, as a program reading them would see
  records().drop(key(l));
  record(l);
  return 0;
}

int semfuzz_instr_pthread_spin_destroy(pthread_spinlock_t* l) {
  const spin_record* r = records().find(key(l));
  if (r != nullptr && (r->owner != kFree || r->spinners != 0)) {
    sim::scheduler* s = simulation();
    if (s == nullptr) return EBUSY;
    misuse(*s,
           "destroys a spin lock " +
               (r->owner != kFree ? "that " + thread_name(r->owner) + " holds"
                                  : "that " + std::to_string(r->spinners) + " thread(s) spin on"));
    return stop(*s);
  }
  records().drop(key(l));
  return 0;
}

int semfuzz_instr_pthread_spin_lock(pthread_spinlock_t* l) {
  return lock(l, false, "pthread_spin_lock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_spin_trylock(pthread_spinlock_t* l) {
  return lock(l, true, "pthread_spin_trylock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_spin_unlock(pthread_spinlock_t* l) {
  sim::scheduler* s = simulation();
  const int me = s != nullptr ? s->running_thread() : kHarness;
  if (s != nullptr &&
      !model::enter(*s, key(l), sizeof *l, "pthread_spin_unlock", __builtin_return_address(0))) {
    return stop(*s);
  }
  spin_record& r = record(l);
  if (r.owner != me) {
    if (s == nullptr) return EPERM;
    misuse(*s, "unlocks a spin lock that " + thread_name(r.owner) + " holds");
    return stop(*s);
  }
  r.owner = kFree;
  if (s == nullptr) return 0;
  if (sim::happens_before* hb = s->ordering()) hb->unlock(me, key(l));
  s->event(sim::ev::unlock, key(l), 0);
  if (r.spinners != 0) s->wake_key(sim::wait_kind::futex, key(l), 0, INT_MAX);
  return 0;
}

}  // extern "C"
