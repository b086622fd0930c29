#include "fuzz/instrumented/pthread_barrier.h"

#include <pthread.h>

#include <atomic>
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

struct barrier_record {
  const pthread_barrier_t* address;
  unsigned count = 0;  // 0: never initialised
  unsigned arrived = 0;
  std::uint64_t round = 0;
  unsigned leaving = 0;             // released by a finished round, not returned yet
  bool destroyed = false;           // kept until the last of them leaves
  scheduler* registered = nullptr;  // where its bytes are registered
};

std::vector<barrier_record>& records() {
  static auto* r = new std::vector<barrier_record>;
  return *r;
}

barrier_record& record(pthread_barrier_t* b) {
  for (barrier_record& r : records()) {
    if (r.address == b) return r;
  }
  records().push_back(barrier_record{b});
  barrier_record& r = records().back();
  if (scheduler* s = scheduler::current()) {
    s->register_word(b, sizeof *b);
    r.registered = s;
  }
  return r;
}

void drop(const pthread_barrier_t* b) {
  std::vector<barrier_record>& all = records();
  for (auto it = all.begin(); it != all.end(); ++it) {
    if (it->address != b) continue;
    if (it->registered != nullptr) it->registered->unregister_word(b);
    all.erase(it);
    return;
  }
}

// The happens-before location of a round: inside the barrier's bytes, alternating.
const void* round_location(const pthread_barrier_t* b, std::uint64_t round) {
  return reinterpret_cast<const char*>(b) + (round & 1);
}

// Fails the run: the code under test did what POSIX leaves undefined; the caller then stops the
// thread with stop(), once the message's temporaries are gone.
void misuse(scheduler& s, const std::string& what) {
  s.fail(verdict_kind::sync_misuse, "T" + std::to_string(s.running_thread()) + " " + what);
}
int stop(scheduler& s) {
  s.point();  // the run is over: the thread stops here
  return EINVAL;
}

}  // namespace

void forget_barriers() {
  for (const barrier_record& r : records()) {
    if (r.registered != nullptr) r.registered->unregister_word(r.address);
  }
  records().clear();
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr,
                                       unsigned count) {
  if (count == 0) return EINVAL;
  pthread_barrier_init(b, attr, count);  // glibc's own bytes, as a program reading them would see
  drop(b);
  record(b).count = count;
  return 0;
}

int semfuzz_instr_pthread_barrier_destroy(pthread_barrier_t* b) {
  for (barrier_record& r : records()) {
    if (r.address != b) continue;
    if (r.arrived != 0) {
      sim::scheduler* s = sim::scheduler::current();
      if (s == nullptr || !s->simulating()) return EBUSY;
      misuse(*s, "destroys a barrier that " + std::to_string(r.arrived) + " thread(s) wait at");
      return stop(*s);
    }
    if (r.leaving != 0) {
      r.destroyed = true;  // the threads it released leave first
      r.count = 0;
      return 0;
    }
    break;
  }
  drop(b);
  return 0;
}

int semfuzz_instr_pthread_barrier_wait(pthread_barrier_t* b) {
  sim::scheduler* s = sim::scheduler::current();
  if (s == nullptr || !s->simulating()) {  // a constructor or the harness: nobody else runs
    if (record(b).count == 1) return PTHREAD_BARRIER_SERIAL_THREAD;
    unsupported("pthread_barrier_wait that would block (outside a simulated thread)");
  }
  if (s->tracing()) s->trace_location(detail::code_location(__builtin_return_address(0)));
  s->point();
  if (detail::g_destroyed_count != 0 &&
      detail::touches_destroyed(b, sizeof *b, "pthread_barrier_wait")) {
    return stop(*s);
  }
  const int me = s->running_thread();
  barrier_record* r = &record(b);
  if (r->count == 0) {
    misuse(*s, "waits at a barrier that was not initialised");
    return stop(*s);
  }
  const std::uint64_t round = r->round;
  const void* location = round_location(b, round);
  sim::happens_before* hb = s->ordering();
  if (hb != nullptr) hb->rmw(me, location, std::memory_order_release);
  s->event(sim::ev::fetch_add, b, ++r->arrived);
  if (r->arrived == r->count) {
    r->leaving += r->arrived - 1;
    r->arrived = 0;
    ++r->round;
    s->wake_key(sim::wait_kind::futex, b, 0, INT_MAX);
    if (hb != nullptr) hb->load(me, location, std::memory_order_acquire);
    return PTHREAD_BARRIER_SERIAL_THREAD;
  }
  do {
    s->block(sim::wait_kind::futex, b, 0, sim::kNoDeadline);
    r = &record(b);  // the records may have moved meanwhile
  } while (r->round == round);
  if (--r->leaving == 0 && r->destroyed) drop(b);
  if (hb != nullptr) hb->load(me, location, std::memory_order_acquire);
  return 0;
}

}  // extern "C"
