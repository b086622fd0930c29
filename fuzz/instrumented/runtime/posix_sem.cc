#include "fuzz/instrumented/runtime/posix_sem.h"

#include <semaphore.h>
#include <time.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <string>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;
using sim::vtime;

struct sem_record : model::record_base {
  unsigned value = 0;
  int waiters = 0;
};

model::record_table<sem_record>& records() {
  static auto* r = new model::record_table<sem_record>;
  return *r;
}

// The record of sem; one the model has not seen (not initialised by sem_init: undefined, but
// glibc reads its bytes) starts from glibc's value word.
sem_record& record(const sem_t* sem) {
  bool added = false;
  sem_record& r = records().get(sem, sizeof *sem, &added);
  if (added) {
    int value = 0;
    sem_getvalue(const_cast<sem_t*>(sem), &value);
    r.value = value > 0 ? static_cast<unsigned>(value) : 0;
  }
  return r;
}

int fail_with(int error) {
  errno = error;
  return -1;
}

// The running simulated thread's scheduler after the call's scheduling point, or nullptr outside
// a simulated thread; *stopped when the call touched a destroyed object (the run is over).
scheduler* enter(sem_t* sem, const char* call, const void* pc, bool* stopped) {
  scheduler* s = model::simulation();
  *stopped = s != nullptr && !model::enter(*s, sem, sizeof *sem, call, pc);
  if (*stopped) model::stop(*s);
  return s;
}

// Takes one from sem for the running thread: try_only gives EAGAIN instead of waiting; deadline
// (virtual monotonic ns, kNoDeadline: none) bounds the wait; deadline_ok false (a bad timespec or
// clock) gives EINVAL where the call would block.
int take(sem_t* sem, bool try_only, vtime deadline, bool deadline_ok, const char* call,
         const void* pc) {
  bool stopped = false;
  scheduler* s = enter(sem, call, pc, &stopped);
  if (stopped) return fail_with(EINVAL);
  sem_record* r = &record(sem);
  if (s == nullptr) {  // a constructor or the harness: nobody else runs
    if (r->value == 0 && !try_only)
      unsupported("%s of a semaphore at 0 (outside a simulated thread)", call);
    if (r->value == 0) return fail_with(EAGAIN);
    --r->value;
    return 0;
  }
  const int me = s->running_thread();
  while (r->value == 0) {
    s->event(sim::ev::load, sem, 0);
    if (try_only) return fail_with(EAGAIN);
    if (!deadline_ok) return fail_with(EINVAL);
    if (deadline <= s->now()) return fail_with(ETIMEDOUT);
    ++r->waiters;
    const futex_status st = s->block(sim::wait_kind::futex, sem, 0, deadline);
    r = &record(sem);  // the records may have moved meanwhile
    --r->waiters;
    if (st == futex_status::timed_out && r->value == 0) return fail_with(ETIMEDOUT);
  }
  --r->value;
  if (sim::happens_before* hb = s->ordering()) hb->rmw(me, sem, std::memory_order_acquire);
  s->event(sim::ev::fetch_sub, sem, r->value);
  return 0;
}

}  // namespace

void forget_posix_semaphores() { records().clear(); }

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_sem_init(sem_t* sem, int pshared, unsigned value) {
  if (value > SEM_VALUE_MAX) return fail_with(EINVAL);
  sem_init(sem, pshared, value);  // glibc's own bytes, as a program reading them would see
  records().drop(sem);
  record(sem).value = value;
  return 0;
}

int semfuzz_instr_sem_destroy(sem_t* sem) {
  const sem_record* r = records().find(sem);
  if (r != nullptr && r->waiters != 0) {
    sim::scheduler* s = model::simulation();
    if (s == nullptr) return fail_with(EBUSY);
    model::misuse(*s,
                  "destroys a semaphore that " + std::to_string(r->waiters) + " thread(s) wait on");
    model::stop(*s);
    return fail_with(EBUSY);
  }
  records().drop(sem);
  return 0;
}

int semfuzz_instr_sem_post(sem_t* sem) {
  bool stopped = false;
  sim::scheduler* s = enter(sem, "sem_post", __builtin_return_address(0), &stopped);
  if (stopped) return fail_with(EINVAL);
  sem_record& r = record(sem);
  if (r.value >= SEM_VALUE_MAX) return fail_with(EOVERFLOW);
  ++r.value;
  if (s == nullptr) return 0;
  if (sim::happens_before* hb = s->ordering()) {
    hb->rmw(s->running_thread(), sem, std::memory_order_release);
  }
  s->event(sim::ev::fetch_add, sem, r.value);
  if (r.waiters != 0) s->wake_key(sim::wait_kind::futex, sem, 0, 1);
  return 0;
}

int semfuzz_instr_sem_wait(sem_t* sem) {
  return take(sem, false, sim::kNoDeadline, true, "sem_wait", __builtin_return_address(0));
}

int semfuzz_instr_sem_trywait(sem_t* sem) {
  return take(sem, true, sim::kNoDeadline, true, "sem_trywait", __builtin_return_address(0));
}

int semfuzz_instr_sem_timedwait(sem_t* sem, const timespec* at) {
  sim::vtime deadline = 0;
  const bool ok = absolute_deadline(CLOCK_REALTIME, at, &deadline);
  return take(sem, false, deadline, ok, "sem_timedwait", __builtin_return_address(0));
}

int semfuzz_instr_sem_clockwait(sem_t* sem, clockid_t clock, const timespec* at) {
  sim::vtime deadline = 0;
  const bool ok = absolute_deadline(clock, at, &deadline);
  return take(sem, false, deadline, ok, "sem_clockwait", __builtin_return_address(0));
}

int semfuzz_instr_sem_getvalue(sem_t* sem, int* value) {
  bool stopped = false;
  enter(sem, "sem_getvalue", __builtin_return_address(0), &stopped);
  if (stopped) return fail_with(EINVAL);
  *value = static_cast<int>(record(sem).value);
  return 0;
}

}  // extern "C"
