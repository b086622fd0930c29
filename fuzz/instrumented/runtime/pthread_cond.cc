#include "fuzz/instrumented/runtime/pthread_cond.h"

#include <pthread.h>
#include <time.h>

#include <cerrno>
#include <climits>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/pthread_mutex.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;
using sim::vtime;

struct cond_record {
  const pthread_cond_t* address;
  clockid_t clock;
  int sleepers = 0;
};

std::vector<cond_record>& records() {
  static auto* r = new std::vector<cond_record>;
  return *r;
}

cond_record& record(const pthread_cond_t* c) {
  for (cond_record& r : records()) {
    if (r.address == c) return r;
  }
  records().push_back(cond_record{c, CLOCK_REALTIME});  // statically initialised
  return records().back();
}

void drop(const pthread_cond_t* c) {
  std::vector<cond_record>& all = records();
  for (auto it = all.begin(); it != all.end(); ++it) {
    if (it->address == c) {
      all.erase(it);
      return;
    }
  }
}

int wait(pthread_cond_t* c, pthread_mutex_t* m, vtime deadline, const char* call, const void* pc) {
  scheduler& s = model::simulated_call(call, pc);
  if (detail::g_destroyed_count != 0 && detail::touches_destroyed(c, sizeof *c, call)) {
    s.point();  // the run is over: the thread stops here
    return EINVAL;
  }
  if (!holds(m)) {
    semfuzz::fail_run(
        s, semfuzz::verdict_kind::sync_misuse,
        "T" + std::to_string(s.running_thread()) + " " + call + " with a mutex it does not hold");
    s.point();  // the run is over: the thread stops here
    return EPERM;
  }
  s.event(sim::ev::cv_wait, c, static_cast<std::uint64_t>(deadline));
  semfuzz_instr_pthread_mutex_unlock(m);
  futex_status st = futex_status::timed_out;
  if (deadline > s.now()) {
    ++record(c).sleepers;
    st = s.sleep(sim::wait_kind::condvar, c, 0, deadline);
    --record(c).sleepers;
  }
  semfuzz_instr_pthread_mutex_lock(m);
  return st == futex_status::timed_out ? ETIMEDOUT : 0;
}

int notify(pthread_cond_t* c, int count, const char* call, const void* pc) {
  scheduler& s = model::simulated_call(call, pc);
  if (detail::g_destroyed_count != 0 && detail::touches_destroyed(c, sizeof *c, call)) {
    s.point();  // the run is over: the thread stops here
    return EINVAL;
  }
  const int woken = s.wake_key(sim::wait_kind::condvar, c, 0, count);
  s.event(sim::ev::cv_notify, c, static_cast<std::uint64_t>(count),
          static_cast<std::uint64_t>(woken));
  return 0;
}

}  // namespace

void forget_conds() { records().clear(); }

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_cond_init(pthread_cond_t* c, const pthread_condattr_t* attr) {
  clockid_t clock = CLOCK_REALTIME;
  if (attr != nullptr) pthread_condattr_getclock(attr, &clock);
  pthread_cond_init(c, attr);  // glibc's own bytes, as a program reading them would see
  drop(c);
  records().push_back(cond_record{c, clock});
  return 0;
}

int semfuzz_instr_pthread_cond_destroy(pthread_cond_t* c) {
  sim::scheduler* s = sim::scheduler::current();
  const int sleepers = record(c).sleepers;
  if (sleepers != 0 && s != nullptr && s->simulating()) {
    semfuzz::fail_run(*s, semfuzz::verdict_kind::sync_misuse,
                      "T" + std::to_string(s->running_thread()) +
                          " destroys a condition variable that " + std::to_string(sleepers) +
                          " thread(s) sleep on");
    s->point();  // the run is over: the thread stops here
    return EBUSY;
  }
  drop(c);
  return 0;
}

int semfuzz_instr_pthread_cond_wait(pthread_cond_t* c, pthread_mutex_t* m) {
  return wait(c, m, sim::kNoDeadline, "pthread_cond_wait", __builtin_return_address(0));
}

int semfuzz_instr_pthread_cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m,
                                         const timespec* at) {
  vtime deadline = 0;
  if (!absolute_deadline(record(c).clock, at, &deadline)) return EINVAL;
  return wait(c, m, deadline, "pthread_cond_timedwait", __builtin_return_address(0));
}

int semfuzz_instr_pthread_cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock,
                                         const timespec* at) {
  vtime deadline = 0;
  if (!absolute_deadline(clock, at, &deadline)) return EINVAL;
  return wait(c, m, deadline, "pthread_cond_clockwait", __builtin_return_address(0));
}

int semfuzz_instr_pthread_cond_signal(pthread_cond_t* c) {
  return notify(c, 1, "pthread_cond_signal", __builtin_return_address(0));
}

int semfuzz_instr_pthread_cond_broadcast(pthread_cond_t* c) {
  return notify(c, INT_MAX, "pthread_cond_broadcast", __builtin_return_address(0));
}

// libstdc++'s std::condition_variable members that live in its shared library (the others are
// header code over the calls above): the object is a pthread_cond_t (its __condvar's only
// member), a unique_lock<mutex> starts with its mutex's address, and a std::mutex is a
// pthread_mutex_t. notify_one / notify_all are pthread_cond_signal / _broadcast themselves.
void semfuzz_instr_std_condition_variable_construct(pthread_cond_t* c) {
  semfuzz_instr_pthread_cond_init(c, nullptr);
}
void semfuzz_instr_std_condition_variable_destroy(pthread_cond_t* c) {
  semfuzz_instr_pthread_cond_destroy(c);
}
void semfuzz_instr_std_condition_variable_wait(pthread_cond_t* c, pthread_mutex_t** lock) {
  wait(c, *lock, sim::kNoDeadline, "std::condition_variable::wait", __builtin_return_address(0));
}

}  // extern "C"
