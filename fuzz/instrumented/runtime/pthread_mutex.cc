#include "fuzz/instrumented/runtime/pthread_mutex.h"

#include <pthread.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/lock_graph.h"
#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;
using sim::vtime;

// The lock models' shared records and rules (model_records.h): kFree, kHarness (a call outside a
// simulated thread), misuse, simulation, stop, thread_name, record_table.
using namespace model;

struct mutex_record : model::record_base {
  int type = PTHREAD_MUTEX_NORMAL;  // PTHREAD_MUTEX_NORMAL, _RECURSIVE or _ERRORCHECK
  int owner = kFree;
  int count = 0;
  int waiters = 0;
};

model::record_table<mutex_record>& records() {
  static auto* r = new model::record_table<mutex_record>;
  return *r;
}

int type_of_kind(int kind) {
  switch (kind & 3) {
    case PTHREAD_MUTEX_RECURSIVE:
      return PTHREAD_MUTEX_RECURSIVE;
    case PTHREAD_MUTEX_ERRORCHECK:
      return PTHREAD_MUTEX_ERRORCHECK;
    default:  // normal, and glibc's adaptive, which locks the same way
      return PTHREAD_MUTEX_NORMAL;
  }
}

mutex_record& record(pthread_mutex_t* m, int type) {
  bool added = false;
  mutex_record& r = records().get(m, sizeof *m, &added);
  if (added) r.type = type;
  return r;
}
// A mutex the model has not seen: statically initialised (its type from glibc's __kind).
mutex_record& record(pthread_mutex_t* m) { return record(m, type_of_kind(m->__data.__kind)); }

void drop(const pthread_mutex_t* m) { records().drop(m); }

// The mutex's holder, for the lock-order cycle check (lock_graph.h).
void holders(const void* lock, std::vector<int>* out) {
  const int owner = record(static_cast<pthread_mutex_t*>(const_cast<void*>(lock))).owner;
  if (owner >= 0) out->push_back(owner);
}

// Locks m for the running thread: try_only gives EBUSY instead of waiting; deadline (virtual
// monotonic ns, kNoDeadline: none) bounds the wait.
int lock(pthread_mutex_t* m, bool try_only, vtime deadline, const char* call, const void* pc) {
  scheduler* s = simulation();
  if (s == nullptr) {  // a constructor or the harness: no scheduling, nobody else runs
    mutex_record& r = record(m);
    if (r.owner == kFree || (r.type == PTHREAD_MUTEX_RECURSIVE && r.owner == kHarness)) {
      r.owner = kHarness;
      ++r.count;
      return 0;
    }
    if (try_only) return EBUSY;
    unsupported("%s of a held mutex (outside a simulated thread)", call);
  }
  if (!model::enter(*s, m, sizeof *m, call, pc)) return stop(*s);
  const int me = s->running_thread();
  mutex_record* r = &record(m);
  if (r->owner == me) {
    if (r->type == PTHREAD_MUTEX_RECURSIVE) {
      ++r->count;
      s->event(sim::ev::lock, m, static_cast<std::uint64_t>(r->count));
      return 0;
    }
    if (r->type == PTHREAD_MUTEX_ERRORCHECK) return try_only ? EBUSY : EDEADLK;
    if (try_only) return EBUSY;
    if (deadline == sim::kNoDeadline) {
      misuse(*s, std::string(call) +
                     " of a normal mutex it already holds: it waits for itself "
                     "for ever");
      return stop(*s);
    }
  }
  while (r->owner != kFree) {
    s->event(sim::ev::lock_busy, m, static_cast<std::uint64_t>(r->owner + 8));
    if (try_only) return EBUSY;
    if (deadline <= s->now()) return ETIMEDOUT;
    if (deadline == sim::kNoDeadline) {
      if (model::closes_lock_cycle(*s, m, &holders, call)) return stop(*s);
      model::set_untimed_wait(me, m, &holders);
    }
    ++r->waiters;
    const futex_status st = s->block(sim::wait_kind::futex, m, 0, deadline);
    model::set_untimed_wait(me, nullptr, nullptr);
    r = &record(m);  // the records may have moved meanwhile
    --r->waiters;
    if (st == futex_status::timed_out && r->owner != kFree) return ETIMEDOUT;
  }
  r->owner = me;
  r->count = 1;
  if (sim::happens_before* hb = s->ordering()) hb->lock(me, m);
  s->event(sim::ev::lock, m, 1);
  return 0;
}

}  // namespace

void mutexes_held_by(int thread, std::vector<model::held_lock>* held) {
  for (const mutex_record& r : records().all()) {
    if (r.owner == thread) held->push_back({r.address, ""});
  }
}

bool holds(pthread_mutex_t* m) {
  scheduler* s = simulation();
  return s != nullptr && record(m).owner == s->running_thread();
}

void forget_mutexes() { records().clear(); }

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_mutex_init(pthread_mutex_t* m, const pthread_mutexattr_t* attr) {
  int type = PTHREAD_MUTEX_NORMAL;
  if (attr != nullptr) {
    int robust = PTHREAD_MUTEX_STALLED, protocol = PTHREAD_PRIO_NONE;
    pthread_mutexattr_getrobust(attr, &robust);
    pthread_mutexattr_getprotocol(attr, &protocol);
    if (robust != PTHREAD_MUTEX_STALLED || protocol != PTHREAD_PRIO_NONE) {
      unsupported("pthread_mutex_init with a robust or priority-protocol attribute");
    }
    pthread_mutexattr_gettype(attr, &type);
  }
  pthread_mutex_init(m, attr);  // glibc's own bytes, as a program reading them would see
  drop(m);
  record(m, type_of_kind(type));
  return 0;
}

int semfuzz_instr_pthread_mutex_destroy(pthread_mutex_t* m) {
  const mutex_record* r = records().find(m);
  if (r != nullptr && (r->owner != kFree || r->waiters != 0)) {
    if (scheduler* s = simulation()) {
      {  // gone before stop()
        const std::string holder = r->owner != kFree
                                       ? thread_name(r->owner) + " holds"
                                       : std::to_string(r->waiters) + " thread(s) wait for";
        misuse(*s, "destroys a mutex that " + holder);
      }
      return stop(*s);
    }
    return EBUSY;
  }
  drop(m);
  return 0;
}

int semfuzz_instr_pthread_mutex_lock(pthread_mutex_t* m) {
  return lock(m, false, sim::kNoDeadline, "pthread_mutex_lock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_mutex_trylock(pthread_mutex_t* m) {
  return lock(m, true, sim::kNoDeadline, "pthread_mutex_trylock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_mutex_clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  vtime deadline = 0;
  if (!absolute_deadline(clock, at, &deadline)) return EINVAL;
  return lock(m, false, deadline, "pthread_mutex_clocklock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_mutex_timedlock(pthread_mutex_t* m, const timespec* at) {
  vtime deadline = 0;
  if (!absolute_deadline(CLOCK_REALTIME, at, &deadline)) return EINVAL;
  return lock(m, false, deadline, "pthread_mutex_timedlock", __builtin_return_address(0));
}

int semfuzz_instr_pthread_mutex_unlock(pthread_mutex_t* m) {
  scheduler* s = simulation();
  const int me = s != nullptr ? s->running_thread() : kHarness;
  if (s != nullptr) {
    if (s->tracing()) s->trace_location(detail::code_location(__builtin_return_address(0)));
    s->point();
    if (detail::g_destroyed_count != 0 &&
        detail::touches_destroyed(m, sizeof *m, "pthread_mutex_unlock")) {
      return stop(*s);
    }
  }
  mutex_record& r = record(m);
  if (r.owner != me) {
    if (r.type != PTHREAD_MUTEX_NORMAL || s == nullptr) return EPERM;
    misuse(*s, "unlocks a normal mutex that " + thread_name(r.owner) + " holds");
    return stop(*s);
  }
  if (--r.count > 0) {
    if (s != nullptr) s->event(sim::ev::unlock, m, static_cast<std::uint64_t>(r.count));
    return 0;
  }
  r.owner = kFree;
  if (s == nullptr) return 0;
  if (sim::happens_before* hb = s->ordering()) hb->unlock(me, m);
  s->event(sim::ev::unlock, m, 0);
  if (r.waiters != 0) s->wake_key(sim::wait_kind::futex, m, 0, 1);
  return 0;
}

}  // extern "C"
