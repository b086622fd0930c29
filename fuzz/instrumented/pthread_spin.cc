#include "fuzz/instrumented/pthread_spin.h"

#include <pthread.h>

#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime.h"
#include "fuzz/sim/scheduler.h"
#include "fuzz/verdict.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;

constexpr int kFree = -1;
constexpr int kHarness = -2;  // locked outside a simulated thread

// A spin lock's address as the scheduler and the checkers key it (pthread_spinlock_t is a
// volatile int).
const void* key(const pthread_spinlock_t* l) { return const_cast<const int*>(l); }

struct spin_record {
  const void* address;
  int owner = kFree;
  int spinners = 0;
  scheduler* registered = nullptr;  // where its bytes are registered
};

std::vector<spin_record>& records() {
  static auto* r = new std::vector<spin_record>;
  return *r;
}

// The running simulated thread's scheduler, or nullptr outside one.
scheduler* simulation() {
  scheduler* s = scheduler::current();
  return s != nullptr && s->simulating() ? s : nullptr;
}

spin_record& record(const pthread_spinlock_t* l) {
  for (spin_record& r : records()) {
    if (r.address == key(l)) return r;
  }
  records().push_back(spin_record{key(l)});
  spin_record& r = records().back();
  if (scheduler* s = scheduler::current()) {
    s->register_word(key(l), sizeof *l);
    r.registered = s;
  }
  return r;
}

void drop(const pthread_spinlock_t* l) {
  std::vector<spin_record>& all = records();
  for (auto it = all.begin(); it != all.end(); ++it) {
    if (it->address != key(l)) continue;
    if (it->registered != nullptr) it->registered->unregister_word(it->address);
    all.erase(it);
    return;
  }
}

std::string thread_name(int t) {
  return t == kHarness ? "the harness" : t == kFree ? "nobody" : "T" + std::to_string(t);
}

// Fails the run: the code under test did what POSIX leaves undefined; the thread stops at the
// scheduling point (the message's temporaries are gone by then).
int misuse(scheduler& s, const std::string& what) {
  s.fail(verdict_kind::sync_misuse, "T" + std::to_string(s.running_thread()) + " " + what);
  return EINVAL;
}
int stop(scheduler& s) {
  s.point();  // the run is over: the thread stops here
  return EINVAL;
}

// The scheduling point of a call on l by the running simulated thread; false when l lies in a
// destroyed object (the run is over: the caller returns stop()).
bool enter(scheduler& s, pthread_spinlock_t* l, const char* call, const void* pc) {
  if (s.tracing()) s.trace_location(detail::code_location(pc));
  s.point();
  return detail::g_destroyed_count == 0 || !detail::touches_destroyed(key(l), sizeof *l, call);
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
  if (!enter(*s, l, call, pc)) return stop(*s);
  const int me = s->running_thread();
  spin_record* r = &record(l);
  if (r->owner == me && !try_only) {
    misuse(*s, std::string(call) + " of a spin lock it holds: it spins for ever");
    return stop(*s);
  }
  while (r->owner != kFree) {
    s->event(sim::ev::lock_busy, key(l), static_cast<std::uint64_t>(r->owner + 8));
    if (try_only) return EBUSY;
    ++r->spinners;
    s->block(sim::wait_kind::futex, key(l), 0, sim::kNoDeadline);
    r = &record(l);  // the records may have moved meanwhile
    --r->spinners;
  }
  r->owner = me;
  if (sim::happens_before* hb = s->ordering()) hb->lock(me, key(l));
  s->event(sim::ev::lock, key(l), 1);
  return 0;
}

}  // namespace

void forget_spinlocks() {
  for (const spin_record& r : records()) {
    if (r.registered != nullptr) r.registered->unregister_word(r.address);
  }
  records().clear();
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_spin_init(pthread_spinlock_t* l, int pshared) {
  pthread_spin_init(l, pshared);  // glibc's own bytes, as a program reading them would see
  drop(l);
  record(l);
  return 0;
}

int semfuzz_instr_pthread_spin_destroy(pthread_spinlock_t* l) {
  for (const spin_record& r : records()) {
    if (r.address != key(l)) continue;
    if (r.owner != kFree || r.spinners != 0) {
      sim::scheduler* s = simulation();
      if (s == nullptr) return EBUSY;
      misuse(*s,
             "destroys a spin lock " +
                 (r.owner != kFree ? "that " + thread_name(r.owner) + " holds"
                                   : "that " + std::to_string(r.spinners) + " thread(s) spin on"));
      return stop(*s);
    }
    break;
  }
  drop(l);
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
  if (s != nullptr && !enter(*s, l, "pthread_spin_unlock", __builtin_return_address(0))) {
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
