#include "fuzz/instrumented/runtime/pthread_once.h"

#include <pthread.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <string>

#include "fuzz/instrumented/runtime/emutls.h"
#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

#if defined(__GLIBCXX__) && defined(_GLIBCXX_HAVE_TLS)
// std::call_once's thread-locals as the instrumented code sees them: compiled with -femulated-tls,
// its header code reaches std::__once_callable and std::__once_call through these controls (which
// libstdc++.so, built with native TLS, does not define), so each simulated thread has its own.
extern "C" {  // global: their names are the ones the instrumented code asks for
extern semfuzz::instr::emutls_control once_callable_control asm("__emutls_v._ZSt15__once_callable");
extern semfuzz::instr::emutls_control once_call_control asm("__emutls_v._ZSt11__once_call");
semfuzz::instr::emutls_control once_callable_control{sizeof(void*), alignof(void*), 0, nullptr};
semfuzz::instr::emutls_control once_call_control{sizeof(void (*)()), alignof(void (*)()), 0,
                                                 nullptr};
}
#endif

namespace semfuzz::instr {
namespace {

using sim::scheduler;

enum class once_state { not_run, running, done };

struct once_record : model::record_base {
  once_state state = once_state::not_run;
  int runner = -1;
  int waiters = 0;
};

model::record_table<once_record>& records() {
  static auto* r = new model::record_table<once_record>;
  return *r;
}
once_record& record(pthread_once_t* once) { return records().get(once, sizeof *once); }

// std::call_once's thread-locals, as the caller left them before its pthread_once.
struct call_once_slots {
  bool libstdcxx = false;  // the routine is libstdc++'s __once_proxy
#if defined(__GLIBCXX__) && defined(_GLIBCXX_HAVE_TLS)
  void* callable = nullptr;
  void (*call)() = nullptr;
#endif
  explicit call_once_slots(void (*routine)()) {
#if defined(__GLIBCXX__) && defined(_GLIBCXX_HAVE_TLS)
    libstdcxx = routine == &std::__once_proxy;
    if (!libstdcxx) return;
    callable = *static_cast<void**>(thread_local_address(&once_callable_control));
    call = *static_cast<void (**)()>(thread_local_address(&once_call_control));
#else
    (void)routine;
#endif
  }
  // Hands them to __once_proxy (libstdc++.so: its native thread-locals, which it reads), with no
  // scheduling point before it reads them.
  void restore() const {
#if defined(__GLIBCXX__) && defined(_GLIBCXX_HAVE_TLS)
    if (!libstdcxx) return;
    std::__once_callable = callable;
    std::__once_call = call;
#endif
  }
};

// Runs the routine for the running thread (or the harness: s == nullptr) and marks the once
// done; an exception leaves it not run and wakes the waiters, one of which runs it then.
void run_routine(scheduler* s, pthread_once_t* once, void (*routine)(),
                 const call_once_slots& slots) {
  struct unwind_guard {
    scheduler* s;
    pthread_once_t* once;
    bool finished = false;
    ~unwind_guard() {
      if (finished) return;
      once_record& r = record(once);
      r.state = once_state::not_run;
      r.runner = -1;
      if (s == nullptr) return;
      const int me = s->running_thread();
      if (sim::happens_before* hb = s->ordering()) hb->unlock(me, once);
      s->event(sim::ev::unlock, once, 0);
      if (r.waiters != 0) s->wake_key(sim::wait_kind::futex, once, 0, INT_MAX);
    }
  } guard{s, once};
  slots.restore();
  routine();
  guard.finished = true;
  once_record& r = record(once);
  r.state = once_state::done;
  r.runner = -1;
  if (s == nullptr) return;
  const int me = s->running_thread();
  if (sim::happens_before* hb = s->ordering()) hb->unlock(me, once);
  s->event(sim::ev::unlock, once, 2);
  if (r.waiters != 0) s->wake_key(sim::wait_kind::futex, once, 0, INT_MAX);
}

}  // namespace

void forget_onces() { records().clear(); }

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definition below is extern "C"
namespace sim = semfuzz::sim;

extern "C" int semfuzz_instr_pthread_once(pthread_once_t* once, void (*routine)()) {
  const call_once_slots slots(routine);  // before any scheduling point
  sim::scheduler* s = model::simulation();
  if (s == nullptr) {  // a constructor or the harness: nobody else runs
    once_record& r = record(once);
    if (r.state == once_state::running) {
      unsupported("pthread_once of a once whose routine runs (outside a simulated thread)");
    }
    if (r.state == once_state::not_run) {
      r.state = once_state::running;
      run_routine(nullptr, once, routine, slots);
    }
    return 0;
  }
  if (!model::enter(*s, once, sizeof *once, "pthread_once", __builtin_return_address(0))) {
    return model::stop(*s);
  }
  const int me = s->running_thread();
  for (;;) {
    once_record* r = &record(once);
    if (r->state == once_state::done) {
      if (sim::happens_before* hb = s->ordering()) hb->lock(me, once);
      s->event(sim::ev::load, once, 2);
      return 0;
    }
    if (r->state == once_state::not_run) {
      r->state = once_state::running;
      r->runner = me;
      if (sim::happens_before* hb = s->ordering()) hb->lock(me, once);  // after a routine threw
      s->event(sim::ev::lock, once, 1);
      run_routine(s, once, routine, slots);
      return 0;
    }
    if (r->runner == me) {
      model::misuse(*s,
                    "calls pthread_once on the once whose routine it runs: it waits for itself "
                    "for ever");
      return model::stop(*s);
    }
    s->event(sim::ev::lock_busy, once, static_cast<std::uint64_t>(r->runner + 8));
    ++r->waiters;
    s->block(sim::wait_kind::futex, once, 0, sim::kNoDeadline);
    --record(once).waiters;  // the records may have moved meanwhile
  }
}
