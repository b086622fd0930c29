#include "fuzz/instrumented/runtime/pthread_barrier.h"

#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <string>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;

struct barrier_record : model::record_base {
  unsigned count = 0;  // 0: never initialised
  unsigned arrived = 0;
  std::uint64_t round = 0;
  unsigned leaving = 0;    // released by a finished round, not returned yet
  bool destroyed = false;  // kept until the last of them leaves
};

model::record_table<barrier_record>& records() {
  static auto* r = new model::record_table<barrier_record>;
  return *r;
}
barrier_record& record(pthread_barrier_t* b) { return records().get(b, sizeof *b); }

// The happens-before location of a round: inside the barrier's bytes, alternating.
const void* round_location(const pthread_barrier_t* b, std::uint64_t round) {
  return reinterpret_cast<const char*>(b) + (round & 1);
}

}  // namespace

void forget_barriers() { records().clear(); }

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;

extern "C" {

int semfuzz_instr_pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr,
                                       unsigned count) {
  if (count == 0) return EINVAL;
  pthread_barrier_init(b, attr, count);  // glibc's own bytes, as a program reading them would see
  records().drop(b);
  record(b).count = count;
  return 0;
}

int semfuzz_instr_pthread_barrier_destroy(pthread_barrier_t* b) {
  if (barrier_record* r = records().find(b); r != nullptr && r->arrived != 0) {
    sim::scheduler* s = model::simulation();
    if (s == nullptr) return EBUSY;
    model::misuse(*s,
                  "destroys a barrier that " + std::to_string(r->arrived) + " thread(s) wait at");
    return model::stop(*s);
  } else if (r != nullptr && r->leaving != 0) {
    r->destroyed = true;  // the threads it released leave first
    r->count = 0;
    return 0;
  }
  records().drop(b);
  return 0;
}

int semfuzz_instr_pthread_barrier_wait(pthread_barrier_t* b) {
  sim::scheduler* s = model::simulation();
  if (s == nullptr) {  // a constructor or the harness: nobody else runs
    if (record(b).count == 1) return PTHREAD_BARRIER_SERIAL_THREAD;
    unsupported("pthread_barrier_wait that would block (outside a simulated thread)");
  }
  if (!model::enter(*s, b, sizeof *b, "pthread_barrier_wait", __builtin_return_address(0))) {
    return model::stop(*s);
  }
  const int me = s->running_thread();
  barrier_record* r = &record(b);
  if (r->count == 0) {
    model::misuse(*s, "waits at a barrier that was not initialised");
    return model::stop(*s);
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
  if (--r->leaving == 0 && r->destroyed) records().drop(b);
  if (hb != nullptr) hb->load(me, location, std::memory_order_acquire);
  return 0;
}

}  // extern "C"
