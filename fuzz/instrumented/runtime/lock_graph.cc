#include "fuzz/instrumented/runtime/lock_graph.h"

#include <cstddef>
#include <string>

#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"

namespace semfuzz::instr::model {
namespace {

struct untimed_wait {
  const void* lock = nullptr;
  holders_fn holders = nullptr;
};

std::vector<untimed_wait>& waits() {
  static auto* w = new std::vector<untimed_wait>(sim::scheduler::kMaxThreads);
  return *w;
}

const untimed_wait* wait_of(int thread) {
  if (thread < 0 || static_cast<std::size_t>(thread) >= waits().size()) return nullptr;
  const untimed_wait& w = waits()[static_cast<std::size_t>(thread)];
  return w.lock != nullptr ? &w : nullptr;
}

// Depth-first from `lock`: whether some chain of holders and their untimed waits leads back to
// `me`; *path then reads ", held by T2, which waits for word1+0, held by T1". `seen` marks the
// threads already followed (each thread waits for one lock, so a thread met again adds nothing).
bool leads_back(sim::scheduler& s, const void* lock, holders_fn holders, int me,
                std::vector<bool>* seen, std::string* path) {
  std::vector<int> held_by;
  holders(lock, &held_by);
  for (const int h : held_by) {
    if (h == me) {
      *path = ", held by T" + std::to_string(h);
      return true;
    }
    if (h < 0 || static_cast<std::size_t>(h) >= seen->size()) continue;
    if ((*seen)[static_cast<std::size_t>(h)]) continue;
    (*seen)[static_cast<std::size_t>(h)] = true;
    const untimed_wait* w = wait_of(h);
    std::string rest;
    if (w != nullptr && leads_back(s, w->lock, w->holders, me, seen, &rest)) {
      *path = ", held by T" + std::to_string(h) + ", which waits for " + s.name_of(w->lock) + rest;
      return true;
    }
  }
  return false;
}

}  // namespace

void set_untimed_wait(int thread, const void* lock, holders_fn holders) {
  if (thread < 0 || static_cast<std::size_t>(thread) >= waits().size()) return;
  waits()[static_cast<std::size_t>(thread)] = {lock, holders};
}

bool closes_lock_cycle(sim::scheduler& s, const void* lock, holders_fn holders, const char* call) {
  const int me = s.running_thread();
  std::vector<bool> seen(waits().size(), false);
  std::string path;
  if (!leads_back(s, lock, holders, me, &seen, &path)) return false;
  fail_run(
      s, verdict_kind::deadlock,
      "lock-order cycle: T" + std::to_string(me) + " " + call + " of " + s.name_of(lock) + path);
  return true;
}

void forget_lock_waits() {
  for (untimed_wait& w : waits()) w = untimed_wait{};
}

}  // namespace semfuzz::instr::model
