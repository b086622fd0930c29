#include "fuzz/instrumented/runtime/pthread_key.h"

#include <limits.h>
#include <pthread.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/emutls.h"
#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;

constexpr std::size_t kKeys = PTHREAD_KEYS_MAX;
constexpr int kHarnessTable = scheduler::kMaxThreads;  // the values of calls outside a thread

struct key_record {
  unsigned seq = 0;  // odd: in use
  void (*destructor)(void*) = nullptr;
};
bool in_use(const key_record& k) { return (k.seq & 1U) != 0; }

// One thread's value of one key, with the key's sequence number when it was set.
struct value_slot {
  const void* data = nullptr;
  unsigned seq = 0;
};

struct key_state {
  std::vector<key_record> keys;          // grows to the highest key created
  std::vector<key_record> harness_keys;  // the key table as calls outside a run left it
  std::vector<value_slot> values[kHarnessTable + 1];
};

key_state& state() {
  static auto* s = new key_state;
  return *s;
}

// The table of the running simulated thread, or the harness's.
std::vector<value_slot>& own_values() {
  const scheduler* s = model::simulation();
  return state().values[s != nullptr ? s->running_thread() : kHarnessTable];
}

// After a change of the key table outside a run: it is what every run starts from.
void keep_if_harness(const scheduler* s) {
  if (s == nullptr) state().harness_keys = state().keys;
}

}  // namespace

namespace {

// Calls destructor(argument) on `me`, `what` (for the trace and the verdict); an exception that
// leaves it terminates the program: the verdict program-failure, and the thread stops here.
void call_destructor(scheduler& s, int me, void (*destructor)(void*), void* argument,
                     const std::string& what) {
  if (s.tracing()) s.note("T" + std::to_string(me) + " runs " + what);
  bool escaped = false;
  try {
    destructor(argument);
  } catch (...) {
    escaped = true;  // judged outside the handler (an abandoned fiber ends no catch)
  }
  if (!escaped) return;
  fail_run(s, verdict_kind::program_failure,
           "an exception escaped " + what + " on T" + std::to_string(me) + ": std::terminate");
  s.point();  // the run is over: the thread stops here
}

// The thread_local destructors registered on `me`, last registered first (emutls.h).
void run_thread_local_destructors(scheduler& s, int me) {
  for (thread_local_destructor d = pop_thread_local_destructor(me); d.function != nullptr;
       d = pop_thread_local_destructor(me)) {
    call_destructor(s, me, d.function, d.object, "a thread_local destructor");
  }
}

// POSIX's rounds of key destructors on `me`.
void run_key_destructors(scheduler& s, int me) {
  for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; ++round) {
    bool ran = false;
    // Indices, re-read after every destructor: a destructor may set values and create keys.
    for (std::size_t k = 0; k < state().values[me].size(); ++k) {
      value_slot& v = state().values[me][k];
      if (v.data == nullptr) continue;
      void* data = const_cast<void*>(v.data);
      const unsigned seq = v.seq;
      v = value_slot{};
      const key_record key = state().keys[k];
      if (key.seq != seq || key.destructor == nullptr) continue;  // deleted since (glibc: skipped)
      ran = true;
      call_destructor(s, me, key.destructor, data,
                      "the thread-specific data destructor of key " + std::to_string(k));
    }
    if (!ran) break;
  }
}

}  // namespace

void end_thread_storage(scheduler& s, int me) {
  run_thread_local_destructors(s, me);  // glibc's order: thread_locals first, then keys
  run_key_destructors(s, me);
  run_thread_local_destructors(s, me);  // first used by a key destructor (glibc would leak them)
  state().values[me].clear();
  end_thread_locals(me);
}

void run_exit_destructors(scheduler& s, int me) { run_thread_local_destructors(s, me); }

void forget_keys() {
  key_state& st = state();
  st.keys = st.harness_keys;
  for (int t = 0; t < kHarnessTable; ++t) st.values[t].clear();
}

}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"
namespace model = semfuzz::instr::model;

extern "C" {

int semfuzz_instr_pthread_key_create(pthread_key_t* key, void (*destructor)(void*)) {
  semfuzz::sim::scheduler* s = model::simulation();
  if (s != nullptr) model::call_point(*s, "pthread_key_create", __builtin_return_address(0));
  std::vector<key_record>& keys = state().keys;
  std::size_t k = 0;
  while (k < keys.size() && in_use(keys[k])) ++k;
  if (k == kKeys) return EAGAIN;
  if (k == keys.size()) keys.emplace_back();
  ++keys[k].seq;
  keys[k].destructor = destructor;
  keep_if_harness(s);
  *key = static_cast<pthread_key_t>(k);
  return 0;
}

int semfuzz_instr_pthread_key_delete(pthread_key_t key) {
  semfuzz::sim::scheduler* s = model::simulation();
  if (s != nullptr) model::call_point(*s, "pthread_key_delete", __builtin_return_address(0));
  std::vector<key_record>& keys = state().keys;
  if (key >= keys.size() || !in_use(keys[key])) return EINVAL;
  ++keys[key].seq;
  keys[key].destructor = nullptr;
  keep_if_harness(s);
  return 0;
}

void* semfuzz_instr_pthread_getspecific(pthread_key_t key) {
  const std::vector<key_record>& keys = state().keys;
  const std::vector<value_slot>& values = own_values();
  if (key >= keys.size() || key >= values.size() || values[key].seq != keys[key].seq) {
    return nullptr;
  }
  return const_cast<void*>(values[key].data);
}

int semfuzz_instr_pthread_setspecific(pthread_key_t key, const void* value) {
  const std::vector<key_record>& keys = state().keys;
  if (key >= keys.size() || !in_use(keys[key])) return EINVAL;
  std::vector<value_slot>& values = own_values();
  if (values.size() <= key) values.resize(key + 1);
  values[key] = value_slot{value, keys[key].seq};
  return 0;
}

}  // extern "C"
