#include "fuzz/instrumented/runtime/emutls.h"

#include <cstring>
#include <new>
#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

constexpr int kHarnessTable = sim::scheduler::kMaxThreads;  // calls outside a simulated thread

struct block {
  const emutls_control* control;
  void* data;
};

struct tls_state {
  std::vector<block> blocks[kHarnessTable + 1];
  std::vector<thread_local_destructor> destructors[kHarnessTable + 1];
  std::vector<block> ended;  // the blocks of the run's ended threads, freed at its end
};

tls_state& state() {
  static auto* s = new tls_state;
  return *s;
}

int own_table() {
  const sim::scheduler* s = model::simulation();
  return s != nullptr ? s->running_thread() : kHarnessTable;
}

std::align_val_t alignment(const emutls_control* c) {
  return std::align_val_t{c->align > alignof(void*) ? c->align : alignof(void*)};
}

void free_blocks(std::vector<block>& blocks) {
  for (const block& b : blocks) ::operator delete(b.data, alignment(b.control));
  blocks.clear();
}

}  // namespace

void* thread_local_address(const emutls_control* control) {
  std::vector<block>& blocks = state().blocks[own_table()];
  for (const block& b : blocks) {
    if (b.control == control) return b.data;
  }
  const std::size_t size = control->size != 0 ? control->size : 1;
  void* data = ::operator new(size, alignment(control));
  if (control->value != nullptr) {
    std::memcpy(data, control->value, control->size);
  } else {
    std::memset(data, 0, size);
  }
  blocks.push_back(block{control, data});
  return data;
}

thread_local_destructor pop_thread_local_destructor(int thread) {
  std::vector<thread_local_destructor>& list = state().destructors[thread];
  if (list.empty()) return {};
  const thread_local_destructor last = list.back();
  list.pop_back();
  return last;
}

void end_thread_locals(int thread) {
  tls_state& st = state();
  st.ended.insert(st.ended.end(), st.blocks[thread].begin(), st.blocks[thread].end());
  st.blocks[thread].clear();
  st.destructors[thread].clear();
}

void forget_thread_locals() {
  tls_state& st = state();
  for (int t = 0; t < kHarnessTable; ++t) {
    free_blocks(st.blocks[t]);
    st.destructors[t].clear();
  }
  free_blocks(st.ended);
}

}  // namespace semfuzz::instr

extern "C" {

void* semfuzz_instr_emutls_get_address(semfuzz::instr::emutls_control* control) {
  return semfuzz::instr::thread_local_address(control);
}

int semfuzz_instr_cxa_thread_atexit(void (*destructor)(void*), void* object, void*) {
  using namespace semfuzz::instr;  // NOLINT
  state().destructors[own_table()].push_back(thread_local_destructor{destructor, object});
  return 0;
}

}  // extern "C"
