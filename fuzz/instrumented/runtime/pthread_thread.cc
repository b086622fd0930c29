#include "fuzz/instrumented/runtime/pthread_thread.h"

#include <pthread.h>

#include <cerrno>
#include <climits>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/pthread_key.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;

constexpr int kThreads = scheduler::kMaxThreads;
constexpr pthread_t kFirstCreatedId = 101;
constexpr int kFreeSlot = -1;
constexpr int kRetiredSlot = -2;  // its detached thread ended: never reused in this run

// One thread pthread_create made in this run.
struct thread_record {
  pthread_t id = 0;
  int sim = 0;  // the simulated thread that runs it
  void* (*routine)(void*) = nullptr;
  void* arg = nullptr;
  void* result = nullptr;
  bool started = false;
  bool finished = false;
  bool detached = false;
  bool joined = false;
  int joiner = -1;
};

struct run_threads {
  std::vector<thread_record> created;  // in creation order; indices stay valid for the run
  int slot[kThreads];                  // per simulated thread: its record, or kFreeSlot / kRetired
  pthread_t next_id = kFirstCreatedId;
  run_threads() { std::fill(std::begin(slot), std::end(slot), kFreeSlot); }
};

run_threads& state() {
  static auto* s = new run_threads;
  return *s;
}

// Each simulated thread's word: the key of joins and the location of the create and end edges.
char g_words[kThreads];
model::record_table<model::record_base>& words() {
  static auto* w = new model::record_table<model::record_base>;
  return *w;
}
const void* word_of(int t) {
  words().get(&g_words[t], 1);  // registered with the scheduler: traces name it
  return &g_words[t];
}

// The record of the thread with `id`, or nullptr.
thread_record* find(pthread_t id) {
  for (thread_record& r : state().created) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string describe(const thread_record& r) {
  return "thread " + std::to_string(r.id) + " (T" + std::to_string(r.sim) + ")";
}

// The end of the running thread's current thread, with its result.
void finish(scheduler& s, int me, void* result) {
  s.point();
  run_threads& st = state();
  thread_record& r = st.created[static_cast<std::size_t>(st.slot[me])];
  r.finished = true;
  r.result = result;
  const void* word = word_of(me);
  if (sim::happens_before* hb = s.ordering()) hb->unlock(me, word);
  s.event(sim::ev::unlock, word, 0);
  if (r.detached) st.slot[me] = kRetiredSlot;
  if (r.joiner >= 0) s.wake_key(sim::wait_kind::futex, word, 0, INT_MAX);
}

// Fails the run when the running thread `me` may not join r (POSIX leaves it undefined).
bool misused_join(scheduler& s, const thread_record& r, int me) {
  std::string why;
  if (r.detached) why = ", which is detached";
  if (r.joined) why = ", which was joined already";
  if (r.joiner >= 0 && r.joiner != me) why = ", which T" + std::to_string(r.joiner) + " is joining";
  if (why.empty()) return false;
  model::misuse(s, "joins " + describe(r) + why);
  return true;
}

int join(pthread_t id, void** result, bool try_only, const char* call, const void* pc) {
  scheduler& s = model::simulated_call(call, pc);
  const int me = s.running_thread();
  if (id == current_thread_id()) return EDEADLK;
  thread_record* r = find(id);
  if (r == nullptr) {
    if (id >= 1 && id <= static_cast<pthread_t>(kThreads)) {
      unsupported("%s of thread %lu, which pthread_create did not create", call, id);
    }
    return ESRCH;
  }
  const std::size_t index = static_cast<std::size_t>(r - state().created.data());
  if (misused_join(s, *r, me)) return model::stop(s);
  const int runner = r->sim;
  const void* word = word_of(runner);
  while (!state().created[index].finished) {
    s.event(sim::ev::lock_busy, word, 0);
    if (try_only) return EBUSY;
    state().created[index].joiner = me;
    s.block(sim::wait_kind::futex, word, 0, sim::kNoDeadline);
  }
  thread_record& done = state().created[index];
  done.joined = true;
  done.joiner = -1;
  if (result != nullptr) *result = done.result;
  state().slot[runner] = kFreeSlot;  // its simulated thread is parked: free for the next create
  if (sim::happens_before* hb = s.ordering()) hb->lock(me, word);
  s.event(sim::ev::lock, word, 0);
  return 0;
}

#if defined(__GLIBCXX__)
// libstdc++'s execute_native_thread_routine: runs the std::thread's state, then deletes it.
void* run_std_thread(void* p) {
  std::unique_ptr<std::thread::_State> st(static_cast<std::thread::_State*>(p));
  st->_M_run();
  return nullptr;
}

static_assert(sizeof(std::thread) == sizeof(pthread_t), "std::thread is its id");
static_assert(sizeof(std::unique_ptr<std::thread::_State>) == sizeof(void*));
#endif

}  // namespace

pthread_t current_thread_id() {
  const scheduler* s = scheduler::current();
  if (s == nullptr || s->running_thread() < 0) return pthread_self();
  const int me = s->running_thread();
  const run_threads& st = state();
  if (me >= s->parked_from() && st.slot[me] >= 0) {
    return st.created[static_cast<std::size_t>(st.slot[me])].id;
  }
  return static_cast<pthread_t>(me + 1);
}

void thread_slot(int me) {
  scheduler& s = *scheduler::current();
  for (;;) {
    while (state().slot[me] < 0 ||
           state().created[static_cast<std::size_t>(state().slot[me])].started) {
      s.park();
    }
    thread_record& r = state().created[static_cast<std::size_t>(state().slot[me])];
    r.started = true;
    void* (*routine)(void*) = r.routine;
    void* arg = r.arg;
    const void* word = word_of(me);
    if (sim::happens_before* hb = s.ordering()) hb->lock(me, word);
    s.event(sim::ev::lock, word, 0);
    void* result = nullptr;
    bool escaped = false;
    try {
      result = routine(arg);
    } catch (const thread_exit& e) {
      result = e.value;
    } catch (...) {
      escaped = true;  // judged outside the handler (an abandoned fiber ends no catch)
    }
    if (escaped) {
      fail_run(
          s, verdict_kind::program_failure,
          "an exception escaped the start routine of T" + std::to_string(me) + ": std::terminate");
      s.point();  // the run is over: the thread stops here
    }
    end_thread_storage(s, me);  // its destructors, on it, before the end-of-thread edge
    finish(s, me, result);
  }
}

int joined_thread(int joiner) {
  for (const thread_record& r : state().created) {
    if (r.joiner == joiner && !r.finished) return r.sim;
  }
  return -1;
}

void forget_threads() {
  state() = run_threads{};
  words().clear();
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace sim = semfuzz::sim;
namespace model = semfuzz::instr::model;

namespace {

// pthread_create, called from the code under test's `pc`.
int create(pthread_t* id, const pthread_attr_t* attr, void* (*routine)(void*), void* arg,
           const char* call, const void* pc) {
  sim::scheduler& s = model::simulated_call(call, pc);
  const int me = s.running_thread();
  int detach_state = PTHREAD_CREATE_JOINABLE;
  if (attr != nullptr) pthread_attr_getdetachstate(attr, &detach_state);
  run_threads& st = state();
  int t = s.parked_from();
  while (t < s.threads() &&
         !(st.slot[t] == kFreeSlot && s.waiting_in(t) == sim::wait_kind::parked)) {
    ++t;
  }
  if (t >= s.threads()) {
    const int spares = s.threads() - s.parked_from();
    semfuzz::fail_run(
        s, semfuzz::verdict_kind::unsupported_call,
        "T" + std::to_string(me) + " calls pthread_create, but " + std::to_string(spares) +
            " created threads are running or not yet joined: a run holds at most " +
            std::to_string(spares) + " of them beside " + std::to_string(s.parked_from()) +
            " runner thread(s) (" + std::to_string(kThreads) + " simulated threads)");
    model::stop(s);
    return EAGAIN;
  }
  thread_record r;
  r.id = st.next_id++;
  r.sim = t;
  r.routine = routine;
  r.arg = arg;
  r.detached = detach_state == PTHREAD_CREATE_DETACHED;
  st.slot[t] = static_cast<int>(st.created.size());
  st.created.push_back(r);
  const void* word = word_of(t);
  if (sim::happens_before* hb = s.ordering()) hb->unlock(me, word);
  s.event(sim::ev::unlock, word, static_cast<std::uint64_t>(t));
  if (s.tracing()) {
    s.note("T" + std::to_string(me) + " creates T" + std::to_string(t) + " (thread " +
           std::to_string(r.id) + ")");
  }
  if (id != nullptr) *id = r.id;
  s.unpark(t);
  return 0;
}

}  // namespace

extern "C" {

int semfuzz_instr_pthread_create(pthread_t* id, const pthread_attr_t* attr, void* (*routine)(void*),
                                 void* arg) {
  return create(id, attr, routine, arg, "pthread_create", __builtin_return_address(0));
}

int semfuzz_instr_pthread_join(pthread_t id, void** result) {
  return join(id, result, false, "pthread_join", __builtin_return_address(0));
}

int semfuzz_instr_pthread_tryjoin_np(pthread_t id, void** result) {
  return join(id, result, true, "pthread_tryjoin_np", __builtin_return_address(0));
}

int semfuzz_instr_pthread_detach(pthread_t id) {
  sim::scheduler& s = model::simulated_call("pthread_detach", __builtin_return_address(0));
  thread_record* r = find(id);
  if (r == nullptr || r->joined) return ESRCH;
  if (r->detached) return EINVAL;
  r->detached = true;
  if (r->finished) state().slot[r->sim] = kRetiredSlot;
  s.event(sim::ev::store, word_of(r->sim), 0);
  return 0;
}

void semfuzz_instr_pthread_exit(void* value) {
  if (model::simulation() == nullptr) unsupported("pthread_exit (outside a simulated thread)");
  throw thread_exit{value};
}

pthread_t semfuzz_instr_pthread_self() { return current_thread_id(); }

int semfuzz_instr_pthread_equal(pthread_t a, pthread_t b) { return a == b; }

#if defined(__GLIBCXX__)
void semfuzz_instr_std_thread_start(void* self, void* state, void (*)()) {
  auto* owner = static_cast<std::thread::_State**>(state);
  std::thread::_State* st = *owner;
  *owner = nullptr;
  pthread_t id = 0;
  const int e =
      create(&id, nullptr, &run_std_thread, st, "std::thread::thread", __builtin_return_address(0));
  if (e != 0) {
    *owner = st;
    std::__throw_system_error(e);
  }
  *static_cast<pthread_t*>(self) = id;
}

void semfuzz_instr_std_thread_join(void* self) {
  auto* id = static_cast<pthread_t*>(self);
  const int e = *id != 0
                    ? join(*id, nullptr, false, "std::thread::join", __builtin_return_address(0))
                    : EINVAL;
  if (e != 0) std::__throw_system_error(e);
  *id = 0;
}

void semfuzz_instr_std_thread_detach(void* self) {
  auto* id = static_cast<pthread_t*>(self);
  const int e = *id != 0 ? semfuzz_instr_pthread_detach(*id) : EINVAL;
  if (e != 0) std::__throw_system_error(e);
  *id = 0;
}
#endif

}  // extern "C"
